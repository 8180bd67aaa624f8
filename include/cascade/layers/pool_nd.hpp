#pragma once
// pool_nd<Dims, Kind, Pool, Options...>: what max/avg pooling over 1-, 2- and 3-D channels-last samples
// share — the options, the shape rule, the geometry, the run-time layer. max_pool1d … avg_pool3d derive
// from it and add their names and check() messages.
//   y[n, o…, c] = max (or mean) of x[n, o·s − p + i…, c] over the window cells inside the input
//   per axis: 'valid': out = (in − Pool) / s + 1;  'same': out = ceil(in / s), padding split with the smaller
//   half before (the extra cell at the end: TensorFlow's rule); padded cells take no part — the maximum is
//   over real cells, the average divides by the number of real cells (Keras/TF; PyTorch count_include_pad=False).
//   No parameters. Backward: max routes dy to the first maximum of each window (row-major), found again from
//   x and y; mean spreads dy / count over the window's real cells.
// Pool is an extent: one size for every axis (max_pool2d<2>) or one per axis (max_pool2d<dims<2, 1>>).
// Options: strides<S…> (default: the pool size, as Keras), padding::valid | padding::same.
#include "cascade/kernels/pool.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/options.hpp"
#include "cascade/layers/spatial_axes.hpp"

namespace cascade::layers {

enum class pool_kind { max, average };

namespace detail {
struct pool_option_kinds : option_kinds_list<option_kinds::strides, option_kinds::padding> {};
} // namespace detail

template <std::size_t Dims, pool_kind Kind, extent Pool, class... Opts>
struct pool_nd {
    static_assert(Dims >= 1 && Dims <= 3, "pool_nd: 1, 2 or 3 spatial axes");
    using strides_opt = detail::option_t<option_kinds::strides, void, Opts...>;
    static constexpr padding_mode pad = detail::option_t<option_kinds::padding, padding::valid, Opts...>::value;
    static constexpr std::size_t layer_axis(std::size_t a) { return a + Dims - 3; }
    static constexpr std::size_t pool_at(std::size_t a) { return detail::has_axis(Dims, a) ? Pool.of(Dims, layer_axis(a)) : 1; }
    static constexpr std::size_t stride_at(std::size_t a) {
        if (!detail::has_axis(Dims, a)) return 1;
        if constexpr (std::is_void_v<strides_opt>) return pool_at(a);
        else return strides_opt::of(Dims, layer_axis(a));
    }
    static constexpr bool sizes_ok() {
        if (!Pool.positive() || (Pool.n != 1 && Pool.n != Dims)) return false;
        if constexpr (!std::is_void_v<strides_opt>) return strides_opt::count == 1 || strides_opt::count == Dims;
        return true;
    }
    static constexpr bool options_valid =
        detail::options_ok<detail::pool_option_kinds, Opts...> && sizes_ok() && pad != padding_mode::causal;

    // Output size and leading padding of kernel axis a (0 = depth, 1 = height, 2 = width); {1, 0} for a missing axis.
    template <class In>
    static constexpr padded_axis axis(std::size_t a) {
        if (!detail::has_axis(Dims, a)) return {1, 0};
        return pad_axis(pad, In::dim_or(layer_axis(a), pool_at(a)), pool_at(a), stride_at(a));
    }
    template <class In>
    static constexpr bool has_rank = In::rank == Dims + 1;
    template <class In>
    static constexpr bool fits = axis<In>(0).out > 0 && axis<In>(1).out > 0 && axis<In>(2).out > 0;
    template <class In>
    static constexpr bool accepts = options_valid && has_rank<In> && fits<In>;
    template <class In>
    using output_shape = detail::channels_last_t<Dims, axis<In>(0).out, axis<In>(1).out, axis<In>(2).out, In::dim_or(Dims, 1)>;

    // What every pooling layer's check() asserts first; the rank and size messages follow in the layer.
    static constexpr void check_common() {
        detail::check_options<detail::pool_option_kinds, Opts...>();
        static_assert(sizes_ok(), "pooling: the pool size and strides<> take one positive size or one per axis");
        static_assert(pad != padding_mode::causal, "pooling: padding::causal is for conv1d only");
    }

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        static constexpr std::size_t R = Dims + 2;
        template <std::size_t Rank> using tensor = typename B::template tensor<T, Rank>;
        static constexpr std::size_t in(std::size_t a) { return detail::size_of<Dims, In>(a); }
        static constexpr kernels::pool_geometry g{in(0), in(1), in(2), In::dim(Dims),
                                                  pool_at(0), pool_at(1), pool_at(2),
                                                  stride_at(0), stride_at(1), stride_at(2),
                                                  axis<In>(0).out, axis<In>(1).out, axis<In>(2).out,
                                                  axis<In>(0).before, axis<In>(1).before, axis<In>(2).before};
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
