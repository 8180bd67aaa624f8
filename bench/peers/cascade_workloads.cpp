// cascade side of the peer benchmarks (bench/run_peers.sh): the workloads of bench/peers/README.md, each
// the same model, loss, optimizer, batch and data shape as in torch_workloads.py, dlib_workloads.cpp and
// tinydnn_workloads.cpp. float32, random inputs and targets generated once (no data loading is timed).
// Training step = cascade::train::step (forward in training mode + loss + backward + optimizer update);
// inference step = net.forward(x, mode::infer).
//
//   cascade_workloads --workload fit1d|mnist_cnn|cifar_dense|cifar_cnn|dncnn [--threads T] [--reps R]
//                     [--warmup W] [--train-steps N] [--infer-steps N] [--min-time S] [--seed S]
//
// Prints one JSON line per run (the schema of torch_workloads.py). After --warmup
// steps of each kind, each of --reps repetitions times --train-steps training and --infer-steps inference
// steps; with --min-time S (seconds) the step counts are instead calibrated so that one repetition takes
// about S seconds. Compile with -DWORKLOAD=<name> to build one workload only (run_peers.sh does, to time
// the compilation of each model on its own); without it the binary holds all of them.
#include <cascade/cascade.hpp>
#include <cascade/models/cifar10_cnn.hpp>
#include <cascade/models/cifar10_dense.hpp>
#include <cascade/models/mnist_cnn.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace cc = cascade;
namespace L = cc::layers;

// -DWORKLOAD=<name> keeps only that workload's model in the translation unit.
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

namespace models {
// 1 → 20 → 20 → 20 → 1, ReLU: 40 + 420 + 420 + 21 = 901 parameters.
using fit1d = cc::net::sequential<cc::shape<1>, L::dense<20>, L::relu, L::dense<20>, L::relu, L::dense<20>, L::relu,
                                  L::dense<1>>;
// seed 001: conv 5×5×32 valid → ReLU → max-pool 2 → dense 10 → softmax: 832 + 46,090 = 46,922.
using mnist_cnn = cc::models::mnist_cnn;
// seed 003's dense net (models/cifar10_dense.hpp): 786,688 + 65,792 + 2,570 = 855,050.
using cifar_dense = cc::models::cifar10_dense;
// seed 003's simple CNN (models/cifar10_cnn.hpp; 14×14×32 → 5×5×64 → 1×1×128), dropout 0.25 after every conv
// block and 0.5 after dense 128: 2,432 + 51,264 + 204,928 + 16,512 + 1,290 = 276,426.
using cifar_cnn = cc::models::cifar10_cnn;
// DnCNN (Zhang et al. 2017) on 64×64×2: y = x − f(x), f = conv 3×3×64 'same' + ReLU, 15 × [conv 3×3×64 without
// bias, batch norm, ReLU], conv 3×3×2 without bias. 1,216 + 15 · (36,864 + 128) + 1,152 = 557,248 trainable
// (+ 1,920 batch-norm moving statistics). Batch norm with PyTorch's momentum/ε (0.9 here, 1e-5) and its
// unbiased moving variance.
using dn_conv = L::conv2d<64, L::kernel<3>, L::padding::same, L::kernel_init<cc::init::glorot_uniform>, L::no_bias>;
using dn_bn = L::batch_norm<L::momentum<9, 10>, L::epsilon<1, 100000>, L::unbiased_moving_variance>;
using dncnn = cc::net::sequential<cc::shape<64, 64, 2>, cc::net::residual_subtract<
    L::conv2d<64, L::kernel<3>, L::padding::same>, L::relu,
    cc::net::repeat<15, dn_conv, dn_bn, L::relu>,
    L::conv2d<2, L::kernel<3>, L::padding::same, L::kernel_init<cc::init::glorot_uniform>, L::no_bias>>>;
} // namespace models

namespace {

struct options {
    std::string workload;
    int threads = 2, train_steps = 50, infer_steps = 100, warmup = 5, reps = 5;
    double min_time = 0;   // > 0: calibrate step counts to about this many seconds per repetition
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
template <class F>
double seconds(int steps, F&& body) {
    const auto t0 = clock_type::now();
    for (int s = 0; s < steps; ++s) body();
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}
// Steps for about `target` seconds: double the count until a run takes a fifth of it, then scale.
template <class F>
int calibrate(double target, F&& body) {
    int n = 1;
    for (;;) {
        const double t = seconds(n, body);
        if (t >= target / 5 || n >= (1 << 24)) return std::max(1, int(std::ceil(n * target / std::max(t, 1e-9))));
        n *= 2;
    }
}

void fill_uniform(auto& x, cc::rng& g, double lo, double hi) {
    for (auto& v : x) v = float(lo + (hi - lo) * cc::detail::uniform01(g));
}

template <class Model, class Loss, class Opt>
int run(const options& o, std::size_t batch, std::size_t expected_params, const Loss& loss, Opt opt, double x_lo,
        double x_hi, bool one_hot) {
    typename Model::template on<cc::backend::cpu, float> net{o.seed};
    using net_t = decltype(net);
    const auto counts = cc::count_params(net);   // trainable: what PyTorch's parameters() counts
    const std::size_t params = counts.trainable;
    if (params != expected_params) {
        std::fprintf(stderr, "%s: parameter count %zu != %zu\n", o.workload.c_str(), params, expected_params);
        return 1;
    }
    cc::rng g(o.seed + 1);
    typename net_t::input_tensor x(cc::batch_shape<typename net_t::input_shape>(batch));
    typename net_t::output_tensor t(cc::batch_shape<typename net_t::output_shape>(batch));
    fill_uniform(x, g, x_lo, x_hi);
    if (one_hot) {
        const std::size_t classes = t.size() / batch;
        std::fill(t.begin(), t.end(), 0.0f);
        for (std::size_t i = 0; i < batch; ++i) t.data()[i * classes + g() % classes] = 1;
    } else {
        fill_uniform(t, g, x_lo, x_hi);
    }

    float last_loss = 0;
    auto train = [&] { last_loss = cc::train::step(net, loss, opt, x, t); };
    auto infer = [&] { net.forward(x, cc::mode::infer); };
    for (int i = 0; i < o.warmup; ++i) train();
    for (int i = 0; i < o.warmup; ++i) infer();
    int train_steps = o.train_steps, infer_steps = o.infer_steps;
    if (o.min_time > 0) {
        train_steps = calibrate(o.min_time, train);
        infer_steps = calibrate(o.min_time, infer);
    }
    std::vector<double> tr, in;
    for (int r = 0; r < o.reps; ++r) {
        tr.push_back(double(train_steps) * double(batch) / seconds(train_steps, train));
        in.push_back(double(infer_steps) * double(batch) / seconds(infer_steps, infer));
    }
    const auto a = summarize(tr), b = summarize(in);
    std::printf("{\"peer\": \"cascade\", \"workload\": \"%s\", \"threads\": %d, \"batch\": %zu, \"params\": %zu, "
                "\"train_steps\": %d, \"infer_steps\": %d, \"warmup\": %d, \"reps\": %d, "
                "\"train_samples_per_s\": {\"median\": %.1f, \"min\": %.1f, \"max\": %.1f}, "
                "\"infer_samples_per_s\": {\"median\": %.1f, \"min\": %.1f, \"max\": %.1f}, \"final_loss\": %.5f, "
                "\"non_trainable\": %zu}\n",
                o.workload.c_str(), o.threads, batch, params, train_steps, infer_steps, o.warmup, o.reps, a.median, a.min,
                a.max, b.median, b.min, b.max, double(last_loss), counts.non_trainable);
    std::fflush(stdout);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        if (k == "-h" || k == "--help") {
            std::puts("usage: cascade_workloads --workload fit1d|mnist_cnn|cifar_dense|cifar_cnn|dncnn [--threads T] "
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
    cc::set_num_threads(o.threads);
    using adam [[maybe_unused]] = cc::optimizers::adam;
    using sgd [[maybe_unused]] = cc::optimizers::sgd;
    [[maybe_unused]] const cc::losses::categorical_crossentropy cce;
#if WANT(WL_fit1d)
    if (o.workload == "fit1d")
        return run<models::fit1d>(o, 32, 901, cc::losses::mse{}, sgd{{.lr = 0.01}}, -1, 1, false);
#endif
#if WANT(WL_mnist_cnn)
    if (o.workload == "mnist_cnn") return run<models::mnist_cnn>(o, 64, 46922, cce, adam{{.lr = 1e-3}}, 0, 1, true);
#endif
#if WANT(WL_cifar_dense)
    if (o.workload == "cifar_dense")
        return run<models::cifar_dense>(o, 32, 855050, cce, adam{{.lr = 1e-3}}, 0, 1, true);
#endif
#if WANT(WL_cifar_cnn)
    if (o.workload == "cifar_cnn") return run<models::cifar_cnn>(o, 32, 276426, cce, adam{{.lr = 1e-3}}, 0, 1, true);
#endif
#if WANT(WL_dncnn)
    if (o.workload == "dncnn") return run<models::dncnn>(o, 8, 557248, cc::losses::mse{}, adam{{.lr = 1e-3}}, 0, 1, false);
#endif
    std::fprintf(stderr, "unknown or not compiled-in workload '%s'\n", o.workload.c_str());
    return 2;
}
