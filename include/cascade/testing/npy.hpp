#pragma once
// read_npy: a minimal reader for NumPy's .npy files (format versions 1.0–3.0), enough for test fixtures:
// little-endian float64 ('<f8') or float32 ('<f4'), C order, any rank. The values come back as doubles
// with the shape; copy them into a tensor of any scalar type with npy_array::to<Tensor>().
// Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html — magic "\x93NUMPY",
// major, minor, header length (2 bytes LE for 1.0, 4 bytes for 2.0/3.0), then a Python dict literal
// {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), } padded with spaces, then the raw data.
// No xtensor here (tensor/tensor.hpp is the only file that includes it): xt::load_npy would do, but the
// reader is 60 lines and reports mistakes with cascade::error naming the file.
#include "cascade/config.hpp"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace cascade::testing {

struct npy_array {
    std::vector<std::size_t> shape;
    std::vector<double> data;   // row-major

    std::size_t size() const { return data.size(); }

    // A tensor (resized to this shape) holding the values converted to its scalar type. The rank must match.
    template <class Tensor>
    Tensor to() const {
        using T = typename Tensor::value_type;
        Tensor t;
        using shape_type = std::decay_t<decltype(t.shape())>;
        shape_type s{};
        CASCADE_CHECK(std::tuple_size<shape_type>::value == shape.size(), "npy_array::to: the file has rank " +
                      std::to_string(shape.size()) + ", the tensor rank " + std::to_string(std::tuple_size<shape_type>::value));
        for (std::size_t i = 0; i < shape.size(); ++i) s[i] = shape[i];
        t.resize(s);
        for (std::size_t i = 0; i < data.size(); ++i) t.data()[i] = T(data[i]);
        return t;
    }
};

namespace detail {
// The value of `key` in the header dict: the text after "'key':" up to the next ',' at bracket depth 0.
inline std::string npy_header_field(const std::string& header, const std::string& key, const std::string& path) {
    const auto k = header.find("'" + key + "'");
    CASCADE_CHECK(k != std::string::npos, "read_npy: " + path + ": no '" + key + "' in the header");
    std::size_t i = header.find(':', k) + 1, depth = 0, j = i;
    for (; j < header.size(); ++j) {
        const char c = header[j];
        if (c == '(' || c == '[') ++depth;
        else if (c == ')' || c == ']') --depth;
        else if ((c == ',' || c == '}') && depth == 0) break;
    }
    const auto first = header.find_first_not_of(" '", i), last = header.find_last_not_of(" '", j - 1);
    return header.substr(first, last - first + 1);
}
} // namespace detail

inline npy_array read_npy(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    CASCADE_CHECK(bool(in), "read_npy: cannot open " + path);
    char magic[8];
    in.read(magic, 8);
    CASCADE_CHECK(in && std::memcmp(magic, "\x93NUMPY", 6) == 0, "read_npy: " + path + " is not a .npy file");
    const int major = static_cast<unsigned char>(magic[6]);
    CASCADE_CHECK(major >= 1 && major <= 3, "read_npy: " + path + ": unsupported format version " + std::to_string(major));
    unsigned char len[4] = {0, 0, 0, 0};
    in.read(reinterpret_cast<char*>(len), major == 1 ? 2 : 4);
    const std::size_t header_len = len[0] | (len[1] << 8) | (std::size_t(len[2]) << 16) | (std::size_t(len[3]) << 24);
    std::string header(header_len, ' ');
    in.read(header.data(), std::streamsize(header_len));
    CASCADE_CHECK(bool(in), "read_npy: " + path + ": truncated header");

    const std::string descr = detail::npy_header_field(header, "descr", path);
    CASCADE_CHECK(descr == "<f8" || descr == "<f4", "read_npy: " + path + ": dtype " + descr + " (only <f8 and <f4 are read)");
    CASCADE_CHECK(detail::npy_header_field(header, "fortran_order", path) == "False",
                  "read_npy: " + path + ": Fortran order is not supported");

    npy_array a;
    std::string dims = detail::npy_header_field(header, "shape", path);   // "(2, 3)", "(5,)", "()"
    for (char& c : dims) if (c == '(' || c == ')' || c == ',') c = ' ';
    std::istringstream ds(dims);
    std::size_t n = 1;
    for (std::size_t d; ds >> d;) { a.shape.push_back(d); n *= d; }

    a.data.resize(n);
    if (descr == "<f8") {
        in.read(reinterpret_cast<char*>(a.data.data()), std::streamsize(n * sizeof(double)));
    } else {
        std::vector<float> f(n);
        in.read(reinterpret_cast<char*>(f.data()), std::streamsize(n * sizeof(float)));
        for (std::size_t i = 0; i < n; ++i) a.data[i] = f[i];
    }
    CASCADE_CHECK(bool(in), "read_npy: " + path + ": truncated data (" + std::to_string(n) + " values expected)");
    return a;
}

} // namespace cascade::testing
