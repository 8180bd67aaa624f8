// dlib (Debian libdlib-dev 19.24, CPU build with OpenBLAS) peer of cascade's benchmark workloads
// (bench/peers/README.md). Same models, losses, optimizers, batches and data shapes as
// cascade_workloads.cpp and torch_workloads.py, in dlib's own API (channels-first tensors).
//
// Build (bench/run_peers.sh does this):
//   g++ -O3 -DNDEBUG -march=native -std=c++17 [-DWORKLOAD=<name>] dlib_workloads.cpp -o dlib_workloads
//       $(pkg-config --libs dlib-1)
//
// Training (--route trainer, the default): dlib's dnn_trainer with train_one_step() on the fixed batch,
// learning-rate shrinking off (set_learning_rate_shrink_factor(1)), so the rate stays constant as in the
// other peers. dnn_trainer hands every step to its own worker thread (a zero-length pipe, then a
// one-thread pool), converts the batch to a tensor in the calling thread, and runs its loss bookkeeping:
// that is what a dlib user gets. --route direct skips the trainer: net.compute_parameter_gradients() +
// net.update_parameters() with one solver per layer, on a tensor converted once (the same work as
// cascade's train::step). Inference: the "test net" dlib prescribes — the same net type with every dropout
// replaced by multiply (dlib's dropout is not inverted: it scales by 1 − p at test time) — forward() on
// the tensor of the batch.
//
// Threads: dlib's CPU layers run on the calling thread; its GEMMs (fc, and con via im2col) go to BLAS.
// --threads T calls openblas_set_num_threads(T) (Debian's libblas.so.3 is OpenBLAS); OPENBLAS_NUM_THREADS
// does the same from the environment. Nothing else in dlib's CPU path is multi-threaded.
//
// Prints one JSON line (the schema of cascade_workloads.cpp).
#include <dlib/dnn.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

extern "C" void openblas_set_num_threads(int) __attribute__((weak));
extern "C" int openblas_get_num_threads(void) __attribute__((weak));

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

using namespace dlib;

// dropout with a compile-time rate in percent, and its test-time counterpart (multiply by 1 − p, built
// from the dropout layer by dlib's converting constructor multiply_(const dropout_&)).
template <int PCT>
class dropout_pct_ : public dropout_ {
public:
    dropout_pct_() : dropout_(PCT / 100.0f) {}
};
template <int PCT, typename SUBNET>
using dropout_pct = add_layer<dropout_pct_<PCT>, SUBNET>;
template <int PCT, typename SUBNET>
using multiply_pct = add_layer<multiply_, SUBNET>;
// 'valid' convolution (dlib's con pads by K/2 when the stride is 1).
template <long N, long K, int S, typename SUBNET>
using con_valid = add_layer<con_<N, K, K, S, S, 0, 0>, SUBNET>;

using image2 = std::array<matrix<float>, 2>;
using image3 = std::array<matrix<float>, 3>;

// fit1d: 1 → 20 → 20 → 20 → 1, ReLU, MSE.
using fit1d_net = loss_mean_squared<fc<1, relu<fc<20, relu<fc<20, relu<fc<20, input<matrix<float>>>>>>>>>>;
// mnist_cnn: conv 5×5×32 valid → ReLU → max-pool 2 → dense 10, softmax cross-entropy (loss_multiclass_log).
using mnist_net = loss_multiclass_log<fc<10, max_pool<2, 2, 2, 2, relu<con_valid<32, 5, 1, input<matrix<float>>>>>>>;
// cifar_dense: 3072 → 256 ReLU → dropout .3 → 256 ReLU → dropout .3 → 10.
template <template <int, typename> class DO>
using cifar_dense_t = loss_multiclass_log<fc<10, DO<30, relu<fc<256, DO<30, relu<fc<256, input<image3>>>>>>>>>;
// cifar_cnn: seed 003's simple CNN, dropout .25 after each conv block and .5 after dense 128.
template <template <int, typename> class DO>
using cifar_cnn_t = loss_multiclass_log<fc<10, DO<50, relu<fc<128,
    DO<25, relu<con_valid<128, 5, 1, DO<25, relu<con_valid<64, 5, 2, DO<25, relu<con_valid<32, 5, 2, input<image3>>>>>>>>>>>>>>>;
// dncnn: DnCNN on 64×64×2 — conv 3×3×64 + ReLU, 15 × [conv 3×3×64, batch norm, ReLU], conv 3×3×2, all 'same'
// (dlib's con pads K/2 at stride 1), plus the input: dlib has add_prev (y = x + g(x)) but no subtraction,
// so g = −f, the same cost. Batch norm: bn_con in training, affine (dlib's test-time form) in inference.
// The biases of the convolutions before a batch norm and of the last one are disabled (see run_dncnn).
template <template <typename> class BN>
struct dncnn_parts {
    template <typename SUBNET>
    using block = relu<BN<con<64, 3, 3, 1, 1, SUBNET>>>;
    using net = loss_mean_squared_per_channel_and_pixel<2, add_prev1<con<2, 3, 3, 1, 1,
        repeat<15, block, relu<con<64, 3, 3, 1, 1, tag1<input<image2>>>>>>>>;
};

namespace {

struct options {
    std::string workload, route = "trainer";
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

template <class F>
int calibrate(double target, F&& timed) {
    int n = 1;
    for (;;) {
        const double t = timed(n);
        if (t >= target / 5 || n >= (1 << 24)) return std::max(1, int(std::ceil(n * target / std::max(t, 1e-9))));
        n *= 2;
    }
}

void fill(matrix<float>& m, std::mt19937_64& g, float lo, float hi) {
    std::uniform_real_distribution<float> u{lo, hi};
    for (long r = 0; r < m.nr(); ++r)
        for (long c = 0; c < m.nc(); ++c) m(r, c) = u(g);
}
template <std::size_t K>
void fill(std::array<matrix<float>, K>& a, std::mt19937_64& g, float lo, float hi) {
    for (auto& m : a) fill(m, g, lo, hi);
}

template <class Sample>
Sample make_sample(long h, long w);
template <>
inline matrix<float> make_sample<matrix<float>>(long h, long w) { return matrix<float>(h, w); }
template <>
inline image2 make_sample<image2>(long h, long w) {
    image2 a;
    for (auto& m : a) m.set_size(h, w);
    return a;
}
template <>
inline image3 make_sample<image3>(long h, long w) {
    image3 a;
    for (auto& m : a) m.set_size(h, w);
    return a;
}

// TrainNet and InferNet differ only in dropout vs multiply (the same type when there is no dropout).
// label: 0 = class index in [0, 10), 1 = scalar in [-1, 1], 2 = an image like the input, in [0, 1].
inline void make_label(unsigned long& l, std::mt19937_64& g, long, long) { l = g() % 10; }
inline void make_label(float& l, std::mt19937_64& g, long, long) { l = std::uniform_real_distribution<float>{-1.0f, 1.0f}(g); }
template <std::size_t K>
void make_label(std::array<matrix<float>, K>& l, std::mt19937_64& g, long h, long w) {
    for (auto& m : l) m.set_size(h, w);
    fill(l, g, 0, 1);
}

template <class TrainNet, class InferNet, class Solver, class Prepare>
int run(const options& o, std::size_t batch, long h, long w, std::size_t expected_params, Solver solver, double lr,
        float x_lo, float x_hi, Prepare prepare) {
    using sample_t = typename TrainNet::input_type;
    using label_t = typename TrainNet::training_label_type;
    std::mt19937_64 g(o.seed + 1);
    std::vector<sample_t> x(batch, make_sample<sample_t>(h, w));
    for (auto& s : x) fill(s, g, x_lo, x_hi);
    std::vector<label_t> labels(batch);
    for (auto& l : labels) make_label(l, g, h, w);

    TrainNet net;
    prepare(net);
    dnn_trainer<TrainNet, Solver> trainer(net, solver);
    trainer.set_learning_rate(lr);
    trainer.set_learning_rate_shrink_factor(1);   // constant learning rate, as in the other peers
    trainer.set_mini_batch_size(batch);
    // direct route: what dnn_trainer's worker thread does, on the calling thread.
    resizable_tensor xt;
    net.to_tensor(x.begin(), x.end(), xt);
    std::vector<Solver> solvers(TrainNet::num_computational_layers, solver);
    double direct_loss = 0;
    const bool direct = o.route == "direct";

    auto train = [&](int n) {
        const double t0 = now();
        if (direct) {
            for (int s = 0; s < n; ++s) {
                direct_loss = net.compute_parameter_gradients(xt, labels.begin());
                net.update_parameters(solvers, lr);
            }
        } else {
            for (int s = 0; s < n; ++s) trainer.train_one_step(x, labels);
            trainer.get_net(dlib::force_flush_to_disk::no);   // waits until the worker has finished the last step
        }
        return now() - t0;
    };
    train(std::max(o.warmup, 1));   // also allocates the parameters
    trainer.get_net(dlib::force_flush_to_disk::no);
    const std::size_t params = count_parameters(net);
    if (params != expected_params) {
        std::fprintf(stderr, "%s: parameter count %zu != %zu\n", o.workload.c_str(), params, expected_params);
        return 1;
    }
    InferNet infer_net = net;
    auto infer = [&](int n) {
        const double t0 = now();
        float sink = 0;
        for (int s = 0; s < n; ++s) sink += infer_net.forward(xt).host()[0];
        const double t = now() - t0;
        if (std::isnan(sink)) std::fprintf(stderr, "NaN output\n");
        return t;
    };
    infer(std::max(o.warmup, 1));
    int train_steps = o.train_steps, infer_steps = o.infer_steps;
    if (o.min_time > 0) {
        train_steps = calibrate(o.min_time, train);
        infer_steps = calibrate(o.min_time, infer);
    }
    std::vector<double> tr, in;
    for (int r = 0; r < o.reps; ++r) {
        tr.push_back(double(train_steps) * double(batch) / train(train_steps));
        infer_net = net;   // the trained weights (not timed)
        in.push_back(double(infer_steps) * double(batch) / infer(infer_steps));
    }
    const double loss = direct ? direct_loss : trainer.get_average_loss();
    const auto a = summarize(tr), b = summarize(in);
    std::printf("{\"peer\": \"dlib\", \"workload\": \"%s\", \"threads\": %d, \"batch\": %zu, \"params\": %zu, "
                "\"train_steps\": %d, \"infer_steps\": %d, \"warmup\": %d, \"reps\": %d, "
                "\"train_samples_per_s\": {\"median\": %.1f, \"min\": %.1f, \"max\": %.1f}, "
                "\"infer_samples_per_s\": {\"median\": %.1f, \"min\": %.1f, \"max\": %.1f}, \"final_loss\": %.5f, "
                "\"route\": \"%s\", \"blas_threads\": %d}\n",
                o.workload.c_str(), o.threads, batch, params, train_steps, infer_steps, o.warmup, o.reps, a.median, a.min,
                a.max, b.median, b.min, b.max, loss, o.route.c_str(),
                openblas_get_num_threads ? openblas_get_num_threads() : -1);
    std::fflush(stdout);
    return 0;
}

} // namespace

int main(int argc, char** argv) try {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        if (k == "-h" || k == "--help") {
            std::puts("usage: dlib_workloads --workload fit1d|mnist_cnn|cifar_dense|cifar_cnn|dncnn [--threads T] "
                      "[--reps R] [--warmup W] [--train-steps N] [--infer-steps N] [--min-time SECONDS] [--seed S] "
                      "[--route trainer|direct]");
            return 0;
        }
        if (i + 1 >= argc) { std::fprintf(stderr, "missing value for %s\n", k.c_str()); return 2; }
        const char* v = argv[++i];
        if (k == "--workload") o.workload = v;
        else if (k == "--route") o.route = v;
        else if (k == "--threads") o.threads = std::atoi(v);
        else if (k == "--train-steps") o.train_steps = std::atoi(v);
        else if (k == "--infer-steps") o.infer_steps = std::atoi(v);
        else if (k == "--warmup") o.warmup = std::atoi(v);
        else if (k == "--reps") o.reps = std::atoi(v);
        else if (k == "--min-time") o.min_time = std::atof(v);
        else if (k == "--seed") o.seed = unsigned(std::atoi(v));
        else { std::fprintf(stderr, "unknown argument %s\n", k.c_str()); return 2; }
    }
    if (o.threads < 1 || o.reps < 1 || o.train_steps < 1 || o.infer_steps < 1 || o.warmup < 0 ||
        (o.route != "trainer" && o.route != "direct")) {
        std::fprintf(stderr, "--threads, --reps, --train-steps, --infer-steps must be >= 1, --warmup >= 0, "
                             "--route trainer|direct\n");
        return 2;
    }
    if (openblas_set_num_threads) openblas_set_num_threads(o.threads);
    else std::fprintf(stderr, "warning: BLAS is not OpenBLAS; its thread count is not set\n");
    std::srand(o.seed);   // dlib's dropout layers seed their generators from std::rand()
    [[maybe_unused]] const auto nothing = [](auto&) {};
#if WANT(WL_fit1d)
    if (o.workload == "fit1d")
        return run<fit1d_net, fit1d_net>(o, 32, 1, 1, 901, sgd(0, 0), 0.01, -1, 1, nothing);
#endif
#if WANT(WL_mnist_cnn)
    if (o.workload == "mnist_cnn")
        return run<mnist_net, mnist_net>(o, 64, 28, 28, 46922, adam(0, 0.9f, 0.999f), 1e-3, 0, 1, nothing);
#endif
#if WANT(WL_cifar_dense)
    if (o.workload == "cifar_dense")
        return run<cifar_dense_t<dropout_pct>, cifar_dense_t<multiply_pct>>(o, 32, 32, 32, 855050, adam(0, 0.9f, 0.999f),
                                                                            1e-3, 0, 1, nothing);
#endif
#if WANT(WL_cifar_cnn)
    if (o.workload == "cifar_cnn")
        return run<cifar_cnn_t<dropout_pct>, cifar_cnn_t<multiply_pct>>(o, 32, 32, 32, 276426, adam(0, 0.9f, 0.999f),
                                                                        1e-3, 0, 1, nothing);
#endif
#if WANT(WL_dncnn)
    if (o.workload == "dncnn")
        return run<dncnn_parts<bn_con>::net, dncnn_parts<affine>::net>(
            o, 8, 64, 64, 557248, adam(0, 0.9f, 0.999f), 1e-3, 0, 1, [](auto& net) {
                disable_duplicative_biases(net);                // the 15 convolutions before a batch norm
                layer<2>(net).layer_details().disable_bias();   // the last convolution (below add_prev1)
            });
#endif
    std::fprintf(stderr, "unknown or not compiled-in workload '%s'\n", o.workload.c_str());
    return 2;
} catch (const std::exception& e) {
    std::fprintf(stderr, "dlib_workloads: %s\n", e.what());
    return 1;
}
