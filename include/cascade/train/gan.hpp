#pragma once
// train::gan_trainer: one adversarial training step of two networks, each with its own optimizer —
// Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014 (the ALICE GAN lectures of seed 004).
//
//   gan_trainer trainer(generator, discriminator);            // D outputs one logit per sample
//   auto l = trainer.step(opt_g, opt_d, z, real_batch);      // l.d_loss, l.g_loss, l.d_real, l.d_fake
//
// With l = D(·) the discriminator's logit and σ the logistic function, one step does:
//   1. x̃ = G(z) (training mode).
//   2. Discriminator: L_D = mean softplus(−l(x)) + mean softplus(l(x̃))
//                         = BCE(σ(l(x)), 1) + BCE(σ(l(x̃)), 0),
//      on separate real and fake mini-batches (Radford et al. 2016: batch norm then sees one kind at a
//      time); the two gradients are summed and opt_d takes one step.
//   3. Generator, through the updated discriminator (whose gradients are computed but not applied):
//        non_saturating:  L_G = mean softplus(−l(x̃)) = −mean log σ(l(x̃))     (Goodfellow's practical form)
//        minimax:         L_G = −mean softplus(l(x̃)) = mean log(1 − σ(l(x̃))) (the game's value function)
//      ∂L_G/∂x̃ comes from D's input gradient and flows back through G; opt_g takes one step.
// Both networks run in training mode throughout (dropout and batch statistics as in Keras' combined
// model with a trainable discriminator). No allocation after the first step of a given batch size.
#include "cascade/layers/activations.hpp"
#include "cascade/losses/gan.hpp"
#include "cascade/tensor/copy_range.hpp"
#include "cascade/tensor/host_access.hpp"
#include "cascade/train/step.hpp"

#include <array>
#include <type_traits>
#include <vector>

namespace cascade::train {

enum class gan_loss { non_saturating, minimax };

struct gan_losses {
    double d_loss = 0, g_loss = 0;
    double d_real = 0, d_fake = 0;   // mean D probability σ(l) on the real and on the generated batch (before D's update)
};

namespace detail {
// Mean of σ(l) over a batch of logits (what the trainer reports as D's output).
template <class Y>
double mean_probability(const Y& l) {
    double s = 0;
    read_on_host(l, [&](const auto* p, std::size_t n) {   // a host copy of a device tensor's logits
        for (std::size_t i = 0; i < n; ++i) s += double(kernels::sigmoid(p[i]));
    });
    return l.size() ? s / double(l.size()) : 0.0;
}
} // namespace detail

template <class GNet, class DNet>
class gan_trainer {
    static_assert(std::is_same_v<typename GNet::output_shape, typename DNet::input_shape>,
                  "gan_trainer: the generator's output shape must equal the discriminator's input shape");
    static_assert(DNet::output_shape::size == 1,
                  "gan_trainer: the discriminator must output one logit per sample (output shape<1>)");
    static_assert(!std::is_same_v<typename DNet::template layer_type<DNet::depth - 1>, layers::sigmoid>,
                  "gan_trainer: the discriminator must output a logit; remove its final sigmoid (the losses apply it "
                  "in a numerically stable form)");
    static_assert(std::is_same_v<typename GNet::scalar_type, typename DNet::scalar_type>,
                  "gan_trainer: generator and discriminator must use the same scalar type");
    using T = typename DNet::scalar_type;

public:
    gan_trainer(GNet& g, DNet& d, gan_loss kind = gan_loss::non_saturating) : g_(g), d_(d), kind_(kind) {}

    template <class OptG, class OptD>
    gan_losses step(OptG& opt_g, OptD& opt_d, const typename GNet::input_tensor& z,
                    const typename DNet::input_tensor& real) {
        const std::size_t n = z.shape()[0];
        CASCADE_CHECK(real.shape()[0] == n, "gan_trainer: ", real.shape()[0], " real samples but ", n,
                      " noise vectors; use the same batch size for both");
        gan_losses out;
        const auto& fake = g_.forward(z, mode::train);

        // 2. Discriminator (losses/gan.hpp's discriminator_loss, one half at a time: D's activations
        //    belong to its last forward): real batch, target 1, gradients kept; then the fake batch, target 0.
        auto& dl = d_.template grad_at<DNet::depth - 1>();
        {
            const auto& l = d_.forward(real, mode::train);
            out.d_real = detail::mean_probability(l);
            out.d_loss += double(kernels::mean_softplus(l, T(-1)));   // softplus(−l) = −log σ(l)
            kernels::mean_softplus_gradient(l, T(-1), T(1), dl);
            d_.backward(dl);
            save_d_grads();
        }
        {
            const auto& l = d_.forward(fake, mode::train);
            out.d_fake = detail::mean_probability(l);
            out.d_loss += double(kernels::mean_softplus(l, T(1)));    // softplus(l) = −log(1 − σ(l))
            kernels::mean_softplus_gradient(l, T(1), T(1), dl);
            d_.backward(dl);
            add_saved_d_grads();
            apply_gradients(d_, opt_d);
        }

        // 3. Generator through the updated discriminator.
        {
            const auto& l = d_.forward(fake, mode::train);
            out.g_loss = double(kind_ == gan_loss::non_saturating ? losses::gan::generator_loss_non_saturating(l, dl)
                                                                  : losses::gan::generator_loss_minimax(l, dl));
            d_.backward(dl, &dfake_);
            g_.backward(dfake_);
            apply_gradients(g_, opt_g);
        }
        return out;
    }

private:
    // Kept in D's backend as flat tensors (copy_range copies across ranks): no host round trip on a GPU.
    void save_d_grads() {
        d_.visit_params([&](std::size_t k, auto&, auto& g) {
            if (saved_.size() <= k) saved_.resize(k + 1);
            ensure_shape(saved_[k], std::array<std::size_t, 1>{std::size_t(g.size())});
            copy_range(g, 0, saved_[k], 0, g.size());
        });
    }
    void add_saved_d_grads() {   // g += saved, through a flat copy of g
        d_.visit_params([&](std::size_t k, auto&, auto& g) {
            if (flat_.size() <= k) flat_.resize(k + 1);   // one per parameter: no reallocation between steps
            ensure_shape(flat_[k], std::array<std::size_t, 1>{std::size_t(g.size())});
            copy_range(g, 0, flat_[k], 0, g.size());
            kernels::add_scaled(flat_[k], saved_[k], T(1), flat_[k]);
            copy_range(flat_[k], 0, g, 0, g.size());
        });
    }

    GNet& g_;
    DNet& d_;
    gan_loss kind_;
    typename DNet::input_tensor dfake_;      // ∂L_G/∂x̃
    std::vector<typename DNet::template tensor<1>> saved_;   // D's gradients from the real batch, flat
    std::vector<typename DNet::template tensor<1>> flat_;    // scratch of add_saved_d_grads
};

} // namespace cascade::train
