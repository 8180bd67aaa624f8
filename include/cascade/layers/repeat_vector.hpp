#pragma once
// repeat_vector<N>: repeats a feature vector N times along a new time axis (Keras RepeatVector(n);
// PyTorch x.unsqueeze(1).expand(-1, n, -1)).
//   x (batch, F) → y (batch, N, F),  y[b, t, f] = x[b, f]          dx[b, f] = Σ_t dy[b, t, f]
//   The input must be flat (one axis per sample); no parameters.
#include "cascade/kernels/layout.hpp"
#include "cascade/layers/concepts.hpp"

namespace cascade::layers {

template <std::size_t N>
struct repeat_vector {
    static_assert(N > 0, "repeat_vector<N>: N must be positive");
    static constexpr const char* name = "repeat_vector";
    template <class In>
    static constexpr bool accepts = In::rank == 1;
    template <class In>
    static constexpr void check() {
        static_assert(accepts<In>, "repeat_vector: input must be flat (one axis per sample); add layers::flatten before repeat_vector");
    }
    template <class In>
    using output_shape = shape<N, In::dim_or(0, 1)>;

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        template <std::size_t R> using tensor = typename B::template tensor<T, R>;
        void forward(const tensor<2>& x, tensor<3>& y, mode) { kernels::repeat_forward(x, y, N); }
        void backward(const tensor<2>&, const tensor<3>&, const tensor<3>& dy, tensor<2>* dx) {
            if (dx) kernels::repeat_backward(dy, *dx);
        }
    };
};

} // namespace cascade::layers
