#pragma once
// batcher: epoch permutations and mini-batch gathering for a dataset (dataset.hpp).
//
//   shuffled_order(n, seed, epoch)  -> a permutation of 0..n-1, the same on every standard library
//   shuffle_into(order, n, seed, epoch)  the same permutation written into an existing vector
//   gather_batch(d, order, begin, end, xb, yb)  copies samples order[begin..end) into xb (end-begin, ...)
//                                               and yb (end-begin, ...); allocates only when the batch
//                                               size (or sample shape) changed since the last call
//
// The permutation is a hand-written Fisher-Yates shuffle driven by std::mt19937_64 (whose output the
// standard fixes) with a hand-written unbiased bounded draw, because std::shuffle and
// std::uniform_int_distribution are implementation-defined. The engine is seeded with
//   splitmix64(splitmix64(seed) + epoch)
// so every epoch of a run gets a different, reproducible permutation.
#include "cascade/config.hpp"
#include "cascade/data/dataset.hpp"
#include "cascade/tensor/tensor.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <random>
#include <type_traits>
#include <vector>

namespace cascade::data {

namespace detail {

// SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijection on 64-bit integers with good mixing.
constexpr std::uint64_t splitmix64(std::uint64_t z) {
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

constexpr std::uint64_t epoch_seed(std::uint64_t seed, std::uint64_t epoch) {
    return splitmix64(splitmix64(seed) + epoch);
}

// Uniform integer in [0, bound) (bound > 0) by rejection, without modulo bias: values below
// 2^64 mod bound are redrawn. Identical on every standard library.
inline std::uint64_t uniform_below(std::mt19937_64& gen, std::uint64_t bound) {
    const std::uint64_t threshold = (0 - bound) % bound; // 2^64 mod bound
    for (;;) {
        const std::uint64_t r = gen();
        if (r >= threshold) return r % bound;
    }
}

} // namespace detail

// Writes the permutation of 0..n-1 for (seed, epoch) into order, reusing its capacity (no allocation
// when order.capacity() >= n).
inline void shuffle_into(std::vector<std::size_t>& order, std::size_t n, std::uint64_t seed, std::size_t epoch) {
    order.resize(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::mt19937_64 gen(detail::epoch_seed(seed, epoch));
    for (std::size_t i = n; i > 1; --i) { // Fisher-Yates, from the back
        const auto j = static_cast<std::size_t>(detail::uniform_below(gen, i));
        std::swap(order[i - 1], order[j]);
    }
}

// The permutation of 0..n-1 for (seed, epoch).
inline std::vector<std::size_t> shuffled_order(std::size_t n, std::uint64_t seed, std::size_t epoch) {
    std::vector<std::size_t> order;
    shuffle_into(order, n, seed, epoch);
    return order;
}

// 0, 1, ..., n-1 (the order of an unshuffled epoch).
inline std::vector<std::size_t> sequential_order(std::size_t n) {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    return order;
}

// Copies samples order[begin..end) of d into xb and yb, row by row (one memcpy per sample and
// tensor). xb and yb are resized only when their shape is not already (end - begin, ...sample shape...),
// so a training loop with a fixed batch size allocates nothing after its first step.
// Throws cascade::error for a range outside order or an index outside the dataset.
template <class T, std::size_t XR, std::size_t YR>
void gather_batch(const dataset<T, XR, YR>& d, const std::vector<std::size_t>& order, std::size_t begin,
                  std::size_t end, host_tensor<T, XR>& xb, host_tensor<T, YR>& yb) {
    static_assert(std::is_trivially_copyable_v<T>, "gather_batch: copies rows with memcpy");
    const std::size_t n = d.size();
    CASCADE_CHECK(begin <= end && end <= order.size(), "gather_batch: range [", begin, ", ", end,
                  ") is not inside the order of ", order.size(), " indices");
    const std::size_t b = end - begin;
    ensure_shape(xb, detail::with_rows(d.x, b));
    ensure_shape(yb, detail::with_rows(d.y, b));
    const std::size_t xrow = detail::row_size(d.x);
    const std::size_t yrow = detail::row_size(d.y);
    const T* xs = d.x.data();
    const T* ys = d.y.data();
    T* xd = xb.data();
    T* yd = yb.data();
    for (std::size_t k = 0; k < b; ++k) {
        const std::size_t i = order[begin + k];
        CASCADE_CHECK(i < n, "gather_batch: order[", begin + k, "] = ", i, " is not a sample index (the dataset holds ",
                      n, " samples)");
        if (xrow) std::memcpy(xd + k * xrow, xs + i * xrow, xrow * sizeof(T));
        if (yrow) std::memcpy(yd + k * yrow, ys + i * yrow, yrow * sizeof(T));
    }
}

} // namespace cascade::data
