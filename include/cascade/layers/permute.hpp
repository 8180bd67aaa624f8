#pragma once
// permute<Dims...>: reorders the sample axes (Keras Permute(dims); PyTorch x.permute(0, *dims) with
// 1-based dims). Dims are 1-based sample axes (the batch axis is not counted), a permutation of 1 … rank:
//   y[n, i_1, …, i_r] = x[n, j_1, …, j_r]  with  j_{Dims_k} = i_k,  i.e. out dim k = in dim Dims_k
//   dx = dy permuted back (the inverse permutation); no parameters.
//   e.g. permute<2, 1>: (N, T, F) → (N, F, T);  permute<3, 1, 2>: (N, H, W, C) → (N, C, H, W).
#include "cascade/kernels/layout.hpp"
#include "cascade/layers/concepts.hpp"

#include <array>

namespace cascade::layers {

template <std::size_t... Dims>
struct permute {
    static_assert(sizeof...(Dims) >= 1, "permute<Dims...>: give the new order of the sample axes, e.g. permute<2, 1>");
    static constexpr const char* name = "permute";
    static constexpr std::size_t count = sizeof...(Dims);
    static constexpr std::array<std::size_t, count> dims{Dims...};
    // Whether Dims is a permutation of 1 … count.
    static constexpr bool is_permutation() {
        for (std::size_t a = 1; a <= count; ++a) {
            std::size_t hits = 0;
            for (auto d : dims) hits += d == a;
            if (hits != 1) return false;
        }
        return true;
    }
    template <class In>
    static constexpr bool accepts = count == In::rank && is_permutation();
    template <class In>
    static constexpr void check() {
        static_assert(count == In::rank, "permute<Dims...>: give one axis index per sample axis of the input (Dims counts In's axes)");
        static_assert(is_permutation(), "permute<Dims...>: Dims must be a permutation of 1 ... rank (1-based sample axes, "
                                        "each once; the batch axis is not counted)");
    }
    // dim_or: a well-formed (unused) shape for a rejected In.
    template <class In>
    using output_shape = shape<In::dim_or(Dims - 1, 1)...>;

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        static constexpr std::size_t R = In::rank + 1;
        using tensor = typename B::template tensor<T, R>;
        // Axis k of y is axis forward_perm[k] of x (batch axis 0 stays); backward_perm is the inverse.
        static constexpr std::array<std::size_t, R> forward_perm = [] {
            std::array<std::size_t, R> p{};
            for (std::size_t k = 0; k < count; ++k) p[k + 1] = dims[k];
            return p;
        }();
        static constexpr std::array<std::size_t, R> backward_perm = [] {
            std::array<std::size_t, R> p{};
            for (std::size_t k = 0; k < R; ++k) p[forward_perm[k]] = k;
            return p;
        }();
        void forward(const tensor& x, tensor& y, mode) { kernels::permute_axes(x, y, forward_perm); }
        void backward(const tensor&, const tensor&, const tensor& dy, tensor* dx) {
            if (dx) kernels::permute_axes(dy, *dx, backward_perm);
        }
    };
};

} // namespace cascade::layers
