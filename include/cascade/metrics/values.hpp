#pragma once
// Read-only views used by the analysis metrics: any contiguous container with data() and size()
// (std::vector, host_tensor, std::span, std::array), its element count and its sample count
// (shape()[0] for a tensor, size() for a flat container).
#include <cstddef>

namespace cascade::metrics::detail {

template <class C>
std::size_t samples_of(const C& c) {
    if constexpr (requires { c.shape(); }) return c.size() ? c.shape()[0] : 0;
    else return c.size();
}

template <class C>
double at(const C& c, std::size_t i) { return double(c.data()[i]); }

} // namespace cascade::metrics::detail
