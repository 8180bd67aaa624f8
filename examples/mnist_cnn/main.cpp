// mnist_cnn: seed 001's minimal CNN trained on Fashion-MNIST (Debian's dataset-fashion-mnist).
//   conv 5x5x32 'valid' -> ReLU -> max-pool 2 -> dense 10 -> softmax;  Adam, batch 64.
// Prints the model summary, per-epoch progress, the test accuracy and the time per epoch, and writes the
// trained first-layer filters as a PNG image (the slide's filter visualization).
//   mnist_cnn [--epochs N] [--batch-size B] [--lr X] [--decay X] [--threads T] [--seed S]
//             [--data DIR] [--history FILE.csv] [--limit N] [--filters FILE.png] [--device cpu|gpu]
// --device gpu needs the GPU build of this file, mnist_cnn_gpu (configure with -DCASCADE_GPU=cuda|hip).
#include <cascade/cascade.hpp>
#include <cascade/models/mnist_cnn.hpp>
#include <cascade/viz/filters.hpp>

#include "common/cli.hpp"
#include "common/report.hpp"

#include <cmath>
#include <iostream>
#include <string>

namespace cc = cascade;

namespace {
struct args : cc::examples::training_args {
    std::size_t limit = 0;
    double decay = 0.7;   // lr of epoch e = lr · decay^max(0, e − 2): test accuracy ≥ 90.2 % from epoch 6 on
    std::string data = cc::data::default_fashion_mnist_dir(), history, filters = "mnist_cnn_filters.png", device = "cpu";
    args() : training_args{.epochs = 10, .batch_size = 64, .lr = 1e-3} {}
};

args parse(int argc, char** argv) {
    args a;
    cc::examples::cli p{"mnist_cnn", "seed 001's minimal CNN trained on Fashion-MNIST"};
    p.training(a, "Adam")
        .option("--decay", a.decay, "lr factor per epoch after the third")
        .option("--data", a.data, "the Fashion-MNIST files", "DIR")
        .option("--history", a.history, "write the per-epoch history as CSV", "FILE.csv")
        .option("--limit", a.limit, "use only the first N training images (0: all)")
        .option("--filters", a.filters, "write the first-layer filters as PNG ('': skip)", "FILE.png")
        .option("--device", a.device, "cpu, or gpu (in the mnist_cnn_gpu build)", "cpu|gpu");
    p.parse(argc, argv);
    if (a.device != "cpu" && a.device != "gpu") throw cc::error("--device must be cpu or gpu, got '" + a.device + "'");
    return a;
}

template <class Backend>
int train_and_report(const args& a) {
    typename cc::models::mnist_cnn::template on<Backend, float> net{a.seed};
    cc::summary(net, std::cout);

    auto data = cc::data::fashion_mnist(a.data);
    if (a.limit) data.train = cc::data::subset(data.train, 0, std::min(a.limit, data.train.size()));
    std::cout << "Fashion-MNIST: " << data.train.size() << " training, " << data.test.size() << " test images; "
              << cc::num_threads() << " thread(s)\n";

    cc::optimizers::adam opt{{.lr = a.lr}};
    auto history = cc::train::fit(net, cc::losses::categorical_crossentropy{}, opt, data.train,
                                  {.epochs = a.epochs, .batch_size = a.batch_size, .validation = &data.test, .seed = a.seed,
                                   .on_epoch_begin = [&](std::size_t e) {
                                       opt.opt.lr = a.lr * std::pow(a.decay, e > 2 ? double(e - 2) : 0.0);
                                   }});
    if (!a.history.empty()) history.write_csv(a.history);
    if (!a.filters.empty()) {
        const auto& w = net.template layer<0>().w;   // 32 filters 5x5, 8 per row, 8x zoom
        if constexpr (cc::is_host_tensor<std::decay_t<decltype(w)>>) cc::viz::write_filters_png(a.filters, w, 8, 8);
        else cc::viz::write_filters_png(a.filters, to_host(w), 8, 8);
        std::cout << "first-layer filters written to " << a.filters << "\n";
    }

    cc::examples::print_test_accuracy(history);
    cc::examples::print_time_per_epoch(history);
    return 0;
}
} // namespace

int main(int argc, char** argv) try {
    const args a = parse(argc, argv);
    if (a.threads > 0) cc::set_num_threads(a.threads);
    if (a.device == "gpu") {
#if CASCADE_WITH_GPU
        if (cascade::gpu::device_count() == 0) throw cc::error("--device gpu: no GPU found");
        std::cout << "device: " << cascade::gpu::device_name() << "\n";
        return train_and_report<cc::backend::gpu>(a);
#else
        throw cc::error("--device gpu: this build has no GPU backend; configure with -DCASCADE_GPU=cuda (or hip) and run mnist_cnn_gpu");
#endif
    }
    return train_and_report<cc::backend::cpu>(a);
} catch (const std::exception& e) {
    std::cerr << "mnist_cnn: " << e.what() << "\n";
    return 1;
}
