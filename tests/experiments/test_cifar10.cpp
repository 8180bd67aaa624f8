// Seed 003 (RWTH deep-learning tutorial, CIFAR-10 exercises): the three models' parameter counts and shapes,
// the CIFAR-10 binary loader (round trips, the planar layout, malformed files), the cifar_like toy generator
// (determinism, balance, what it draws), ensemble averaging, and a seeded learning test of the CNN.
#include <cascade/cascade.hpp>
#include <cascade/data/cifar10.hpp>
#include <cascade/data/standardize.hpp>
#include <cascade/data/toy/cifar_like.hpp>
#include <cascade/models/cifar10_cnn.hpp>
#include <cascade/models/cifar10_dcnn.hpp>
#include <cascade/models/cifar10_dense.hpp>
#include <cascade/train/ensemble.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <vector>

namespace cc = cascade;
namespace fs = std::filesystem;
using cc::shape;

namespace {

template <class Net, std::size_t K, class S>
constexpr bool shape_is = std::is_same_v<typename Net::template shape_at<K>, S>;

template <class Net, std::size_t K>
std::size_t layer_params(Net& net) {   // what Keras' "Param #" column shows: parameters + buffers
    auto& l = net.template layer<K>();
    std::size_t n = cc::detail::count_elements(l.params());
    if constexpr (cc::layers::has_buffers<std::remove_cvref_t<decltype(l)>>) n += cc::detail::count_elements(l.buffers());
    return n;
}

std::string tmp_path(const std::string& name) {
    const fs::path dir = fs::path(CASCADE_TEST_DATA_DIR) / "cifar10_tmp";
    fs::create_directories(dir);
    return (dir / name).string();
}

void write_bytes(const std::string& path, const std::vector<std::uint8_t>& b) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    REQUIRE(f.good());
}

std::vector<std::uint8_t> read_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const cc::error& e) {
        return e.what();
    }
    FAIL("did not throw a cascade::error");
    return {};
}

void check_message(const std::string& msg, std::initializer_list<const char*> parts) {
    for (const char* p : parts) {
        INFO("message: " << msg);
        INFO("expected to contain: " << p);
        CHECK(msg.find(p) != std::string::npos);
    }
}

// n records whose pixel (r, c, ch) of record i is (i + 7 r + 3 c + 101 ch) mod 256 and label (i · 3) mod 10.
void synthetic_records(std::size_t n, std::vector<std::uint8_t>& labels, std::vector<std::uint8_t>& pixels, std::size_t first = 0) {
    labels.resize(n);
    pixels.resize(n * 3072);
    for (std::size_t i = 0; i < n; ++i) {
        labels[i] = std::uint8_t(((first + i) * 3) % 10);
        for (std::size_t r = 0; r < 32; ++r)
            for (std::size_t c = 0; c < 32; ++c)
                for (std::size_t ch = 0; ch < 3; ++ch)
                    pixels[i * 3072 + (r * 32 + c) * 3 + ch] = std::uint8_t((first + i + 7 * r + 3 * c + 101 * ch) % 256);
    }
}

} // namespace

TEST_CASE("cifar10_dense has 855050 parameters and the slide's shapes") {
    using M = cc::models::cifar10_dense::on<cc::backend::cpu, float>;
    static_assert(shape_is<M, 1, shape<3072>> && shape_is<M, 2, shape<256>> && shape_is<M, 5, shape<256>> &&
                  shape_is<M, 8, shape<10>> && std::is_same_v<M::output_shape, shape<10>>);
    M net{1};
    const auto c = cc::count_params(net);
    CHECK(c.trainable == 855050);
    CHECK(c.non_trainable == 0);
    CHECK(layer_params<M, 1>(net) == 786688);
    CHECK(layer_params<M, 4>(net) == 65792);
    CHECK(layer_params<M, 7>(net) == 2570);
}

TEST_CASE("cifar10_cnn has 276426 parameters and conv outputs 14x14x32 then 5x5x64 then 1x1x128") {
    using M = cc::models::cifar10_cnn::on<cc::backend::cpu, float>;
    static_assert(shape_is<M, 1, shape<14, 14, 32>> && shape_is<M, 4, shape<5, 5, 64>> && shape_is<M, 7, shape<1, 1, 128>> &&
                  shape_is<M, 10, shape<128>> && shape_is<M, 11, shape<128>> && std::is_same_v<M::output_shape, shape<10>>);
    M net{1};
    const auto c = cc::count_params(net);
    CHECK(c.trainable == 276426);
    CHECK(c.non_trainable == 0);
    CHECK(layer_params<M, 0>(net) == 2432);
    CHECK(layer_params<M, 3>(net) == 51264);
    CHECK(layer_params<M, 6>(net) == 204928);
    CHECK(layer_params<M, 10>(net) == 16512);
    CHECK(layer_params<M, 13>(net) == 1290);
}

TEST_CASE("cifar10_dcnn has 2178090 trainable parameters and the slide's rows") {
    using M = cc::models::cifar10_dcnn::on<cc::backend::cpu, float>;
    static_assert(shape_is<M, 1, shape<32, 32, 32>> && shape_is<M, 7, shape<16, 16, 32>> &&
                  shape_is<M, 14, shape<8, 8, 64>> && shape_is<M, 24, shape<4, 4, 128>> &&
                  shape_is<M, 25, shape<4, 4, 256>> && shape_is<M, 31, shape<4, 4, 256>> &&
                  shape_is<M, 34, shape<2, 2, 256>> && shape_is<M, 35, shape<1024>> && shape_is<M, 37, shape<256>> &&
                  M::depth == 42 && std::is_same_v<M::output_shape, shape<10>>);
    M net{1};
    const auto c = cc::count_params(net);
    CHECK(c.trainable == 2178090);    // the slide's "Trainable params"
    CHECK(c.non_trainable == 3200);   // moving mean and variance of the 11 batch norms
    CHECK(c.total() == 2181290);
    // The rows the slide shows, in Keras' per-layer convention (batch norm: 4 · C).
    CHECK(layer_params<M, 0>(net) == 896);
    CHECK(layer_params<M, 1>(net) == 128);
    CHECK(layer_params<M, 30>(net) == 590080);
    CHECK(layer_params<M, 31>(net) == 1024);
    CHECK(layer_params<M, 36>(net) == 262400);
    CHECK(layer_params<M, 37>(net) == 1024);
    CHECK(layer_params<M, 40>(net) == 2570);

    // One inference pass: (2, 10) probabilities.
    M::input_tensor x(cc::batch_shape<M::input_shape>(2));
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = float((i * 37) % 101) / 100.0f;
    const auto& y = net.forward(x, cc::mode::infer);
    REQUIRE(y.shape()[0] == 2);
    REQUIRE(y.shape()[1] == 10);
    for (std::size_t n = 0; n < 2; ++n) {
        double s = 0;
        for (std::size_t k = 0; k < 10; ++k) s += y(n, k);
        CHECK(s == doctest::Approx(1.0).epsilon(1e-5));
    }
}

TEST_CASE("cifar10 loader converts planar records to channels-last and round-trips") {
    std::vector<std::uint8_t> labels, pixels;
    synthetic_records(5, labels, pixels);
    const std::string path = tmp_path("five.bin");
    cc::data::write_cifar10_records(path, labels, pixels);

    // The file itself: 5 records of 3073 bytes, label byte then R, G, B planes.
    const auto raw = read_bytes(path);
    REQUIRE(raw.size() == 5 * 3073);
    for (std::size_t i = 0; i < 5; ++i) {
        CHECK(raw[i * 3073] == labels[i]);
        for (std::size_t r : {0u, 5u, 31u})
            for (std::size_t c : {0u, 17u, 31u})
                for (std::size_t ch = 0; ch < 3; ++ch)
                    CHECK(raw[i * 3073 + 1 + ch * 1024 + r * 32 + c] == std::uint8_t((i + 7 * r + 3 * c + 101 * ch) % 256));
    }

    const auto d = cc::data::read_cifar10_batch<float>(path);
    REQUIRE(d.size() == 5);
    CHECK(d.x.shape()[1] == 32);
    CHECK(d.x.shape()[3] == 3);
    for (std::size_t i = 0; i < 5; ++i) {
        for (std::size_t k = 0; k < 10; ++k) CHECK(d.y(i, k) == (k == labels[i] ? 1.0f : 0.0f));
        for (std::size_t j = 0; j < 3072; ++j) CHECK(d.x.data()[i * 3072 + j] == float(double(pixels[i * 3072 + j]) / 255.0));
    }
    // max_records reads a prefix.
    CHECK(cc::data::read_cifar10_batch<float>(path, 2).size() == 2);

    // write_cifar10_batch(dataset) reproduces the file byte for byte.
    const std::string again = tmp_path("again.bin");
    cc::data::write_cifar10_batch(again, d);
    CHECK(read_bytes(again) == raw);
}

TEST_CASE("cifar10 directory: five training batches in order, the test batch, and limits") {
    const fs::path dir = fs::path(tmp_path("dir_probe")).parent_path() / "batches";
    fs::create_directories(dir);
    std::vector<std::uint8_t> labels, pixels;
    for (int b = 1; b <= 5; ++b) {
        synthetic_records(3, labels, pixels, std::size_t(3 * (b - 1)));
        cc::data::write_cifar10_records((dir / ("data_batch_" + std::to_string(b) + ".bin")).string(), labels, pixels);
    }
    synthetic_records(4, labels, pixels, 100);
    cc::data::write_cifar10_records((dir / "test_batch.bin").string(), labels, pixels);

    const auto all = cc::data::cifar10(dir.string());
    REQUIRE(all.train.size() == 15);
    REQUIRE(all.test.size() == 4);
    CHECK(all.class_names.size() == 10);
    CHECK(all.class_names[0] == "airplane");
    for (std::size_t i = 0; i < 15; ++i) {
        CHECK(all.train.y(i, (i * 3) % 10) == 1.0f);                                         // batches in order
        CHECK(all.train.x(i, 0, 0, 0) == float(double(i % 256) / 255.0));                      // pixel (0, 0, R)
    }
    CHECK(all.test.y(0, 0) == 1.0f);   // record 100: label 300 mod 10 = 0
    const auto part = cc::data::cifar10(dir.string(), 7, 2);
    CHECK(part.train.size() == 7);
    CHECK(part.test.size() == 2);
    CHECK(part.train.x(6, 0, 0, 0) == all.train.x(6, 0, 0, 0));
}

TEST_CASE("cifar10 loader errors name the file, the record and the problem") {
    std::vector<std::uint8_t> labels, pixels;
    synthetic_records(3, labels, pixels);
    const std::string good = tmp_path("good.bin");
    cc::data::write_cifar10_records(good, labels, pixels);
    const auto raw = read_bytes(good);

    SUBCASE("truncated last record") {
        const std::string p = tmp_path("truncated.bin");
        write_bytes(p, std::vector<std::uint8_t>(raw.begin(), raw.begin() + 2 * 3073 + 100));
        check_message(error_of([&] { cc::data::read_cifar10_batch<float>(p); }),
                      {"cifar10: ", "truncated.bin", "truncated record 2", "offset 6146", "expected 3073 bytes", "found 100 bytes"});
        CHECK(cc::data::read_cifar10_batch<float>(p, 2).size() == 2);   // the whole records before it are readable
    }
    SUBCASE("label out of range") {
        auto bad = raw;
        bad[3073] = 10;
        const std::string p = tmp_path("bad_label.bin");
        write_bytes(p, bad);
        check_message(error_of([&] { cc::data::read_cifar10_batch<float>(p); }),
                      {"bad_label.bin", "bad label in record 1", "offset 3073", "expected a class in [0, 10)", "found 10"});
    }
    SUBCASE("empty file") {
        const std::string p = tmp_path("empty.bin");
        write_bytes(p, {});
        check_message(error_of([&] { cc::data::read_cifar10_batch<float>(p); }), {"empty.bin", "empty file", "found 0 bytes"});
    }
    SUBCASE("missing file and directory") {
        check_message(error_of([&] { cc::data::read_cifar10_batch<float>(tmp_path("nope.bin")); }),
                      {"nope.bin", "file not found", "cifar-10-binary.tar.gz"});
        check_message(error_of([&] { cc::data::cifar10(tmp_path("no_such_dir")); }),
                      {"no_such_dir", "directory not found"});
        const std::string lonely = tmp_path("lonely");
        fs::create_directories(lonely);
        check_message(error_of([&] { cc::data::cifar10(lonely); }), {"data_batch_1.bin", "file not found"});
    }
}

TEST_CASE("cifar_like is seeded, balanced, prefix-stable and in range") {
    const auto a = cc::data::toy::cifar_like<float>(40, 5);
    const auto b = cc::data::toy::cifar_like<float>(40, 5);
    const auto c = cc::data::toy::cifar_like<float>(40, 6);
    const auto head = cc::data::toy::cifar_like<float>(20, 5);
    REQUIRE(a.x.shape()[1] == 32);
    REQUIRE(a.x.shape()[3] == 3);
    CHECK(std::equal(a.x.begin(), a.x.end(), b.x.begin()));
    CHECK(!std::equal(a.x.begin(), a.x.end(), c.x.begin()));
    CHECK(std::equal(head.x.begin(), head.x.end(), a.x.begin()));
    std::vector<int> count(10, 0);
    for (std::size_t i = 0; i < 40; ++i) {
        double row = 0;
        for (std::size_t k = 0; k < 10; ++k) row += a.y(i, k);
        CHECK(row == 1.0);
        CHECK(a.y(i, i % 10) == 1.0f);
        for (std::size_t k = 0; k < 10; ++k)
            if (a.y(i, k) == 1.0f) ++count[k];
    }
    for (int k = 0; k < 10; ++k) CHECK(count[std::size_t(k)] == 4);   // balanced
    double mean = 0;
    float lo = 1, hi = 0;
    for (float v : a.x) mean += v / double(a.x.size()), lo = std::min(lo, v), hi = std::max(hi, v);
    CHECK(lo >= 0.0f);
    CHECK(hi <= 1.0f);
    CHECK(mean > 0.3);
    CHECK(mean < 0.7);
}

TEST_CASE("cifar_like draws the shape it reports") {
    using cc::data::toy::cifar_like_class;
    cc::data::toy::cifar_like_options o;
    o.noise = 0;
    o.max_gradient = 0;
    std::vector<float> img(3072);
    auto pixel = [&](double x, double y, int k) {   // the pixel containing image point (x, y)
        return double(img[(std::size_t(y) * 32 + std::size_t(x)) * 3 + std::size_t(k)]);
    };
    for (std::uint64_t s = 0; s < 20; ++s) {
        cc::rng g(s);
        const auto disc = cc::data::toy::draw_cifar_like<float>(cifar_like_class::disc, g, o, img.data());
        double dist = 0;
        for (int k = 0; k < 3; ++k) {
            CHECK(pixel(disc.cx, disc.cy, k) == doctest::Approx(disc.foreground[k]).epsilon(1e-6));   // inside
            const double corner_x = disc.cx < 16 ? 31.5 : 0.5, corner_y = disc.cy < 16 ? 31.5 : 0.5;
            CHECK(pixel(corner_x, corner_y, k) == doctest::Approx(disc.background[k]).epsilon(1e-6));   // outside
            dist += (disc.foreground[k] - disc.background[k]) * (disc.foreground[k] - disc.background[k]);
        }
        CHECK(std::sqrt(dist) >= 0.45 - 1e-12);   // the contrast the header promises
        CHECK(disc.r >= o.min_size);
        CHECK(disc.r <= o.max_size);

        const auto ring = cc::data::toy::draw_cifar_like<float>(cifar_like_class::ring, g, o, img.data());
        for (int k = 0; k < 3; ++k)   // the hole shows the background
            CHECK(pixel(ring.cx, ring.cy, k) == doctest::Approx(ring.background[k]).epsilon(1e-6));
    }
}

TEST_CASE("ensemble_predict averages the predictions of different networks") {
    using D = cc::models::cifar10_dense::on<cc::backend::cpu, float>;
    using C = cc::models::cifar10_cnn::on<cc::backend::cpu, float>;
    D d1{1}, d2{2};
    C c1{3};
    const auto data = cc::data::toy::cifar_like<float>(6, 9);
    const auto p1 = cc::train::predict(d1, data.x), p2 = cc::train::predict(d2, data.x), p3 = cc::train::predict(c1, data.x);
    const auto mixed = cc::train::ensemble_predict(data.x, d1, c1, d2);
    REQUIRE(mixed.shape() == p1.shape());
    for (std::size_t i = 0; i < p1.size(); ++i)
        CHECK(mixed.data()[i] == doctest::Approx((double(p1.data()[i]) + p2.data()[i] + p3.data()[i]) / 3).epsilon(1e-6));

    std::vector<D> nets;
    nets.emplace_back(1);
    nets.emplace_back(2);
    const auto pair = cc::train::ensemble_predict(data.x, nets);
    for (std::size_t i = 0; i < p1.size(); ++i)
        CHECK(pair.data()[i] == doctest::Approx((double(p1.data()[i]) + p2.data()[i]) / 2).epsilon(1e-6));

    std::vector<D> none;
    check_message(error_of([&] { cc::train::ensemble_predict(data.x, none); }), {"ensemble_predict", "no networks"});
}

TEST_CASE("cifar10_cnn learns the standardised toy data") {
    // An easier setting of the toy (less noise, no colour cue, smaller shifts) keeps this to a few seconds.
    cc::data::toy::cifar_like_options easy;
    easy.noise = 0.03;
    easy.colour_hint = 0;
    easy.max_shift = 2;
    easy.max_rotation = 0.1;
    easy.min_size = 8;
    auto train = cc::data::toy::cifar_like<float>(1200, 11, easy);
    auto test = cc::data::toy::cifar_like<float>(400, 12, easy);
    const auto stats = cc::data::channel_statistics(train.x);
    cc::data::standardize_channels(train.x, stats);
    cc::data::standardize_channels(test.x, stats);
    cc::models::cifar10_cnn::on<cc::backend::cpu, float> net{100};
    cc::optimizers::adam opt{{.lr = 2e-3}};
    const auto h = cc::train::fit(net, cc::losses::categorical_crossentropy{}, opt, train,
                                  {.epochs = 3, .batch_size = 32, .validation = &test, .seed = 1,
                                   .verbose = cc::train::progress::style::silent});
    MESSAGE("test accuracy per epoch: " << h.at(0, "val_accuracy") << " " << h.at(1, "val_accuracy") << " "
                                        << h.at(2, "val_accuracy"));
    CHECK(h.last("val_accuracy") > 0.4);   // chance is 0.1
}

TEST_CASE("channel standardisation gives zero mean and unit variance per channel") {
    auto d = cc::data::toy::cifar_like<double>(30, 3);
    const auto s = cc::data::channel_statistics(d.x);
    REQUIRE(s.mean.size() == 3);
    cc::data::standardize_channels(d.x, s);
    const auto t = cc::data::channel_statistics(d.x);
    for (int k = 0; k < 3; ++k) {
        CHECK(s.stddev[k] > 0.1);
        CHECK(std::abs(t.mean[k]) < 1e-12);
        CHECK(t.stddev[k] == doctest::Approx(1.0).epsilon(1e-12));
    }
}

TEST_CASE("an ensemble of briefly trained networks is at least as accurate as its mean member") {
    // Three overlapping Gaussian classes in 2-D; five small MLPs from different seeds, each trained for a few
    // steps (under-fitted, so they disagree), then their averaged soft-max outputs.
    using mlp = cc::net::sequential<shape<2>, cc::layers::dense<8>, cc::layers::relu, cc::layers::dense<3>, cc::layers::softmax>;
    using net_t = mlp::on<cc::backend::cpu, double>;
    auto make = [](std::size_t n, std::uint64_t seed) {
        cc::rng g(seed);
        cc::data::dataset<double, 2, 2> d{cc::host_tensor<double, 2>({n, 2}), cc::host_tensor<double, 2>({n, 3})};
        const double centre[3][2] = {{0, 1}, {-0.87, -0.5}, {0.87, -0.5}};
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t k = i % 3;
            for (std::size_t j = 0; j < 2; ++j) d.x(i, j) = centre[k][j] + 0.7 * cc::detail::standard_normal(g);
            for (std::size_t j = 0; j < 3; ++j) d.y(i, j) = j == k ? 1 : 0;
        }
        return d;
    };
    const auto train = make(300, 1), test = make(3000, 2);
    std::vector<net_t> nets;
    double mean = 0;
    for (std::uint64_t s = 0; s < 5; ++s) {
        nets.emplace_back(10 + s);
        cc::optimizers::sgd opt{{.lr = 0.05}};
        cc::train::fit(nets.back(), cc::losses::categorical_crossentropy{}, opt, train,
                       {.epochs = 1, .batch_size = 30, .seed = s, .verbose = cc::train::progress::style::silent});
        const double acc = cc::train::accuracy(cc::train::predict(nets.back(), test.x), test.y);
        mean += acc / 5;
    }
    const double ens = cc::train::accuracy(cc::train::ensemble_predict(test.x, nets), test.y);
    MESSAGE("mean member accuracy " << mean << ", ensemble " << ens);
    CHECK(mean > 0.4);   // they learned something (chance 1/3)
    CHECK(ens >= mean);
}
