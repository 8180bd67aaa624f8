// io/weights.hpp: bit-identical round trips (float, double, batch norm's moving statistics), the
// documented file layout, and every kind of bad file raising cascade::error with the net unchanged;
// copy_weights between float and double instantiations; in-memory snapshots.
#include <cascade/backend/cpu.hpp>
#include <cascade/io/snapshot.hpp>
#include <cascade/io/weights.hpp>
#include <cascade/layers/activations.hpp>
#include <cascade/layers/batch_norm.hpp>
#include <cascade/layers/conv2d.hpp>
#include <cascade/layers/dense.hpp>
#include <cascade/layers/reshape.hpp>
#include <cascade/net/sequential.hpp>
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace cc = cascade;
namespace L = cascade::layers;
using cc::backend::cpu;
using cc::shape;

namespace {
using model = cc::net::sequential<shape<5, 5, 2>, L::conv2d<3, L::kernel<3>>, L::batch_norm<>, L::relu, L::flatten, L::dense<4>>;
using wider = cc::net::sequential<shape<5, 5, 2>, L::conv2d<3, L::kernel<3>>, L::batch_norm<>, L::relu, L::flatten, L::dense<5>>;
using no_bn = cc::net::sequential<shape<5, 5, 2>, L::conv2d<3, L::kernel<3>>, L::relu, L::flatten, L::dense<4>>;

std::string tmp(const std::string& name) { return std::string(CASCADE_TEST_DATA_DIR) + "/" + name; }

std::vector<unsigned char> read_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}
void write_bytes(const std::string& path, const std::vector<unsigned char>& b) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}

// Moves the batch norm buffers away from their initial values, deterministically: a few training-mode
// forward passes with data of mean ≠ 0 and variance ≠ 1.
template <class Net>
void touch_buffers(Net& net) {
    using T = typename Net::scalar_type;
    typename Net::input_tensor x = Net::input_tensor::from_shape({3, 5, 5, 2});
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = T(0.3 + std::sin(0.7 * double(i)) * 2.0);
    for (int r = 0; r < 3; ++r) net.forward(x, cc::mode::train);
}

bool same_bytes(const cc::io::weights_snapshot& a, const cc::io::weights_snapshot& b) { return a.tensors == b.tensors; }
} // namespace

TEST_CASE("weights round trip is bit-identical, float and double, batch norm buffers included") {
    auto check = [](auto a, auto b, const std::string& path) {
        touch_buffers(a);
        const auto before = cc::io::snapshot(a);
        REQUIRE(before.tensors.size() == 2 + 4 + 2);   // conv (2), batch norm (2 params + 2 buffers), dense (2)
        CHECK(!same_bytes(before, cc::io::snapshot(b)));
        // The moving variance changed from its initial ones: buffers are really exercised.
        auto& mv = a.template layer<1>().moving_var;
        CHECK(mv(0) != 1);
        cc::io::save_weights(a, path);
        cc::io::load_weights(b, path);
        CHECK(same_bytes(before, cc::io::snapshot(b)));
        const auto& mv_b = b.template layer<1>().moving_var;
        CHECK(std::equal(mv.begin(), mv.end(), mv_b.begin(), mv_b.end()));
    };
    check(model::on<cpu, float>{1}, model::on<cpu, float>{2}, tmp("w_float.cw"));
    check(model::on<cpu, double>{1}, model::on<cpu, double>{2}, tmp("w_double.cw"));
}

TEST_CASE("the file follows the documented layout") {
    model::on<cpu, float> net{3};
    const std::string path = tmp("w_layout.cw");
    cc::io::save_weights(net, path);
    const auto b = read_bytes(path);
    REQUIRE(b.size() > 16);
    CHECK(std::memcmp(b.data(), "CASCADEW", 8) == 0);
    std::uint32_t version, count;
    std::memcpy(&version, b.data() + 8, 4);
    std::memcpy(&count, b.data() + 12, 4);
    CHECK(version == 1);
    CHECK(count == 8);
    // First record: layer 0, "conv2d", param 0, float32, rank 4, dims (3, 3, 2, 3), then 54 floats and a CRC.
    std::size_t p = 16;
    std::uint32_t layer;
    std::uint16_t len;
    std::memcpy(&layer, b.data() + p, 4);
    std::memcpy(&len, b.data() + p + 4, 2);
    CHECK(layer == 0);
    REQUIRE(len == 6);
    CHECK(std::string(reinterpret_cast<const char*>(b.data() + p + 6), 6) == "conv2d");
    p += 12;
    CHECK(b[p] == 0);   // kind: param
    std::uint32_t index;
    std::memcpy(&index, b.data() + p + 1, 4);
    CHECK(index == 0);
    CHECK(b[p + 5] == 4);   // float32
    const std::size_t rank = b[p + 6];
    REQUIRE(rank == 4);
    std::vector<std::uint64_t> dims(rank);
    std::memcpy(dims.data(), b.data() + p + 7, 8 * rank);
    const auto& kernel = std::get<0>(net.layer<0>().params());
    CHECK(dims == std::vector<std::uint64_t>(kernel.shape().begin(), kernel.shape().end()));
    float first;
    std::memcpy(&first, b.data() + p + 7 + 8 * rank, 4);
    CHECK(first == kernel.data()[0]);
    // Total size: header + per tensor (fixed fields, name, dims, data, CRC).
    std::size_t expected = 16;
    cc::io::detail::visit_weights(net, [&](auto, const char* name, auto, auto, auto& t) {
        expected += 4 + 2 + std::strlen(name) + 1 + 4 + 1 + 1 + 8 * t.dimension() + 4 * t.size() + 4;
    });
    CHECK(b.size() == expected);
}

TEST_CASE("bad files raise errors naming the file, the tensor and the mismatch, and leave the net unchanged") {
    model::on<cpu, float> src{4};
    touch_buffers(src);
    const std::string good = tmp("w_good.cw"), bad = tmp("w_bad.cw");
    cc::io::save_weights(src, good);
    const auto bytes = read_bytes(good);

    model::on<cpu, float> net{5};
    const auto original = cc::io::snapshot(net);
    auto expect_error = [&](const std::vector<unsigned char>& file, const std::string& text) {
        write_bytes(bad, file);
        CHECK_THROWS_WITH_AS(cc::io::load_weights(net, bad), doctest::Contains(text.c_str()), cc::error);
        CHECK_THROWS_WITH_AS(cc::io::load_weights(net, bad), doctest::Contains(bad.c_str()), cc::error);
        CHECK(same_bytes(original, cc::io::snapshot(net)));
    };

    SUBCASE("missing file") {
        CHECK_THROWS_WITH_AS(cc::io::load_weights(net, tmp("no_such_file.cw")), doctest::Contains("no_such_file.cw"), cc::error);
    }
    SUBCASE("not a weights file") {
        auto b = bytes;
        b[0] = 'X';
        expect_error(b, "not a cascade weights file");
    }
    SUBCASE("another format version") {
        auto b = bytes;
        b[8] = 7;
        expect_error(b, "format version 7");
    }
    SUBCASE("truncated anywhere") {
        // Every cut, from the empty file to one byte short (the last tensor is complete only at the end).
        for (std::size_t n = 0; n < bytes.size(); n += (n < 200 ? 1 : 97)) {
            INFO("cut at ", n);
            expect_error(std::vector<unsigned char>(bytes.begin(), bytes.begin() + std::ptrdiff_t(n)), "truncated");
        }
        expect_error(std::vector<unsigned char>(bytes.begin(), bytes.end() - 1), "truncated");
    }
    SUBCASE("a flipped bit in the data") {
        auto b = bytes;
        b[b.size() - 10] ^= 0x10;   // inside the last tensor's data (dense bias)
        expect_error(b, "checksum mismatch");
        expect_error(b, "layer 4 (dense) param 1");
    }
    SUBCASE("trailing bytes") {
        auto b = bytes;
        b.push_back(0);
        expect_error(b, "unexpected bytes after the last tensor");
    }
    SUBCASE("wrong architecture: another width") {
        wider::on<cpu, float> w{1};
        cc::io::save_weights(w, bad);
        CHECK_THROWS_WITH_AS(cc::io::load_weights(net, bad), doctest::Contains("layer 4 (dense) param 0): shape (27, 5) in the file, (27, 4) in the network"),
                             cc::error);
        CHECK(same_bytes(original, cc::io::snapshot(net)));
    }
    SUBCASE("wrong architecture: another number of tensors") {
        no_bn::on<cpu, float> w{1};
        cc::io::save_weights(w, bad);
        CHECK_THROWS_WITH_AS(cc::io::load_weights(net, bad), doctest::Contains("holds 4 tensors, the network has 8"), cc::error);
        CHECK(same_bytes(original, cc::io::snapshot(net)));
    }
    SUBCASE("wrong architecture: another layer at the same place") {
        auto b = bytes;
        std::memcpy(b.data() + 16 + 6, "convXd", 6);   // the first record's layer name
        expect_error(b, "the file has layer 0 (convXd) param 0 here");
    }
    SUBCASE("dtype: a double file for a float net, unless conversion is allowed") {
        model::on<cpu, double> d{6};
        touch_buffers(d);
        cc::io::save_weights(d, bad);
        CHECK_THROWS_WITH_AS(cc::io::load_weights(net, bad), doctest::Contains("the file holds float64 values, the network is float32"),
                             cc::error);
        CHECK(same_bytes(original, cc::io::snapshot(net)));
        cc::io::load_weights(net, bad, cc::io::dtype_conversion::allow);
        const auto& k = std::get<0>(net.layer<4>().params());
        const auto& kd = std::get<0>(d.layer<4>().params());
        for (std::size_t i = 0; i < k.size(); ++i) CHECK(k.data()[i] == float(kd.data()[i]));
        CHECK(net.layer<1>().moving_mean(2) == float(d.layer<1>().moving_mean(2)));
    }
}

TEST_CASE("copy_weights float -> double -> float is exact, and checks the architecture first") {
    model::on<cpu, float> f{7}, back{8};
    touch_buffers(f);
    model::on<cpu, double> d{9};
    cc::io::copy_weights(f, d);
    cc::io::copy_weights(d, back);
    CHECK(same_bytes(cc::io::snapshot(f), cc::io::snapshot(back)));
    CHECK(d.layer<1>().moving_var(1) == double(f.layer<1>().moving_var(1)));

    wider::on<cpu, double> w{1};
    const auto before = cc::io::snapshot(w);
    CHECK_THROWS_WITH_AS(cc::io::copy_weights(f, w), doctest::Contains("layer 4 (dense) param 0 has shape (27, 4) in the source, (27, 5) in the destination"),
                         cc::error);
    CHECK(same_bytes(before, cc::io::snapshot(w)));
    no_bn::on<cpu, float> n{1};
    CHECK_THROWS_AS(cc::io::copy_weights(f, n), cc::error);
}

TEST_CASE("snapshot and restore are exact and check the network") {
    model::on<cpu, float> net{10};
    touch_buffers(net);
    const auto s = cc::io::snapshot(net);
    touch_buffers(net);   // moves the buffers again
    CHECK(!same_bytes(s, cc::io::snapshot(net)));
    cc::io::restore(net, s);
    CHECK(same_bytes(s, cc::io::snapshot(net)));
    wider::on<cpu, float> w{1};
    CHECK_THROWS_AS(cc::io::restore(w, s), cc::error);
}
