#pragma once
// GAN losses on discriminator LOGITS d = D(x) (no final sigmoid), in the stable softplus form
//   −log σ(d) = softplus(−d),   −log(1 − σ(d)) = softplus(d),   softplus(x) = max(x, 0) + log(1 + e^−|x|).
// Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014 (minimax game and the non-saturating
// generator loss, their section 3); the TensorFlow DCGAN tutorial uses the same forms.
//   discriminator:            L_D = mean softplus(−d_real) + mean softplus(d_fake)
//                                 = BCE(d_real, 1) + BCE(d_fake, 0)
//                             ∂L_D/∂d_real = −σ(−d_real)/n_real      ∂L_D/∂d_fake = σ(d_fake)/n_fake
//   generator, minimax:       L_G = mean log(1 − σ(d_fake)) = −mean softplus(d_fake)
//                             ∂L_G/∂d_fake = −σ(d_fake)/n           (vanishes when D rejects fakes)
//   generator, non-saturating L_G = −mean log σ(d_fake) = mean softplus(−d_fake)
//                             ∂L_G/∂d_fake = −σ(−d_fake)/n          (the recommended one)
// Each returns the value (as T) and writes ∂L/∂logits; d tensors are (N, ...), usually (N, 1).
//
// A custom loop composes them with the public pieces of train/step.hpp (G, D two networks):
//   discriminator step: stack real and fake samples into one batch (backward overwrites gradients), run
//     D.forward(x, mode::train), split the logits, discriminator_loss + gradients, stitch dd, D.backward(dd),
//     apply_gradients(D, opt_d) — or, equivalently up to a factor of 2 for equal halves, use
//     train::step(D, losses::binary_crossentropy{.from_logits = true}, opt_d, x, t) with t = 1 / 0;
//   generator step: fake = G.forward(z, mode::train); d = D.forward(fake, mode::train);
//     generator_loss_non_saturating(d, dd); D.backward(dd, &dfake); G.backward(dfake);
//     apply_gradients(G, opt_g) only (D's gradients from this pass are discarded).
#include "cascade/kernels/loss.hpp"

namespace cascade::losses::gan {

template <class Y>
typename Y::value_type discriminator_loss(const Y& real, const Y& fake, Y& d_real, Y& d_fake) {
    using T = typename Y::value_type;
    kernels::mean_softplus_gradient(real, T(-1), T(1), d_real);
    kernels::mean_softplus_gradient(fake, T(1), T(1), d_fake);
    return kernels::mean_softplus(real, T(-1)) + kernels::mean_softplus(fake, T(1));
}

template <class Y>
typename Y::value_type generator_loss_minimax(const Y& fake, Y& d_fake) {
    using T = typename Y::value_type;
    kernels::mean_softplus_gradient(fake, T(1), T(-1), d_fake);
    return -kernels::mean_softplus(fake, T(1));
}

template <class Y>
typename Y::value_type generator_loss_non_saturating(const Y& fake, Y& d_fake) {
    using T = typename Y::value_type;
    kernels::mean_softplus_gradient(fake, T(-1), T(1), d_fake);
    return kernels::mean_softplus(fake, T(-1));
}

} // namespace cascade::losses::gan
