#pragma once
// Weight penalties for layers::regularized (Keras kernel_regularizer; in PyTorch an explicit term added
// to the loss — note that SGD's weight_decay = λ' equals l2 with λ = λ'/2):
//   l1<λ>:         P = λ Σ|w|               ∂P/∂w = λ sign w   (0 at w = 0, as TensorFlow)
//   l2<λ>:         P = λ Σ w²               ∂P/∂w = 2 λ w
//   l1_l2<λ1, λ2>: P = λ1 Σ|w| + λ2 Σ w²
// λ are ratios; the defaults are Keras' (l1(), l2(), l1_l2(): 0.01). The penalty is summed over the
// whole tensor, not averaged, and is independent of the batch size, like Keras.
#include "cascade/kernels/loss.hpp"
#include "cascade/tensor/ratio.hpp"

namespace cascade::regularizers {

template <class L1 = ratio<1, 100>, class L2 = ratio<1, 100>>
struct l1_l2 {
    static_assert(L1::num >= 0 && L2::num >= 0, "l1_l2<L1, L2>: penalty factors must be >= 0");
    static constexpr const char* name = L2::num == 0 ? "l1" : (L1::num == 0 ? "l2" : "l1_l2");

    template <class W>
    static double penalty(const W& w) {
        double p = 0;
        if constexpr (L1::num != 0) p += ratio_value<double, L1> * kernels::abs_sum(w);
        if constexpr (L2::num != 0) p += ratio_value<double, L2> * kernels::square_sum(w);
        return p;
    }
    // dw += ∂P/∂w
    template <class W>
    static void add_gradient(const W& w, W& dw) {
        using T = typename W::value_type;
        if constexpr (L1::num != 0) kernels::add_sign_scaled(w, ratio_value<T, L1>, dw);
        if constexpr (L2::num != 0) kernels::add_weight_scaled(w, T(2) * ratio_value<T, L2>, dw);
    }
};

template <class L = ratio<1, 100>>
using l1 = l1_l2<L, ratio<0>>;
template <class L = ratio<1, 100>>
using l2 = l1_l2<ratio<0>, L>;

} // namespace cascade::regularizers
