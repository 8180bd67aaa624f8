#pragma once
// Host access to a tensor of any backend — what initialisation, weight files, snapshots and data staging
// need. For host tensors both are direct; for a device tensor the backend supplies, found by
// argument-dependent lookup, `stage_on_host(t, f)` (f fills a host buffer that is then copied to t) and
// `to_host(t)` (a host copy).
//   write_on_host(t, f):   f(T* p, std::size_t n) writes t's values
//   read_on_host(t, f):    f(const T* p, std::size_t n) reads them
#include "cascade/tensor/tensor.hpp"

#include <cstddef>

namespace cascade {

template <class Tensor, class F>
void write_on_host(Tensor& t, F&& f) {
    if constexpr (is_host_tensor<Tensor>) f(t.data(), std::size_t(t.size()));
    else stage_on_host(t, f);
}

template <class Tensor, class F>
void read_on_host(const Tensor& t, F&& f) {
    if constexpr (is_host_tensor<Tensor>) {
        f(t.data(), std::size_t(t.size()));
    } else {
        const auto h = to_host(t);
        f(h.data(), std::size_t(h.size()));
    }
}

} // namespace cascade
