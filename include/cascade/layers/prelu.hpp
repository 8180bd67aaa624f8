#pragma once
// prelu<Options...>: parametric ReLU with a trainable slope per element (Keras PReLU(); PyTorch
// nn.PReLU(num_parameters) shares one α per channel, here prelu<shared_axes<1, 2>> on images).
// He, Zhang, Ren & Sun, "Delving Deep into Rectifiers", ICCV 2015.
//   y = x if x > 0 else α ⊙ x          dx = dy if x > 0 else α ⊙ dy
//   dα = Σ over the batch (and the shared axes) of (x ≤ 0 ? x · dy : 0)
//   α has the sample shape, with size 1 along the shared axes (Keras' alpha shape); initialised to zeros
//   (Keras' alpha_initializer default), trainable. Any input shape; the output has the input's shape.
// Options: shared_axes<A...> (Keras shared_axes: 1-based sample axes along which α is shared).
#include "cascade/kernels/rectifiers.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/options.hpp"

#include <array>

namespace cascade::layers {

namespace detail {
struct prelu_option_kinds : option_kinds_list<option_kinds::shared_axes> {};
struct no_shared_axes {
    static constexpr std::size_t count = 0;
    static constexpr std::array<std::size_t, 0> values{};
};
} // namespace detail

template <class... Opts>
struct prelu {
    static constexpr const char* name = "prelu";
    using axes_t = detail::option_t<option_kinds::shared_axes, detail::no_shared_axes, Opts...>;
    static constexpr bool options_valid = detail::options_ok<detail::prelu_option_kinds, Opts...>;
    // Whether every shared axis is a sample axis (1 … rank), each named once.
    template <class In>
    static constexpr bool axes_ok() {
        // Range-for: no index compared with a count of 0 (nvcc warns about that).
        for (const std::size_t a : axes_t::values) {
            if (a < 1 || a > In::rank) return false;
            std::size_t times = 0;
            for (const std::size_t b : axes_t::values) times += b == a;
            if (times != 1) return false;
        }
        return true;
    }
    template <class In>
    static constexpr bool accepts = options_valid && axes_ok<In>();
    template <class In>
    static constexpr void check() {
        detail::check_options<detail::prelu_option_kinds, Opts...>();
        static_assert(axes_ok<In>(), "prelu: shared_axes<A...> must name sample axes of the input (1 ... rank, each once)");
    }
    template <class In>
    using output_shape = In;
    // Whether α is shared along sample axis k (0-based).
    static constexpr bool is_shared(std::size_t k) {
        for (const std::size_t a : axes_t::values)
            if (a == k + 1) return true;
        return false;
    }

    template <class In, class B, class T>
    struct impl {
        static constexpr std::size_t R = In::rank + 1, RA = In::rank;
        static constexpr std::array<std::size_t, RA> alpha_shape = [] {
            std::array<std::size_t, RA> s{};
            for (std::size_t k = 0; k < RA; ++k) s[k] = is_shared(k) ? 1 : In::dim(k);
            return s;
        }();
        static constexpr kernels::cpu::prelu_geometry g = [] {
            static_assert(RA <= kernels::cpu::max_prelu_rank, "prelu: at most 8 sample axes");
            kernels::cpu::prelu_geometry r;
            r.rank = RA;
            r.sample = In::size;
            for (std::size_t k = 0; k < RA; ++k) {
                r.dims[k] = In::dim(k);
                r.shared[k] = is_shared(k);
                r.alphas *= alpha_shape[k];
            }
            return r;
        }();
        template <std::size_t K> using tensor = typename B::template tensor<T, K>;
        tensor<RA> alpha, dalpha;

        explicit impl(rng&) : alpha(B::template filled<T, RA>(alpha_shape)), dalpha(B::template filled<T, RA>(alpha_shape)) {}

        void forward(const tensor<R>& x, tensor<R>& y, mode) { kernels::prelu_forward(g, x, alpha, y); }
        void backward(const tensor<R>& x, const tensor<R>&, const tensor<R>& dy, tensor<R>* dx) {
            kernels::prelu_backward(g, x, alpha, dy, dalpha, dx);
        }
        auto params() { return std::tie(alpha); }
        auto grads() { return std::tie(dalpha); }
    };
};

} // namespace cascade::layers
