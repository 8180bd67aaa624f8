#pragma once
// save_weights / load_weights: a network's parameters and buffers (batch norm's moving statistics) in a
// small binary file; copy_weights: between two instantiations of one architecture (float ↔ double, one
// backend to another).
//
//   cc::io::save_weights(net, "model.cw");
//   cc::io::load_weights(net2, "model.cw");      // same architecture and scalar type, else cascade::error
//
// Format, version 1, little-endian, no padding:
//   header   "CASCADEW" (8 bytes) | u32 version = 1 | u32 number of tensors
//   tensor   u32 layer index (0-based, in the sequential) | u16 name length | layer name (e.g. "dense")
//            | u8 kind (0 parameter, 1 buffer) | u32 index of the tensor among the layer's params() or buffers()
//            | u8 dtype (4 = float32, 8 = float64) | u8 rank | u64 dims[rank] | data (row-major)
//            | u32 CRC-32 (zlib) of the record from its layer index to the end of its data
// Tensors are stored layer by layer, each layer's params() in order, then its buffers(): the order of
// net.visit_params with the buffers added. The file must end after the last tensor.
//
// load_weights reads and checks the whole file first — magic, version, count, every tensor's layer,
// name, kind, index, dtype, rank, dims and checksum, and the file's length — and only then writes into
// the network: when it throws (cascade::error naming the file, the tensor and the mismatch), the network
// is unchanged. save_weights writes "<path>.tmp" and renames it, so an interrupted save never leaves a
// half-written file under the name.
// Not Keras' HDF5 format: a converter from .h5 / PyTorch state_dicts can write this one (see docs).
#include "cascade/config.hpp"
#include "cascade/tensor/host_access.hpp"
#include "cascade/layers/concepts.hpp"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace cascade::io {

static_assert(std::endian::native == std::endian::little, "io/weights.hpp: the weights format is written on little-endian hosts only");

enum class tensor_kind : std::uint8_t { param = 0, buffer = 1 };
enum class dtype_conversion { forbid, allow };   // load_weights: accept a float file for a double net (and back)

inline constexpr char weights_magic[8] = {'C', 'A', 'S', 'C', 'A', 'D', 'E', 'W'};
inline constexpr std::uint32_t weights_version = 1;

namespace detail {

// f(layer, layer_name, kind, index, tensor&) for every saved tensor of layer K.
template <std::size_t K, class Net, class F>
void visit_layer_weights(Net& net, F& f) {
    auto& l = net.template layer<K>();
    const char* name = Net::template layer_type<K>::name;
    std::uint32_t i = 0;
    std::apply([&](auto&... p) { (f(std::uint32_t(K), name, tensor_kind::param, i++, p), ...); }, l.params());
    if constexpr (layers::has_buffers<std::decay_t<decltype(l)>>) {
        i = 0;
        std::apply([&](auto&... b) { (f(std::uint32_t(K), name, tensor_kind::buffer, i++, b), ...); }, l.buffers());
    }
}
template <class Net, class F, std::size_t... K>
void visit_weights_of(Net& net, F& f, std::index_sequence<K...>) {
    (visit_layer_weights<K>(net, f), ...);
}
template <class Net>
concept has_heads = requires(Net& n) { n.template head<0>(); };

// f(layer, layer_name, kind, index, tensor&) for every saved tensor, in file order. A multi_input network
// (net/multi_input.hpp) is numbered head 0's layers first, then the other heads', then the trunk's.
template <class Net, class F>
void visit_weights(Net& net, F&& f) {
    if constexpr (has_heads<Net>) {
        std::uint32_t offset = 0;
        auto visit_part = [&](auto& part) {
            using Part = std::remove_reference_t<decltype(part)>;
            auto shifted = [&](std::uint32_t layer, const char* name, tensor_kind kind, std::uint32_t index, auto& t) {
                f(layer + offset, name, kind, index, t);
            };
            visit_weights_of(part, shifted, std::make_index_sequence<Part::depth>{});
            offset += std::uint32_t(Part::depth);
        };
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (visit_part(net.template head<I>()), ...);
        }(std::make_index_sequence<std::tuple_size_v<typename Net::head_tuple>>{});
        visit_part(net.trunk());
    } else {
        visit_weights_of(net, f, std::make_index_sequence<Net::depth>{});
    }
}

// "layer 2 (dense) param 0": how errors name a tensor.
inline std::string tensor_label(std::uint32_t layer, const std::string& name, tensor_kind kind, std::uint32_t index) {
    std::ostringstream os;
    os << "layer " << layer << " (" << name << ") " << (kind == tensor_kind::param ? "param " : "buffer ") << index;
    return os.str();
}

inline std::string dims_text(const std::vector<std::uint64_t>& d) {
    std::ostringstream os;
    os << '(';
    for (std::size_t i = 0; i < d.size(); ++i) os << (i ? ", " : "") << d[i];
    os << ')';
    return os.str();
}

template <class P>
std::vector<std::uint64_t> dims_of(const P& t) {
    return std::vector<std::uint64_t>(t.shape().begin(), t.shape().end());
}

inline std::uint32_t crc32_of(const unsigned char* p, std::size_t n) {
    uLong c = crc32(0L, Z_NULL, 0);
    while (n > 0) {   // zlib takes uInt lengths
        const uInt chunk = uInt(std::min<std::size_t>(n, 1u << 30));
        c = crc32(c, p, chunk);
        p += chunk;
        n -= chunk;
    }
    return std::uint32_t(c);
}

class byte_writer {
public:
    template <class U>
    void put(U v) {
        const auto* p = reinterpret_cast<const unsigned char*>(&v);
        bytes.insert(bytes.end(), p, p + sizeof(U));
    }
    void put_bytes(const void* p, std::size_t n) {
        const auto* c = static_cast<const unsigned char*>(p);
        bytes.insert(bytes.end(), c, c + n);
    }
    std::vector<unsigned char> bytes;
};

class byte_reader {
public:
    byte_reader(const std::vector<unsigned char>& b, const std::string& path) : b_(b), path_(path) {}
    // Bounds-checked read of `what` (named in the error when the file ends early).
    const unsigned char* take(std::size_t n, const std::string& what) {
        if (b_.size() - pos_ < n)
            cascade::detail::fail("load_weights(", path_, "): the file is truncated: it ends at byte ", b_.size(),
                                  " while reading ", what, " (", n, " bytes at offset ", pos_, ")");
        const unsigned char* p = b_.data() + pos_;
        pos_ += n;
        return p;
    }
    template <class U>
    U get(const std::string& what) {
        U v;
        std::memcpy(&v, take(sizeof(U), what), sizeof(U));
        return v;
    }
    std::size_t pos() const { return pos_; }
    std::size_t size() const { return b_.size(); }

private:
    const std::vector<unsigned char>& b_;
    std::string path_;
    std::size_t pos_ = 0;
};

inline std::vector<unsigned char> read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    CASCADE_CHECK(bool(f), "load_weights: cannot open ", path);
    std::vector<unsigned char> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    CASCADE_CHECK(!f.bad(), "load_weights: error while reading ", path);
    return b;
}

} // namespace detail

// Writes every parameter and buffer of net to path (format above).
template <class Net>
void save_weights(Net& net, const std::string& path) {
    detail::byte_writer w;
    w.put_bytes(weights_magic, sizeof weights_magic);
    w.put(weights_version);
    std::uint32_t count = 0;
    detail::visit_weights(net, [&](auto...) { ++count; });
    w.put(count);
    detail::visit_weights(net, [&](std::uint32_t layer, const char* name, tensor_kind kind, std::uint32_t index, auto& t) {
        using T = typename std::decay_t<decltype(t)>::value_type;
        static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "save_weights: float or double tensors only");
        const std::size_t start = w.bytes.size();
        w.put(layer);
        const std::string n(name);
        w.put(std::uint16_t(n.size()));
        w.put_bytes(n.data(), n.size());
        w.put(std::uint8_t(kind));
        w.put(index);
        w.put(std::uint8_t(sizeof(T)));
        w.put(std::uint8_t(t.dimension()));
        for (auto d : t.shape()) w.put(std::uint64_t(d));
        read_on_host(t, [&](const T* p, std::size_t n) { w.put_bytes(p, n * sizeof(T)); });
        w.put(detail::crc32_of(w.bytes.data() + start, w.bytes.size() - start));
    });
    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        CASCADE_CHECK(bool(f), "save_weights: cannot write ", tmp);
        f.write(reinterpret_cast<const char*>(w.bytes.data()), std::streamsize(w.bytes.size()));
        f.close();
        CASCADE_CHECK(bool(f), "save_weights: error while writing ", tmp);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        cascade::detail::fail("save_weights: cannot rename ", tmp, " to ", path);
    }
}

// Reads path into net's parameters and buffers; throws cascade::error (net unchanged) on any mismatch.
template <class Net>
void load_weights(Net& net, const std::string& path, dtype_conversion conv = dtype_conversion::forbid) {
    using T = typename Net::scalar_type;
    const auto bytes = detail::read_file(path);
    detail::byte_reader r(bytes, path);
    const std::string where = "load_weights(" + path + "): ";
    const unsigned char* magic = r.take(sizeof weights_magic, "the header");
    CASCADE_CHECK(std::memcmp(magic, weights_magic, sizeof weights_magic) == 0, where,
                  "not a cascade weights file (no CASCADEW magic at the start)");
    const auto version = r.get<std::uint32_t>("the version");
    CASCADE_CHECK(version == weights_version, where, "format version ", version, ", this build reads version ", weights_version);
    const auto count = r.get<std::uint32_t>("the tensor count");

    std::uint32_t expected = 0;
    detail::visit_weights(net, [&](auto...) { ++expected; });
    CASCADE_CHECK(count == expected, where, "the file holds ", count, " tensors, the network has ", expected,
                  " (parameters and buffers): a different architecture");

    std::vector<std::vector<T>> values;   // everything is checked and converted before the network is touched
    values.reserve(count);
    std::uint32_t i = 0;
    detail::visit_weights(net, [&](std::uint32_t layer, const char* name, tensor_kind kind, std::uint32_t index, auto& t) {
        const std::string label = detail::tensor_label(layer, name, kind, index);
        const std::string what = "tensor " + std::to_string(i) + " (" + label + ")";
        const std::size_t start = r.pos();
        const auto f_layer = r.get<std::uint32_t>(what);
        const auto name_len = r.get<std::uint16_t>(what);
        const auto* name_p = r.take(name_len, what);
        const std::string f_name(reinterpret_cast<const char*>(name_p), name_len);
        const auto f_kind = tensor_kind(r.get<std::uint8_t>(what));
        const auto f_index = r.get<std::uint32_t>(what);
        const auto dtype = r.get<std::uint8_t>(what);
        const auto rank = r.get<std::uint8_t>(what);
        std::vector<std::uint64_t> dims(rank);
        for (auto& d : dims) d = r.get<std::uint64_t>(what);
        const std::string in_file = (f_kind == tensor_kind::param || f_kind == tensor_kind::buffer)
                                        ? detail::tensor_label(f_layer, f_name, f_kind, f_index)
                                        : "a tensor of unknown kind " + std::to_string(int(f_kind));
        CASCADE_CHECK(f_layer == layer && f_name == name && f_kind == kind && f_index == index, where, what,
                      ": the file has ", in_file, " here: a different architecture");
        const auto want = detail::dims_of(t);
        CASCADE_CHECK(dims == want, where, what, ": shape ", detail::dims_text(dims), " in the file, ",
                      detail::dims_text(want), " in the network: a different architecture");
        CASCADE_CHECK(dtype == 4 || dtype == 8, where, what, ": unknown dtype code ", int(dtype), " (4: float32, 8: float64)");
        CASCADE_CHECK(dtype == sizeof(T) || conv == dtype_conversion::allow, where, what, ": the file holds ",
                      dtype == 4 ? "float32" : "float64", " values, the network is ", sizeof(T) == 4 ? "float32" : "float64",
                      " (pass io::dtype_conversion::allow to convert)");
        std::uint64_t n = 1;
        for (auto d : dims) n *= d;
        const unsigned char* data = r.take(std::size_t(n) * dtype, what + " data");
        const std::size_t end = r.pos();
        const auto crc = r.get<std::uint32_t>(what + " checksum");
        CASCADE_CHECK(crc == detail::crc32_of(bytes.data() + start, end - start), where, what,
                      ": checksum mismatch, the file is corrupted");
        auto& v = values.emplace_back(std::size_t(n));
        if (dtype == 4) {
            for (std::size_t j = 0; j < n; ++j) {
                float x;
                std::memcpy(&x, data + 4 * j, 4);
                v[j] = T(x);
            }
        } else {
            for (std::size_t j = 0; j < n; ++j) {
                double x;
                std::memcpy(&x, data + 8 * j, 8);
                v[j] = T(x);
            }
        }
        ++i;
    });
    CASCADE_CHECK(r.pos() == r.size(), where, r.size() - r.pos(), " unexpected bytes after the last tensor (at offset ",
                  r.pos(), ")");
    i = 0;
    detail::visit_weights(net, [&](auto, auto, auto, auto, auto& t) {
        write_on_host(t, [&](auto* p, std::size_t) { std::copy(values[i].begin(), values[i].end(), p); });
        ++i;
    });
}

// Copies every parameter and buffer of `from` into `to`: the same architecture, any scalar types or
// backends (element-wise conversion through host memory). Checked first; `to` is unchanged on error.
template <class From, class To>
void copy_weights(From& from, To& to) {
    using T = typename To::scalar_type;
    struct entry {
        std::string label;
        std::vector<std::uint64_t> dims;
        std::vector<T> values;
    };
    std::vector<entry> src;
    detail::visit_weights(from, [&](std::uint32_t layer, const char* name, tensor_kind kind, std::uint32_t index, auto& t) {
        std::vector<T> values;
        read_on_host(t, [&](const auto* p, std::size_t n) { values.assign(p, p + n); });
        src.push_back({detail::tensor_label(layer, name, kind, index), detail::dims_of(t), std::move(values)});
    });
    std::size_t i = 0;
    detail::visit_weights(to, [&](std::uint32_t layer, const char* name, tensor_kind kind, std::uint32_t index, auto& t) {
        const std::string label = detail::tensor_label(layer, name, kind, index);
        CASCADE_CHECK(i < src.size(), "copy_weights: the source network has no ", label, ": different architectures");
        CASCADE_CHECK(src[i].label == label, "copy_weights: tensor ", i, " is ", src[i].label, " in the source, ", label,
                      " in the destination: different architectures");
        CASCADE_CHECK(src[i].dims == detail::dims_of(t), "copy_weights: ", label, " has shape ", detail::dims_text(src[i].dims),
                      " in the source, ", detail::dims_text(detail::dims_of(t)), " in the destination");
        ++i;
    });
    CASCADE_CHECK(i == src.size(), "copy_weights: the source has ", src.size(), " tensors, the destination ", i,
                  ": different architectures");
    i = 0;
    detail::visit_weights(to, [&](auto, auto, auto, auto, auto& t) {
        write_on_host(t, [&](auto* p, std::size_t) { std::copy(src[i].values.begin(), src[i].values.end(), p); });
        ++i;
    });
}

} // namespace cascade::io
