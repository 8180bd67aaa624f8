#pragma once
// shape<D...>: the compile-time shape of ONE sample, channels-last: (H, W, C) for images, (T, C) for
// sequences, (F) for feature vectors. The batch axis N is added at run time in front of it.
#include <array>
#include <cstddef>
#include <ostream>

namespace cascade {

template <std::size_t... D>
struct shape {
    static_assert(sizeof...(D) > 0, "shape<>: a sample shape needs at least one dimension");
    static_assert(((D > 0) && ...), "shape<...>: every dimension must be positive");
    static constexpr std::size_t rank = sizeof...(D);
    static constexpr std::size_t size = (D * ...);
    static constexpr std::array<std::size_t, rank> dims{D...};
    static constexpr std::size_t dim(std::size_t i) { return dims[i]; }
    // dims[i], or `fallback` past the last axis: lets a layer compute its (unused) output shape for a
    // wrongly ranked input without a second diagnostic after its own static_assert.
    static constexpr std::size_t dim_or(std::size_t i, std::size_t fallback) { return i < rank ? dims[i] : fallback; }
};

template <class S>
inline constexpr bool is_shape = false;
template <std::size_t... D>
inline constexpr bool is_shape<shape<D...>> = true;

// Printed like Keras: (None, 24, 24, 32).
template <class S>
void print_batched_shape(std::ostream& os) {
    os << "(None";
    for (auto d : S::dims) os << ", " << d;
    os << ")";
}

} // namespace cascade
