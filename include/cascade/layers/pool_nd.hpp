#pragma once
// pool_nd<Dims, Kind, Pool, Stride>: what max/avg pooling over 1-, 2- and 3-D channels-last samples
// share — the shape rule, the geometry, the run-time layer. pool1d, pool2d and pool3d derive from it and
// add their names and check() messages.
//   y[n, o…, c] = max (or mean) of x[n, o·s + i…, c], 0 ≤ i < Pool on every spatial axis ('valid' windows)
//   out = (in − Pool) / s + 1 per spatial axis; no parameters.
//   Backward: max routes dy to the first maximum of each window (row-major), found again from x and y;
//   mean spreads dy / Pool^Dims over the window.
#include "cascade/kernels/pool.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/padding.hpp"
#include "cascade/layers/spatial_axes.hpp"

namespace cascade::layers {

enum class pool_kind { max, average };

template <std::size_t Dims, pool_kind Kind, std::size_t Pool, std::size_t Stride>
struct pool_nd {
    static_assert(Dims >= 1 && Dims <= 3, "pool_nd: 1, 2 or 3 spatial axes");
    static_assert(Pool > 0 && Stride > 0, "pool<Pool, Stride>: sizes must be positive");

    // Output size of kernel axis a (0 = depth, 1 = height, 2 = width); 1 for a missing axis.
    template <class In>
    static constexpr std::size_t out(std::size_t a) {
        return detail::axis_of<Dims, In>(a, padding::valid, Pool, Stride).out;
    }
    template <class In>
    static constexpr bool has_rank = In::rank == Dims + 1;
    template <class In>
    static constexpr bool fits = out<In>(0) > 0 && out<In>(1) > 0 && out<In>(2) > 0;
    template <class In>
    static constexpr bool accepts = has_rank<In> && fits<In>;
    template <class In>
    using output_shape = detail::channels_last_t<Dims, out<In>(0), out<In>(1), out<In>(2), In::dim_or(Dims, 1)>;

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        static constexpr std::size_t R = Dims + 2;
        template <std::size_t Rank> using tensor = typename B::template tensor<T, Rank>;
        static constexpr std::size_t k(std::size_t a) { return detail::has_axis(Dims, a) ? Pool : 1; }
        static constexpr std::size_t s(std::size_t a) { return detail::has_axis(Dims, a) ? Stride : 1; }
        static constexpr std::size_t in(std::size_t a) { return detail::size_of<Dims, In>(a); }
        static constexpr kernels::pool_geometry g{in(0), in(1), in(2), In::dim(Dims), k(0), k(1), k(2),
                                                  s(0), s(1), s(2), out<In>(0), out<In>(1), out<In>(2)};
        void forward(const tensor<R>& x, tensor<R>& y, mode) {
            if constexpr (Kind == pool_kind::max) kernels::max_pool_forward(g, x, y);
            else kernels::avg_pool_forward(g, x, y);
        }
        void backward(const tensor<R>& x, const tensor<R>& y, const tensor<R>& dy, tensor<R>* dx) {
            if (!dx) return;
            if constexpr (Kind == pool_kind::max) kernels::max_pool_backward(g, x, y, dy, *dx);
            else kernels::avg_pool_backward(g, dy, *dx);
        }
    };
};

} // namespace cascade::layers
