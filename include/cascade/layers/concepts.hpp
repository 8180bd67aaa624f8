#pragma once
// The layer contract. A layer is a compile-time DESCRIPTION with a nested run-time impl:
//
//   struct my_layer {
//       static constexpr const char* name = "my_layer";               // for summary()
//       template <class In> static constexpr bool accepts = ...;         // is In a valid input?
//       template <class In> static constexpr void check();               // one static_assert per rule,
//                                                                        // with a message naming the layer
//       template <class In> using output_shape = shape<...>;             // shape inference
//       template <class In, class B, class T> struct impl {              // B: backend, T: scalar
//           explicit impl(rng& g);                                       // initialise parameters
//           void forward(const X& x, Y& y, mode m);
//           void backward(const X& x, const Y& y, const Y& dy, X* dx);
//           auto params();  auto grads();                                // std::tie(...), same order
//       };
//   };
//   with X = B::tensor<T, In::rank + 1>, Y = B::tensor<T, Out::rank + 1>  (batch axis first).
//
// forward(x, y, m)   requires x of shape (N, In...); ensures y resized to (N, Out...) and filled; may
//                    cache in members what backward needs. m = mode::train enables dropout, batch
//                    statistics, noise.
// backward(x, y, dy, dx)
//                    requires the last call on this object to be forward(x, y, mode::train);
//                    with f = sum(y ⊙ dy): sets grads() to ∂f/∂params (overwrites, never accumulates)
//                    and, if dx != nullptr, OVERWRITES *dx with ∂f/∂x. dx == nullptr means nobody needs
//                    the input gradient (first layer of a net): the layer skips that work.
// params()/grads()   std::tie of parameter tensors and their gradients; the order is the optimizer's
//                    key and the save file's order. buffers() (optional) ties non-trainable state
//                    (batch_norm's moving statistics).
#include "cascade/config.hpp"
#include "cascade/init/initializers.hpp"
#include "cascade/tensor/shape.hpp"

#include <cstddef>
#include <tuple>
// GPU translation units (nvcc, hipcc with -x hip, or the emulator build) see backend::gpu and the device
// overloads of every kernel before any layer or loss template is defined: those call kernels:: by
// qualified name, and a qualified name only finds the overloads declared before the template.
#if CASCADE_WITH_GPU
#include "cascade/backend/gpu.hpp"
#endif

namespace cascade {

enum class mode { train, infer };

namespace layers {

// Base of layer descriptions that accept any input shape.
struct any_input {
    template <class In>
    static constexpr bool accepts = true;
    template <class In>
    static constexpr void check() {}
};

// Base of layers without parameters.
struct no_params {
    no_params() = default;
    explicit no_params(rng&) {}
    auto params() { return std::tie(); }
    auto grads() { return std::tie(); }
};

// The run-time layer for sample shape In on backend B with scalar T.
template <class L, class In, class B, class T>
using layer_impl = typename L::template impl<In, B, T>;

template <class L, class In>
using output_shape_of = typename L::template output_shape<In>;

// The tensor types a layer sees.
template <class In, class Out, class B, class T>
struct io_types {
    using x_type = typename B::template tensor<T, In::rank + 1>;
    using y_type = typename B::template tensor<T, Out::rank + 1>;
};

template <class I>
concept has_buffers = requires(I& i) { i.buffers(); };

// One static_assert per requirement: g++ then names the layer type in its instantiation line.
template <class L, class In, class B, class T>
constexpr bool check_layer() {
    using I = layer_impl<L, In, B, T>;
    using X = typename io_types<In, output_shape_of<L, In>, B, T>::x_type;
    using Y = typename io_types<In, output_shape_of<L, In>, B, T>::y_type;
    static_assert(requires { L::name; }, "layer: lacks  static constexpr const char* name");
    static_assert(requires(I& i, const X& x, Y& y) { i.forward(x, y, mode::train); },
                  "layer: impl lacks  void forward(const X& x, Y& y, mode m)");
    static_assert(requires(I& i, const X& x, const Y& y, X* dx) { i.backward(x, y, y, dx); },
                  "layer: impl lacks  void backward(const X& x, const Y& y, const Y& dy, X* dx)");
    static_assert(requires(I& i) { i.params(); i.grads(); },
                  "layer: impl lacks  params() / grads()  (derive from layers::no_params if it has none)");
    return true;
}

} // namespace layers
} // namespace cascade
