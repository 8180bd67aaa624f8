// tiny-dnn (Debian package `tiny-dnn`, 1.0.0a3, header-only) peer of cascade's benchmark workloads
// (bench/peers/README.md). Same models, losses, optimizers, batches and data shapes as
// cascade_workloads.cpp and torch_workloads.py; tiny-dnn's own layout (channels-first) and API.
//
// Build (bench/run_peers.sh does this; tiny-dnn's threading is chosen when compiling):
//   g++ -O3 -DNDEBUG -march=native -std=c++14 -DCNN_USE_AVX -I<shim> [-DWORKLOAD=<name>]
//       tinydnn_workloads.cpp -o tinydnn_workloads -pthread
//   - default: tiny-dnn's parallel_for starts std::thread::hardware_concurrency() threads for every
//     parallel loop (the run with --threads 2 on a 2-core machine);
//   - -DCNN_SINGLE_THREAD: no threads (the run with --threads 1);
//   - -fopenmp -DCNN_USE_OMP: `#pragma omp parallel for`, OMP threads = --threads. Not used by run_peers.sh:
//     measured 10x slower than the single-threaded build on cifar_dense training even at 1 thread (with
//     CNN_USE_OMP, tiny-dnn's for_i opens a nested `omp parallel for` region for every element it visits,
//     e.g. in its Adam update; util/parallel_for.h).
// <shim> holds third_party/stb/stb_image*.h forwarding to Debian's <stb/...> (tiny-dnn's own include
// paths); Debian's tiny-dnn also needs libcereal-dev and libgemmlowp-dev installed.
//
// Training: tiny-dnn's only public training entry is network::fit, which resets the optimizer's state at
// each call; so one timed repetition of N steps is one fit() call over N copies of the fixed batch with
// batch_size = batch (N optimizer steps, Adam state kept across them). fit() copies its inputs once per
// call (normalize_tensor) — part of the measured time, as it is part of tiny-dnn's API.
// Inference: network::predict on the batch (a std::vector of samples) in the test phase (dropout off).
//
// Prints one JSON line (the schema of cascade_workloads.cpp), or {"unsupported": why}.
#include <tiny_dnn/tiny_dnn.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#define WL_fit1d 1
#define WL_mnist_cnn 2
#define WL_cifar_dense 3
#define WL_cifar_cnn 4
#define WL_dncnn 5
#ifdef WORKLOAD
#define WL_CAT(a, b) a##b
#define WL_ID(x) WL_CAT(WL_, x)
#define WANT(id) (WL_ID(WORKLOAD) == id)
#else
#define WANT(id) 1
#endif

using namespace tiny_dnn;
using namespace tiny_dnn::activation;

namespace {

struct options {
    std::string workload;
    int threads = 2, train_steps = 50, infer_steps = 100, warmup = 5, reps = 5;
    double min_time = 0;
    unsigned seed = 0;
};

struct stats {
    double median, min, max;
};
stats summarize(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return {n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v.front(), v.back()};
}

using clock_type = std::chrono::steady_clock;
double now() { return std::chrono::duration<double>(clock_type::now().time_since_epoch()).count(); }

// Steps for about `target` seconds; `timed(n)` runs n steps and returns the seconds they took.
template <class F>
int calibrate(double target, F&& timed) {
    int n = 1;
    for (;;) {
        const double t = timed(n);
        if (t >= target / 5 || n >= (1 << 24)) return std::max(1, int(std::ceil(n * target / std::max(t, 1e-9))));
        n *= 2;
    }
}

std::size_t count_params(network<sequential>& nn) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < nn.layer_size(); ++i)
        for (const vec_t* w : nn[i]->weights()) n += w->size();
    return n;
}

template <class Loss, class Opt>
int run(const options& o, network<sequential>& nn, Opt& opt, std::size_t batch, std::size_t in_size,
        std::size_t out_size, std::size_t expected_params, bool one_hot, double x_lo, double x_hi) {
    std::mt19937_64 g(o.seed + 1);
    std::uniform_real_distribution<float> ux{float(x_lo), float(x_hi)}, ut{-1.0f, 1.0f};
    std::vector<vec_t> x(batch, vec_t(in_size)), t(batch, vec_t(out_size, 0.0f));
    for (auto& s : x)
        for (auto& v : s) v = ux(g);
    for (auto& s : t) {
        if (one_hot) s[g() % out_size] = 1;
        else
            for (auto& v : s) v = ut(g);
    }
    nn.init_weight();
    const std::size_t params = count_params(nn);
    if (params != expected_params) {
        std::fprintf(stderr, "%s: parameter count %zu != %zu\n", o.workload.c_str(), params, expected_params);
        return 1;
    }
    // n training steps on the fixed batch: one fit() over n copies of it (see the header comment).
    std::vector<vec_t> xs, ts;
    auto train = [&](int n) {
        if (xs.size() != std::size_t(n) * batch) {
            xs.clear();
            ts.clear();
            for (int s = 0; s < n; ++s) {
                xs.insert(xs.end(), x.begin(), x.end());
                ts.insert(ts.end(), t.begin(), t.end());
            }
        }
        const double t0 = now();
        nn.fit<Loss>(opt, xs, ts, batch, 1);
        return now() - t0;
    };
    std::vector<tensor_t> xin(batch);
    for (std::size_t i = 0; i < batch; ++i) xin[i] = tensor_t{x[i]};
    volatile float sink = 0;
    auto infer = [&](int n) {
        nn.set_netphase(net_phase::test);
        const double t0 = now();
        for (int s = 0; s < n; ++s) sink = nn.predict(xin)[0][0][0];
        return now() - t0;
    };
    if (o.warmup > 0) {
        train(o.warmup);
        infer(o.warmup);
    }
    int train_steps = o.train_steps, infer_steps = o.infer_steps;
    if (o.min_time > 0) {
        train_steps = calibrate(o.min_time, train);
        infer_steps = calibrate(o.min_time, infer);
    }
    std::vector<double> tr, in;
    for (int r = 0; r < o.reps; ++r) {
        tr.push_back(double(train_steps) * double(batch) / train(train_steps));
        in.push_back(double(infer_steps) * double(batch) / infer(infer_steps));
    }
    // The loss on the batch after training, in the test phase (tiny-dnn's fit does not return it).
    nn.set_netphase(net_phase::test);
    const double loss = double(nn.get_loss<Loss>(x, t)) / double(batch);
    const auto a = summarize(tr), b = summarize(in);
    std::printf("{\"peer\": \"tiny-dnn\", \"workload\": \"%s\", \"threads\": %d, \"batch\": %zu, \"params\": %zu, "
                "\"train_steps\": %d, \"infer_steps\": %d, \"warmup\": %d, \"reps\": %d, "
                "\"train_samples_per_s\": {\"median\": %.1f, \"min\": %.1f, \"max\": %.1f}, "
                "\"infer_samples_per_s\": {\"median\": %.1f, \"min\": %.1f, \"max\": %.1f}, \"final_loss\": %.5f, "
                "\"threading\": \"%s\"}\n",
                o.workload.c_str(), o.threads, batch, params, train_steps, infer_steps, o.warmup, o.reps, a.median, a.min,
                a.max, b.median, b.min, b.max, loss,
#if defined(CNN_USE_OMP)
                "openmp"
#elif defined(CNN_SINGLE_THREAD)
                "single"
#else
                "std::thread per loop"
#endif
    );
    std::fflush(stdout);
    (void)sink;
    return 0;
}

int unsupported(const options& o, const char* why) {
    std::printf("{\"peer\": \"tiny-dnn\", \"workload\": \"%s\", \"threads\": %d, \"unsupported\": \"%s\"}\n",
                o.workload.c_str(), o.threads, why);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        if (k == "-h" || k == "--help") {
            std::puts("usage: tinydnn_workloads --workload fit1d|mnist_cnn|cifar_dense|cifar_cnn|dncnn [--threads T] "
                      "[--reps R] [--warmup W] [--train-steps N] [--infer-steps N] [--min-time SECONDS] [--seed S]");
            return 0;
        }
        if (i + 1 >= argc) { std::fprintf(stderr, "missing value for %s\n", k.c_str()); return 2; }
        const char* v = argv[++i];
        if (k == "--workload") o.workload = v;
        else if (k == "--threads") o.threads = std::atoi(v);
        else if (k == "--train-steps") o.train_steps = std::atoi(v);
        else if (k == "--infer-steps") o.infer_steps = std::atoi(v);
        else if (k == "--warmup") o.warmup = std::atoi(v);
        else if (k == "--reps") o.reps = std::atoi(v);
        else if (k == "--min-time") o.min_time = std::atof(v);
        else if (k == "--seed") o.seed = unsigned(std::atoi(v));
        else { std::fprintf(stderr, "unknown argument %s\n", k.c_str()); return 2; }
    }
    if (o.threads < 1 || o.reps < 1 || o.train_steps < 1 || o.infer_steps < 1 || o.warmup < 0) {
        std::fprintf(stderr, "--threads, --reps, --train-steps, --infer-steps must be >= 1, --warmup >= 0\n");
        return 2;
    }
#ifdef _OPENMP
    omp_set_num_threads(o.threads);
#elif !defined(CNN_SINGLE_THREAD)
    if (o.threads != int(std::thread::hardware_concurrency()))
        std::fprintf(stderr, "warning: without CNN_USE_OMP tiny-dnn uses hardware_concurrency() threads, not --threads\n");
#endif
    using fc_relu [[maybe_unused]] = fully_connected_layer<relu>;
    using conv_relu [[maybe_unused]] = convolutional_layer<relu>;
    [[maybe_unused]] const auto valid = padding::valid;
#if WANT(WL_fit1d)
    if (o.workload == "fit1d") {
        network<sequential> nn;
        nn << fc_relu(1, 20) << fc_relu(20, 20) << fc_relu(20, 20) << fully_connected_layer<identity>(20, 1);
        gradient_descent opt;
        opt.alpha = 0.01f;
        return run<mse>(o, nn, opt, 32, 1, 1, 901, false, -1, 1);
    }
#endif
#if WANT(WL_mnist_cnn)
    if (o.workload == "mnist_cnn") {
        network<sequential> nn;
        nn << conv_relu(28, 28, 5, 1, 32, valid)                  // 24x24x32
           << max_pooling_layer<identity>(24, 24, 32, 2)          // 12x12x32
           << fully_connected_layer<softmax>(12 * 12 * 32, 10);
        adam opt;   // alpha 1e-3, b1 0.9, b2 0.999, eps 1e-8
        return run<cross_entropy_multiclass>(o, nn, opt, 64, 28 * 28, 10, 46922, true, 0, 1);
    }
#endif
#if WANT(WL_cifar_dense)
    if (o.workload == "cifar_dense") {
        network<sequential> nn;
        nn << fc_relu(3072, 256) << dropout_layer(256, 0.3f) << fc_relu(256, 256) << dropout_layer(256, 0.3f)
           << fully_connected_layer<softmax>(256, 10);
        adam opt;
        return run<cross_entropy_multiclass>(o, nn, opt, 32, 3072, 10, 855050, true, 0, 1);
    }
#endif
#if WANT(WL_cifar_cnn)
    if (o.workload == "cifar_cnn") {
        network<sequential> nn;
        nn << conv_relu(32, 32, 5, 3, 32, valid, true, 2, 2) << dropout_layer(14 * 14 * 32, 0.25f)   // 14x14x32
           << conv_relu(14, 14, 5, 32, 64, valid, true, 2, 2) << dropout_layer(5 * 5 * 64, 0.25f)    // 5x5x64
           << conv_relu(5, 5, 5, 64, 128, valid) << dropout_layer(128, 0.25f)                       // 1x1x128
           << fc_relu(128, 128) << dropout_layer(128, 0.5f) << fully_connected_layer<softmax>(128, 10);
        adam opt;
        return run<cross_entropy_multiclass>(o, nn, opt, 32, 3072, 10, 276426, true, 0, 1);
    }
#endif
    if (o.workload == "dncnn")
        return unsupported(o, "no skip connection in tiny-dnn's network<sequential>; network<graph> with "
                              "elementwise_add_layer and batch_normalization_layer might express DnCNN but is not "
                              "implemented here");
    std::fprintf(stderr, "unknown or not compiled-in workload '%s'\n", o.workload.c_str());
    return 2;
}
