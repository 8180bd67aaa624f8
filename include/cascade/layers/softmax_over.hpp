#pragma once
// softmax_over<Axis>: softmax along one chosen sample axis (Keras Softmax(axis=Axis); PyTorch
// nn.Softmax(dim=Axis)). Axis counts like Keras': 1 … rank are the sample axes (0 would be the batch axis,
// which is rejected), −1 … −rank count from the last. Numerically stable (the max is subtracted):
//   y_c = e^{x_c − m} / Σ_j e^{x_j − m} along the axis,  m = max_j x_j        dx = y ⊙ (dy − Σ_axis dy ⊙ y)
//   Any input with that axis; the output has the input's shape; no parameters.
// layers::softmax (the last axis) stays the layer that categorical_crossentropy fuses with; softmax_over<−1>
// computes the same values but is back-propagated like any other layer (no fusion).
#include "cascade/kernels/axis_softmax.hpp"
#include "cascade/layers/concepts.hpp"

namespace cascade::layers {

template <int Axis>
struct softmax_over {
    static_assert(Axis != 0, "softmax_over<Axis>: Axis 0 is the batch axis; give a sample axis (1 ... rank, or -1 for the last)");
    static constexpr const char* name = "softmax_over";
    template <class In>
    static constexpr bool accepts = Axis != 0 && (Axis > 0 ? std::size_t(Axis) <= In::rank : std::size_t(-Axis) <= In::rank);
    template <class In>
    static constexpr void check() {
        static_assert(accepts<In>, "softmax_over<Axis>: the input has no such axis (1 ... rank of the sample, or -1 ... -rank)");
    }
    template <class In>
    using output_shape = In;

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        static constexpr std::size_t R = In::rank + 1;
        // The axis in the batched tensor (0 = batch).
        static constexpr std::size_t axis = Axis > 0 ? std::size_t(Axis) : std::size_t(int(R) + Axis);
        using tensor = typename B::template tensor<T, R>;
        void forward(const tensor& x, tensor& y, mode) { kernels::axis_softmax_forward(x, y, axis); }
        void backward(const tensor&, const tensor& y, const tensor& dy, tensor* dx) {
            if (dx) kernels::axis_softmax_backward(y, dy, *dx, axis);
        }
    };
};

} // namespace cascade::layers
