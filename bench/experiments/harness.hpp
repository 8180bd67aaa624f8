#pragma once
// Shared harness of the experiment benchmarks (bench/experiments/<name>.cpp, run by bench/run_experiments.sh):
// training and inference throughput of one seed model, float32, random inputs and targets generated once
// (data generation and loading are not timed). Training step = cascade::train::step (forward in training
// mode + loss + backward + optimizer update); inference step = net.forward(x, mode::infer).
//
//   <bench> [--threads T] [--reps R] [--warmup W] [--min-time S] [--seed S]
//
// Prints one JSON line per model (the schema of bench/peers: median/min/max samples/s over the repetitions).
#include <cascade/cascade.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace cascade::bench {

struct options {
    int threads = 2, warmup = 3, reps = 5;
    double min_time = 0.5;   // seconds per repetition; step counts are calibrated to it
    unsigned seed = 0;
};

inline options parse_options(int argc, char** argv, const char* program) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        if (k == "-h" || k == "--help") {
            std::printf("usage: %s [--threads T] [--reps R] [--warmup W] [--min-time SECONDS] [--seed S]\n", program);
            std::exit(0);
        }
        if (i + 1 >= argc) { std::fprintf(stderr, "%s: missing value for %s\n", program, k.c_str()); std::exit(2); }
        const char* v = argv[++i];
        if (k == "--threads") o.threads = std::atoi(v);
        else if (k == "--warmup") o.warmup = std::atoi(v);
        else if (k == "--reps") o.reps = std::atoi(v);
        else if (k == "--min-time") o.min_time = std::atof(v);
        else if (k == "--seed") o.seed = unsigned(std::atoi(v));
        else { std::fprintf(stderr, "%s: unknown argument %s\n", program, k.c_str()); std::exit(2); }
    }
    if (o.threads < 1 || o.reps < 1 || o.warmup < 0 || !(o.min_time > 0)) {
        std::fprintf(stderr, "%s: --threads and --reps must be >= 1, --warmup >= 0, --min-time > 0\n", program);
        std::exit(2);
    }
    set_num_threads(o.threads);
    return o;
}

namespace detail {
using clock_type = std::chrono::steady_clock;
template <class F>
double seconds(long steps, F&& body) {
    const auto t0 = clock_type::now();
    for (long s = 0; s < steps; ++s) body();
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}
// Steps for about `target` seconds: double the count until a run takes a fifth of it, then scale.
template <class F>
long calibrate(double target, F&& body) {
    long n = 1;
    for (;;) {
        const double t = seconds(n, body);
        if (t >= target / 5 || n >= (1L << 24)) return std::max(1L, long(std::ceil(double(n) * target / std::max(t, 1e-9))));
        n *= 2;
    }
}
struct stats { double median, min, max; };
inline stats summarize(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return {n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v.front(), v.back()};
}
} // namespace detail

// Uniform random inputs in [lo, hi]; targets: one-hot rows when `one_hot`, else uniform in [lo, hi].
struct data_spec {
    double x_lo = -1, x_hi = 1;
    bool one_hot = false;
};

// Times `Model` (a net::sequential) on random data with the given loss and optimizer; prints a JSON line.
// Returns the trainable parameter count (so the caller may assert it).
template <class Model, class Loss, class Opt>
std::size_t run(const char* name, const options& o, std::size_t batch, const Loss& loss, Opt opt, data_spec d = {}) {
    typename Model::template on<backend::cpu, float> net{o.seed};
    using net_t = decltype(net);
    const auto counts = count_params(net);
    rng g(o.seed + 1);
    typename net_t::input_tensor x(batch_shape<typename net_t::input_shape>(batch));
    typename net_t::output_tensor t(batch_shape<typename net_t::output_shape>(batch));
    for (auto& v : x) v = float(d.x_lo + (d.x_hi - d.x_lo) * cascade::detail::uniform01(g));
    if (d.one_hot) {
        const std::size_t classes = t.size() / batch;
        std::fill(t.begin(), t.end(), 0.0f);
        for (std::size_t i = 0; i < batch; ++i) t.data()[i * classes + g() % classes] = 1;
    } else {
        for (auto& v : t) v = float(d.x_lo + (d.x_hi - d.x_lo) * cascade::detail::uniform01(g));
    }
    float last_loss = 0;
    auto train = [&] { last_loss = train::step(net, loss, opt, x, t); };
    auto infer = [&] { net.forward(x, mode::infer); };
    for (int i = 0; i < o.warmup; ++i) train();
    for (int i = 0; i < o.warmup; ++i) infer();
    const long train_steps = detail::calibrate(o.min_time, train), infer_steps = detail::calibrate(o.min_time, infer);
    std::vector<double> tr, in;
    for (int r = 0; r < o.reps; ++r) {
        tr.push_back(double(train_steps) * double(batch) / detail::seconds(train_steps, train));
        in.push_back(double(infer_steps) * double(batch) / detail::seconds(infer_steps, infer));
    }
    const auto a = detail::summarize(tr), b = detail::summarize(in);
    std::printf("{\"experiment\": \"%s\", \"threads\": %d, \"batch\": %zu, \"params\": %zu, \"non_trainable\": %zu, "
                "\"train_steps\": %ld, \"infer_steps\": %ld, \"reps\": %d, "
                "\"train_samples_per_s\": {\"median\": %.1f, \"min\": %.1f, \"max\": %.1f}, "
                "\"infer_samples_per_s\": {\"median\": %.1f, \"min\": %.1f, \"max\": %.1f}, \"final_loss\": %.5f}\n",
                name, o.threads, batch, counts.trainable, counts.non_trainable, train_steps, infer_steps, o.reps, a.median,
                a.min, a.max, b.median, b.min, b.max, double(last_loss));
    std::fflush(stdout);
    return counts.trainable;
}

} // namespace cascade::bench
