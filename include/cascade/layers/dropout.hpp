#pragma once
// dropout<Rate>: inverted dropout (Keras Dropout). In training each value is kept with probability
// 1 − p and scaled by 1 / (1 − p), else set to 0; in inference y = x.   Srivastava et al., JMLR 2014.
//   y = x ⊙ m,  m_i ∈ {0, 1/(1−p)}          dx = dy ⊙ m
// Rate is a ratio (dropout<ratio<3, 10>> is Keras' Dropout(0.3)). The mask comes from the layer's own
// engine, seeded from the network seed, so a seed reproduces a run.
#include "cascade/init/on_host.hpp"
#include "cascade/kernels/activation.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/layers/hyperparameters.hpp"
#include "cascade/tensor/ratio.hpp"

namespace cascade::layers {

template <class Rate_as_ratio_eg_ratio_3_10>
struct dropout : any_input {
    using Rate = Rate_as_ratio_eg_ratio_3_10;
    static_assert(Rate::num >= 0 && Rate::num < Rate::den, "dropout<Rate>: the rate must be in [0, 1)");
    static constexpr const char* name = "dropout";
    template <class In>
    using output_shape = In;

    template <class In, class B, class T>
    struct impl : no_params {
        using tensor = typename B::template tensor<T, In::rank + 1>;
        rng engine;
        tensor mask;
        bool masked = false;   // whether the last forward applied a mask (training) or copied (inference)
        ratio_setting<Rate> rate;   // run-time hyper-parameter "rate" (layers/hyperparameters.hpp)

        explicit impl(rng& g) : engine(g()) {}
        auto hyperparameters() { return std::array{hyperparameter{"rate", &rate.value, rules::unit_interval_open, "in [0, 1)"}}; }
        void forward(const tensor& x, tensor& y, mode m) {
            const bool is_default = rate.value == ratio_value<double, Rate>;
            masked = m == mode::train && rate.value > 0;
            if (!masked) return kernels::copy(x, y);
            ensure_shape(mask, x.shape());
            // Keep iff u >= p with u uniform on 2^32 levels: two decisions per 64-bit draw. (The default rate is
            // evaluated from the ratio exactly, as before run-time rates existed.)
            const long double p = is_default ? (long double)(Rate::num) / Rate::den : (long double)rate.value;
            const std::uint64_t threshold = std::uint64_t(p * 4294967296.0L);
            const T keep = is_default ? T(Rate::den) / T(Rate::den - Rate::num) : T(1 / (1 - rate.value));
            // The mask is drawn on the host (staged and copied on a GPU backend), so a seed gives the same
            // masks on every backend.
            init::on_host(mask, [&](T* p, std::size_t n) {
                for (std::size_t i = 0; i < n; i += 2) {
                    const std::uint64_t r = engine();
                    p[i] = (r & 0xffffffffu) >= threshold ? keep : T(0);
                    if (i + 1 < n) p[i + 1] = (r >> 32) >= threshold ? keep : T(0);
                }
            });
            kernels::multiply(x, mask, y);
        }
        void backward(const tensor&, const tensor&, const tensor& dy, tensor* dx) {
            if (!dx) return;
            if (masked) kernels::multiply(dy, mask, *dx);
            else kernels::copy(dy, *dx);
        }
    };
};

} // namespace cascade::layers
