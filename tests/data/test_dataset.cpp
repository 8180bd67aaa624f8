// dataset / split / subset / one_hot, the batcher (gather_batch, shuffled_order), the generic IDX
// image classification loader on small synthetic files, and the real Fashion-MNIST when installed.
#include "cascade/data/batcher.hpp"
#include "cascade/data/dataset.hpp"
#include "cascade/data/fashion_mnist.hpp"
#include "cascade/data/idx.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace cascade;
using namespace cascade::data;

namespace {

// n samples of shape (2, 3): x[i] = 100 i + j ; y[i] = (i, -i)
dataset<float, 3, 2> make_dataset(std::size_t n) {
    dataset<float, 3, 2> d;
    d.x = host_tensor<float, 3>(std::array<std::size_t, 3>{n, 2, 3});
    d.y = host_tensor<float, 2>(std::array<std::size_t, 2>{n, 2});
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < 6; ++j) d.x.data()[i * 6 + j] = static_cast<float>(100 * i + j);
        d.y(i, 0) = static_cast<float>(i);
        d.y(i, 1) = -static_cast<float>(i);
    }
    return d;
}

bool is_sample(const dataset<float, 3, 2>& d, std::size_t row, std::size_t sample) {
    for (std::size_t j = 0; j < 6; ++j)
        if (d.x.data()[row * 6 + j] != static_cast<float>(100 * sample + j)) return false;
    return d.y(row, 0) == static_cast<float>(sample) && d.y(row, 1) == -static_cast<float>(sample);
}

template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const cascade::error& e) {
        return e.what();
    }
    FAIL("did not throw cascade::error");
    return {};
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

} // namespace

static_assert(is_dataset<dataset<float, 4, 2>>);
static_assert(is_dataset<dataset<double, 2, 3>>);
static_assert(!is_dataset<host_tensor<float, 2>>);
static_assert(!is_dataset<int>);

TEST_CASE("dataset: size and validation") {
    auto d = make_dataset(5);
    CHECK(d.size() == 5);
    CHECK_FALSE(d.empty());
    d.validate();
    d.y = host_tensor<float, 2>(std::array<std::size_t, 2>{4, 2});
    const std::string m = error_of([&] { (void)d.size(); });
    CHECK(contains(m, "5 samples"));
    CHECK(contains(m, "4 targets"));
    CHECK_THROWS_AS(d.validate(), cascade::error);
    dataset<float, 2, 2> empty;
    CHECK(empty.size() == 0);
}

TEST_CASE("dataset: subset and split") {
    const auto d = make_dataset(10);
    const auto s = subset(d, 3, 7);
    REQUIRE(s.size() == 4);
    CHECK(s.x.shape()[1] == 2);
    CHECK(s.x.shape()[2] == 3);
    for (std::size_t i = 0; i < 4; ++i) CHECK(is_sample(s, i, 3 + i));
    CHECK(subset(d, 4, 4).size() == 0);
    CHECK(contains(error_of([&] { subset(d, 5, 11); }), "[5, 11)"));
    CHECK_THROWS_AS(subset(d, 6, 5), cascade::error);

    // Keras validation_split: the last fraction, no shuffling; split_at = floor(N * (1 - f))
    auto [a, b] = split(d, 0.2);
    REQUIRE(a.size() == 8);
    REQUIRE(b.size() == 2);
    for (std::size_t i = 0; i < 8; ++i) CHECK(is_sample(a, i, i));
    for (std::size_t i = 0; i < 2; ++i) CHECK(is_sample(b, i, 8 + i));
    CHECK(split_point(10, 0.25) == 7); // floor(7.5)
    CHECK(split_point(60000, 0.1) == 54000);
    CHECK(split_point(3, 0.5) == 1);
    CHECK(split(d, 0.0).second.size() == 0);
    CHECK(split(d, 1.0).first.size() == 0);
    CHECK(contains(error_of([&] { split(d, 1.5); }), "fraction"));
    CHECK_THROWS_AS(split(d, -0.1), cascade::error);
}

TEST_CASE("dataset: one_hot") {
    const auto y = one_hot<float>(std::vector<std::uint8_t>{2, 0, 1, 2}, 3);
    REQUIRE(y.shape()[0] == 4);
    REQUIRE(y.shape()[1] == 3);
    const float expect[4][3] = {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t j = 0; j < 3; ++j) CHECK(y(i, j) == expect[i][j]);
    const auto yd = one_hot<double>(std::vector<std::size_t>{9}, 10);
    CHECK(yd(0, 9) == 1.0);
    const std::string m = error_of([] { one_hot<float>(std::vector<std::uint8_t>{1, 10}, 10); });
    CHECK(contains(m, "label 10 of sample 1"));
    CHECK(contains(m, "[0, 10)"));
    CHECK(contains(error_of([] { one_hot<float>(std::vector<int>{-1}, 3); }), "negative"));
    CHECK_THROWS_AS(one_hot<float>(std::vector<std::uint8_t>{0}, 0), cascade::error);
    CHECK(one_hot<float>(std::vector<std::uint8_t>{}, 4).shape()[0] == 0);
}

TEST_CASE("batcher: shuffled_order is a seeded permutation, different per epoch") {
    // The engine the permutation relies on is the one the standard fixes.
    std::mt19937_64 ref;
    ref.discard(9999);
    CHECK(ref() == 9981545732273789042ull);

    for (std::size_t n : {0u, 1u, 2u, 7u, 1000u}) {
        const auto o = shuffled_order(n, 42, 0);
        REQUIRE(o.size() == n);
        auto sorted = o;
        std::sort(sorted.begin(), sorted.end());
        for (std::size_t i = 0; i < n; ++i) CHECK(sorted[i] == i);
    }
    const auto e0 = shuffled_order(1000, 42, 0);
    CHECK(e0 == shuffled_order(1000, 42, 0));
    CHECK(e0 != shuffled_order(1000, 42, 1));
    CHECK(e0 != shuffled_order(1000, 43, 0));
    CHECK(shuffled_order(1000, 42, 1) != shuffled_order(1000, 43, 0));
    CHECK(e0 != sequential_order(1000));
    std::size_t fixed_points = 0;
    for (std::size_t i = 0; i < e0.size(); ++i) fixed_points += e0[i] == i;
    CHECK(fixed_points < 10); // ~1 expected for a random permutation

    // Pinned values: the permutation must not change across standard libraries or versions.
    CHECK(shuffled_order(10, 42, 0) == std::vector<std::size_t>{2, 0, 4, 7, 8, 3, 5, 1, 9, 6});
    CHECK(shuffled_order(10, 42, 3) == std::vector<std::size_t>{8, 1, 5, 9, 3, 7, 2, 4, 0, 6});

    std::vector<std::size_t> reuse;
    reuse.reserve(1000);
    const auto* buf = reuse.data();
    shuffle_into(reuse, 1000, 42, 0);
    CHECK(reuse == e0);
    CHECK(reuse.data() == buf); // no reallocation
    shuffle_into(reuse, 10, 42, 3);
    CHECK(reuse == shuffled_order(10, 42, 3));

    // every position sees many values over epochs (no stuck element)
    std::set<std::size_t> first;
    for (std::size_t e = 0; e < 50; ++e) first.insert(shuffled_order(10, 7, e)[0]);
    CHECK(first.size() == 10);
}

TEST_CASE("batcher: gather_batch copies the ordered rows into reused tensors") {
    const auto d = make_dataset(10);
    const auto order = shuffled_order(10, 1, 0);
    host_tensor<float, 3> xb;
    host_tensor<float, 2> yb;
    gather_batch(d, order, 0, 4, xb, yb);
    REQUIRE(xb.shape()[0] == 4);
    CHECK(xb.shape()[1] == 2);
    CHECK(xb.shape()[2] == 3);
    REQUIRE(yb.shape()[0] == 4);
    CHECK(yb.shape()[1] == 2);
    const float* xbuf = xb.data();
    const float* ybuf = yb.data();
    dataset<float, 3, 2> view;
    for (std::size_t begin = 0; begin + 4 <= 8; begin += 4) {
        gather_batch(d, order, begin, begin + 4, xb, yb);
        CHECK(xb.data() == xbuf); // same size: same storage, no allocation
        CHECK(yb.data() == ybuf);
        view.x = xb;
        view.y = yb;
        for (std::size_t k = 0; k < 4; ++k) CHECK(is_sample(view, k, order[begin + k]));
    }
    // the last, smaller batch
    gather_batch(d, order, 8, 10, xb, yb);
    REQUIRE(xb.shape()[0] == 2);
    view.x = xb;
    view.y = yb;
    CHECK(is_sample(view, 0, order[8]));
    CHECK(is_sample(view, 1, order[9]));

    CHECK(contains(error_of([&] { gather_batch(d, order, 8, 11, xb, yb); }), "range [8, 11)"));
    std::vector<std::size_t> bad{0, 10};
    CHECK(contains(error_of([&] { gather_batch(d, bad, 0, 2, xb, yb); }), "order[1] = 10"));
}

// ---- IDX image classification loader on a small synthetic data set ----

namespace {

std::string make_small_idx_set(const std::string& name, std::size_t ntrain, std::size_t ntest, bool gz,
                               std::uint8_t max_label = 2) {
    const fs::path dir = fs::path(CASCADE_TEST_DATA_DIR) / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string ext = gz ? ".gz" : "";
    auto write_split = [&](const std::string& prefix, std::size_t n) {
        std::vector<std::uint8_t> px(n * 4 * 3), labels(n);
        for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::uint8_t>(i % 256);
        for (std::size_t i = 0; i < n; ++i) labels[i] = static_cast<std::uint8_t>(i % (max_label + 1u));
        write_idx((dir / (prefix + "-images-idx3-ubyte" + ext)).string(), {n, 4, 3}, px.data());
        write_idx((dir / (prefix + "-labels-idx1-ubyte" + ext)).string(), {n}, labels.data());
    };
    write_split("train", ntrain);
    write_split("t10k", ntest);
    return dir.string();
}

idx_classification_spec three_classes() {
    idx_classification_spec s = mnist_spec();
    s.name = "tiny";
    s.class_names = {"a", "b", "c"};
    return s;
}

} // namespace

TEST_CASE("idx_image_classification: loads a synthetic data set, plain and gz") {
    for (bool gz : {false, true}) {
        const std::string dir = make_small_idx_set(gz ? "tiny_gz" : "tiny_plain", 7, 5, gz);
        const auto data = idx_image_classification<float>(dir, three_classes());
        REQUIRE(data.train.size() == 7);
        REQUIRE(data.test.size() == 5);
        CHECK(data.train.x.shape()[1] == 4);
        CHECK(data.train.x.shape()[2] == 3);
        CHECK(data.train.x.shape()[3] == 1);
        CHECK(data.train.y.shape()[1] == 3);
        CHECK(data.class_names.size() == 3);
        CHECK(data.train.x.data()[13] == static_cast<float>(13 / 255.0));
        CHECK(data.test.y(4, 1) == 1.0f); // label 4 % 3 = 1
        CHECK(data.test.y(4, 0) == 0.0f);
        // the MNIST entry point reads the same layout
        CHECK(mnist<double>(dir).train.x.shape()[0] == 7);
    }
}

TEST_CASE("idx_image_classification: errors") {
    const std::string missing = (fs::path(CASCADE_TEST_DATA_DIR) / "no_such_dataset_dir").string();
    std::string m = error_of([&] { fashion_mnist(missing); });
    CHECK(contains(m, "fashion_mnist"));
    CHECK(contains(m, missing));
    CHECK(contains(m, "train-images-idx3-ubyte[.gz]"));
    CHECK(contains(m, "t10k-labels-idx1-ubyte[.gz]"));
    CHECK(contains(m, "apt-get install dataset-fashion-mnist"));

    const std::string dir = make_small_idx_set("tiny_missing_file", 4, 2, true);
    fs::remove(fs::path(dir) / "t10k-labels-idx1-ubyte.gz");
    m = error_of([&] { idx_image_classification<float>(dir, three_classes()); });
    CHECK(contains(m, "file not found"));
    CHECK(contains(m, "t10k-labels-idx1-ubyte.gz"));

    const std::string mismatch = make_small_idx_set("tiny_mismatch", 4, 2, false);
    const std::vector<std::uint8_t> three{0, 1, 2};
    write_idx((fs::path(mismatch) / "train-labels-idx1-ubyte").string(), {3}, three.data());
    m = error_of([&] { idx_image_classification<float>(mismatch, three_classes()); });
    CHECK(contains(m, "4 images"));
    CHECK(contains(m, "3 labels"));

    const std::string bad_label = make_small_idx_set("tiny_bad_label", 6, 2, false, 3);
    m = error_of([&] { idx_image_classification<float>(bad_label, three_classes()); });
    CHECK(contains(m, "label 3 of sample 3"));
    CHECK(contains(m, "train-labels-idx1-ubyte"));
}

// ---- the real Fashion-MNIST (Debian package dataset-fashion-mnist) ----

static const bool have_fashion_mnist = fs::exists(fs::path(default_fashion_mnist_dir()) / "train-images-idx3-ubyte.gz") ||
                                       fs::exists(fs::path(default_fashion_mnist_dir()) / "train-images-idx3-ubyte");

TEST_CASE("fashion_mnist: the real data set" * doctest::skip(!have_fashion_mnist)) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto data = fashion_mnist<float>();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    MESSAGE("fashion_mnist() loaded 70000 images in " << seconds << " s");

    REQUIRE(data.train.size() == 60000);
    REQUIRE(data.test.size() == 10000);
    CHECK(data.train.x.shape() == std::array<std::size_t, 4>{60000, 28, 28, 1});
    CHECK(data.test.x.shape() == std::array<std::size_t, 4>{10000, 28, 28, 1});
    CHECK(data.train.y.shape() == std::array<std::size_t, 2>{60000, 10});
    CHECK(data.test.y.shape() == std::array<std::size_t, 2>{10000, 10});
    REQUIRE(data.class_names.size() == 10);
    CHECK(data.class_names[0] == "T-shirt/top");
    CHECK(data.class_names[9] == "Ankle boot");

    for (const auto* part : {&data.train, &data.test}) {
        const auto [lo, hi] = std::minmax_element(part->x.data(), part->x.data() + part->x.size());
        CHECK(*lo == 0.0f);
        CHECK(*hi == 1.0f);
        std::array<std::size_t, 10> hist{};
        const std::size_t n = part->size();
        bool one_hot_ok = true;
        for (std::size_t i = 0; i < n; ++i) {
            float sum = 0;
            for (std::size_t k = 0; k < 10; ++k) {
                const float v = part->y(i, k);
                one_hot_ok = one_hot_ok && (v == 0.0f || v == 1.0f);
                sum += v;
                if (v == 1.0f) ++hist[k];
            }
            one_hot_ok = one_hot_ok && sum == 1.0f;
        }
        CHECK(one_hot_ok);
        for (std::size_t k = 0; k < 10; ++k) CHECK(hist[k] == n / 10); // 6000 / 1000 per class
    }
    // First training label of Fashion-MNIST is 9 (ankle boot); test's first is 9 too.
    CHECK(data.train.y(0, 9) == 1.0f);
    CHECK(data.test.y(0, 9) == 1.0f);
}
