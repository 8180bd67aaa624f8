#pragma once
// padding: Keras' 'valid' (no padding) and 'same' (output = ceil(input / stride), the padding split
// with the smaller half before, like TensorFlow).
#include <cstddef>

namespace cascade::layers {

enum class padding { valid, same };

struct padded_axis {
    std::size_t out, before;
};

// Output size and leading padding of one spatial axis. 'valid' with a window larger than the input
// yields out = 0, which the layer's check() reports.
constexpr padded_axis pad_axis(padding p, std::size_t in, std::size_t k, std::size_t s, std::size_t d = 1) {
    const std::size_t span = d * (k - 1) + 1;
    if (p == padding::valid) return {in >= span ? (in - span) / s + 1 : 0, 0};
    const std::size_t out = (in + s - 1) / s;
    const std::size_t need = (out - 1) * s + span;
    const std::size_t total = need > in ? need - in : 0;
    return {out, total / 2};
}

} // namespace cascade::layers
