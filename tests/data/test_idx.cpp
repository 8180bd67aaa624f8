// IDX reader/writer: exact round trips (plain and gzip), big-endian parsing of hand-made files, and a
// cascade::error naming the file, the problem and the offset for every malformed input.
#include "cascade/data/idx.hpp"

#include <doctest/doctest.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace cascade;
using namespace cascade::data;

namespace {

std::string tmp_path(const std::string& name) {
    const fs::path dir = fs::path(CASCADE_TEST_DATA_DIR) / "idx_tmp";
    fs::create_directories(dir);
    return (dir / name).string();
}

using bytes = std::vector<std::uint8_t>;

void write_plain(const std::string& path, const bytes& b) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    REQUIRE(f.good());
}

void write_gz(const std::string& path, const bytes& b) {
    gzFile f = gzopen(path.c_str(), "wb6");
    REQUIRE(f != nullptr);
    if (!b.empty()) REQUIRE(gzwrite(f, b.data(), static_cast<unsigned>(b.size())) == static_cast<int>(b.size()));
    REQUIRE(gzclose(f) == Z_OK);
}

bytes read_file_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// Writes b as <name> and as <name>.gz; returns both paths.
std::vector<std::string> write_both(const std::string& name, const bytes& b) {
    const std::string plain = tmp_path(name);
    const std::string gz = tmp_path(name + ".gz");
    write_plain(plain, b);
    write_gz(gz, b);
    return {plain, gz};
}

// The message of the cascade::error that f throws ("" and a failed check if it throws none).
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const cascade::error& e) {
        return e.what();
    } catch (const std::exception& e) {
        FAIL("threw a non-cascade exception: " << e.what());
        return {};
    }
    FAIL("did not throw");
    return {};
}

void check_message(const std::string& msg, std::initializer_list<const char*> parts) {
    for (const char* p : parts) {
        INFO("message: " << msg);
        INFO("expected to contain: " << p);
        CHECK(msg.find(p) != std::string::npos);
    }
}

// Header bytes: 00 00 type ndims, then big-endian dims.
bytes header(std::uint8_t type, std::initializer_list<std::uint32_t> dims) {
    bytes b{0, 0, type, static_cast<std::uint8_t>(dims.size())};
    for (auto d : dims) {
        b.push_back(static_cast<std::uint8_t>(d >> 24));
        b.push_back(static_cast<std::uint8_t>(d >> 16));
        b.push_back(static_cast<std::uint8_t>(d >> 8));
        b.push_back(static_cast<std::uint8_t>(d));
    }
    return b;
}

bytes cat(bytes a, const bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

template <class T>
void check_round_trip(const std::string& name, const std::vector<std::size_t>& dims, const std::vector<T>& v) {
    for (const std::string ext : {"", ".gz"}) {
        const std::string path = tmp_path(name + ext);
        CAPTURE(path);
        write_idx(path, dims, v.data());
        const bytes raw = read_file_bytes(path);
        REQUIRE(raw.size() >= 2);
        if (ext == ".gz") {
            CHECK(raw[0] == 0x1f); // gzip magic
            CHECK(raw[1] == 0x8b);
        } else {
            CHECK(raw.size() == 4 + 4 * dims.size() + v.size() * sizeof(T));
            CHECK(raw[2] == static_cast<std::uint8_t>(idx_type_of<T>()));
            CHECK(raw[3] == dims.size());
        }
        const idx_array a = read_idx(path);
        CHECK(a.type == idx_type_of<T>());
        CHECK(a.dims == dims);
        CHECK(a.size() == v.size());
        CHECK(a.values<T>() == v);
    }
}

} // namespace

TEST_CASE("idx: round trip of every type and 1 to 4 dimensions, plain and gzip") {
    std::vector<std::uint8_t> u8(2 * 3 * 4 * 5);
    for (std::size_t i = 0; i < u8.size(); ++i) u8[i] = static_cast<std::uint8_t>(i * 37 + 11);
    check_round_trip<std::uint8_t>("u8_1d", {u8.size()}, u8);
    check_round_trip<std::uint8_t>("u8_2d", {12, 10}, u8);
    check_round_trip<std::uint8_t>("u8_3d", {6, 4, 5}, u8);
    check_round_trip<std::uint8_t>("u8_4d", {2, 3, 4, 5}, u8);

    std::vector<float> f32{0.0f, -1.5f, 3.25f, 1e-30f, -7e20f, 0.1f};
    check_round_trip<float>("f32_2d", {2, 3}, f32);
    check_round_trip<float>("f32_1d", {6}, f32);

    std::vector<std::int32_t> i32{0, -1, 2147483647, -2147483647 - 1, 0x01020304, 42, -42, 7};
    check_round_trip<std::int32_t>("i32_3d", {2, 2, 2}, i32);
    check_round_trip<std::int32_t>("i32_4d", {1, 2, 1, 4}, i32);

    check_round_trip<std::int16_t>("i16", {4}, {-32768, -1, 0x0102, 32767});
    check_round_trip<std::int8_t>("i8", {2, 2}, {-128, -1, 0, 127});
    check_round_trip<double>("f64", {3}, {3.141592653589793, -2.5e300, 5e-324});
    check_round_trip<std::uint8_t>("empty", {0, 28, 28}, {});
}

TEST_CASE("idx: hand-made big-endian files are parsed exactly") {
    // int32 (2): 0x01020304 and -2 ; float32 (1): 1.0f = 3f 80 00 00 ; int16 (1): 0x0102
    const bytes i32 = cat(header(0x0C, {2}), {0x01, 0x02, 0x03, 0x04, 0xFF, 0xFF, 0xFF, 0xFE});
    for (const auto& p : write_both("be_i32", i32)) {
        const idx_array a = read_idx(p);
        REQUIRE(a.type == idx_type::int32);
        CHECK(a.values<std::int32_t>() == std::vector<std::int32_t>{0x01020304, -2});
        CHECK(a.values<double>(0.5) == std::vector<double>{0x01020304 * 0.5, -1.0});
    }
    for (const auto& p : write_both("be_f32", cat(header(0x0D, {1, 1}), {0x3F, 0x80, 0x00, 0x00}))) {
        const auto t = read_idx_tensor<float, 2>(p);
        CHECK(t.shape()[0] == 1);
        CHECK(t(0, 0) == 1.0f);
    }
    for (const auto& p : write_both("be_i16", cat(header(0x0B, {1}), {0x01, 0x02})))
        CHECK(read_idx(p).values<int>() == std::vector<int>{0x0102});
    // ubyte dims 0x00010002 = 65538 (dimension bytes are big-endian too)
    const bytes big_dim = cat(header(0x08, {0x00010002}), bytes(65538, 7));
    for (const auto& p : write_both("be_dim", big_dim)) CHECK(read_idx(p).dims == std::vector<std::size_t>{65538});
}

TEST_CASE("idx: typed readers") {
    std::vector<std::uint8_t> px(3 * 2 * 4);
    for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::uint8_t>(i * 11);
    px.back() = 255;
    for (const std::string ext : {"", ".gz"}) {
        const std::string path = tmp_path("images" + ext);
        write_idx(path, {3, 2, 4}, px.data());
        const auto img = read_idx_images<float>(path); // default scale 1/255
        CHECK(img.shape()[0] == 3);
        CHECK(img.shape()[1] == 2);
        CHECK(img.shape()[2] == 4);
        CHECK(img.shape()[3] == 1);
        for (std::size_t i = 0; i < px.size(); ++i) CHECK(img.data()[i] == static_cast<float>(px[i] / 255.0));
        CHECK(img.data()[px.size() - 1] == 1.0f);
        const auto raw = read_idx_images<double>(path, 1.0);
        CHECK(raw(2, 1, 3, 0) == 255.0);
        const auto u = read_idx_tensor<std::uint8_t, 3>(path);
        CHECK(std::equal(px.begin(), px.end(), u.data()));

        const std::string p4 = tmp_path("images4" + ext);
        write_idx(p4, {2, 2, 2, 3}, px.data());
        const auto img4 = read_idx_images<float>(p4, 2.0);
        CHECK(img4.shape()[3] == 3);
        CHECK(img4(1, 1, 1, 2) == 510.0f);

        const std::string lp = tmp_path("labels" + ext);
        const std::vector<std::uint8_t> labels{3, 1, 4, 1, 5, 9, 2, 6};
        write_idx(lp, {labels.size()}, labels.data());
        CHECK(read_idx_labels(lp) == labels);

        check_message(error_of([&] { read_idx_labels(path); }), {path.c_str(), "wrong rank", "offset 3"});
        check_message(error_of([&] { read_idx_images<float>(lp); }), {lp.c_str(), "wrong rank", "offset 3"});
        check_message(error_of([&] { read_idx_tensor<float, 2>(lp); }), {lp.c_str(), "wrong rank", "expected 2"});
        const std::string fp = tmp_path("flabels" + ext);
        const std::vector<float> fl{1, 2};
        write_idx(fp, {2}, fl.data());
        check_message(error_of([&] { read_idx_labels(fp); }), {fp.c_str(), "wrong type", "offset 2", "0d"});
    }
}

TEST_CASE("idx: host_tensor writer") {
    host_tensor<float, 3> t(std::array<std::size_t, 3>{2, 3, 4});
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = static_cast<float>(i) * 0.25f - 1.0f;
    const std::string p = tmp_path("tensor.idx.gz");
    write_idx(p, t);
    const auto back = read_idx_tensor<float, 3>(p);
    CHECK((back == t));
    // an explicit compression overrides the extension
    const std::string q = tmp_path("tensor_plain_named.gz");
    write_idx(q, t, idx_compression::none);
    CHECK(read_file_bytes(q)[0] == 0x00);
    CHECK((read_idx_tensor<float, 3>(q) == t));
    idx_array bad;
    bad.dims = {3};
    bad.bytes = {1, 2};
    check_message(error_of([&] { write_idx(tmp_path("bad.idx"), bad); }), {"bad.idx", "need 3 bytes"});
}

TEST_CASE("idx: missing file and directory") {
    const std::string p = tmp_path("does-not-exist.idx.gz");
    check_message(error_of([&] { read_idx(p); }), {p.c_str(), "cannot open", "No such file"});
    const std::string d = tmp_path("a_directory");
    fs::create_directories(d);
    check_message(error_of([&] { read_idx(d); }), {d.c_str(), "cannot open", "directory"});
}

TEST_CASE("idx: malformed headers and payloads, plain and gzip") {
    struct bad_case {
        const char* name;
        bytes content;
        std::initializer_list<const char*> parts;
    };
    const bad_case cases[] = {
        {"empty", {}, {"truncated header at offset 0", "magic", "file ends after 0"}},
        {"short_magic", {0, 0}, {"truncated header at offset 2", "file ends after 2"}},
        {"bad_magic", {0x01, 0x00, 0x08, 0x01, 0, 0, 0, 1, 5}, {"bad magic number at offset 0", "found 01 00 08 01"}},
        {"bad_magic2", {0x00, 0x07, 0x08, 0x01, 0, 0, 0, 1, 5}, {"bad magic number at offset 1", "expected 00 00"}},
        {"text_file", {'h', 'e', 'l', 'l', 'o', '\n'}, {"bad magic number at offset 0", "found 68 65 6c 6c"}},
        {"unknown_type", cat(header(0x07, {1}), {5}), {"unknown type code at offset 2", "found 07"}},
        {"unknown_type2", cat(header(0x0A, {1}), {5}), {"unknown type code at offset 2", "found 0a"}},
        {"zero_dims", {0, 0, 0x08, 0}, {"bad header at offset 3", "at least 1 dimension"}},
        {"short_dims", {0, 0, 0x08, 2, 0, 0, 0, 3, 0, 0}, {"truncated header at offset 10", "expected 2", "file ends after 10"}},
        {"overflow", header(0x0E, {0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}),
         {"dimensions overflow at offset 4", "4294967295 x 4294967295 x 4294967295", "8-byte"}},
        {"overflow2", header(0x0D, {0xFFFFFFFF, 0xFFFFFFFF}), {"dimensions overflow at offset 4"}},
        {"absurd", header(0x08, {0xFFFFFFFF, 8}), {"absurd size at offset 4", "2^34", "34359738360 bytes"}},
        {"absurd2", header(0x0D, {65536, 65536, 2}), {"absurd size at offset 4"}},
        {"truncated_payload", cat(header(0x08, {10}), {1, 2, 3, 4, 5}),
         {"truncated data at offset 13", "expected 10 bytes of payload", "file ends after 5 bytes of payload"}},
        {"truncated_float", cat(header(0x0D, {2, 3}), bytes(23, 0)),
         {"truncated data at offset 35", "expected 24 bytes of payload", "file ends after 23"}},
        // a corrupt header claiming 16 GB is rejected before 16 GB are allocated
        {"huge_claim", cat(header(0x08, {4000000000u, 4}), {1, 2, 3, 4}),
         {"truncated data at offset ", "expected 16000000000 bytes of payload"}},
        {"trailing_garbage", cat(header(0x08, {3}), {1, 2, 3, 4, 5}),
         {"trailing garbage at offset 11", "found 2 more bytes"}},
    };
    for (const auto& c : cases) {
        for (const auto& p : write_both(std::string("bad_") + c.name, c.content)) {
            CAPTURE(p);
            const std::string msg = error_of([&] { read_idx(p); });
            check_message(msg, {p.c_str()});
            check_message(msg, c.parts);
            check_message(msg, {"idx: "});
        }
    }
    // A zero dimension is fine even next to huge ones: the array is empty.
    for (const auto& p : write_both("zero_dim", header(0x08, {0xFFFFFFFF, 0, 0xFFFFFFFF})))
        CHECK(read_idx(p).size() == 0);
}

TEST_CASE("idx: corrupt and truncated gzip streams") {
    std::vector<std::uint8_t> payload(200000);
    std::uint32_t s = 12345;
    for (auto& b : payload) {
        s = s * 1664525u + 1013904223u;
        b = static_cast<std::uint8_t>((s >> 24) & 0x0F); // compressible but not trivially
    }
    const std::string good = tmp_path("gz_good.idx.gz");
    write_idx(good, {payload.size()}, payload.data());
    CHECK(read_idx(good).values<std::uint8_t>() == payload);
    const bytes z = read_file_bytes(good);
    REQUIRE(z.size() > 1000);

    // flipped bits in the middle of the deflate data
    bytes corrupt = z;
    for (std::size_t i = z.size() / 2; i < z.size() / 2 + 16; ++i) corrupt[i] ^= 0x5A;
    const std::string pc = tmp_path("gz_corrupt.idx.gz");
    write_plain(pc, corrupt);
    check_message(error_of([&] { read_idx(pc); }), {pc.c_str(), "corrupt gzip stream at offset", "zlib rejects"});

    // an invalid deflate block type right at the start (BFINAL=1, BTYPE=11): detected at offset 0
    bytes bad_block = z;
    bad_block[10] = 0xFF;
    const std::string pb = tmp_path("gz_bad_block.idx.gz");
    write_plain(pb, bad_block);
    check_message(error_of([&] { read_idx(pb); }),
                  {pb.c_str(), "corrupt gzip stream at offset 0 ", "invalid block type"});

    // a wrong CRC in the gzip trailer: noticed at the end of the data
    bytes bad_crc = z;
    bad_crc[z.size() - 8] ^= 0xFF;
    const std::string pcrc = tmp_path("gz_bad_crc.idx.gz");
    write_plain(pcrc, bad_crc);
    check_message(error_of([&] { read_idx(pcrc); }), {pcrc.c_str(), "corrupt gzip stream at offset", "check"});

    // the compressed file cut in half
    const std::string pt = tmp_path("gz_truncated.idx.gz");
    write_plain(pt, bytes(z.begin(), z.begin() + static_cast<std::ptrdiff_t>(z.size() / 2)));
    check_message(error_of([&] { read_idx(pt); }),
                  {pt.c_str(), "truncated gzip stream at offset", "found the end of the file"});

    // garbage after the gzip stream (gzread would ignore it silently)
    const std::string pg = tmp_path("gz_garbage_after.idx.gz");
    write_plain(pg, cat(z, {'j', 'u', 'n', 'k'}));
    check_message(error_of([&] { read_idx(pg); }),
                  {pg.c_str(), "trailing garbage after the gzip stream at offset 200008", "found 6a 75 6e 6b"});

    // two concatenated gzip members form one stream
    const bytes whole = cat(cat(bytes{0, 0, 0x08, 1, 0, 0, 0, 6}, {1, 2, 3}), {4, 5, 6});
    const std::string p1 = tmp_path("gz_part1.gz"), p2 = tmp_path("gz_part2.gz");
    write_gz(p1, bytes(whole.begin(), whole.begin() + 10));
    write_gz(p2, bytes(whole.begin() + 10, whole.end()));
    const std::string pm = tmp_path("gz_members.idx.gz");
    write_plain(pm, cat(read_file_bytes(p1), read_file_bytes(p2)));
    CHECK(read_idx(pm).values<int>() == std::vector<int>{1, 2, 3, 4, 5, 6});

    // a gzip header and nothing else
    const std::string ph = tmp_path("gz_header_only.idx.gz");
    write_plain(ph, bytes(z.begin(), z.begin() + 10));
    check_message(error_of([&] { read_idx(ph); }), {ph.c_str(), "gzip stream at offset 0"});
}

TEST_CASE("idx: random corruption and truncation never escape as anything but cascade::error") {
    std::vector<std::int16_t> v(3000);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::int16_t>(i * 7919);
    const std::string plain = tmp_path("fuzz_src.idx"), gz = tmp_path("fuzz_src.idx.gz");
    write_idx(plain, {30, 10, 10}, v.data());
    write_idx(gz, {30, 10, 10}, v.data());
    std::uint64_t s = 0x9E3779B97F4A7C15ull;
    auto next = [&s] {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    };
    const std::string target = tmp_path("fuzz.idx");
    int ok = 0, rejected = 0;
    for (const std::string& src : {plain, gz}) {
        const bytes orig = read_file_bytes(src);
        for (int round = 0; round < 150; ++round) {
            bytes b = orig;
            if (round % 3 == 0) {
                b.resize(next() % b.size()); // truncated anywhere
            } else {
                const std::size_t flips = 1 + next() % 4;
                for (std::size_t k = 0; k < flips; ++k) {
                    // early rounds hit the header, later ones anywhere
                    const std::size_t at = round < 50 ? next() % std::min<std::size_t>(b.size(), 24) : next() % b.size();
                    b[at] = static_cast<std::uint8_t>(next());
                }
            }
            write_plain(target, b);
            try {
                const idx_array a = read_idx(target);
                CHECK(a.bytes.size() == a.size() * a.element_size());
                ++ok;
            } catch (const cascade::error& e) {
                CHECK(std::string(e.what()).find(target) != std::string::npos);
                ++rejected;
            }
        }
    }
    CHECK(rejected > 200); // nearly every mutation is caught; a flipped payload byte in a plain file is not
    CHECK(ok + rejected == 300);
}
