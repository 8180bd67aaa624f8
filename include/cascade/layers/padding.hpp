#pragma once
// Padding of one spatial axis: Keras' 'valid' (no padding), 'same' (output = ceil(input / stride), the
// padding split with the smaller half before, TensorFlow's rule, for every stride and dilation) and
// 'causal' (conv1d: d·(K − 1) zeros before, none after, so output t sees inputs ≤ t only).
// The option types that select them (padding::valid, padding::same, padding::causal) are in options.hpp.
#include <cstddef>

namespace cascade::layers {

enum class padding_mode { valid, same, causal };

struct padded_axis {
    std::size_t out, before;
};

// Output size and leading padding of one spatial axis. 'valid' with a window larger than the input
// yields out = 0, which the layer's check() reports.
constexpr padded_axis pad_axis(padding_mode p, std::size_t in, std::size_t k, std::size_t s, std::size_t d = 1) {
    const std::size_t span = d * (k - 1) + 1;
    if (p == padding_mode::valid) return {in >= span ? (in - span) / s + 1 : 0, 0};
    const std::size_t out = (in + s - 1) / s;
    if (p == padding_mode::causal) return {out, span - 1};
    const std::size_t need = (out - 1) * s + span;
    const std::size_t total = need > in ? need - in : 0;
    return {out, total / 2};
}

} // namespace cascade::layers
