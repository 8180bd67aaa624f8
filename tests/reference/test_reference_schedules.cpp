// Learning-rate schedules, gradient clipping and GAN losses against PyTorch (fixtures from
// make_reference.py): the rate of each epoch vs torch.optim.lr_scheduler (PyTorch's parameters mapped to
// Keras' semantics, README.md), optimizers::clipped<sgd> / <adam> weights after each step vs torch's clip_grad_*
// utilities (with Keras' norm factor), losses::gan values and gradients vs BCE-with-logits.
#include "reference.hpp"

namespace cs = cascade::schedules;
namespace co = cascade::optimizers;
using cascade::host_tensor;
using cascade::reference::compare;
using cascade::reference::compare_values;
using cascade::reference::load;
using cascade::reference::load_as;
using cascade::reference::tol;

// Absolute floor in float (README.md, "Tolerance policy"): a few rounded operations per element.
constexpr double elementwise = 1e-6;

namespace {

// lr(t) for t = 0..T−1 against <case>/lr.npy; schedules compute in double.
template <class Schedule>
void check_schedule(const std::string& case_name, const Schedule& schedule) {
    INFO("case " << case_name);
    const auto ref = load(case_name, "lr");
    std::vector<double> lr;
    for (std::size_t t = 0; t < ref.size(); ++t) lr.push_back(schedule(t));
    compare_values(case_name + "/lr", lr.data(), {lr.size()}, ref, tol<double>());
}

// reduce_on_plateau fed metric.npy epoch by epoch from lr 0.1: the rate after each epoch vs lr.npy.
void check_plateau(const std::string& case_name, cs::reduce_on_plateau::options o) {
    INFO("case " << case_name);
    const auto metric = load(case_name, "metric");
    cs::reduce_on_plateau s(o);
    double rate = 0.1;
    std::vector<double> lr;
    for (double m : metric.data) lr.push_back(rate = s.step(m, rate));
    compare_values(case_name + "/lr", lr.data(), {lr.size()}, load(case_name, "lr"), tol<double>());
}

// clipped<Opt> on two parameters w_0_0 (3, 5), w_0_1 (2, 4): per step s the gradients g_<s>_<k>, in
// train::apply_gradients' order (observe every gradient when asked, begin_step, update each), then the
// weights against w_<s>_<k>.
template <class T, class Opt>
void check_clipped(const std::string& case_name, co::clipped<Opt> opt, cascade::reference::tolerance t) {
    INFO("case " << case_name);
    using W = host_tensor<T, 2>;
    W w[2] = {load_as<W>(case_name, "w_0_0"), load_as<W>(case_name, "w_0_1")};
    for (int s = 1; s <= 3; ++s) {
        const std::string step = std::to_string(s) + "_";
        const W g[2] = {load_as<W>(case_name, "g_" + step + "0"), load_as<W>(case_name, "g_" + step + "1")};
        if (opt.begin_observing())
            for (std::size_t k = 0; k < 2; ++k) opt.observe(k, g[k]);
        opt.begin_step();
        for (std::size_t k = 0; k < 2; ++k) {
            opt.update(k, w[k], g[k]);
            compare(case_name, "w_" + step + std::to_string(k), w[k], t);
        }
    }
}

} // namespace

TEST_CASE("reference learning-rate schedules") {
    check_schedule("schedule_step_decay", cs::step_decay{.initial = 0.1, .step_size = 3, .factor = 0.5});
    check_schedule("schedule_exponential_decay", cs::exponential_decay{.initial = 0.1, .decay_steps = 1, .rate = 0.9});
    check_schedule("schedule_exponential_decay_4", cs::exponential_decay{.initial = 0.1, .decay_steps = 4, .rate = 0.5});
    check_schedule("schedule_exponential_decay_4_staircase",
                   cs::exponential_decay{.initial = 0.1, .decay_steps = 4, .rate = 0.5, .staircase = true});
    check_schedule("schedule_cosine_decay", cs::cosine_decay{.initial = 0.1, .decay_steps = 8, .alpha = 0.1});
    check_schedule("schedule_cosine_decay_warmup", cs::cosine_decay{.initial = 0.01, .decay_steps = 6, .alpha = 0.2,
                                                                     .warmup_steps = 4, .warmup_target = 0.1});
}

TEST_CASE("reference reduce_on_plateau against ReduceLROnPlateau with threshold_mode abs") {
    check_plateau("schedule_reduce_on_plateau",
                  {.monitor = "val_loss", .factor = 0.5, .patience = 2, .min_delta = 1e-4, .mode = cs::monitor_mode::min});
    check_plateau("schedule_reduce_on_plateau_max_cooldown",
                  {.monitor = "val_accuracy", .factor = 0.5, .patience = 2, .min_delta = 1e-4, .cooldown = 2,
                   .min_lr = 1.0 / 64, .mode = cs::monitor_mode::max});
}

TEST_CASE_TEMPLATE("reference gradient clipping", T, float, double) {
    const co::sgd::options sgd{.lr = 0.1, .momentum = 0.9};
    check_clipped<T>("clipped_sgd_clipvalue", co::clipped<co::sgd>{sgd, {.clipvalue = 0.5}}, tol<T>(elementwise));
    check_clipped<T>("clipped_sgd_clipnorm", co::clipped<co::sgd>{sgd, {.clipnorm = 1.5}}, tol<T>(elementwise));
    check_clipped<T>("clipped_sgd_global_clipnorm", co::clipped<co::sgd>{sgd, {.global_clipnorm = 2.0}}, tol<T>(elementwise));
    check_clipped<T>("clipped_sgd_clipvalue_global_clipnorm", co::clipped<co::sgd>{sgd, {.clipvalue = 0.6, .global_clipnorm = 1.5}},
                     tol<T>(elementwise));
    check_clipped<T>("clipped_adam_clipnorm", co::clipped<co::adam>{{.lr = 0.01}, {.clipnorm = 1.2}}, tol<T>(elementwise));
}

TEST_CASE_TEMPLATE("reference GAN losses on logits", T, float, double) {
    namespace gan = cascade::losses::gan;
    using Y = host_tensor<T, 2>;
    const std::string c = "gan_losses";
    const Y real = load_as<Y>(c, "real"), fake = load_as<Y>(c, "fake");
    const auto t = tol<T>(elementwise);
    Y dr, df;
    T value = gan::discriminator_loss(real, fake, dr, df);
    compare_values(c + "/d_value", &value, {}, load(c, "d_value"), t);
    compare(c, "d_grad_real", dr, t);
    compare(c, "d_grad_fake", df, t);
    value = gan::generator_loss_minimax(fake, df);
    compare_values(c + "/minimax_value", &value, {}, load(c, "minimax_value"), t);
    compare(c, "minimax_grad", df, t);
    value = gan::generator_loss_non_saturating(fake, df);
    compare_values(c + "/non_saturating_value", &value, {}, load(c, "non_saturating_value"), t);
    compare(c, "non_saturating_grad", df, t);
}
