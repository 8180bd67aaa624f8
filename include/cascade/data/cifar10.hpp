#pragma once
// cifar10: reader and writer for the binary version of CIFAR-10 (A. Krizhevsky, "Learning Multiple Layers of
// Features from Tiny Images", 2009; https://www.cs.toronto.edu/~kriz/cifar.html, cifar-10-binary.tar.gz).
//
// Format: the directory cifar-10-batches-bin holds data_batch_1.bin ... data_batch_5.bin (10,000 records each,
// the 50,000 training images) and test_batch.bin (10,000 test images). A file is nothing but records of
// 3,073 bytes, with no header:
//   byte 0            label, 0..9 (airplane, automobile, bird, cat, deer, dog, frog, horse, ship, truck)
//   bytes 1..1024     red plane,   32 rows of 32 pixels, row-major
//   bytes 1025..2048  green plane
//   bytes 2049..3072  blue plane
// The reader converts each record to channels-last (32, 32, 3) with x[r, c, ch] = byte[1 + 1024·ch + 32·r + c]
// / 255 (values in [0, 1]) and one-hot labels (10). Every problem (missing file or directory, empty file,
// a size that is not a whole number of records (a truncated last record), a label > 9) throws cascade::error
// "cifar10: <path>: <problem> ... expected ..., found ..." naming the record and its byte offset.
//
// API (namespace cascade::data):
//   dataset<T, 4, 2> read_cifar10_batch<T>(path, max_records = all)   one batch file
//   image_classification_data<T> cifar10<T>(dir, train_limit = all, test_limit = all)
//                                      the five training batches (in order) and the test batch; a limit > 0
//                                      reads only the first records (the files are read only as far as needed)
//   write_cifar10_batch(path, dataset<T, 4, 2>)   x (N, 32, 32, 3) in [0, 1] → round(255·x), label = arg-max of y
//   write_cifar10_records(path, labels, pixels)    raw bytes: labels (N), pixels (N·3072) channels-last uint8
// The directory: $CASCADE_CIFAR10_DIR if set, else "cifar-10-batches-bin" (relative to the working directory).
#include "cascade/config.hpp"
#include "cascade/data/dataset.hpp"
#include "cascade/data/fashion_mnist.hpp"   // image_classification_data, detail::env_or
#include "cascade/tensor/tensor.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace cascade::data {

inline constexpr std::size_t cifar10_side = 32, cifar10_channels = 3, cifar10_classes = 10;
inline constexpr std::size_t cifar10_pixels = cifar10_side * cifar10_side * cifar10_channels;   // 3072
inline constexpr std::size_t cifar10_record_bytes = 1 + cifar10_pixels;                          // 3073

inline const std::vector<std::string>& cifar10_class_names() {
    static const std::vector<std::string> names = {"airplane", "automobile", "bird",  "cat",  "deer",
                                                   "dog",      "frog",       "horse", "ship", "truck"};
    return names;
}

inline std::string default_cifar10_dir() { return detail::env_or("CASCADE_CIFAR10_DIR", "cifar-10-batches-bin"); }

namespace detail {

inline constexpr const char* cifar10_hint =
    "download https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz, extract it and pass the directory "
    "cifar-10-batches-bin (or set CASCADE_CIFAR10_DIR)";

struct cifar10_file_closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

// Channels-last (32, 32, 3) sample from one record's planar bytes (R plane, G plane, B plane).
template <class T>
void cifar10_record_to_sample(const std::uint8_t* planes, T* out, const std::array<T, 256>& lut) {
    constexpr std::size_t plane = cifar10_side * cifar10_side;
    for (std::size_t p = 0; p < plane; ++p)
        for (std::size_t ch = 0; ch < cifar10_channels; ++ch)
            out[p * cifar10_channels + ch] = lut[planes[ch * plane + p]];
}

} // namespace detail

// Reads one CIFAR-10 binary batch file (the first max_records records if the file holds more).
template <class T = float>
dataset<T, 4, 2> read_cifar10_batch(const std::string& path,
                                    std::size_t max_records = std::numeric_limits<std::size_t>::max()) {
    namespace fs = std::filesystem;
    const std::string where = "cifar10: " + path + ": ";
    std::error_code ec;
    if (!fs::exists(path, ec)) cascade::detail::fail(where, "file not found (", detail::cifar10_hint, ")");
    if (fs::is_directory(path, ec)) cascade::detail::fail(where, "cannot open file: it is a directory");
    const auto size = static_cast<std::uint64_t>(fs::file_size(path, ec));
    if (ec) cascade::detail::fail(where, "cannot read the file size: ", ec.message());
    if (size == 0)
        cascade::detail::fail(where, "empty file: expected records of ", cifar10_record_bytes,
                              " bytes (1 label byte + 3072 pixel bytes), found 0 bytes");
    const std::uint64_t whole = size / cifar10_record_bytes, rest = size % cifar10_record_bytes;
    if (rest != 0 && whole < max_records)
        cascade::detail::fail(where, "truncated record ", whole, " at offset ", whole * cifar10_record_bytes,
                              ": expected ", cifar10_record_bytes, " bytes per record (file size a multiple of ",
                              cifar10_record_bytes, "), found ", rest, " bytes (file size ", size, ")");
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(whole, max_records));

    errno = 0;
    std::unique_ptr<std::FILE, detail::cifar10_file_closer> file(std::fopen(path.c_str(), "rb"));
    if (!file) {
        const int e = errno;
        cascade::detail::fail(where, "cannot open file: ", e ? std::strerror(e) : "unknown error");
    }

    std::array<T, 256> lut;
    for (int v = 0; v < 256; ++v) lut[std::size_t(v)] = static_cast<T>(double(v) / 255.0);
    dataset<T, 4, 2> d;
    d.x = host_tensor<T, 4>(std::array<std::size_t, 4>{n, cifar10_side, cifar10_side, cifar10_channels});
    d.y = host_tensor<T, 2>(std::array<std::size_t, 2>{n, cifar10_classes});
    std::fill(d.y.data(), d.y.data() + d.y.size(), T(0));
    std::vector<std::uint8_t> record(cifar10_record_bytes);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t got = std::fread(record.data(), 1, record.size(), file.get());
        if (got != record.size())
            cascade::detail::fail(where, "read error in record ", i, " at offset ", i * cifar10_record_bytes,
                                  ": expected ", cifar10_record_bytes, " bytes, found ", got,
                                  std::ferror(file.get()) ? " (I/O error)" : " (the file shrank while reading)");
        const unsigned label = record[0];
        if (label >= cifar10_classes)
            cascade::detail::fail(where, "bad label in record ", i, " at offset ", i * cifar10_record_bytes,
                                  ": expected a class in [0, ", cifar10_classes, "), found ", label);
        d.y.data()[i * cifar10_classes + label] = T(1);
        detail::cifar10_record_to_sample(record.data() + 1, d.x.data() + i * cifar10_pixels, lut);
    }
    return d;
}

namespace detail {

template <class T>
dataset<T, 4, 2> cifar10_concat(const std::vector<dataset<T, 4, 2>>& parts) {
    std::size_t n = 0;
    for (const auto& p : parts) n += p.size();
    dataset<T, 4, 2> d;
    d.x = host_tensor<T, 4>(std::array<std::size_t, 4>{n, cifar10_side, cifar10_side, cifar10_channels});
    d.y = host_tensor<T, 2>(std::array<std::size_t, 2>{n, cifar10_classes});
    std::size_t at = 0;
    for (const auto& p : parts) {
        std::copy(p.x.data(), p.x.data() + p.x.size(), d.x.data() + at * cifar10_pixels);
        std::copy(p.y.data(), p.y.data() + p.y.size(), d.y.data() + at * cifar10_classes);
        at += p.size();
    }
    return d;
}

} // namespace detail

// CIFAR-10 from its binary directory: train = data_batch_1..5 in order, test = test_batch. A limit > 0
// keeps only the first `limit` images of the split (and reads no further than needed).
template <class T = float>
image_classification_data<T> cifar10(const std::string& dir = default_cifar10_dir(), std::size_t train_limit = 0,
                                     std::size_t test_limit = 0) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        cascade::detail::fail("cifar10: directory not found: ", dir, " does not exist or is not a directory (",
                              detail::cifar10_hint, ")");
    const std::size_t all = std::numeric_limits<std::size_t>::max();
    std::size_t left = train_limit ? train_limit : all;
    std::vector<dataset<T, 4, 2>> parts;
    for (int b = 1; b <= 5 && left > 0; ++b) {
        const fs::path file = fs::path(dir) / ("data_batch_" + std::to_string(b) + ".bin");
        parts.push_back(read_cifar10_batch<T>(file.string(), left));
        left -= std::min(left, parts.back().size());
    }
    image_classification_data<T> out;
    out.train = detail::cifar10_concat(parts);
    out.test = read_cifar10_batch<T>((fs::path(dir) / "test_batch.bin").string(), test_limit ? test_limit : all);
    out.class_names = cifar10_class_names();
    return out;
}

// Writes raw CIFAR-10 records: labels[i] (written as is, so tests can write bad ones) and pixels
// (N·3072 bytes, sample-major, channels-last (32, 32, 3), converted to the planar layout).
inline void write_cifar10_records(const std::string& path, const std::vector<std::uint8_t>& labels,
                                  const std::vector<std::uint8_t>& pixels) {
    const std::string where = "cifar10: " + path + ": ";
    CASCADE_CHECK(pixels.size() == labels.size() * cifar10_pixels, where, "write: expected ", labels.size(), " x ",
                  cifar10_pixels, " pixel bytes, found ", pixels.size());
    errno = 0;
    std::unique_ptr<std::FILE, detail::cifar10_file_closer> file(std::fopen(path.c_str(), "wb"));
    if (!file) {
        const int e = errno;
        cascade::detail::fail(where, "cannot open file for writing: ", e ? std::strerror(e) : "unknown error");
    }
    constexpr std::size_t plane = cifar10_side * cifar10_side;
    std::vector<std::uint8_t> record(cifar10_record_bytes);
    for (std::size_t i = 0; i < labels.size(); ++i) {
        record[0] = labels[i];
        const std::uint8_t* px = pixels.data() + i * cifar10_pixels;
        for (std::size_t p = 0; p < plane; ++p)
            for (std::size_t ch = 0; ch < cifar10_channels; ++ch)
                record[1 + ch * plane + p] = px[p * cifar10_channels + ch];
        CASCADE_CHECK(std::fwrite(record.data(), 1, record.size(), file.get()) == record.size(), where,
                      "write error in record ", i);
    }
    std::FILE* raw = file.release();
    CASCADE_CHECK(std::fclose(raw) == 0, where, "closing after writing failed");
}

// Writes a dataset as a CIFAR-10 batch file: pixels round(255·clamp(x, 0, 1)), label = arg-max of y's row.
template <class T>
void write_cifar10_batch(const std::string& path, const dataset<T, 4, 2>& d) {
    const std::size_t n = d.size();
    CASCADE_CHECK(d.x.shape()[1] == cifar10_side && d.x.shape()[2] == cifar10_side &&
                      d.x.shape()[3] == cifar10_channels,
                  "cifar10: ", path, ": write: samples must be (32, 32, 3), found (", d.x.shape()[1], ", ",
                  d.x.shape()[2], ", ", d.x.shape()[3], ")");
    CASCADE_CHECK(d.y.shape()[1] == cifar10_classes, "cifar10: ", path, ": write: targets must have 10 classes, found ",
                  d.y.shape()[1]);
    std::vector<std::uint8_t> labels(n), pixels(n * cifar10_pixels);
    for (std::size_t i = 0; i < n; ++i) {
        const T* row = d.y.data() + i * cifar10_classes;
        labels[i] = static_cast<std::uint8_t>(std::max_element(row, row + cifar10_classes) - row);
    }
    for (std::size_t k = 0; k < pixels.size(); ++k) {
        const double v = std::clamp(double(d.x.data()[k]), 0.0, 1.0);
        pixels[k] = static_cast<std::uint8_t>(std::lround(v * 255.0));
    }
    write_cifar10_records(path, labels, pixels);
}

} // namespace cascade::data
