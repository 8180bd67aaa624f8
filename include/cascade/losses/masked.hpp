#pragma once
// masked<Base>: an element-wise loss (mse, mae, huber, binary_crossentropy) restricted to the elements
// whose mask is non-zero — e.g. DnCNN-style pixel classification where only the detector's sense-wire
// area counts, or padding in variable-size images:
//   L = Σ_i m_i w_n(i) l(y_i, t_i) / Σ_i m_i          dL/dy_i = m_i w_n(i) l'(y_i, t_i) / Σ_i m_i
// Elements with m_i = 0 neither count nor get a gradient; the normaliser is the mask's sum over the batch,
// so the loss is the mean over the counted elements (Keras' Masking divides the same way; fractional
// masks act as per-element weights). A batch whose mask is all zero has loss 0 and gradient 0.
// w_n are the optional per-sample weights (value(y, t, w)); without them w = 1.
//
// The mask is not part of the targets: the loss holds a view of it, set before each use
//   losses::masked<losses::mse> loss;               // or masked<binary_crossentropy>{.base = {.from_logits = true}}
//   loss.set_mask(m);                               // any contiguous container of M (float by default)
//   train::step(net, loss, opt, x, t);
// with m either
//   - of the batch's shape (N, sample...): one mask per sample, set for each batch; or
//   - of one sample's shape (sample...): the same mask for every sample, broadcast over the batch. This
//     form works unchanged with train::fit (a fixed detector mask) because it does not depend on the batch.
// The view must outlive its uses. fit's metrics are not masked.
// With binary_crossentropy on probabilities the final sigmoid is fused as for the unmasked loss:
// dz_i = m_i w_n (p_i − t_i) / Σ m.
#include "cascade/config.hpp"
#include "cascade/kernels/loss.hpp"
#include "cascade/train/metric.hpp"

#include <array>
#include <cstddef>

namespace cascade::losses {

namespace detail {
constexpr std::size_t length(const char* s) {
    std::size_t n = 0;
    while (s[n]) ++n;
    return n;
}
// "masked_" + Base::name as a static, null-terminated array.
template <class Base>
struct masked_name {
    static constexpr auto value = [] {
        constexpr const char prefix[] = "masked_";
        std::array<char, sizeof(prefix) + length(Base::name)> out{};
        std::size_t i = 0;
        for (std::size_t j = 0; prefix[j]; ++j) out[i++] = prefix[j];
        for (std::size_t j = 0; Base::name[j]; ++j) out[i++] = Base::name[j];
        out[i] = '\0';
        return out;
    }();
};
} // namespace detail

template <class Base, class M = float>
struct masked {
    static_assert(requires(const Base& b) { b.term(); },
                  "masked<Base>: Base must be an element-wise loss (mse, mae, huber, binary_crossentropy)");
    Base base{};
    const M* mask = nullptr;
    std::size_t mask_size = 0;

    static constexpr const char* name = detail::masked_name<Base>::value.data();
    static constexpr metric default_metric = Base::default_metric;
    template <class Last> static constexpr bool fuses_with = Base::template fuses_with<Last>;

    template <class Mask>
    void set_mask(const Mask& m) {
        mask = m.data();
        mask_size = m.size();
    }
    bool fused() const {
        if constexpr (requires(const Base& b) { b.fused(); }) return base.fused();
        else return false;
    }

    template <class Y>
    auto value(const Y& y, const Y& t) const { return kernels::elementwise_loss_value(y, t, base.term(), factors(y, nullptr)); }
    template <class Y, class W>
    auto value(const Y& y, const Y& t, const W& w) const {
        return kernels::elementwise_loss_value(y, t, base.term(), factors(y, kernels::sample_weights_of(w, y, name)));
    }
    template <class Y>
    void gradient(const Y& y, const Y& t, Y& dy) const { kernels::elementwise_loss_gradient(y, t, base.term(), dy, factors(y, nullptr)); }
    template <class Y, class W>
    void gradient(const Y& y, const Y& t, const W& w, Y& dy) const {
        kernels::elementwise_loss_gradient(y, t, base.term(), dy, factors(y, kernels::sample_weights_of(w, y, name)));
    }
    template <class Y>
    void fused_gradient(const Y& p, const Y& t, Y& dz) const { kernels::masked_scaled_difference(p, t, dz, factors(p, nullptr)); }
    template <class Y, class W>
    void fused_gradient(const Y& p, const Y& t, const W& w, Y& dz) const {
        kernels::masked_scaled_difference(p, t, dz, factors(p, kernels::sample_weights_of(w, p, name)));
    }

private:
    template <class Y>
    kernels::loss_factors<typename Y::value_type, M> factors(const Y& y, const typename Y::value_type* w) const {
        CASCADE_CHECK(mask != nullptr, name, ": no mask set (call set_mask before value/gradient)");
        const std::size_t per = y.shape()[0] ? y.size() / y.shape()[0] : 0;
        CASCADE_CHECK(mask_size == y.size() || mask_size == per, name, ": the mask has ", mask_size,
                      " values but the batch has ", y.size(), " (", y.shape()[0], " samples of ", per,
                      "); give one value per element of the batch or of one sample");
        return {w, mask, mask_size};
    }
};

} // namespace cascade::losses
