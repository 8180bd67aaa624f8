#pragma once
// margin_nd<Dims, Op, P...>: what zero_padding1d/2d/3d and cropping1d/2d/3d share — their sizes, the
// shape rule and the run-time layer. The layers derive from it and add their names and check() messages.
//
// The size comes first and is given in one of Keras' three forms (axes: width in 1-D; height, width in
// 2-D; depth, height, width in 3-D):
//   zero_padding2d<1>                         padding=1                  1 on every side of every axis
//   zero_padding2d<dims<1, 2>>                padding=(1, 2)             per axis, the same on both sides
//   zero_padding2d<sides<1, 2>, sides<3, 4>>  padding=((1, 2), (3, 4))   one sides<Before, After> per axis
// In 1-D Keras' tuple is (before, after): ZeroPadding1D(padding=(1, 3)) is zero_padding1d<sides<1, 3>>.
// Two or more plain numbers (zero_padding2d<1, 2>) do not compile: write dims<1, 2> or sides<1, 2>.
//   pad:  y = x surrounded by zeros                 dx = crop(dy)
//   crop: y = x without the margins                 dx = zero_pad(dy)
// No paper: a re-layout (cropping aligns U-Net's skip connections, Ronneberger et al., MICCAI 2015).
#include "cascade/kernels/spatial.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/options.hpp"   // extent, dims<...>
#include "cascade/layers/spatial_axes.hpp"

#include <cstddef>

namespace cascade::layers {

// sides<Before, After>: the margins at the start and at the end of one axis (top/bottom, left/right,
// front/back), Keras' inner (before, after) pair.
struct side_pair {
    std::size_t before, after;
};
template <std::size_t Before, std::size_t After>
inline constexpr side_pair sides{Before, After};

// One template argument of zero_paddingNd / croppingNd: a number, a dims<...> or a sides<...> (plain
// scalars, so that diagnostics print it short: margin{kind, a, b, c}).
struct margin {
    std::size_t kind;      // 0: one size P for every side; 1: sides<Before, After>; 2, 3: dims<...> of 2 or 3 axes
    std::size_t a, b, c;   // 0: P, P, P; 1: Before, After, 0; 2, 3: the per-axis sizes (c = 1 for 2 axes)
    constexpr margin(std::size_t p) : kind(0), a(p), b(p), c(p) {}
    constexpr margin(extent e) : kind(e.n == 1 ? 0 : e.n), a(e.at(0)), b(e.at(1)), c(e.at(2)) {}
    constexpr margin(side_pair s) : kind(1), a(s.before), b(s.after), c(0) {}
    constexpr std::size_t operator[](std::size_t i) const { return i == 0 ? a : (i == 1 ? b : c); }
};

enum class margin_op { pad, crop };

namespace detail {

// The margins of a Dims-D layer from its arguments, per kernel axis (0 = depth, 1 = height, 2 = width).
template <std::size_t Dims, margin... P>
struct margin_spec {
    static constexpr std::size_t count = sizeof...(P);
    static constexpr std::size_t sides_given = (std::size_t(0) + ... + std::size_t(P.kind == 1));
    // <P> or <dims<...>> with one size per axis
    static constexpr bool one_size = count == 1 && sides_given == 0 && ((P.kind == 0 || P.kind == Dims) && ...);
    // one sides<> per axis
    static constexpr bool per_side = sides_given > 0 && count == Dims && sides_given == Dims;
    static constexpr bool valid = one_size || per_side;
    // What the layers' check() asserts (one flag each, so that g++ prints no expression).
    static constexpr bool size_form_ok = sides_given > 0 || valid;
    static constexpr bool sides_count_ok = sides_given == 0 || valid;

    static constexpr margin arg(std::size_t i) {
        const margin all[] = {P..., margin(0)};
        return all[i];
    }
    // Before and after of kernel axis a; 0 for a missing axis or invalid arguments.
    static constexpr std::size_t before(std::size_t a) {
        if (!valid || !has_axis(Dims, a)) return 0;
        const std::size_t i = a + Dims - 3;   // the layer's axis
        return one_size ? arg(0)[arg(0).kind == 0 ? 0 : i] : arg(i).a;
    }
    static constexpr std::size_t after(std::size_t a) {
        if (!valid || !has_axis(Dims, a)) return 0;
        const std::size_t i = a + Dims - 3;
        return one_size ? arg(0)[arg(0).kind == 0 ? 0 : i] : arg(i).b;
    }
    static constexpr kernels::spatial_margins value{{before(0), before(1), before(2)}, {after(0), after(1), after(2)}};
};

} // namespace detail

template <std::size_t Dims, margin_op Op, margin... P>
struct margin_nd {
    static_assert(Dims >= 1 && Dims <= 3, "margin_nd: 1, 2 or 3 spatial axes");
    using spec = detail::margin_spec<Dims, P...>;
    static constexpr kernels::spatial_margins margins = spec::value;

    template <class In>
    static constexpr bool has_rank = In::rank == Dims + 1;
    // Cropping leaves at least one slice on every axis.
    template <class In>
    static constexpr bool fits_axis(std::size_t a) {
        return Op == margin_op::pad || detail::size_of<Dims, In>(a) > margins.before[a] + margins.after[a];
    }
    template <class In>
    static constexpr bool fits = fits_axis<In>(0) && fits_axis<In>(1) && fits_axis<In>(2);
    template <class In>
    static constexpr bool fits_or_other_rank = !has_rank<In> || fits<In>;   // for check(): one diagnostic each
    template <class In>
    static constexpr bool accepts = spec::valid && has_rank<In> && fits<In>;

    // Output size of kernel axis a (1 where the input does not fit, so that a rejected In gives one
    // diagnostic).
    template <class In>
    static constexpr std::size_t out(std::size_t a) {
        const std::size_t in = detail::size_of<Dims, In>(a), m = margins.before[a] + margins.after[a];
        if constexpr (Op == margin_op::pad) return in + m;
        else return in > m ? in - m : 1;
    }
    template <class In>
    using output_shape = detail::channels_last_t<Dims, out<In>(0), out<In>(1), out<In>(2), In::dim_or(Dims, 1)>;

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        using tensor = typename B::template tensor<T, Dims + 2>;
        void forward(const tensor& x, tensor& y, mode) {
            if constexpr (Op == margin_op::pad) kernels::zero_pad(x, margins, y);
            else kernels::crop(x, margins, y);
        }
        void backward(const tensor&, const tensor&, const tensor& dy, tensor* dx) {
            if (!dx) return;
            if constexpr (Op == margin_op::pad) kernels::crop(dy, margins, *dx);
            else kernels::zero_pad(dy, margins, *dx);
        }
    };
};

} // namespace cascade::layers
