#pragma once
// init::on_host(t, f) and init::fill<Init>(t, fan_in, fan_out, g): the one way layers initialise their
// parameters, whatever the backend. f(T* p, std::size_t n) runs on host memory: directly on a host
// tensor's data; for a device tensor on a host staging buffer that is then copied to the device (the
// backend provides `stage_on_host(tensor, f)`, found by argument-dependent lookup). The draws from the
// network's engine are the same on every backend, so a seed gives the same weights on CPU and GPU.
#include "cascade/init/initializers.hpp"
#include "cascade/tensor/host_access.hpp"

#include <cstddef>

namespace cascade::init {

template <class Tensor, class F>
void on_host(Tensor& t, F&& f) {
    write_on_host(t, f);
}

// t ← Init with the given fans (Keras' fan_in / fan_out of the layer's kernel).
template <class Init, class Tensor>
void fill(Tensor& t, std::size_t fan_in, std::size_t fan_out, rng& g) {
    on_host(t, [&](auto* p, std::size_t n) { Init::fill(p, n, fan_in, fan_out, g); });
}

} // namespace cascade::init
