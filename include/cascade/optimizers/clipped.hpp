#pragma once
// clipped<Opt>: gradient clipping in front of any optimizer, Keras' clipvalue / clipnorm /
// global_clipnorm arguments:
//   clipvalue c:        g ← min(max(g, −c), c)                        element-wise
//   clipnorm c:         g ← g · c / max(‖g‖₂, c)                       each tensor on its own
//   global_clipnorm c:  g ← g · c / max(‖(g_1, …, g_K)‖₂, c)           one norm over every gradient
// clipvalue is applied first, then the norm (tf.keras 2.x order; Keras 3 ignores clipvalue when a norm
// is set). clipnorm and global_clipnorm exclude each other, as in Keras. 0 means off.
// PyTorch: torch.nn.utils.clip_grad_value_(c) is clipvalue; clip_grad_norm_(max_norm) is global_clipnorm
// with the factor max_norm / (‖g‖ + 1e-6) when below 1 (a relative difference ≤ 1e-6/‖g‖).
//
//   cc::optimizers::clipped<cc::optimizers::adam> opt{{.lr = 1e-3}, {.global_clipnorm = 1.0}};
//   opt.opt.lr = 1e-4;            // the wrapped optimizer's options, as without clipping
//
// The global norm needs every gradient before the first update: train::apply_gradients calls
// observe(k, g) for every parameter first when begin_observing() returns true.
// On device tensors (backend::gpu) the same steps run as kernels (kernels/gpu/adaptive_optimizers.hpp);
// the norms stay on the device, so clipping adds no host synchronisation to a step.
#include "cascade/config.hpp"
#include "cascade/tensor/tensor.hpp"

#include <algorithm>
#include <any>
#include <cmath>
#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

namespace cascade::optimizers {

struct clip_options {
    double clipvalue = 0.0;
    double clipnorm = 0.0;
    double global_clipnorm = 0.0;
};

template <class Opt>
struct clipped : Opt {
    clip_options clip;

    explicit clipped(typename Opt::options o = {}, clip_options c = {}) : Opt(o), clip(c) {}

    // train::apply_gradients: true → observe(k, g) for every gradient, then begin_step, then update.
    bool begin_observing() {
        CASCADE_CHECK(clip.clipvalue >= 0 && clip.clipnorm >= 0 && clip.global_clipnorm >= 0,
                      "clipped<", Opt::name, ">: clipvalue, clipnorm and global_clipnorm must be >= 0 (0: off)");
        CASCADE_CHECK(!(clip.clipnorm > 0 && clip.global_clipnorm > 0),
                      "clipped<", Opt::name, ">: set only one of clipnorm and global_clipnorm (as in Keras)");
        global_sq_ = 0;
        device_observed_ = false;
        return clip.global_clipnorm > 0;
    }
    template <class P>
    void observe(std::size_t, const P& g) {
        if constexpr (!is_host_tensor<P>) {   // a device tensor: the backend's reduction (found by ADL), kept there
            sum_squares_on_device(g, clip.clipvalue, device_observed_, device_sum(g));
            device_observed_ = true;
            return;
        }
        const auto* p = g.data();
        double s = 0;
        for (std::size_t i = 0; i < g.size(); ++i) {
            const double v = clip.clipvalue > 0 ? std::clamp(double(p[i]), -clip.clipvalue, clip.clipvalue) : double(p[i]);
            s += v * v;
        }
        global_sq_ += s;
    }
    // ‖g‖₂ over every gradient of the step (after clipvalue); 0 unless global_clipnorm is set. (Device
    // gradients: read back from the device, a synchronisation; the step itself never reads it.)
    double global_norm() const { return device_observed_ ? device_norm_(device_sum_) : std::sqrt(global_sq_); }

    template <class P>
    void update(std::size_t k, P& w, const P& g) {
        if (clip.clipvalue <= 0 && clip.clipnorm <= 0 && clip.global_clipnorm <= 0) return Opt::update(k, w, g);
        using T = typename P::value_type;
        if constexpr (!is_host_tensor<P>) return update_on_device(k, w, g);
        P& c = scratch<P>(k, g);
        T* pc = c.data();
        const std::size_t n = c.size();
        if (clip.clipvalue > 0) {
            const T lim = T(clip.clipvalue);
            for (std::size_t i = 0; i < n; ++i) pc[i] = std::clamp(pc[i], -lim, lim);
        }
        double norm = 0, limit = 0;
        if (clip.clipnorm > 0) {
            for (std::size_t i = 0; i < n; ++i) norm += double(pc[i]) * double(pc[i]);
            norm = std::sqrt(norm);
            limit = clip.clipnorm;
        } else if (clip.global_clipnorm > 0) {
            norm = global_norm();
            limit = clip.global_clipnorm;
        }
        if (norm > limit && limit > 0) {
            const T f = T(limit / norm);
            for (std::size_t i = 0; i < n; ++i) pc[i] *= f;
        }
        Opt::update(k, w, c);
    }

private:
    // The same steps on a device tensor through the backend's hooks (found by ADL): clamp into the
    // scratch copy; the sum of squares (this tensor's, or the one observe() added up) stays on the device,
    // where the scaling kernel compares its root with the limit: no host synchronisation.
    template <class P>
    void update_on_device(std::size_t k, P& w, const P& g) {
        using T = typename P::value_type;
        if (scratch_.size() <= k) scratch_.resize(k + 1);
        P* c = std::any_cast<P>(&scratch_[k]);
        if (!c) c = &scratch_[k].template emplace<P>();
        clip_value_on_device(g, *c, T(clip.clipvalue));   // resizes c to g's shape (allocating on the first step only)
        if (clip.clipnorm > 0) {
            sum_squares_on_device(*c, 0.0, false, device_sum(g));
            clip_norm_on_device(*c, device_sum(g), clip.clipnorm);
        } else if (clip.global_clipnorm > 0) {
            clip_norm_on_device(*c, device_sum(g), clip.global_clipnorm);
        }
        Opt::update(k, w, *c);
    }
    // The backend's buffer for a sum of squares (made once, by the hook sum_squares_buffer found by ADL);
    // device_norm_ reads its root back for global_norm().
    template <class P>
    auto& device_sum(const P& g) {
        using S = decltype(sum_squares_buffer(g));
        S* s = std::any_cast<S>(&device_sum_);
        if (!s) {
            s = &device_sum_.template emplace<S>(sum_squares_buffer(g));
            device_norm_ = [](const std::any& a) { return norm_from_device(*std::any_cast<S>(&a)); };
        }
        return *s;
    }
    // A copy of g in a tensor of g's type, kept per parameter (allocated on the first step only).
    template <class P>
    P& scratch(std::size_t k, const P& g) {
        if (scratch_.size() <= k) scratch_.resize(k + 1);
        P* c = std::any_cast<P>(&scratch_[k]);
        if (!c || c->shape() != g.shape()) c = &scratch_[k].template emplace<P>(g);
        else std::copy(g.data(), g.data() + g.size(), c->data());
        return *c;
    }
    double global_sq_ = 0;
    std::vector<std::any> scratch_;
    std::any device_sum_;                  // device gradients: Σ g² on the device (see device_sum)
    std::function<double(const std::any&)> device_norm_;
    bool device_observed_ = false;
};

} // namespace cascade::optimizers
