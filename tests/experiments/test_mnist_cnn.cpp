// mnist_cnn (seed 001): the architecture's parameter count and shapes, the filter image (PNG decoded back
// with zlib and compared pixel by pixel), and learning on a slice of Fashion-MNIST.
#include <cascade/cascade.hpp>
#include <cascade/models/mnist_cnn.hpp>
#include <cascade/viz/filters.hpp>
#include <doctest/doctest.h>

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace cc = cascade;

static_assert(std::is_same_v<cc::models::mnist_cnn::on<cc::backend::cpu, float>::output_shape, cc::shape<10>>);
static_assert(std::is_same_v<cc::models::mnist_cnn::on<cc::backend::cpu, float>::shape_at<3>, cc::shape<12, 12, 32>>);

TEST_CASE("mnist_cnn has the slide's 46,922 parameters") {
    cc::models::mnist_cnn::on<cc::backend::cpu, float> net{1};
    CHECK(cc::count_params(net).trainable == 46922);
    CHECK(cc::count_params(net).non_trainable == 0);
}

namespace {
std::uint32_t be32(const std::vector<unsigned char>& b, std::size_t at) {
    return std::uint32_t(b[at]) << 24 | std::uint32_t(b[at + 1]) << 16 | std::uint32_t(b[at + 2]) << 8 | b[at + 3];
}
} // namespace

TEST_CASE("write_filters_png writes a valid PNG whose pixels are the normalised filters") {
    // Two 2x2 gray filters; zoom 2, 2 per row → 2·4 + 3 = 11 by 4 + 2 = 6 pixels.
    cc::host_tensor<float, 4> w(std::array<std::size_t, 4>{2, 2, 1, 2});
    const float f0[] = {0, 1, 2, 3}, f1[] = {-1, -1, -1, 1};
    for (std::size_t y = 0; y < 2; ++y)
        for (std::size_t x = 0; x < 2; ++x) {
            w(y, x, 0, 0) = f0[y * 2 + x];
            w(y, x, 0, 1) = f1[y * 2 + x];
        }
    const std::string path = std::string(CASCADE_TEST_DATA_DIR) + "/filters.png";
    cc::viz::write_filters_png(path, w, 2, 2);
    std::ifstream in(path, std::ios::binary);
    const std::vector<unsigned char> b{std::istreambuf_iterator<char>(in), {}};
    REQUIRE(b.size() > 8 + 25 + 12 + 12);
    const unsigned char signature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    CHECK(std::equal(b.begin(), b.begin() + 8, signature));
    CHECK(std::string(b.begin() + 12, b.begin() + 16) == "IHDR");
    const std::uint32_t width = be32(b, 16), height = be32(b, 20);
    CHECK(width == 11);
    CHECK(height == 6);
    CHECK(b[24] == 8);   // bit depth
    CHECK(b[25] == 0);   // gray
    // Every chunk's CRC, and the image data.
    std::vector<unsigned char> idat;
    for (std::size_t at = 8; at < b.size();) {
        const std::uint32_t len = be32(b, at);
        const uLong crc = crc32(0L, b.data() + at + 4, len + 4);
        CHECK(crc == be32(b, at + 8 + len));
        if (std::string(b.begin() + std::ptrdiff_t(at + 4), b.begin() + std::ptrdiff_t(at + 8)) == "IDAT")
            idat.insert(idat.end(), b.begin() + std::ptrdiff_t(at + 8), b.begin() + std::ptrdiff_t(at + 8 + len));
        at += 12 + len;
    }
    std::vector<unsigned char> raw(height * (width + 1));
    uLongf raw_size = raw.size();
    REQUIRE(uncompress(raw.data(), &raw_size, idat.data(), idat.size()) == Z_OK);
    REQUIRE(raw_size == raw.size());
    auto px = [&](std::size_t x, std::size_t y) { return int(raw[y * (width + 1) + 1 + x]); };
    CHECK(px(0, 0) == 255);   // gap
    // Filter 0 spans 0..3 → 0, 85, 170, 255; each value covers 2x2 pixels starting at (1, 1).
    CHECK(px(1, 1) == 0);
    CHECK(px(2, 2) == 0);
    CHECK(px(3, 1) == 85);
    CHECK(px(1, 3) == 170);
    CHECK(px(4, 4) == 255);
    // Filter 1 (−1, −1, −1, 1) → 0, 0, 0, 255, starting at column 6.
    CHECK(px(6, 1) == 0);
    CHECK(px(9, 4) == 255);
    CHECK(px(5, 2) == 255);   // the gap between the tiles
    std::filesystem::remove(path);
}

TEST_CASE("mnist_cnn learns Fashion-MNIST: > 75 % on 1000 test images after one epoch on 3000") {
    const auto dir = cc::data::default_fashion_mnist_dir();
    if (!std::filesystem::exists(dir)) {
        MESSAGE("Fashion-MNIST not installed at ", dir, " (Debian dataset-fashion-mnist): learning test skipped");
        return;
    }
    auto data = cc::data::fashion_mnist(dir);
    const auto train = cc::data::subset(data.train, 0, 3000);
    const auto test = cc::data::subset(data.test, 0, 1000);
    cc::models::mnist_cnn::on<cc::backend::cpu, float> net{42};
    cc::optimizers::adam opt{{.lr = 1e-3}};
    const cc::losses::categorical_crossentropy loss;
    cc::train::fit(net, loss, opt, train, {.epochs = 1, .batch_size = 32, .seed = 1, .verbose = cc::train::progress::style::silent});
    const auto r = cc::train::evaluate(net, loss, test);
    MESSAGE("test accuracy after one epoch on 3000 images: ", r.at("accuracy"));
    CHECK(r.at("accuracy") > 0.75);
}
