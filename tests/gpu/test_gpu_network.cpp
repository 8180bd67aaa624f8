// The same model type on backend::cpu and backend::gpu: identical initial weights from one seed, and the
// same weights (within float tolerance) after training steps with sgd (momentum) and adam, through the
// fused softmax + cross-entropy and through mse. Skips where no GPU is present.
#include <cascade/cascade.hpp>
#include <cascade/backend/gpu.hpp>
#include <cascade/models/mnist_cnn.hpp>
#include <doctest/doctest.h>

#include "gpu_test.hpp"

#include <cmath>

namespace cc = cascade;
namespace L = cc::layers;
namespace gpu = cascade::gpu;

using namespace gpu_test;

using mlp = cc::net::sequential<cc::shape<20>, L::dense<32>, L::relu, L::dense<16>, L::tanh, L::dense<10>, L::softmax>;
using regression = cc::net::sequential<cc::shape<3>, L::dense<8>, L::sigmoid, L::dense<2>>;

TEST_CASE_TEMPLATE("an MLP trains to the same weights on the CPU and the GPU", Opt, cc::optimizers::sgd, cc::optimizers::adam) {
    REQUIRE_GPU_OR_SKIP();
    mlp::on<cc::backend::cpu, float> c{7};
    mlp::on<cc::backend::gpu, float> g{7};
    CHECK(max_param_difference(c, g) == 0);   // the same draws, staged through the host

    const std::size_t n = 64;
    cc::rng r(1);
    const auto batch = random_classification(n, 20, 10, r);
    const auto& x = batch.x;
    const auto& t = batch.y;
    const auto xd = gpu::to_device(x), td = gpu::to_device(t);
    Opt oc, og;
    if constexpr (std::is_same_v<Opt, cc::optimizers::sgd>) oc.opt = og.opt = {.lr = 0.1, .momentum = 0.9, .nesterov = true};
    const cc::losses::categorical_crossentropy loss;
    for (int s = 0; s < 5; ++s) {
        const float lc = cc::train::step(c, loss, oc, x, t);
        const float lg = cc::train::step(g, loss, og, xd, td);
        CHECK(lg == doctest::Approx(lc).epsilon(1e-5));
    }
    // Float GEMMs in a different summation order: weights agree to ~1e-6 after 5 steps.
    CHECK(max_param_difference(c, g) < 1e-5);
}

TEST_CASE("mse regression on the GPU matches the CPU") {
    REQUIRE_GPU_OR_SKIP();
    regression::on<cc::backend::cpu, float> c{3};
    regression::on<cc::backend::gpu, float> g{3};
    cc::host_tensor<float, 2> x(std::array<std::size_t, 2>{33, 3}), t(std::array<std::size_t, 2>{33, 2});
    cc::rng r(2);
    for (auto& v : x) v = float(2 * cc::detail::uniform01(r) - 1);
    for (auto& v : t) v = float(cc::detail::uniform01(r));
    const auto xd = gpu::to_device(x), td = gpu::to_device(t);
    cc::optimizers::adam oc, og;
    for (int s = 0; s < 5; ++s) {
        const float lc = cc::train::step(c, cc::losses::mse{}, oc, x, t);
        const float lg = cc::train::step(g, cc::losses::mse{}, og, xd, td);
        CHECK(lg == doctest::Approx(lc).epsilon(1e-5));
    }
    CHECK(max_param_difference(c, g) < 1e-5);
    // No device allocation in steady-state steps.
    const std::size_t before = gpu::allocations();
    for (int s = 0; s < 3; ++s) cc::train::step(g, cc::losses::mse{}, og, xd, td);
    CHECK(gpu::allocations() == before);
}

TEST_CASE("flatten and dropout on the GPU: the same masks and weights as on the CPU") {
    REQUIRE_GPU_OR_SKIP();
    using model = cc::net::sequential<cc::shape<4, 4, 2>, L::flatten, L::dense<16>, L::relu,
                                      L::dropout<cc::ratio<3, 10>>, L::dense<10>, L::softmax>;
    model::on<cc::backend::cpu, float> c{5};
    model::on<cc::backend::gpu, float> g{5};
    cc::host_tensor<float, 4> x(std::array<std::size_t, 4>{16, 4, 4, 2});
    cc::host_tensor<float, 2> t(std::array<std::size_t, 2>{16, 10});
    cc::rng r(9);
    for (auto& v : x) v = float(cc::detail::uniform01(r));
    t.fill(0);
    for (std::size_t i = 0; i < 16; ++i) t(i, r() % 10) = 1;
    const auto xd = gpu::to_device(x);
    const auto td = gpu::to_device(t);
    cc::optimizers::adam oc, og;
    for (int s = 0; s < 4; ++s) {
        const float lc = cc::train::step(c, cc::losses::categorical_crossentropy{}, oc, x, t);
        const float lg = cc::train::step(g, cc::losses::categorical_crossentropy{}, og, xd, td);
        CHECK(lg == doctest::Approx(lc).epsilon(1e-5));
    }
    CHECK(max_param_difference(c, g) < 1e-5);
}

TEST_CASE("convolution and pooling networks (mnist_cnn, conv1d/conv3d with strides, dilation, padding) match the CPU") {
    REQUIRE_GPU_OR_SKIP();
    auto compare = [&]<class Model, class In>(Model*, In*, std::size_t classes) {
        typename Model::template on<cc::backend::cpu, float> c{11};
        typename Model::template on<cc::backend::gpu, float> g{11};
        auto x = cc::host_tensor<float, In::rank + 1>(cc::batch_shape<In>(8));
        cc::host_tensor<float, 2> t(std::array<std::size_t, 2>{8, classes});
        cc::rng r(4);
        for (auto& v : x) v = float(cc::detail::uniform01(r));
        t.fill(0);
        for (std::size_t i = 0; i < 8; ++i) t(i, r() % classes) = 1;
        const auto xd = gpu::to_device(x);
        const auto td = gpu::to_device(t);
        cc::optimizers::adam oc, og;
        for (int s = 0; s < 3; ++s) {
            const float lc = cc::train::step(c, cc::losses::categorical_crossentropy{}, oc, x, t);
            const float lg = cc::train::step(g, cc::losses::categorical_crossentropy{}, og, xd, td);
            CHECK(lg == doctest::Approx(lc).epsilon(1e-5));
        }
        CHECK(max_param_difference(c, g) < 1e-5);
    };
    compare(static_cast<cc::models::mnist_cnn*>(nullptr), static_cast<cc::shape<28, 28, 1>*>(nullptr), 10);
    using seq = cc::net::sequential<cc::shape<30, 3>, L::conv1d<8, L::kernel<3>, L::strides<2>, L::padding::same, L::dilation<2>>, L::relu, L::max_pool1d<2>,
                                    L::conv1d<4, L::kernel<3>>, L::relu, L::avg_pool1d<2>, L::flatten, L::dense<5>, L::softmax>;
    compare(static_cast<seq*>(nullptr), static_cast<cc::shape<30, 3>*>(nullptr), 5);
    using vol = cc::net::sequential<cc::shape<6, 7, 5, 2>, L::conv3d<4, L::kernel<3>, L::padding::same>, L::relu, L::max_pool3d<2>,
                                    L::flatten, L::dense<3>, L::softmax>;
    compare(static_cast<vol*>(nullptr), static_cast<cc::shape<6, 7, 5, 2>*>(nullptr), 3);
}

TEST_CASE("batch norm in a DnCNN-style residual block: training, moving statistics and inference match the CPU") {
    REQUIRE_GPU_OR_SKIP();
    using conv = L::conv2d<8, L::kernel<3>, L::padding::same, L::kernel_init<cc::init::glorot_uniform>, L::no_bias>;
    using dn = cc::net::sequential<cc::shape<12, 10, 2>, cc::net::residual_subtract<
        L::conv2d<8, L::kernel<3>, L::padding::same>, L::relu, conv, L::batch_norm<>, L::relu, conv, L::batch_norm<>, L::relu,
        L::conv2d<2, L::kernel<3>, L::padding::same, L::kernel_init<cc::init::glorot_uniform>, L::no_bias>>>;
    dn::on<cc::backend::cpu, float> c{2};
    dn::on<cc::backend::gpu, float> g{2};
    cc::host_tensor<float, 4> x(cc::batch_shape<cc::shape<12, 10, 2>>(4)), t(cc::batch_shape<cc::shape<12, 10, 2>>(4));
    cc::rng r(6);
    for (auto& v : x) v = float(cc::detail::uniform01(r));
    for (auto& v : t) v = float(cc::detail::uniform01(r));
    const auto xd = gpu::to_device(x);
    const auto td = gpu::to_device(t);
    cc::optimizers::adam oc, og;
    for (int s = 0; s < 3; ++s) {
        const float lc = cc::train::step(c, cc::losses::mse{}, oc, x, t);
        const float lg = cc::train::step(g, cc::losses::mse{}, og, xd, td);
        CHECK(lg == doctest::Approx(lc).epsilon(1e-5));
    }
    CHECK(max_param_difference(c, g) < 1e-5);
    // Moving statistics (buffers) and an inference pass.
    std::vector<float> bc, bg;
    std::apply([&](auto&... b) { ((bc.insert(bc.end(), b.begin(), b.end())), ...); }, c.buffers());
    auto append_device = [&](auto& b) {
        const auto h = gpu::to_host(b);
        bg.insert(bg.end(), h.begin(), h.end());
    };
    std::apply([&](auto&... b) { (append_device(b), ...); }, g.buffers());
    REQUIRE(bc.size() == bg.size());
    double worst = 0;
    for (std::size_t i = 0; i < bc.size(); ++i) worst = std::max(worst, double(std::abs(bc[i] - bg[i])));
    CHECK(worst < 1e-5);
    const cc::host_tensor<float, 4> yc = c.forward(x, cc::mode::infer);
    const auto yg = gpu::to_host(g.forward(xd, cc::mode::infer));
    worst = 0;
    for (std::size_t i = 0; i < yc.size(); ++i) worst = std::max(worst, double(std::abs(yc.data()[i] - yg.data()[i])));
    CHECK(worst < 1e-5);
}

TEST_CASE("fit on the GPU: the same history and weights as on the CPU, early stopping restores device weights") {
    REQUIRE_GPU_OR_SKIP();
    cc::rng r(8);
    const auto d = random_classification(200, 20, 10, r);
    mlp::on<cc::backend::cpu, float> c{3};
    mlp::on<cc::backend::gpu, float> g{3};
    cc::optimizers::adam oc, og;
    const cc::losses::categorical_crossentropy loss;
    const auto hc = cc::train::fit(c, loss, oc, d, {.epochs = 3, .batch_size = 32, .validation_split = 0.2, .seed = 1,
                                                    .verbose = cc::train::progress::style::silent});
    const auto hg = cc::train::fit(g, loss, og, d, {.epochs = 3, .batch_size = 32, .validation_split = 0.2, .seed = 1,
                                                    .verbose = cc::train::progress::style::silent});
    for (const char* k : {"loss", "accuracy", "val_loss", "val_accuracy"})
        CHECK(hg.last(k) == doctest::Approx(hc.last(k)).epsilon(1e-4));
    CHECK(max_param_difference(c, g) < 1e-5);

    // Weights round trip through a file and a snapshot, on device tensors.
    const std::string path = std::string(CASCADE_TEST_DATA_DIR) + "/gpu.weights";
    cc::io::save_weights(g, path);
    mlp::on<cc::backend::cpu, float> back{99};
    cc::io::load_weights(back, path);
    CHECK(max_param_difference(back, g) == 0);
    const auto snap = cc::io::snapshot(g);
    cc::train::step(g, loss, og, gpu::to_device(d.x), gpu::to_device(d.y));
    cc::io::restore(g, snap);
    CHECK(max_param_difference(back, g) == 0);
    std::remove(path.c_str());
}

// A network whose step does host work (the dropout mask is drawn on the host): fit keeps it eager.
using mlp_dropout = cc::net::sequential<cc::shape<20>, L::dense<32>, L::relu, L::dropout<cc::ratio<1, 4>>, L::dense<10>, L::softmax>;

TEST_CASE_TEMPLATE("fit replays captured step graphs: the same history and weights as eager steps", Net, mlp, mlp_dropout) {
    REQUIRE_GPU_OR_SKIP();
    // 150 samples in batches of 32: four full batches and one of 22 per epoch, so two graphs.
    cc::rng r(4);
    const auto d = random_classification(150, 20, 10, r);
    typename Net::template on<cc::backend::gpu, float> replayed{5}, eager{5};
    cc::optimizers::adam o1, o2;
    const cc::losses::categorical_crossentropy loss;
    auto options = [](bool graphs) {
        return cc::train::fit_options<cc::data::dataset<float, 2, 2>>{
            .epochs = 3, .batch_size = 32, .seed = 2, .verbose = cc::train::progress::style::silent, .graphs = graphs};
    };
    const auto h1 = cc::train::fit(replayed, loss, o1, d, options(true));
    const auto h2 = cc::train::fit(eager, loss, o2, d, options(false));
    for (const char* k : {"loss", "accuracy"})
        for (std::size_t e = 0; e < 3; ++e) CHECK(h1.at(e, k) == h2.at(e, k));   // the same kernels in the same order
    CHECK(max_param_difference(replayed, eager) == 0);
    CHECK(h2.graph_replays == 0);
    if constexpr (std::is_same_v<Net, mlp>) {
        // Batch 32: two eager warm-up steps, capture + launch, one replay; from the second epoch on, the
        // step after the partial batch runs eagerly (it restores the shapes), then three replays. Batch 22
        // always follows a batch of 32: eager in epochs 1 and 2, captured in epoch 3.   2 + 3 + (3 + 1)
        CHECK(h1.graph_replays == 9);
    } else {
        CHECK(h1.graph_replays == 0);   // dropout's host-drawn masks keep every step eager
    }
}

TEST_CASE("predict on a GPU network: batches cut from device data give the CPU's outputs") {
    REQUIRE_GPU_OR_SKIP();
    mlp::on<cc::backend::cpu, float> c{11};
    mlp::on<cc::backend::gpu, float> g{11};
    cc::rng r(3);
    cc::host_tensor<float, 2> x(std::array<std::size_t, 2>{50, 20});
    for (auto& v : x) v = float(2 * cc::detail::uniform01(r) - 1);
    const auto yc = cc::train::predict(c, x, 7);   // 7 batches of 7 and one of 1
    const auto yg = gpu::to_host(cc::train::predict(g, gpu::to_device(x), 7));
    REQUIRE(yg.shape() == yc.shape());
    double worst = 0;
    for (std::size_t i = 0; i < yc.size(); ++i) worst = std::max(worst, double(std::abs(yc.data()[i] - yg.data()[i])));
    CHECK(worst < 1e-6);   // softmax outputs in (0, 1) after three float GEMMs with K ≤ 32
}

// The update inside the graph: every optimizer, with the learning rate changed before each epoch (a
// schedule) — a replay must use each step's scalars, not the captured ones.
using clipped_adam = cc::optimizers::clipped<cc::optimizers::adam>;
TEST_CASE_TEMPLATE("step graphs carry each step's optimizer scalars: every optimizer under a learning-rate schedule", Opt,
                   cc::optimizers::sgd, cc::optimizers::adam, cc::optimizers::rmsprop, cc::optimizers::adamax,
                   cc::optimizers::adagrad, cc::optimizers::adadelta, clipped_adam) {
    REQUIRE_GPU_OR_SKIP();
    cc::rng r(6);
    const auto d = random_classification(128, 20, 10, r);
    mlp::on<cc::backend::gpu, float> replayed{9}, eager{9};
    auto make = [] {
        Opt o;
        if constexpr (std::is_same_v<Opt, cc::optimizers::sgd>) o.opt = {.lr = 0.05, .momentum = 0.9, .nesterov = true};
        if constexpr (std::is_same_v<Opt, cc::optimizers::rmsprop>) o.opt = {.lr = 1e-3, .momentum = 0.5, .centered = true};
        if constexpr (std::is_same_v<Opt, clipped_adam>) o.clip = {.clipvalue = 0.01, .global_clipnorm = 0.05};
        return o;
    };
    Opt o1 = make(), o2 = make();
    const cc::losses::categorical_crossentropy loss;
    auto options = [](Opt& o, bool graphs) {
        const double lr0 = o.opt.lr;
        return cc::train::fit_options<cc::data::dataset<float, 2, 2>>{
            .epochs = 4, .batch_size = 16, .seed = 3, .verbose = cc::train::progress::style::silent,
            .on_epoch_begin = [&o, lr0](std::size_t e) { o.opt.lr = lr0 / double(1 + e); },
            .graphs = graphs};
    };
    const auto h1 = cc::train::fit(replayed, loss, o1, d, options(o1, true));
    const auto h2 = cc::train::fit(eager, loss, o2, d, options(o2, false));
    CHECK(h1.graph_replays == 4 * 8 - 2);   // 8 batches of 16 per epoch: 2 eager warm-up steps, then capture + launch and replays
    for (std::size_t e = 0; e < 4; ++e) CHECK(h1.at(e, "loss") == h2.at(e, "loss"));
    CHECK(max_param_difference(replayed, eager) == 0);
}

TEST_CASE("fit with sample_weight on the GPU: the CPU's history and weights") {
    REQUIRE_GPU_OR_SKIP();
    cc::data::dataset<float, 2, 2> d;
    d.x = cc::host_tensor<float, 2>(std::array<std::size_t, 2>{90, 20});
    d.y = cc::host_tensor<float, 2>(std::array<std::size_t, 2>{90, 10});
    cc::host_tensor<float, 1> w(std::array<std::size_t, 1>{90});
    cc::rng r(12);
    for (auto& v : d.x) v = float(2 * cc::detail::uniform01(r) - 1);
    d.y.fill(0);
    for (std::size_t i = 0; i < 90; ++i) {
        d.y(i, r() % 10) = 1;
        w(i) = i % 7 == 0 ? 0.f : float(0.5 + cc::detail::uniform01(r));   // some samples do not count
    }
    mlp::on<cc::backend::cpu, float> c{13};
    mlp::on<cc::backend::gpu, float> g{13};
    cc::optimizers::adam oc, og;
    const cc::losses::categorical_crossentropy loss;
    auto options = [&] {
        return cc::train::fit_options<cc::data::dataset<float, 2, 2>>{
            .epochs = 2, .batch_size = 16, .seed = 5, .verbose = cc::train::progress::style::silent, .sample_weight = &w};
    };
    const auto hc = cc::train::fit(c, loss, oc, d, options());
    const auto hg = cc::train::fit(g, loss, og, d, options());
    for (std::size_t e = 0; e < 2; ++e) CHECK(hg.at(e, "loss") == doctest::Approx(hc.at(e, "loss")).epsilon(1e-5));
    CHECK(max_param_difference(c, g) < 1e-5);
    CHECK(hg.graph_replays == 0);   // weighted steps run eagerly
}
