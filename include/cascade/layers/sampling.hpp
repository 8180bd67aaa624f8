#pragma once
// sampling<KLWeight>: the VAE's reparameterization layer (Kingma & Welling, "Auto-Encoding Variational
// Bayes", ICLR 2014; the `Sampling` layer of Keras' VAE example). Input (N, 2Z) = [μ, log σ²] per sample,
// output z (N, Z):
//   mode::train:  z = μ + exp(½ log σ²) · ε,  ε ~ N(0, 1), a new draw each forward
//   mode::infer:  z = μ                                   (deterministic: the posterior mean)
//   backward:     dμ = dz,  d log σ² = dz · ½ exp(½ log σ²) ε   + β · ∂KL/∂(μ, log σ²)
// KL term: KL = (1/N) Σ_n −½ Σ_z (1 + log σ² − μ² − σ²), computed at every forward; the layer adds
// β·KL to the objective (β = KLWeight, a ratio, default 1), like Keras' `self.add_loss(kl_loss)`:
// auxiliary_loss() returns β·KL, net::regularization_loss sums it, train::forward_backward adds it to the
// reported loss, and backward adds its gradient. So a VAE trains with the ordinary step:
//   using vae = net::sequential<shape<784>, dense<256>, relu, dense<2 * Z>,      // encoder → [μ, log σ²]
//                               layers::sampling<>, dense<256>, relu, dense<784>, sigmoid>;
//   train::step(net, losses::binary_crossentropy{}, opt, x, x);   // reconstruction + KL
// Scale: cascade's binary_crossentropy is a mean over pixels; Keras' VAE example sums the reconstruction
// over the 784 pixels, so its balance is sampling<ratio<1, 784>> here. With β = 0 (sampling<ratio<0>>) no
// KL is added, and a custom loop can use kernels::gaussian_kl_value / add_gaussian_kl_gradient itself.
// The noise comes from the layer's own engine (seeded from the network's, as dropout); `engine` is public
// so that a test can fix ε.
#include "cascade/kernels/loss.hpp"
#include "cascade/layers/concepts.hpp"
#include "cascade/tensor/ratio.hpp"

namespace cascade::layers {

template <class KLWeight = ratio<1>>
struct sampling {
    static_assert(KLWeight::num >= 0, "sampling<KLWeight>: the KL weight must be >= 0");
    static constexpr const char* name = "sampling";

    template <class In>
    static constexpr bool accepts = In::rank == 1 && In::dim_or(0, 1) % 2 == 0;
    template <class In>
    static constexpr void check() {
        static_assert(In::rank == 1, "sampling: input must be flat, (2·Z) per sample = [mu, log sigma^2]; add layers::flatten");
        static_assert(In::dim_or(0, 0) % 2 == 0, "sampling: input size must be even, 2·Z = [mu, log sigma^2]");
    }
    template <class In>
    using output_shape = shape<In::dim_or(0, 2) / 2>;

    template <class In, class B, class T>
    struct impl : no_params {
        static constexpr std::size_t Z = In::dim(0) / 2;
        static constexpr T beta = ratio_value<T, KLWeight>;
        using tensor = typename B::template tensor<T, 2>;
        rng engine;
        tensor eps;   // (N, Z): the draw of the last training forward
        T kl = 0;     // KL of the last forward

        explicit impl(rng& g) : engine(g()) {}
        void forward(const tensor& x, tensor& z, mode m) {
            kl = kernels::gaussian_kl_value(x);
            if (m == mode::train) {
                ensure_shape(eps, std::array<std::size_t, 2>{x.shape()[0], Z});
                kernels::standard_normal(eps, engine);
                kernels::reparameterize_forward(x, &eps, z);
            } else {
                kernels::reparameterize_forward(x, static_cast<const tensor*>(nullptr), z);
            }
        }
        void backward(const tensor& x, const tensor&, const tensor& dz, tensor* dx) {
            if (!dx) return;   // first layer: no parameters, nothing to do
            kernels::reparameterize_backward(x, eps, dz, *dx);
            if constexpr (KLWeight::num != 0) kernels::add_gaussian_kl_gradient(x, beta, *dx);
        }
        T auxiliary_loss() const { return beta * kl; }
    };
};

} // namespace cascade::layers
