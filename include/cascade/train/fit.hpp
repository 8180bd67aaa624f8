#pragma once
// fit / evaluate / predict: the Keras-style training loop.
//   auto h = train::fit(net, losses::categorical_crossentropy{}, opt, data.train,
//                       {.epochs = 5, .batch_size = 64, .validation = &data.test});
// Each epoch: a seeded shuffle (the same seed gives the same batches), mini-batches of batch_size with
// the last partial batch included, one optimizer step per batch, then validation in inference mode.
// A NaN or Inf loss stops training with a cascade::error naming the epoch and batch.
// Callbacks (train/callbacks.hpp: early_stopping, model_checkpoint, csv_logger, lr_scheduler,
// reduce_lr_on_plateau, lambda_callback) run at the beginning and end of training, epochs and batches.
#include "cascade/data/batcher.hpp"
#include "cascade/data/dataset.hpp"
#include "cascade/io/snapshot.hpp"
#include "cascade/io/weights.hpp"
#include "cascade/tensor/copy_range.hpp"
#include "cascade/train/batch_stage.hpp"
#include "cascade/train/callbacks.hpp"
#include "cascade/train/history.hpp"
#include "cascade/train/metric.hpp"
#include "cascade/train/progress.hpp"
#include "cascade/train/step.hpp"
#if CASCADE_WITH_GPU
#include "cascade/gpu/step_graphs.hpp"   // make_step_graphs, found by argument-dependent lookup
#endif

#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace cascade::train {

template <class D>
struct fit_options {
    std::size_t epochs = 1;
    std::size_t batch_size = 32;
    const D* validation = nullptr;       // evaluated after every epoch (inference mode)
    double validation_split = 0.0;       // else: hold out the LAST fraction of the training data (Keras)
    bool shuffle = true;
    std::uint64_t seed = 0;              // shuffling seed; epoch e uses a permutation derived from (seed, e)
    std::optional<std::vector<metric>> metrics{};   // default: the loss' default metric
    progress::style verbose = progress::style::automatic;
    std::function<void(std::size_t epoch)> on_epoch_begin{};   // e.g. set opt.opt.lr for a schedule
    // Called after each epoch with its values (after the callbacks); return true to stop training.
    std::function<bool(std::size_t epoch, const std::map<std::string, double>& logs)> on_epoch_end{};
    std::vector<callback> callbacks{};   // train/callbacks.hpp; run in this order
    // Per-sample weights of the training data (N values, Keras' sample_weight): the loss becomes
    // Σ w_n l_n / N over each batch. Not applied to validation data.
    const host_tensor<typename D::value_type, 1>* sample_weight = nullptr;
    // GPU networks: capture each training step (forward, loss gradient, backward, update) into a graph
    // once per batch shape and replay it (gpu/step_graphs.hpp, docs/gpu.md). Results are the same either
    // way; on a GPU the non-finite-loss check then comes after the step's update.
    bool graphs = true;
};

namespace detail {

template <class Net, class D>
void check_dataset(const D& d, const char* what) {
    static_assert(std::is_same_v<typename D::value_type, typename Net::scalar_type>,
                  "fit: the dataset's scalar type differs from the network's (e.g. a double dataset for a float net)");
    static_assert(D::x_rank == Net::input_shape::rank + 1,
                  "fit: the dataset's samples have a different rank than the model's input shape");
    static_assert(D::y_rank == Net::output_shape::rank + 1,
                  "fit: the dataset's targets have a different rank than the model's output shape");
    d.validate();
    for (std::size_t i = 0; i < Net::input_shape::rank; ++i)
        CASCADE_CHECK(d.x.shape()[i + 1] == Net::input_shape::dims[i], what, ": sample axis ", i + 1, " has size ",
                      d.x.shape()[i + 1], " but the model's input shape needs ", Net::input_shape::dims[i]);
    for (std::size_t i = 0; i < Net::output_shape::rank; ++i)
        CASCADE_CHECK(d.y.shape()[i + 1] == Net::output_shape::dims[i], what, ": target axis ", i + 1, " has size ",
                      d.y.shape()[i + 1], " but the model's output shape is ", Net::output_shape::dims[i]);
}

// A host network has no step runner: fit calls forward_backward and apply_gradients itself.
struct eager_steps {
    std::size_t replays() const { return 0; }
};
// A device network's comes from its backend (gpu::make_step_graphs: capture and replay).
template <class Net, class Loss>
auto make_step_runner(Net& net, const Loss& loss, const typename Net::input_tensor& x, bool graphs) {
    if constexpr (is_host_tensor<typename Net::input_tensor>) return eager_steps{};
    else return make_step_graphs(net, loss, x, graphs);
}

template <class Opt>
concept has_learning_rate = requires(Opt& o) { o.opt.lr = 1.0; };

// The training_context fit hands its callbacks: this network, this optimizer, this progress output.
template <class Net, class Opt>
class fit_context final : public training_context {
public:
    fit_context(Net& net, Opt& opt, progress& bar) : net_(net), opt_(opt), bar_(bar) {}
    bool has_lr() const override { return has_learning_rate<Opt>; }
    double lr() const override {
        if constexpr (has_learning_rate<Opt>) return double(opt_.opt.lr);
        else return std::nan("");
    }
    void set_lr(double v) override {
        if constexpr (has_learning_rate<Opt>) opt_.opt.lr = v;
        else cascade::detail::fail("fit: the optimizer has no learning rate to set");
    }
    io::weights_snapshot snapshot() override { return io::snapshot(net_); }
    void restore(const io::weights_snapshot& s) override { io::restore(net_, s); }
    void save_weights(const std::string& path) override { io::save_weights(net_, path); }
    void message(const std::string& line) override { bar_.message(line); }

private:
    Net& net_;
    Opt& opt_;
    progress& bar_;
};

template <class Loss>
std::vector<metric> metrics_or_default(const std::optional<std::vector<metric>>& m) {
    return m ? *m : std::vector<metric>{Loss::default_metric};
}

} // namespace detail

// Loss and metrics of net on d in inference mode: {"loss": ..., "accuracy": ...}.
template <class Net, class Loss, class D>
std::map<std::string, double> evaluate(Net& net, const Loss& loss, const D& d, std::size_t batch_size = 256,
                                       const std::optional<std::vector<metric>>& metrics = std::nullopt) {
    detail::check_dataset<Net>(d, "evaluate");
    CASCADE_CHECK(batch_size > 0, "evaluate: batch_size must be positive");
    const auto ms = detail::metrics_or_default<Loss>(metrics);
    const std::size_t n = d.size();
    const auto order = data::sequential_order(n);
    batch_stage<Net> st;
    double loss_sum = 0;
    std::vector<metric_sum> sums(ms.size());
    for (std::size_t b = 0; b < n; b += batch_size) {
        const std::size_t e = std::min(n, b + batch_size);
        st.gather(d, order, b, e);
        const auto& y = net.forward(st.x(), mode::infer);
        double value = double(loss.value(y, st.y()));
        if constexpr (net::has_auxiliary_losses<Net>()) value += double(net::regularization_loss(net));   // as Keras
        loss_sum += value * double(e - b);
        if (!ms.empty()) {
            const auto& yh = st.host_output(y);
            for (std::size_t i = 0; i < ms.size(); ++i) sums[i].add(evaluate_metric(ms[i], yh, st.yh));
        }
    }
    std::map<std::string, double> out{{"loss", n ? loss_sum / double(n) : 0.0}};
    for (std::size_t i = 0; i < ms.size(); ++i) out[metric_name(ms[i])] = sums[i].mean();
    return out;
}

// The network's outputs for every sample of x, (N, output shape...), in inference mode. x and the result
// live on the network's backend (device tensors for a GPU network).
template <class Net>
typename Net::output_tensor predict(Net& net, const typename Net::input_tensor& x, std::size_t batch_size = 256) {
    CASCADE_CHECK(batch_size > 0, "predict: batch_size must be positive");
    const std::size_t n = x.shape()[0];
    typename Net::output_tensor out(batch_shape<typename Net::output_shape>(n));
    typename Net::input_tensor xb;
    const std::size_t in_row = Net::input_shape::size, out_row = Net::output_shape::size;
    for (std::size_t b = 0; b < n; b += batch_size) {
        const std::size_t e = std::min(n, b + batch_size);
        ensure_shape(xb, batch_shape<typename Net::input_shape>(e - b));
        copy_range(x, b * in_row, xb, 0, (e - b) * in_row);
        const auto& y = net.forward(xb, mode::infer);
        copy_range(y, 0, out, b * out_row, std::size_t(y.size()));
    }
    return out;
}

template <class Net, class Loss, class Opt, class D>
history fit(Net& net, const Loss& loss, Opt& opt, const D& train_data, const fit_options<D>& o = {}) {
    CASCADE_CHECK(o.batch_size > 0, "fit: batch_size must be positive");
    CASCADE_CHECK(o.validation_split >= 0.0 && o.validation_split < 1.0, "fit: validation_split must be in [0, 1)");
    CASCADE_CHECK(!(o.validation && o.validation_split > 0), "fit: give either validation data or validation_split, not both");
    detail::check_dataset<Net>(train_data, "fit");
    if (o.sample_weight) {
        CASCADE_CHECK(o.sample_weight->size() == train_data.size(), "fit: sample_weight has ", o.sample_weight->size(),
                      " values for ", train_data.size(), " training samples");
        for (std::size_t i = 0; i < o.sample_weight->size(); ++i)
            CASCADE_CHECK(std::isfinite(double((*o.sample_weight)(i))) && (*o.sample_weight)(i) >= 0,
                          "fit: sample_weight[", i, "] = ", double((*o.sample_weight)(i)), " (weights must be finite and >= 0)");
    }

    // validation_split: train on the first part, validate on the last, without copying the first part.
    std::optional<D> held_out;
    std::size_t n = train_data.size();
    if (o.validation_split > 0) {
        const std::size_t cut = data::split_point(n, o.validation_split);
        held_out = data::subset(train_data, cut, n);
        n = cut;
    }
    const D* validation = o.validation ? o.validation : (held_out ? &*held_out : nullptr);
    if (validation) detail::check_dataset<Net>(*validation, "fit (validation data)");
    CASCADE_CHECK(n > 0, "fit: no training samples");

    const auto ms = detail::metrics_or_default<Loss>(o.metrics);
    history h;
    h.keys.push_back("loss");
    for (auto m : ms) h.keys.push_back(metric_name(m));
    if (validation) {
        h.keys.push_back("val_loss");
        for (auto m : ms) h.keys.push_back(std::string("val_") + metric_name(m));
    }

    progress bar(o.verbose);
    const std::size_t batches = (n + o.batch_size - 1) / o.batch_size;
    detail::fit_context<Net, Opt> ctx(net, opt, bar);
    ctx.history = &h;
    ctx.epochs = o.epochs;
    ctx.batches = batches;
    for (auto& c : o.callbacks) c->on_train_begin(ctx);
    std::vector<std::size_t> order = data::sequential_order(n);
    batch_stage<Net> st;
    auto steps = detail::make_step_runner(net, loss, st.x(), o.graphs);   // (on a GPU: its stream is current from here)
    host_tensor<typename Net::scalar_type, 1> wb;   // the batch's sample weights (with o.sample_weight) ...
    typename Net::template tensor<1> wbd;            // ... on the network's side (a device network gets a copy)
    std::vector<metric_sum> sums(ms.size());

    for (std::size_t epoch = 0; epoch < o.epochs; ++epoch) {
        if (o.on_epoch_begin) o.on_epoch_begin(epoch);
        for (auto& c : o.callbacks) c->on_epoch_begin(ctx, epoch);
        const auto t0 = std::chrono::steady_clock::now();
        if (o.shuffle) data::shuffle_into(order, n, o.seed, epoch);
        bar.begin_epoch(epoch, o.epochs, batches);
        double loss_sum = 0;
        std::size_t seen = 0;
        for (auto& s : sums) s = {};
        for (std::size_t b = 0; b < batches; ++b) {
            const std::size_t begin = b * o.batch_size, end = std::min(n, begin + o.batch_size);
            for (auto& c : o.callbacks) c->on_batch_begin(ctx, epoch, b);
            st.gather(train_data, order, begin, end);
            bool updated = false;   // a device network's step runner also applies the update (in its graph)
            const auto value = [&] {
                if (o.sample_weight) {   // eagerly, also on a GPU (step graphs take no weights)
                    ensure_shape(wb, std::array<std::size_t, 1>{end - begin});
                    for (std::size_t i = begin; i < end; ++i) wb(i - begin) = (*o.sample_weight)(order[i]);
                    if constexpr (batch_stage<Net>::on_host) {
                        return forward_backward(net, loss, st.x(), st.y(), wb);
                    } else {
                        copy_to_device(wb, wbd);   // found by argument-dependent lookup (the backend's)
                        return forward_backward(net, loss, st.x(), st.y(), wbd);
                    }
                }
                if constexpr (batch_stage<Net>::on_host) {
                    return forward_backward(net, loss, st.x(), st.y());
                } else {
                    updated = true;
                    return steps.step(net, loss, opt, st.x(), st.y());
                }
            }();
            if (!std::isfinite(double(value)))
                cascade::detail::fail("fit: the loss became ", double(value), " at epoch ", epoch + 1, ", batch ", b + 1,
                                      " of ", batches, " (samples ", begin, "..", end - 1,
                                      " of the shuffled order); lower the learning rate or check the data for NaN/Inf");
            if (!ms.empty()) {
                const auto& yh = st.host_output(net.output());
                for (std::size_t i = 0; i < ms.size(); ++i) sums[i].add(evaluate_metric(ms[i], yh, st.yh));
            }
            if (!updated) apply_gradients(net, opt);
            ++ctx.steps;
            loss_sum += double(value) * double(end - begin);
            seen += end - begin;
            bar.batch(b + 1, seen, loss_sum / double(seen), ms.empty() ? nullptr : metric_name(ms[0]),
                      ms.empty() ? 0.0 : sums[0].mean());
            if (!o.callbacks.empty()) {
                const batch_logs bl{b, end - begin, double(value), loss_sum / double(seen)};
                for (auto& c : o.callbacks) c->on_batch_end(ctx, epoch, bl);
                if (ctx.stop_training) break;   // Keras 3: the epoch ends after this batch
            }
        }
        const double train_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::map<std::string, double> logs{{"loss", loss_sum / double(seen)}};
        for (std::size_t i = 0; i < ms.size(); ++i) logs[metric_name(ms[i])] = sums[i].mean();
        if (validation)
            for (auto& [k, v] : evaluate(net, loss, *validation, std::max<std::size_t>(o.batch_size, 256), ms))
                logs["val_" + k] = v;
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        h.epochs.push_back(logs);
        h.seconds.push_back(secs);
        if (ctx.has_lr()) h.lr.push_back(ctx.lr());
        std::ostringstream line;
        line.precision(4);
        for (auto& k : h.keys) line << " - " << k << " " << logs[k];
        bar.end_epoch(seen, train_secs, line.str());
        for (auto& c : o.callbacks) c->on_epoch_end(ctx, epoch, logs);
        if (o.on_epoch_end && o.on_epoch_end(epoch, logs)) ctx.stop_training = true;
        if (ctx.stop_training) {
            h.stopped_epoch = epoch;
            break;
        }
    }
    h.graph_replays = steps.replays();
    for (auto& c : o.callbacks) c->on_train_end(ctx);
    return h;
}

} // namespace cascade::train
