// cascade on the GPU for the workloads of bench/peers (the same models, batches, losses and optimizers as
// torch_workloads.py --device cuda): float32, inputs and targets resident on the GPU. Training step = fit's
// (a replayed step graph and the loss value; "train_samples_per_s") and train::step
// without graphs ("train_eager_samples_per_s"); inference = forward in inference mode. Timed with the
// device synchronised at the end of each repetition. Prints one JSON line per workload (the peers' schema, peer "cascade-gpu").
//   cascade_gpu_workloads [--workload fit1d|mnist_cnn|cifar_dense|cifar_cnn|dncnn|all] [--min-time S] [--reps R]
#include <cascade/cascade.hpp>
#include <cascade/backend/gpu.hpp>
#include <cascade/models/cifar10_cnn.hpp>
#include <cascade/models/cifar10_dense.hpp>
#include <cascade/models/fit1d.hpp>
#include <cascade/models/mnist_cnn.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace cc = cascade;
namespace gpu = cascade::gpu;

namespace {
namespace L = cc::layers;
// DnCNN as in bench/peers/cascade_workloads.cpp: 557,248 trainable parameters, PyTorch's BN momentum/ε and
// unbiased moving variance.
using dn_conv = L::conv2d<64, L::kernel<3>, L::padding::same, L::kernel_init<cc::init::glorot_uniform>, L::no_bias>;
using dn_bn = L::batch_norm<L::momentum<9, 10>, L::epsilon<1, 100000>, L::unbiased_moving_variance>;
using dncnn = cc::net::sequential<cc::shape<64, 64, 2>, cc::net::residual_subtract<
    L::conv2d<64, L::kernel<3>, L::padding::same>, L::relu,
    cc::net::repeat<15, dn_conv, dn_bn, L::relu>,
    L::conv2d<2, L::kernel<3>, L::padding::same, L::kernel_init<cc::init::glorot_uniform>, L::no_bias>>>;

struct options {
    std::string workload = "all";
    double min_time = 1.0;
    int reps = 3, warmup = 10;
};

void sync() { gpu::check(hipDeviceSynchronize(), "hipDeviceSynchronize"); }

template <class F>
double seconds(long steps, F&& body) {
    const auto t0 = std::chrono::steady_clock::now();
    for (long s = 0; s < steps; ++s) body();
    sync();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
template <class F>
long calibrate(double target, F&& body) {
    long n = 1;
    for (;;) {
        const double t = seconds(n, body);
        if (t >= target / 5 || n >= (1L << 22)) return std::max(1L, long(std::ceil(double(n) * target / std::max(t, 1e-9))));
        n *= 2;
    }
}
double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

template <class Model, class Loss, class Opt>
void run(const char* name, const options& o, std::size_t batch, const Loss& loss, Opt opt, bool one_hot) {
    typename Model::template on<cc::backend::gpu, float> net{0};
    using net_t = decltype(net);
    cc::rng g(1);
    typename Model::template on<cc::backend::cpu, float>::input_tensor xh(cc::batch_shape<typename net_t::input_shape>(batch));
    typename Model::template on<cc::backend::cpu, float>::output_tensor th(cc::batch_shape<typename net_t::output_shape>(batch));
    for (auto& v : xh) v = float(cc::detail::uniform01(g));
    if (one_hot) {
        const std::size_t classes = th.size() / batch;
        th.fill(0);
        for (std::size_t i = 0; i < batch; ++i) th.data()[i * classes + g() % classes] = 1;
    } else {
        for (auto& v : th) v = float(cc::detail::uniform01(g));
    }
    const auto x = gpu::to_device(xh);
    const auto t = gpu::to_device(th);
    sync();
    // fit's way (gpu/step_graphs.hpp): the whole step (forward, loss gradient, backward, update) replayed
    // from a captured graph and the loss value read back; and the same step eagerly.
    cc::gpu::step_graphs<net_t, Loss> graphs(true);   // its stream is current from here on
    auto train = [&] { graphs.step(net, loss, opt, x, t); };
    auto train_eager = [&] { cc::train::step(net, loss, opt, x, t); };
    auto infer = [&] { net.forward(x, cc::mode::infer); };
    for (int i = 0; i < o.warmup; ++i) train(), train_eager(), infer();
    const long ts = calibrate(o.min_time, train), es = calibrate(o.min_time, train_eager), is = calibrate(o.min_time, infer);
    std::vector<double> tr, er, in;
    for (int r = 0; r < o.reps; ++r) {
        tr.push_back(double(ts) * double(batch) / seconds(ts, train));
        er.push_back(double(es) * double(batch) / seconds(es, train_eager));
        in.push_back(double(is) * double(batch) / seconds(is, infer));
    }
    std::printf("{\"peer\": \"cascade-gpu\", \"workload\": \"%s\", \"batch\": %zu, \"params\": %zu, \"train_steps\": %ld, "
                "\"infer_steps\": %ld, \"train_samples_per_s\": {\"median\": %.1f}, \"train_eager_samples_per_s\": {\"median\": %.1f}, "
                "\"infer_samples_per_s\": {\"median\": %.1f}, \"graph_replays\": %zu, \"device\": \"%s\"}\n",
                name, batch, cc::count_params(net).trainable, ts, is, median(tr), median(er), median(in), graphs.replays(),
                gpu::device_name().c_str());
    std::fflush(stdout);
}
} // namespace

int main(int argc, char** argv) try {
    options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        if (k == "--workload") o.workload = argv[i + 1];
        else if (k == "--min-time") o.min_time = std::stod(argv[i + 1]);
        else if (k == "--reps") o.reps = std::stoi(argv[i + 1]);
        else throw cc::error("unknown argument " + k);
    }
    if (gpu::device_count() == 0) throw cc::error("no GPU present");
    const auto want = [&](const char* w) { return o.workload == "all" || o.workload == w; };
    const cc::losses::categorical_crossentropy cce;
    if (want("fit1d")) run<cc::models::fit1d_relu>("fit1d", o, 32, cc::losses::mse{}, cc::optimizers::sgd{{.lr = 0.01}}, false);
    if (want("mnist_cnn")) run<cc::models::mnist_cnn>("mnist_cnn", o, 64, cce, cc::optimizers::adam{}, true);
    if (want("cifar_dense")) run<cc::models::cifar10_dense>("cifar_dense", o, 32, cce, cc::optimizers::adam{}, true);
    if (want("cifar_cnn")) run<cc::models::cifar10_cnn>("cifar_cnn", o, 32, cce, cc::optimizers::adam{}, true);
    if (want("dncnn")) run<dncnn>("dncnn", o, 8, cc::losses::mse{}, cc::optimizers::adam{}, false);
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "cascade_gpu_workloads: %s\n", e.what());
    return 1;
}
