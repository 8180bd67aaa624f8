#pragma once
// hdf5: datasets stored in HDF5 files (the "hdf container" of seed 001's TA SD slide "Training the
// model": ~10^6 events, 100 GB, read in chunks by Keras' generator API through h5py).
//
//   auto d = data::read_hdf5<float, 5, 2>("events.h5");             // x (n, N, N, T, 2), y (n, k)
//   auto part = data::read_hdf5<float, 5, 2>("events.h5", {.begin = 0, .end = 10000});   // rows [0, 10000)
//   data::write_hdf5("events.h5", d);                               // datasets "x" and "y", float32
//
// A file holds two HDF5 datasets of the same first dimension n (names configurable, default "x" and
// "y", as h5py's `f["x"]`, `f["y"]`). Any numeric element type is read (HDF5 converts it to T); the
// ranks must equal XR and YR. Rows [begin, end) are read as a hyperslab, so a file larger than memory
// can be consumed chunk by chunk. Errors (missing file or dataset, wrong rank, different n, a range
// outside [0, n]) throw cascade::error naming the file and the dataset; HDF5's own error printing is
// silenced while cascade calls it.
//
// Needs the HDF5 C library (Debian: libhdf5-dev). CMake: find_package(HDF5 COMPONENTS C), then link
// HDF5_C_LIBRARIES and add HDF5_INCLUDE_DIRS (cmake/cascade_hdf5.cmake's cascade_link_hdf5 does both
// and defines CASCADE_HAVE_HDF5). The rest of cascade does not need HDF5.
#if !__has_include(<hdf5.h>)
#error "cascade/data/hdf5.hpp needs the HDF5 C library headers (Debian: libhdf5-dev; CMake: find_package(HDF5 COMPONENTS C))"
#endif
#include "cascade/config.hpp"
#include "cascade/data/dataset.hpp"
#include "cascade/tensor/tensor.hpp"

#include <hdf5.h>

#include <array>
#include <cstddef>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

namespace cascade::data {

struct hdf5_names {
    std::string x = "x", y = "y";
};

struct hdf5_rows {
    std::size_t begin = 0;
    std::size_t end = std::numeric_limits<std::size_t>::max();   // clipped to n
};

namespace detail {

// An HDF5 identifier closed by `close` when it goes out of scope.
template <herr_t (*Close)(hid_t)>
struct h5_handle {
    hid_t id = -1;
    explicit h5_handle(hid_t i) : id(i) {}
    h5_handle(const h5_handle&) = delete;
    h5_handle& operator=(const h5_handle&) = delete;
    ~h5_handle() {
        if (id >= 0) Close(id);
    }
    explicit operator bool() const { return id >= 0; }
};
using h5_file = h5_handle<H5Fclose>;
using h5_dataset = h5_handle<H5Dclose>;
using h5_space = h5_handle<H5Sclose>;

// Silences HDF5's automatic error-stack printing for the lifetime of the object (restored after).
struct h5_quiet {
    H5E_auto2_t func = nullptr;
    void* data = nullptr;
    h5_quiet() {
        H5Eget_auto2(H5E_DEFAULT, &func, &data);
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    }
    ~h5_quiet() { H5Eset_auto2(H5E_DEFAULT, func, data); }
    h5_quiet(const h5_quiet&) = delete;
    h5_quiet& operator=(const h5_quiet&) = delete;
};

template <class T>
hid_t h5_native_type() {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "hdf5: T must be float or double");
    return std::is_same_v<T, float> ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
}

// Opens `name` in `file` and returns its shape; throws naming path and dataset unless its rank is R.
template <std::size_t R>
std::array<std::size_t, R> h5_shape(hid_t file, const std::string& path, const std::string& name, h5_dataset& ds) {
    CASCADE_CHECK(H5Lexists(file, name.c_str(), H5P_DEFAULT) > 0, "read_hdf5: ", path, ": no dataset \"", name, "\"");
    ds.id = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
    CASCADE_CHECK(ds.id >= 0, "read_hdf5: ", path, ": cannot open \"", name, "\" as a dataset");
    h5_space space(H5Dget_space(ds.id));
    const int rank = H5Sget_simple_extent_ndims(space.id);
    CASCADE_CHECK(rank == int(R), "read_hdf5: ", path, ": dataset \"", name, "\" has rank ", rank, ", expected ", R,
                  " (samples first)");
    std::array<hsize_t, R> dims{};
    H5Sget_simple_extent_dims(space.id, dims.data(), nullptr);
    std::array<std::size_t, R> s{};
    for (std::size_t i = 0; i < R; ++i) s[i] = std::size_t(dims[i]);
    return s;
}

// Reads rows [begin, end) of an open dataset into out (already shaped (end − begin, ...)).
template <class T, std::size_t R>
void h5_read_rows(hid_t ds, const std::string& path, const std::string& name, std::size_t begin, std::size_t end,
                  host_tensor<T, R>& out) {
    h5_space file_space(H5Dget_space(ds));
    std::array<hsize_t, R> start{}, count{};
    for (std::size_t i = 0; i < R; ++i) count[i] = hsize_t(out.shape()[i]);
    start[0] = hsize_t(begin);
    count[0] = hsize_t(end - begin);
    if (end == begin) return;
    CASCADE_CHECK(H5Sselect_hyperslab(file_space.id, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) >= 0,
                  "read_hdf5: ", path, ": cannot select rows of \"", name, "\"");
    h5_space mem_space(H5Screate_simple(int(R), count.data(), nullptr));
    CASCADE_CHECK(H5Dread(ds, h5_native_type<T>(), mem_space.id, file_space.id, H5P_DEFAULT, out.data()) >= 0,
                  "read_hdf5: ", path, ": cannot read dataset \"", name, "\" (not numeric?)");
}

template <class T, std::size_t R>
void h5_write(hid_t file, const std::string& path, const std::string& name, const host_tensor<T, R>& t) {
    std::array<hsize_t, R> dims{};
    for (std::size_t i = 0; i < R; ++i) dims[i] = hsize_t(t.shape()[i]);
    h5_space space(H5Screate_simple(int(R), dims.data(), nullptr));
    h5_dataset ds(H5Dcreate2(file, name.c_str(), h5_native_type<T>(), space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    CASCADE_CHECK(ds.id >= 0, "write_hdf5: ", path, ": cannot create dataset \"", name, "\"");
    CASCADE_CHECK(H5Dwrite(ds.id, h5_native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, t.data()) >= 0, "write_hdf5: ",
                  path, ": cannot write dataset \"", name, "\"");
}

} // namespace detail

// The shape of dataset `name` in the file at `path` (rank R checked).
template <std::size_t R>
std::array<std::size_t, R> hdf5_shape(const std::string& path, const std::string& name) {
    detail::h5_quiet quiet;
    detail::h5_file file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    CASCADE_CHECK(file.id >= 0, "read_hdf5: cannot open ", path, " as an HDF5 file");
    detail::h5_dataset ds(-1);
    return detail::h5_shape<R>(file.id, path, name, ds);
}

// Rows [rows.begin, min(rows.end, n)) of the datasets names.x (rank XR) and names.y (rank YR).
template <class T, std::size_t XR, std::size_t YR = 2>
dataset<T, XR, YR> read_hdf5(const std::string& path, hdf5_rows rows = {}, const hdf5_names& names = {}) {
    detail::h5_quiet quiet;
    detail::h5_file file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    CASCADE_CHECK(file.id >= 0, "read_hdf5: cannot open ", path, " as an HDF5 file");
    detail::h5_dataset dx(-1), dy(-1);
    auto xs = detail::h5_shape<XR>(file.id, path, names.x, dx);
    auto ys = detail::h5_shape<YR>(file.id, path, names.y, dy);
    const std::size_t n = xs[0];
    CASCADE_CHECK(ys[0] == n, "read_hdf5: ", path, ": dataset \"", names.x, "\" holds ", n, " samples but \"", names.y,
                  "\" holds ", ys[0]);
    const std::size_t end = std::min(rows.end, n);
    CASCADE_CHECK(rows.begin <= end, "read_hdf5: ", path, ": rows [", rows.begin, ", ", rows.end, ") start past the ", n,
                  " samples of dataset \"", names.x, "\"");
    xs[0] = ys[0] = end - rows.begin;
    dataset<T, XR, YR> d{host_tensor<T, XR>(xs), host_tensor<T, YR>(ys)};
    detail::h5_read_rows(dx.id, path, names.x, rows.begin, end, d.x);
    detail::h5_read_rows(dy.id, path, names.y, rows.begin, end, d.y);
    return d;
}

// Writes d.x and d.y as the datasets names.x and names.y of a new file at path (an existing file is replaced).
template <class T, std::size_t XR, std::size_t YR>
void write_hdf5(const std::string& path, const dataset<T, XR, YR>& d, const hdf5_names& names = {}) {
    d.validate();
    detail::h5_quiet quiet;
    detail::h5_file file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    CASCADE_CHECK(file.id >= 0, "write_hdf5: cannot create ", path);
    detail::h5_write(file.id, path, names.x, d.x);
    detail::h5_write(file.id, path, names.y, d.y);
}

} // namespace cascade::data
