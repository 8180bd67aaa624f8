// Callbacks in fit: early stopping (the epoch it stops at, the restored best weights), checkpoints
// written only on improvement, the CSV log, learning-rate schedules per epoch and per step,
// reduce-on-plateau, user lambdas at batch and epoch end, and the history's lr and stopped_epoch.
#include <cascade/backend/cpu.hpp>
#include <cascade/io/weights.hpp>
#include <cascade/layers/dense.hpp>
#include <cascade/losses/mse.hpp>
#include <cascade/net/sequential.hpp>
#include <cascade/optimizers/sgd.hpp>
#include <cascade/schedules/cosine_decay.hpp>
#include <cascade/schedules/step_decay.hpp>
#include <cascade/train/fit.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace cc = cascade;
namespace T = cascade::train;
using cc::backend::cpu;

namespace {
// Linear regression y = 2 x0 − x1 + 0.5 with x in [−2, 2]: full-batch gradient descent on the mse is
// monotone for lr = 0.1 and diverges for lr = 3 (the Hessian's largest eigenvalue is about 2.7).
using linear = cc::net::sequential<cc::shape<2>, cc::layers::dense<1>>;
using dataset = cc::data::dataset<double, 2, 2>;

dataset line_data(std::size_t n) {
    dataset d;
    d.x = xt::zeros<double>({n, std::size_t(2)});
    d.y = xt::zeros<double>({n, std::size_t(1)});
    for (std::size_t i = 0; i < n; ++i) {
        d.x(i, 0) = 2 * std::sin(1.3 * double(i));
        d.x(i, 1) = 2 * std::cos(0.7 * double(i) + 0.4);
        d.y(i, 0) = 2 * d.x(i, 0) - d.x(i, 1) + 0.5;
    }
    return d;
}

std::string tmp(const std::string& name) { return std::string(CASCADE_TEST_DATA_DIR) + "/" + name; }
bool exists(const std::string& p) { return bool(std::ifstream(p)); }

constexpr auto silent = T::progress::style::silent;

// lr 0.1 for the first three epochs (val_loss falls), 3.0 afterwards (it rises).
double good_then_bad(std::size_t epoch) { return epoch < 3 ? 0.1 : 3.0; }
} // namespace

TEST_CASE("early_stopping stops after patience epochs without improvement and restores the best weights") {
    const auto d = line_data(64);
    linear::on<cpu, double> net{1};
    cc::optimizers::sgd opt;
    T::early_stopping stop{{.monitor = "val_loss", .patience = 2, .restore_best_weights = true}};
    std::vector<cc::io::weights_snapshot> after_epoch;   // taken before early_stopping sees the epoch
    const auto h = T::fit(net, cc::losses::mse{}, opt, d,
                          {.epochs = 20, .batch_size = 64, .validation = &d, .verbose = silent,
                           .callbacks = {T::lr_scheduler{good_then_bad},
                                         T::lambda_callback{{.epoch_end = [&](T::training_context& ctx, std::size_t, const auto&) {
                                             after_epoch.push_back(ctx.snapshot());
                                         }}},
                                         std::ref(stop)}});
    const auto v = h.column("val_loss");
    // The premise: improving for three epochs, worse afterwards.
    REQUIRE(v.size() >= 4);
    REQUIRE(v[1] < v[0]);
    REQUIRE(v[2] < v[1]);
    REQUIRE(v[3] > v[2]);
    // Epoch 3 (0-based) is the first without improvement, epoch 4 the second: patience 2 stops there.
    CHECK(h.epochs.size() == 5);
    REQUIRE(h.stopped_epoch.has_value());
    CHECK(*h.stopped_epoch == 4);
    CHECK(stop.stopped_epoch() == std::optional<std::size_t>(4));
    CHECK(stop.best_epoch() == std::optional<std::size_t>(2));
    CHECK(stop.best() == v[2]);
    CHECK(h.lr == std::vector<double>{0.1, 0.1, 0.1, 3.0, 3.0});
    // The weights now are the snapshot of the best epoch, bit for bit, not those of the last epoch.
    REQUIRE(after_epoch.size() == 5);
    CHECK(cc::io::snapshot(net).tensors == after_epoch[2].tensors);
    CHECK(cc::io::snapshot(net).tensors != after_epoch[4].tensors);
    CHECK(stop.best_weights().tensors == after_epoch[2].tensors);
    CHECK(cc::train::evaluate(net, cc::losses::mse{}, d).at("loss") == doctest::Approx(v[2]).epsilon(1e-12));
}

TEST_CASE("early_stopping's rule on a given sequence: min_delta, patience 0, max mode, baseline, messages") {
    // Drive the callback with a context of our own: it records messages and snapshots of a counter.
    struct fake : T::training_context {
        double weights = 0;
        std::vector<std::string> lines;
        bool has_lr() const override { return false; }
        double lr() const override { return 0; }
        void set_lr(double) override {}
        cc::io::weights_snapshot snapshot() override {
            cc::io::weights_snapshot s;
            s.tensors.push_back(std::vector<unsigned char>(reinterpret_cast<unsigned char*>(&weights),
                                                           reinterpret_cast<unsigned char*>(&weights) + sizeof weights));
            return s;
        }
        void restore(const cc::io::weights_snapshot& s) override { std::memcpy(&weights, s.tensors[0].data(), sizeof weights); }
        void save_weights(const std::string&) override {}
        void message(const std::string& l) override { lines.push_back(l); }
    };
    // Returns the epoch at which it stopped (or -1) and the weights after on_train_end; "weights" are the
    // epoch number, so the restored value names the epoch.
    auto run = [](T::early_stopping::options o, const std::vector<double>& values, fake& ctx) {
        T::early_stopping es{std::move(o)};
        T::history h;
        h.keys = {"loss", "val_loss", "val_accuracy"};
        ctx.history = &h;
        es.on_train_begin(ctx);
        int stopped = -1;
        for (std::size_t e = 0; e < values.size(); ++e) {
            ctx.weights = double(e);
            es.on_epoch_end(ctx, e, {{"val_loss", values[e]}, {"val_accuracy", values[e]}, {"loss", values[e]}});
            if (ctx.stop_training) {
                stopped = int(e);
                break;
            }
        }
        es.on_train_end(ctx);
        return stopped;
    };
    {
        fake ctx;
        // min_delta 0.05: 0.97 and 0.93 are not improvements on 1.0 (need < 0.95); 0.9 is.
        CHECK(run({.min_delta = 0.05, .patience = 2, .restore_best_weights = true}, {1.0, 0.97, 0.9, 0.87, 0.86, 0.5}, ctx) == 4);
        CHECK(ctx.weights == 2.0);
        REQUIRE(ctx.lines.size() == 2);
        CHECK(ctx.lines[0] == "epoch 5: early stopping (val_loss did not improve for 2 epochs)");
        CHECK(ctx.lines[1].rfind("restored the weights of epoch 3", 0) == 0);
    }
    {
        fake ctx;   // patience 0: the first epoch without improvement stops (but never epoch 0)
        CHECK(run({.patience = 0}, {1.0, 0.9, 0.9, 0.1}, ctx) == 2);
        CHECK(ctx.weights == 2.0);   // no restore requested
    }
    {
        fake ctx;   // accuracies are maximised in automatic mode
        CHECK(run({.monitor = "val_accuracy", .patience = 1, .restore_best_weights = true}, {0.5, 0.7, 0.6, 0.9}, ctx) == 2);
        CHECK(ctx.weights == 1.0);
    }
    {
        // baseline: improvements that do not beat 0.5 do not reset the patience counter (an improving
        // epoch never stops training, as in Keras).
        fake ctx, plain;
        CHECK(run({.patience = 3, .baseline = 0.5}, {1.0, 0.9, 0.9, 0.9, 0.4}, ctx) == 2);
        CHECK(run({.patience = 3}, {1.0, 0.9, 0.9, 0.9, 0.4}, plain) == -1);
    }
    {
        fake ctx;   // no stop: the best weights are restored at the end all the same (Keras 3)
        CHECK(run({.patience = 5, .restore_best_weights = true}, {1.0, 0.5, 0.7}, ctx) == -1);
        CHECK(ctx.weights == 1.0);
        CHECK(ctx.lines.size() == 1);
    }
    {
        fake ctx;
        CHECK_THROWS_WITH_AS(run({.monitor = "val_los"}, {1.0}, ctx), doctest::Contains("'val_los' is not computed by fit"), cc::error);
    }
}

TEST_CASE("model_checkpoint with save_best_only writes a file only when the monitored value improves") {
    const auto d = line_data(64);
    linear::on<cpu, double> net{2};
    cc::optimizers::sgd opt;
    for (int e = 1; e <= 6; ++e) std::remove(tmp("ckpt_" + std::string(e < 10 ? "0" : "") + std::to_string(e) + ".cw").c_str());
    std::remove(tmp("ckpt_best.cw").c_str());
    T::model_checkpoint per_epoch{{.path = tmp("ckpt_{epoch}.cw"), .save_best_only = true}};
    std::vector<cc::io::weights_snapshot> after_epoch;
    const auto h = T::fit(net, cc::losses::mse{}, opt, d,
                          {.epochs = 5, .batch_size = 64, .validation = &d, .verbose = silent,
                           .callbacks = {T::lr_scheduler{good_then_bad}, std::ref(per_epoch),
                                         T::model_checkpoint{{.path = tmp("ckpt_best.cw"), .save_best_only = true}},
                                         T::lambda_callback{{.epoch_end = [&](T::training_context& ctx, std::size_t, const auto&) {
                                             after_epoch.push_back(ctx.snapshot());
                                         }}}}});
    const auto v = h.column("val_loss");
    REQUIRE((v[0] > v[1] && v[1] > v[2] && v[3] > v[2] && v[4] > v[2]));
    CHECK(per_epoch.saved() == std::vector<std::string>{tmp("ckpt_01.cw"), tmp("ckpt_02.cw"), tmp("ckpt_03.cw")});
    CHECK(exists(tmp("ckpt_03.cw")));
    CHECK(!exists(tmp("ckpt_04.cw")));
    CHECK(!exists(tmp("ckpt_05.cw")));
    // The single-file checkpoint holds the best epoch's weights.
    linear::on<cpu, double> best{99};
    cc::io::load_weights(best, tmp("ckpt_best.cw"));
    CHECK(cc::io::snapshot(best).tensors == after_epoch[2].tensors);
    cc::io::load_weights(best, tmp("ckpt_01.cw"));
    CHECK(cc::io::snapshot(best).tensors == after_epoch[0].tensors);
}

TEST_CASE("csv_logger writes a row per epoch with the learning rate, history.write_csv adds lr when it changed") {
    const auto d = line_data(32);
    linear::on<cpu, double> net{3};
    cc::optimizers::sgd opt;
    const std::string path = tmp("log.csv");
    const auto h = T::fit(net, cc::losses::mse{}, opt, d,
                          {.epochs = 4, .batch_size = 16, .validation = &d, .verbose = silent,
                           .callbacks = {T::lr_scheduler{cc::schedules::step_decay{.initial = 0.1, .step_size = 2, .factor = 0.5}},
                                         T::csv_logger{path}}});
    std::ifstream f(path);
    std::vector<std::string> rows;
    for (std::string line; std::getline(f, line);) rows.push_back(line);
    REQUIRE(rows.size() == 5);
    CHECK(rows[0] == "epoch,loss,mae,val_loss,val_mae,lr,seconds");
    CHECK(rows[1].rfind("1,", 0) == 0);
    CHECK(rows[3].find(",0.05,") != std::string::npos);
    CHECK(rows[4].rfind("4,", 0) == 0);
    CHECK(h.lr == std::vector<double>{0.1, 0.1, 0.05, 0.05});
    h.write_csv(tmp("history_lr.csv"));
    std::ifstream g(tmp("history_lr.csv"));
    std::string header;
    std::getline(g, header);
    CHECK(header == "epoch,loss,mae,val_loss,val_mae,lr,seconds");
}

TEST_CASE("lr_scheduler per step sets the rate before every batch") {
    const auto d = line_data(40);
    linear::on<cpu, double> net{4};
    cc::optimizers::sgd opt;
    const cc::schedules::cosine_decay cos{.initial = 0.05, .decay_steps = 10, .warmup_steps = 2, .warmup_target = 0.1};
    std::vector<double> seen;
    std::vector<std::size_t> steps;
    T::fit(net, cc::losses::mse{}, opt, d,
           {.epochs = 3, .batch_size = 10, .verbose = silent,
            .callbacks = {T::lr_scheduler{cos, T::lr_scheduler::unit::step},
                          T::lambda_callback{{.batch_end = [&](T::training_context& ctx, std::size_t, const T::batch_logs&) {
                              seen.push_back(ctx.lr());
                              steps.push_back(ctx.steps);
                          }}}}});
    REQUIRE(seen.size() == 12);
    for (std::size_t s = 0; s < 12; ++s) {
        CHECK(steps[s] == s + 1);
        CHECK(seen[s] == cos(s));
    }
}

TEST_CASE("reduce_lr_on_plateau halves the rate after each epoch without improvement") {
    const auto d = line_data(32);
    linear::on<cpu, double> net{5};
    cc::optimizers::sgd opt{{.lr = 0.1}};
    // min_delta larger than any change: only the first epoch counts as an improvement.
    const auto h = T::fit(net, cc::losses::mse{}, opt, d,
                          {.epochs = 4, .batch_size = 32, .verbose = silent,
                           .callbacks = {T::reduce_lr_on_plateau{{.monitor = "loss", .factor = 0.5, .patience = 1, .min_delta = 1e9}}}});
    CHECK(h.lr == std::vector<double>{0.1, 0.1, 0.05, 0.025});
    CHECK(opt.opt.lr == 0.0125);
    CHECK_THROWS_WITH_AS(T::fit(net, cc::losses::mse{}, opt, d, {.verbose = silent, .callbacks = {T::reduce_lr_on_plateau{}}}),
                         doctest::Contains("val_ values need validation data"), cc::error);
}

TEST_CASE("a lambda at batch end can stop training, the old on_epoch_begin/on_epoch_end hooks still run") {
    const auto d = line_data(50);
    linear::on<cpu, double> net{6};
    cc::optimizers::sgd opt;
    std::vector<std::pair<std::size_t, std::size_t>> batches;   // (epoch, batch)
    std::vector<std::size_t> begun, ended;
    std::vector<double> mean_losses;
    bool train_ended = false;
    const auto h = T::fit(net, cc::losses::mse{}, opt, d,
                          {.epochs = 5, .batch_size = 10, .verbose = silent,
                           .on_epoch_begin = [&](std::size_t e) { begun.push_back(e); },
                           .on_epoch_end = [&](std::size_t e, const auto&) { ended.push_back(e); return false; },
                           .callbacks = {T::lambda_callback{{.batch_end = [&](T::training_context& ctx, std::size_t e, const T::batch_logs& b) {
                                                                 batches.emplace_back(e, b.batch);
                                                                 mean_losses.push_back(b.mean_loss);
                                                                 CHECK(b.size == 10);
                                                                 if (e == 1 && b.batch == 2) ctx.stop_training = true;
                                                             },
                                                             .train_end = [&](T::training_context&) { train_ended = true; }}}}});
    CHECK(batches.size() == 5 + 3);
    CHECK(batches.back() == std::pair<std::size_t, std::size_t>{1, 2});
    CHECK(begun == std::vector<std::size_t>{0, 1});
    CHECK(ended == std::vector<std::size_t>{0, 1});
    CHECK(h.epochs.size() == 2);
    CHECK(h.stopped_epoch == std::optional<std::size_t>(1));
    CHECK(train_ended);
    // The epoch's loss is the mean over the batches it ran: the last batch's running mean.
    CHECK(h.at(1, "loss") == doctest::Approx(mean_losses.back()).epsilon(1e-14));
}
