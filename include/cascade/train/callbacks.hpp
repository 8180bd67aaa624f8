#pragma once
// callbacks: code that fit runs at fixed points of training, Keras' keras.callbacks. A callback derives
// from callback_base and overrides the hooks it needs; fit_options::callbacks holds them type-erased:
//
//   cc::train::early_stopping stop{{.monitor = "val_loss", .patience = 5, .restore_best_weights = true}};
//   auto h = cc::train::fit(net, loss, opt, data, {.epochs = 100, .validation = &val,
//       .callbacks = {std::ref(stop),                                        // by reference: inspect it after fit
//                     cc::train::model_checkpoint{{.path = "best.cw", .save_best_only = true}},   // by value
//                     cc::train::lr_scheduler{cc::schedules::cosine_decay{.initial = 1e-3, .decay_steps = 100}},
//                     cc::train::csv_logger{"log.csv"}}});
//
// Hooks, in order: on_train_begin; per epoch on_epoch_begin, per batch on_batch_begin / on_batch_end,
// on_epoch_end (after validation, with the epoch's logs); on_train_end (also after a stop). Callbacks run
// in list order. A callback stops training by setting ctx.stop_training (Keras' model.stop_training):
// fit finishes the current batch, validates and ends the epoch, then stops; history.stopped_epoch says
// when. Callbacks reach the network and optimizer only through the training_context (learning rate,
// in-memory snapshot, saving weights, a progress message), so they do not depend on the model's type.
#include "cascade/config.hpp"
#include "cascade/io/snapshot.hpp"
#include "cascade/schedules/reduce_on_plateau.hpp"
#include "cascade/train/history.hpp"

#include <cmath>
#include <concepts>
#include <cstdio>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace cascade::train {

using logs_type = std::map<std::string, double>;
using schedules::monitor_mode;

// What fit offers callbacks: the model and optimizer behind a type-independent interface.
class training_context {
public:
    virtual ~training_context() = default;
    virtual bool has_lr() const = 0;                  // the optimizer has opt.lr
    virtual double lr() const = 0;                    // its learning rate (NaN without one)
    virtual void set_lr(double) = 0;                  // throws cascade::error without one
    virtual io::weights_snapshot snapshot() = 0;      // in-memory copy of every parameter and buffer
    virtual void restore(const io::weights_snapshot&) = 0;
    virtual void save_weights(const std::string& path) = 0;   // io::save_weights
    virtual void message(const std::string& line) = 0;        // a line through fit's progress output

    bool stop_training = false;        // set by a callback to stop after the current batch
    const train::history* history = nullptr;   // the epochs so far (keys are set before on_train_begin)
    std::size_t epochs = 0;            // fit_options::epochs
    std::size_t batches = 0;           // batches per epoch
    std::size_t steps = 0;             // optimizer steps done so far
};

// One batch's values, for on_batch_end (no allocation per batch).
struct batch_logs {
    std::size_t batch = 0;     // 0-based index in the epoch
    std::size_t size = 0;      // samples in this batch
    double loss = 0;           // this batch's loss
    double mean_loss = 0;      // mean over the epoch's batches so far (what the progress bar shows)
};

struct callback_base {
    virtual ~callback_base() = default;
    virtual void on_train_begin(training_context&) {}
    virtual void on_epoch_begin(training_context&, std::size_t /*epoch*/) {}
    virtual void on_batch_begin(training_context&, std::size_t /*epoch*/, std::size_t /*batch*/) {}
    virtual void on_batch_end(training_context&, std::size_t /*epoch*/, const batch_logs&) {}
    virtual void on_epoch_end(training_context&, std::size_t /*epoch*/, const logs_type&) {}
    virtual void on_train_end(training_context&) {}
};

// A callback in fit_options::callbacks: owns a copy of a callback given by value, or refers to one given
// as std::ref(c) (to read its state after fit) or shared through a std::shared_ptr.
class callback {
public:
    template <class C>
        requires std::derived_from<std::decay_t<C>, callback_base>
    callback(C&& c) : p_(std::make_shared<std::decay_t<C>>(std::forward<C>(c))) {}
    template <class C>
        requires std::derived_from<C, callback_base>
    callback(std::reference_wrapper<C> c) : p_(std::shared_ptr<callback_base>(), &c.get()) {}   // non-owning
    template <class C>
        requires std::derived_from<C, callback_base>
    callback(std::shared_ptr<C> c) : p_(std::move(c)) {}

    callback_base* operator->() const { return p_.get(); }
    callback_base& operator*() const { return *p_; }

private:
    std::shared_ptr<callback_base> p_;
};

namespace detail {

inline bool has_key(const training_context& ctx, const std::string& k) {
    if (!ctx.history) return true;
    for (auto& key : ctx.history->keys)
        if (key == k) return true;
    return false;
}
inline void check_monitor(const training_context& ctx, const std::string& who, const std::string& monitor) {
    if (has_key(ctx, monitor)) return;
    std::ostringstream keys;
    for (auto& k : ctx.history->keys) keys << ' ' << k;
    cascade::detail::fail(who, ": the monitored value '", monitor, "' is not computed by fit (available:", keys.str(),
                          ")", monitor.rfind("val_", 0) == 0 ? "; val_ values need validation data or validation_split" : "");
}
inline double monitored(const logs_type& logs, const std::string& who, const std::string& monitor) {
    auto it = logs.find(monitor);
    CASCADE_CHECK(it != logs.end(), who, ": no value '", monitor, "' in the epoch's logs");
    return it->second;
}
inline std::string format_value(double v) {
    std::ostringstream os;
    os.precision(7);
    os << v;
    return os.str();
}

} // namespace detail

// ---- early_stopping: Keras 3 EarlyStopping ----
// Stops when `monitor` has not improved by more than min_delta for `patience` epochs:
//   improvement: value < best − min_delta (min) or value > best + min_delta (max); mode automatic is
//   max for monitors containing "acc", else min. An epoch that is not an improvement counts towards
//   patience; patience 0 stops at the first epoch without improvement (never after the first epoch).
//   baseline: the counter is only reset by improvements that also beat the baseline.
// restore_best_weights: keeps an in-memory copy of the parameters and buffers of the best epoch and
// restores it when training ends (Keras 3; tf.keras 2.x restored only when it stopped training early).
// Prints "epoch 12: early stopping" through fit's progress output.
struct early_stopping_options {
    std::string monitor = "val_loss";
    double min_delta = 0.0;
    std::size_t patience = 0;
    monitor_mode mode = monitor_mode::automatic;
    std::optional<double> baseline{};
    bool restore_best_weights = false;
    std::size_t start_from_epoch = 0;   // epochs before this one are not monitored (warm-up)
};

class early_stopping : public callback_base {
public:
    using options = early_stopping_options;
    options opt;
    explicit early_stopping(options o = {}) : opt(std::move(o)) {}

    std::optional<std::size_t> stopped_epoch() const { return stopped_; }   // 0-based, if it stopped training
    std::optional<std::size_t> best_epoch() const { return best_epoch_; }   // 0-based
    double best() const { return best_; }
    const io::weights_snapshot& best_weights() const { return best_weights_; }

    void on_train_begin(training_context& ctx) override {
        detail::check_monitor(ctx, "early_stopping", opt.monitor);
        max_ = schedules::maximises(opt.mode, opt.monitor);
        best_ = max_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
        wait_ = 0;
        stopped_.reset();
        best_epoch_.reset();
        best_weights_ = {};
    }
    void on_epoch_end(training_context& ctx, std::size_t epoch, const logs_type& logs) override {
        if (epoch < opt.start_from_epoch) return;
        const double value = detail::monitored(logs, "early_stopping", opt.monitor);
        if (opt.restore_best_weights && best_weights_.empty()) best_weights_ = ctx.snapshot();
        ++wait_;
        if (improves(value, best_)) {
            best_ = value;
            best_epoch_ = epoch;
            if (opt.restore_best_weights) best_weights_ = ctx.snapshot();
            if (!opt.baseline || improves(value, *opt.baseline)) wait_ = 0;
            return;
        }
        if (wait_ >= opt.patience && epoch > 0) {
            stopped_ = epoch;
            ctx.stop_training = true;
        }
    }
    void on_train_end(training_context& ctx) override {
        if (stopped_)
            ctx.message("epoch " + std::to_string(*stopped_ + 1) + ": early stopping (" + opt.monitor + " did not improve for " +
                        std::to_string(wait_) + " epochs)");
        if (opt.restore_best_weights && !best_weights_.empty()) {
            ctx.restore(best_weights_);
            if (best_epoch_)
                ctx.message("restored the weights of epoch " + std::to_string(*best_epoch_ + 1) + " (" + opt.monitor + " " +
                            detail::format_value(best_) + ")");
        }
    }

private:
    bool improves(double value, double reference) const {
        return max_ ? value - opt.min_delta > reference : value + opt.min_delta < reference;
    }
    bool max_ = false;
    double best_ = 0;
    std::size_t wait_ = 0;
    std::optional<std::size_t> stopped_, best_epoch_;
    io::weights_snapshot best_weights_;
};

// ---- model_checkpoint: Keras ModelCheckpoint(save_weights_only=True) ----
// Saves the weights (io::save_weights) after every epoch, or with save_best_only only when `monitor`
// improved on the best value so far (strictly; no min_delta, as Keras). "{epoch}" in the path is
// replaced by the 1-based epoch number, zero-padded to 2 digits ("w{epoch}.cw" → "w07.cw").
struct model_checkpoint_options {
    std::string path;
    std::string monitor = "val_loss";
    bool save_best_only = false;
    monitor_mode mode = monitor_mode::automatic;
    bool verbose = false;   // a line per save
};

class model_checkpoint : public callback_base {
public:
    using options = model_checkpoint_options;
    options opt;
    explicit model_checkpoint(options o) : opt(std::move(o)) {
        CASCADE_CHECK(!opt.path.empty(), "model_checkpoint: path is empty");
    }

    const std::vector<std::string>& saved() const { return saved_; }   // paths written, in order
    double best() const { return best_; }

    void on_train_begin(training_context& ctx) override {
        if (opt.save_best_only) detail::check_monitor(ctx, "model_checkpoint", opt.monitor);
        max_ = schedules::maximises(opt.mode, opt.monitor);
        best_ = max_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
        saved_.clear();
    }
    void on_epoch_end(training_context& ctx, std::size_t epoch, const logs_type& logs) override {
        const std::string path = file_for(epoch);
        if (opt.save_best_only) {
            const double value = detail::monitored(logs, "model_checkpoint", opt.monitor);
            if (!(max_ ? value > best_ : value < best_)) return;
            if (opt.verbose)
                ctx.message("epoch " + std::to_string(epoch + 1) + ": " + opt.monitor + " improved from " +
                            detail::format_value(best_) + " to " + detail::format_value(value) + ", saving the weights to " + path);
            best_ = value;
        } else if (opt.verbose) {
            ctx.message("epoch " + std::to_string(epoch + 1) + ": saving the weights to " + path);
        }
        ctx.save_weights(path);
        saved_.push_back(path);
    }

private:
    std::string file_for(std::size_t epoch) const {
        const std::string& p = opt.path;
        const auto at = p.find("{epoch}");
        if (at == std::string::npos) return p;
        char num[32];
        std::snprintf(num, sizeof num, "%02zu", epoch + 1);
        return p.substr(0, at) + num + p.substr(at + 7);
    }
    bool max_ = false;
    double best_ = 0;
    std::vector<std::string> saved_;
};

// ---- csv_logger: Keras CSVLogger ----
// One row per epoch, written and flushed as each epoch ends (a crashed run keeps its rows), in
// history::write_csv's format with an lr column when the optimizer has a learning rate.
// append: keep an existing file's rows (and skip the header if the file is not empty).
class csv_logger : public callback_base {
public:
    explicit csv_logger(std::string path, bool append = false) : path_(std::move(path)), append_(append) {}

    void on_train_begin(training_context& ctx) override {
        std::ifstream existing(path_);
        const bool has_rows = append_ && existing && existing.peek() != std::ifstream::traits_type::eof();
        f_ = std::make_shared<std::ofstream>(path_, append_ ? std::ios::app : std::ios::trunc);
        CASCADE_CHECK(bool(*f_), "csv_logger: cannot write ", path_);
        if (!has_rows) ctx.history->write_csv_header(*f_, ctx.has_lr());
        f_->flush();
    }
    void on_epoch_end(training_context& ctx, std::size_t epoch, const logs_type&) override {
        ctx.history->write_csv_row(*f_, epoch, ctx.has_lr());
        f_->flush();
        CASCADE_CHECK(bool(*f_), "csv_logger: error while writing ", path_);
    }
    void on_train_end(training_context&) override { f_.reset(); }

private:
    std::string path_;
    bool append_;
    std::shared_ptr<std::ofstream> f_;   // shared: the callback stays copyable
};

// ---- lr_scheduler: Keras LearningRateScheduler, and schedules applied per optimizer step ----
// The learning rate from a schedule (schedules/*.hpp, or any function) of the epoch, set at the start
// of each epoch — or, with per = step, of the optimizer step count, set before every batch (Keras'
// LearningRateSchedule objects passed as learning_rate). A two-argument function gets (t, current lr),
// like Keras' schedule(epoch, lr).
class lr_scheduler : public callback_base {
public:
    enum class unit { epoch, step };
    explicit lr_scheduler(std::function<double(std::size_t)> schedule, unit per = unit::epoch)
        : f_([s = std::move(schedule)](std::size_t t, double) { return s(t); }), per_(per) {}
    explicit lr_scheduler(std::function<double(std::size_t, double)> schedule, unit per = unit::epoch)
        : f_(std::move(schedule)), per_(per) {}

    void on_train_begin(training_context& ctx) override {
        CASCADE_CHECK(ctx.has_lr(), "lr_scheduler: the optimizer has no learning rate (opt.lr)");
    }
    void on_epoch_begin(training_context& ctx, std::size_t epoch) override {
        if (per_ == unit::epoch) apply(ctx, epoch);
    }
    void on_batch_begin(training_context& ctx, std::size_t, std::size_t) override {
        if (per_ == unit::step) apply(ctx, ctx.steps);
    }

private:
    void apply(training_context& ctx, std::size_t t) {
        const double lr = f_(t, ctx.lr());
        CASCADE_CHECK(std::isfinite(lr) && lr >= 0, "lr_scheduler: the schedule gave the learning rate ", lr, " at ",
                      per_ == unit::epoch ? "epoch " : "step ", t);
        ctx.set_lr(lr);
    }
    std::function<double(std::size_t, double)> f_;
    unit per_;
};

// ---- reduce_lr_on_plateau: Keras ReduceLROnPlateau (the rule is schedules::reduce_on_plateau) ----
class reduce_lr_on_plateau : public callback_base {
public:
    using options = schedules::reduce_on_plateau_options;
    explicit reduce_lr_on_plateau(options o = {}, bool verbose = true) : rule_(std::move(o)), verbose_(verbose) {}

    const schedules::reduce_on_plateau& rule() const { return rule_; }

    void on_train_begin(training_context& ctx) override {
        detail::check_monitor(ctx, "reduce_lr_on_plateau", rule_.opt.monitor);
        CASCADE_CHECK(ctx.has_lr(), "reduce_lr_on_plateau: the optimizer has no learning rate (opt.lr)");
        rule_.reset();
    }
    void on_epoch_end(training_context& ctx, std::size_t epoch, const logs_type& logs) override {
        const double lr = ctx.lr();
        const double next = rule_.step(detail::monitored(logs, "reduce_lr_on_plateau", rule_.opt.monitor), lr);
        if (next == lr) return;
        ctx.set_lr(next);
        if (verbose_)
            ctx.message("epoch " + std::to_string(epoch + 1) + ": reduce_lr_on_plateau: learning rate " +
                        detail::format_value(lr) + " -> " + detail::format_value(next));
    }

private:
    schedules::reduce_on_plateau rule_;
    bool verbose_;
};

// ---- lambda_callback: Keras LambdaCallback; any hook left empty does nothing ----
//   cc::train::lambda_callback{{.batch_end = [&](auto&, std::size_t, const cc::train::batch_logs& b) { ... }}}
struct lambda_hooks {
    std::function<void(training_context&)> train_begin{};
    std::function<void(training_context&, std::size_t epoch)> epoch_begin{};
    std::function<void(training_context&, std::size_t epoch, const batch_logs&)> batch_end{};
    std::function<void(training_context&, std::size_t epoch, const logs_type&)> epoch_end{};
    std::function<void(training_context&)> train_end{};
};

class lambda_callback : public callback_base {
public:
    explicit lambda_callback(lambda_hooks h) : h_(std::move(h)) {}
    void on_train_begin(training_context& c) override { if (h_.train_begin) h_.train_begin(c); }
    void on_epoch_begin(training_context& c, std::size_t e) override { if (h_.epoch_begin) h_.epoch_begin(c, e); }
    void on_batch_end(training_context& c, std::size_t e, const batch_logs& b) override { if (h_.batch_end) h_.batch_end(c, e, b); }
    void on_epoch_end(training_context& c, std::size_t e, const logs_type& l) override { if (h_.epoch_end) h_.epoch_end(c, e, l); }
    void on_train_end(training_context& c) override { if (h_.train_end) h_.train_end(c); }

private:
    lambda_hooks h_;
};

} // namespace cascade::train
