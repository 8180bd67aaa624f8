#pragma once
// backend::cpu: host memory, xtensor containers, kernels from kernels/cpu/. A backend is a type that
// names its tensor; layers see only B::tensor<T, R> and call kernels:: overloads on it.
#include "cascade/tensor/tensor.hpp"

namespace cascade::backend {

struct cpu {
    static constexpr const char* name = "cpu";
    template <class T, std::size_t R>
    using tensor = host_tensor<T, R>;
    // A tensor of the given shape filled with v. (xtensor's `tensor({n})` would be a 1-element tensor
    // holding n: shapes are always passed as std::array.)
    template <class T, std::size_t R>
    static tensor<T, R> filled(const std::array<std::size_t, R>& s, T v = T(0)) {
        tensor<T, R> t(s);
        t.fill(v);
        return t;
    }
};

} // namespace cascade::backend
