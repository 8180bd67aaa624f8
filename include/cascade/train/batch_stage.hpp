#pragma once
// batch_stage<Net>: the mini-batch buffers of fit / evaluate. Batches are gathered in host memory (the
// data sets live there); for a network on a device backend they are then copied to its tensors, and the
// network's output is copied back for the metrics. For a host network the device half is never used and
// no copy happens. All buffers are reused: no allocation once the batch size is steady.
#include "cascade/data/batcher.hpp"
#include "cascade/tensor/tensor.hpp"

#include <type_traits>

namespace cascade::train {

template <class Net>
struct batch_stage {
    using T = typename Net::scalar_type;
    static constexpr bool on_host = is_host_tensor<typename Net::input_tensor>;
    host_tensor<T, Net::input_shape::rank + 1> xh;
    host_tensor<T, Net::output_shape::rank + 1> yh, out_h;
    typename Net::input_tensor xd;    // device copies (unused on the host)
    typename Net::output_tensor yd;

    // Rows [begin, end) of `order` from d, on the network's side.
    template <class D>
    void gather(const D& d, const std::vector<std::size_t>& order, std::size_t begin, std::size_t end) {
        data::gather_batch(d, order, begin, end, xh, yh);
        if constexpr (!on_host) {
            copy_to_device(xh, xd);   // found by argument-dependent lookup (the backend's)
            copy_to_device(yh, yd);
        }
    }
    const typename Net::input_tensor& x() const {
        if constexpr (on_host) return xh;
        else return xd;
    }
    const typename Net::output_tensor& y() const {
        if constexpr (on_host) return yh;
        else return yd;
    }
    // The network's output `out` in host memory (metrics are computed there).
    const host_tensor<T, Net::output_shape::rank + 1>& host_output(const typename Net::output_tensor& out) {
        if constexpr (on_host) return out;
        else {
            copy_to_host(out, out_h);
            return out_h;
        }
    }
};

} // namespace cascade::train
