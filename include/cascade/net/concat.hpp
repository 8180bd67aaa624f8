#pragma once
// concat<branch<...>, branch<...>, ...>: parallel branches on the same input, their outputs joined along
// the last (channel/feature) axis — Keras' Concatenate() after a fork, Inception-style blocks, U-Net skips.
// Usable as one layer in a sequential.
//
//   using block = net::concat<net::branch<layers::conv2d<16, layers::kernel<1>, layers::padding::same>>,
//                             net::branch<layers::conv2d<16, layers::kernel<3>, layers::padding::same>>,
//                             net::branch<>>;                       // identity: the input itself
//   (N, H, W, C) → (N, H, W, 32 + C)
//
//   forward:   y = [f_1(x) ‖ f_2(x) ‖ ...]          (‖: concatenation on the last axis)
//   backward:  dx = Σ_i ∂f_i/∂x (dy_i),  dy_i = the slice of dy that f_i produced
// Every branch output must have the same rank and agree on all axes but the last (checked at compile
// time, naming the shapes). Each branch is a sequential<In, Layers...> and reports its own errors.
// It is net::concatenate<-1, branch...> (net/merge.hpp, which has the other axes and the element-wise
// merges: add, subtract, multiply, average, maximum, minimum) under its own name, "concat" in summaries.
#include "cascade/net/merge.hpp"

namespace cascade::net {

template <class... Bs>
struct concat : merge<merge_ops::concatenate<-1>, Bs...> {
    static constexpr const char* name = "concat";
};

} // namespace cascade::net
