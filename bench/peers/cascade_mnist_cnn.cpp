// cascade side of the mnist_cnn benchmark: the same workload as bench/peers/torch_mnist_cnn.py —
// seed 001's CNN (conv 5x5x32 valid, ReLU, max-pool 2, dense 10, softmax cross-entropy), Adam 1e-3,
// batch 64 of random float32 inputs and random one-hot labels. Training step = forward + backward +
// Adam; inference step = forward. After warm-up, each repetition times --train-steps and --infer-steps;
// prints one JSON line with median/min/max samples/s (the same schema as the PyTorch script).
#include <cascade/cascade.hpp>
#include <cascade/models/mnist_cnn.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace cc = cascade;

namespace {
struct stats {
    double median, min, max;
};
stats summarize(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return {n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v.front(), v.back()};
}
} // namespace

int main(int argc, char** argv) {
    int threads = 2, train_steps = 50, infer_steps = 100, warmup = 5, reps = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        const int v = std::atoi(argv[i + 1]);
        if (k == "--threads") threads = v;
        else if (k == "--train-steps") train_steps = v;
        else if (k == "--infer-steps") infer_steps = v;
        else if (k == "--warmup") warmup = v;
        else if (k == "--reps") reps = v;
        else { std::fprintf(stderr, "unknown argument %s\n", k.c_str()); return 2; }
    }
    cc::set_num_threads(threads);
    constexpr std::size_t batch = 64;
    cc::models::mnist_cnn::on<cc::backend::cpu, float> net{0};
    cc::rng g(0);
    cc::host_tensor<float, 4> x(cc::batch_shape<cc::shape<28, 28, 1>>(batch));
    for (auto& v : x) v = float(cc::detail::uniform01(g));
    cc::host_tensor<float, 2> t = xt::zeros<float>({batch, std::size_t(10)});
    for (std::size_t i = 0; i < batch; ++i) t(i, g() % 10) = 1;
    cc::optimizers::adam opt{{.lr = 1e-3}};
    const cc::losses::categorical_crossentropy loss;

    using clock = std::chrono::steady_clock;
    auto rate = [&](int steps, auto&& body) {
        const auto t0 = clock::now();
        for (int s = 0; s < steps; ++s) body();
        return double(steps * batch) / std::chrono::duration<double>(clock::now() - t0).count();
    };
    float last_loss = 0;
    auto train = [&] { last_loss = cc::train::step(net, loss, opt, x, t); };
    auto infer = [&] { net.forward(x, cc::mode::infer); };
    for (int i = 0; i < warmup; ++i) { train(); infer(); }
    std::vector<double> tr, in;
    for (int r = 0; r < reps; ++r) {
        tr.push_back(rate(train_steps, train));
        in.push_back(rate(infer_steps, infer));
    }
    const auto a = summarize(tr), b = summarize(in);
    std::printf("{\"peer\": \"cascade\", \"workload\": \"mnist_cnn\", \"threads\": %d, \"batch\": %zu, \"params\": %zu, "
                "\"train_samples_per_s\": {\"median\": %.1f, \"min\": %.1f, \"max\": %.1f}, "
                "\"infer_samples_per_s\": {\"median\": %.1f, \"min\": %.1f, \"max\": %.1f}, \"final_loss\": %.5f}\n",
                threads, batch, cc::count_params(net).total(), a.median, a.min, a.max, b.median, b.min, b.max,
                double(last_loss));
}
