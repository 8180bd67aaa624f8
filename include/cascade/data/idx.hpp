#pragma once
// idx: reader and writer for the IDX format of the MNIST family of data sets, plain or gzip-compressed.
//
// Format (http://yann.lecun.com/exdb/mnist/):
//   offset 0: 0x00 0x00                    magic, two zero bytes
//   offset 2: type code                    0x08 ubyte, 0x09 sbyte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
//   offset 3: ndims                        number of dimensions (1..255)
//   offset 4: ndims x uint32, big-endian   the size of each dimension, outermost first
//   then:     prod(dims) elements          row-major (C order), multi-byte types big-endian (MSB first)
//
// A file that starts with the gzip magic (1f 8b) is decompressed with zlib's inflate (several
// concatenated gzip members are read in turn), any other is read as is, so "x-idx3-ubyte" and
// "x-idx3-ubyte.gz" both work, whatever their names. Offsets in error messages are exact offsets
// in the decompressed stream. Every problem (missing file, truncated header, bad magic, unknown
// type, overflowing or absurd dimensions (> 2^34 bytes of payload), truncated payload, trailing
// garbage after the payload or after the gzip stream, corrupt or truncated gzip data, wrong CRC)
// throws cascade::error with a message "idx: <path>: <problem> at offset <n>: expected ..., found ...".
//
// API (namespace cascade::data):
//   idx_array read_idx(path)                                 raw array: type, dims, host-order bytes
//   host_tensor<T, R> read_idx_tensor<T, R>(path, scale)     any type converted to T, times scale; rank R
//   host_tensor<T, 4> read_idx_images<T>(path, scale)        (N, H, W) or (N, H, W, C) -> (N, H, W, C)
//   std::vector<std::uint8_t> read_idx_labels(path)          a 1-d ubyte file
//   write_idx(path, idx_array | dims + data | host_tensor, compression)   plain, or gzip for ".gz"
#include "cascade/config.hpp"
#include "cascade/tensor/tensor.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace cascade::data {

enum class idx_type : std::uint8_t {
    ubyte = 0x08,
    sbyte = 0x09,
    int16 = 0x0B,
    int32 = 0x0C,
    float32 = 0x0D,
    float64 = 0x0E,
};

// Bytes per element of an IDX type.
constexpr std::size_t idx_element_size(idx_type t) {
    switch (t) {
    case idx_type::ubyte:
    case idx_type::sbyte: return 1;
    case idx_type::int16: return 2;
    case idx_type::int32:
    case idx_type::float32: return 4;
    case idx_type::float64: return 8;
    }
    return 0;
}

constexpr const char* idx_type_name(idx_type t) {
    switch (t) {
    case idx_type::ubyte: return "ubyte";
    case idx_type::sbyte: return "sbyte";
    case idx_type::int16: return "int16";
    case idx_type::int32: return "int32";
    case idx_type::float32: return "float32";
    case idx_type::float64: return "float64";
    }
    return "unknown";
}

constexpr bool is_idx_type_code(std::uint8_t code) {
    return code == 0x08 || code == 0x09 || code == 0x0B || code == 0x0C || code == 0x0D || code == 0x0E;
}

// The IDX type that stores C++ type T exactly (only the six IDX element types have one).
template <class T>
inline constexpr bool has_idx_type = std::is_same_v<T, std::uint8_t> || std::is_same_v<T, std::int8_t> ||
                                     std::is_same_v<T, std::int16_t> || std::is_same_v<T, std::int32_t> ||
                                     std::is_same_v<T, float> || std::is_same_v<T, double>;
template <class T>
constexpr idx_type idx_type_of() {
    static_assert(has_idx_type<T>, "idx_type_of<T>: IDX stores only uint8, int8, int16, int32, float and double");
    if constexpr (std::is_same_v<T, std::uint8_t>) return idx_type::ubyte;
    else if constexpr (std::is_same_v<T, std::int8_t>) return idx_type::sbyte;
    else if constexpr (std::is_same_v<T, std::int16_t>) return idx_type::int16;
    else if constexpr (std::is_same_v<T, std::int32_t>) return idx_type::int32;
    else if constexpr (std::is_same_v<T, float>) return idx_type::float32;
    else return idx_type::float64;
}

// Largest payload the reader accepts: anything bigger is taken for a corrupt header.
inline constexpr std::uint64_t idx_max_payload_bytes = std::uint64_t{1} << 34;

// A whole IDX file: element type, dimensions and the payload in HOST byte order, row-major.
struct idx_array {
    idx_type type = idx_type::ubyte;
    std::vector<std::size_t> dims;
    std::vector<std::uint8_t> bytes;

    std::size_t rank() const { return dims.size(); }
    std::size_t element_size() const { return idx_element_size(type); }
    // Number of elements (the product of dims).
    std::size_t size() const {
        std::size_t n = 1;
        for (auto d : dims) n *= d;
        return n;
    }
    // The elements converted to T (static_cast, after multiplying by scale in double when scale != 1).
    // As with static_cast, a floating value out of an integral T's range is undefined behaviour.
    template <class T>
    std::vector<T> values(double scale = 1.0) const;

    // An array holding a copy of prod(dims) values of an IDX-storable type (uint8, int8, int16, int32,
    // float, double).
    template <class T>
    static idx_array from(std::vector<std::size_t> dims, const T* data) {
        idx_array a;
        a.type = idx_type_of<T>();
        a.dims = std::move(dims);
        a.bytes.resize(a.size() * sizeof(T));
        if (!a.bytes.empty()) std::memcpy(a.bytes.data(), data, a.bytes.size());
        return a;
    }
};

enum class idx_compression {
    by_extension, // gzip when the path ends in ".gz", plain otherwise
    none,
    gzip,
};

namespace detail {

inline constexpr std::size_t idx_chunk_bytes = std::size_t{1} << 20; // a multiple of every element size

// Reverses the byte order of n elements of size esize in place when the host is little-endian
// (IDX stores multi-byte elements big-endian).
inline void idx_swap_to_host(std::uint8_t* p, std::size_t n, std::size_t esize) {
    if constexpr (std::endian::native == std::endian::big) {
        (void)p, (void)n, (void)esize;
    } else {
        switch (esize) {
        case 2:
            for (std::size_t i = 0; i < n; ++i) {
                std::uint16_t v;
                std::memcpy(&v, p + 2 * i, 2);
                v = __builtin_bswap16(v);
                std::memcpy(p + 2 * i, &v, 2);
            }
            break;
        case 4:
            for (std::size_t i = 0; i < n; ++i) {
                std::uint32_t v;
                std::memcpy(&v, p + 4 * i, 4);
                v = __builtin_bswap32(v);
                std::memcpy(p + 4 * i, &v, 4);
            }
            break;
        case 8:
            for (std::size_t i = 0; i < n; ++i) {
                std::uint64_t v;
                std::memcpy(&v, p + 8 * i, 8);
                v = __builtin_bswap64(v);
                std::memcpy(p + 8 * i, &v, 8);
            }
            break;
        default: break;
        }
    }
}

// dst[i] = T(src[i] * scale) for n elements of host-order type S stored at src (possibly unaligned).
template <class S, class T>
void idx_convert_as(const std::uint8_t* src, std::size_t n, T* dst, double scale) {
    if constexpr (sizeof(S) == 1) {
        // 256-entry table: one load per element, and exactly the value T(double(v) * scale).
        std::array<T, 256> lut;
        for (int v = 0; v < 256; ++v) {
            const S s = static_cast<S>(static_cast<std::uint8_t>(v));
            lut[static_cast<std::size_t>(v)] =
                scale == 1.0 ? static_cast<T>(s) : static_cast<T>(static_cast<double>(s) * scale);
        }
        for (std::size_t i = 0; i < n; ++i) dst[i] = lut[src[i]];
    } else {
        // One loop for every scale: S (at most 32-bit integers, or float/double) is exact in double,
        // so with scale == 1 this is the same value as static_cast<T>(s).
        for (std::size_t i = 0; i < n; ++i) {
            S s;
            std::memcpy(&s, src + i * sizeof(S), sizeof(S));
            dst[i] = static_cast<T>(static_cast<double>(s) * scale);
        }
    }
}

template <class T>
void idx_convert(idx_type type, const std::uint8_t* src, std::size_t n, T* dst, double scale) {
    switch (type) {
    case idx_type::ubyte: idx_convert_as<std::uint8_t>(src, n, dst, scale); break;
    case idx_type::sbyte: idx_convert_as<std::int8_t>(src, n, dst, scale); break;
    case idx_type::int16: idx_convert_as<std::int16_t>(src, n, dst, scale); break;
    case idx_type::int32: idx_convert_as<std::int32_t>(src, n, dst, scale); break;
    case idx_type::float32: idx_convert_as<float>(src, n, dst, scale); break;
    case idx_type::float64: idx_convert_as<double>(src, n, dst, scale); break;
    }
}

inline std::string idx_dims_string(const std::vector<std::size_t>& dims) {
    std::ostringstream os;
    for (std::size_t i = 0; i < dims.size(); ++i) os << (i ? " x " : "") << dims[i];
    return os.str();
}

inline std::string idx_hex(const std::uint8_t* p, std::size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        if (i) s += ' ';
        s += digits[p[i] >> 4];
        s += digits[p[i] & 15];
    }
    return s;
}

// The decompressed bytes of one file, gzip (detected by its magic 1f 8b; several concatenated
// members are read one after the other) or plain. Decompresses with zlib's inflate straight into
// the caller's buffer and counts every byte delivered, so errors name exact offsets.
class idx_source {
  public:
    explicit idx_source(std::string path) : path_(std::move(path)), in_(idx_chunk_bytes / 4) {
        std::error_code ec;
        if (std::filesystem::is_directory(path_, ec)) fail_at_open("cannot open file: it is a directory");
        errno = 0;
        file_.reset(std::fopen(path_.c_str(), "rb"));
        if (!file_) {
            const int e = errno;
            fail_at_open(std::string("cannot open file: ") + (e ? std::strerror(e) : "unknown error"));
        }
        file_size_ = static_cast<std::uint64_t>(std::filesystem::file_size(path_, ec));
        if (ec) file_size_ = std::numeric_limits<std::uint64_t>::max(); // not a regular file: no bound
        ensure_input(2);
        gzip_ = zs_.avail_in >= 2 && zs_.next_in[0] == 0x1f && zs_.next_in[1] == 0x8b;
        if (gzip_) {
            const int rc = inflateInit2(&zs_, 16 + MAX_WBITS); // gzip wrapper only: the magic said so
            if (rc != Z_OK) cascade::detail::fail(where(), "cannot start zlib's inflate (code ", rc, ")");
            inflating_ = member_open_ = true;
        }
    }
    idx_source(const idx_source&) = delete;
    idx_source& operator=(const idx_source&) = delete;
    ~idx_source() {
        if (inflating_) inflateEnd(&zs_);
    }

    std::string where() const { return "idx: " + path_ + ": "; }
    bool gzip() const { return gzip_; }
    // Decompressed bytes delivered so far.
    std::size_t offset() const { return offset_; }
    // Size of the file on disk (max() when unknown).
    std::uint64_t file_size() const { return file_size_; }
    // An upper bound of the decompressed size: the file size, or for gzip 1032 times it (deflate's
    // largest possible compression ratio) plus slack. Lets a corrupt header that claims gigabytes be
    // rejected before anything is allocated.
    std::uint64_t max_data_size() const {
        if (file_size_ == std::numeric_limits<std::uint64_t>::max()) return file_size_;
        if (!gzip_) return file_size_;
        return file_size_ > (std::uint64_t{1} << 50) ? std::numeric_limits<std::uint64_t>::max()
                                                      : file_size_ * 1032 + 4096;
    }

    // Reads up to n bytes into dst; fewer only at the end of the data. Throws cascade::error on a
    // corrupt or truncated gzip stream, or a read error.
    std::size_t read(void* dst, std::size_t n) {
        auto* out = static_cast<std::uint8_t*>(dst);
        std::size_t done = 0;
        if (!gzip_) {
            const std::size_t buffered = std::min<std::size_t>(n, zs_.avail_in);
            if (buffered) std::memcpy(out, zs_.next_in, buffered);
            zs_.next_in += buffered;
            zs_.avail_in -= static_cast<uInt>(buffered);
            done = buffered;
            if (done < n && !eof_) {
                const std::size_t got = std::fread(out + done, 1, n - done, file_.get());
                file_bytes_ += got;
                done += got;
                if (done < n) check_read_error();
            }
            offset_ += done;
            return done;
        }
        while (done < n && !eof_) {
            if (zs_.avail_in == 0 && ensure_input(1) == 0) {
                if (member_open_) fail_gzip("truncated gzip stream", "more compressed data", "the end of the file");
                eof_ = true;
                break;
            }
            const auto want = static_cast<uInt>(std::min<std::size_t>(n - done, std::size_t{1} << 30));
            zs_.next_out = out + done;
            zs_.avail_out = want;
            const int rc = inflate(&zs_, Z_NO_FLUSH);
            const std::size_t produced = want - zs_.avail_out;
            done += produced;
            offset_ += produced;
            if (rc == Z_STREAM_END) { // end of one gzip member (CRC and length verified by inflate)
                member_open_ = false;
                if (ensure_input(2) == 0) {
                    eof_ = true;
                } else if (zs_.avail_in >= 2 && zs_.next_in[0] == 0x1f && zs_.next_in[1] == 0x8b) {
                    inflateReset(&zs_); // another member follows
                    member_open_ = true;
                } else {
                    cascade::detail::fail(where(), "trailing garbage after the gzip stream at offset ", offset_,
                                          " (compressed offset ", compressed_offset(),
                                          "): expected the end of the file or another gzip member (1f 8b), found ",
                                          idx_hex(zs_.next_in, std::min<std::size_t>(zs_.avail_in, 4)));
                }
            } else if (rc == Z_DATA_ERROR) {
                fail_gzip("corrupt gzip stream", "valid gzip/deflate data", zs_.msg ? zs_.msg : "invalid data", true);
            } else if (rc == Z_MEM_ERROR) {
                cascade::detail::fail(where(), "out of memory in zlib's inflate at offset ", offset_);
            } else if (rc == Z_BUF_ERROR) { // no progress: inflate needs more input
                if (ensure_input(zs_.avail_in + 1) <= zs_.avail_in)
                    fail_gzip("truncated gzip stream", "more compressed data", "the end of the file");
            } else if (rc != Z_OK) {
                fail_gzip("corrupt gzip stream", "valid gzip/deflate data", zs_.msg ? zs_.msg : "inflate failed", true);
            }
        }
        return done;
    }

  private:
    [[noreturn]] void fail_at_open(const std::string& what) const {
        cascade::detail::fail(where(), what, " (at offset 0: expected a readable IDX file, plain or .gz)");
    }

    [[noreturn]] void fail_gzip(const char* problem, const char* expected, const char* found,
                                bool from_zlib = false) const {
        cascade::detail::fail(where(), problem, " at offset ", offset_, " (of the decompressed data; compressed offset ",
                              compressed_offset(), "): expected ", expected, ", found ",
                              from_zlib ? "data zlib rejects: " : "", found);
    }

    std::size_t compressed_offset() const { return file_bytes_ - zs_.avail_in; }

    void check_read_error() {
        if (std::ferror(file_.get()))
            cascade::detail::fail(where(), "read error at offset ", offset_, ": ", std::strerror(errno));
        eof_ = eof_ || std::feof(file_.get());
    }

    // Makes at least k unread input bytes available unless the file ends first; returns how many are.
    std::size_t ensure_input(std::size_t k) {
        if (zs_.avail_in >= k || file_eof_) return zs_.avail_in;
        if (zs_.avail_in && zs_.next_in != in_.data()) std::memmove(in_.data(), zs_.next_in, zs_.avail_in);
        zs_.next_in = in_.data();
        while (zs_.avail_in < k && !file_eof_) {
            const std::size_t got = std::fread(in_.data() + zs_.avail_in, 1, in_.size() - zs_.avail_in, file_.get());
            file_bytes_ += got;
            zs_.avail_in += static_cast<uInt>(got);
            if (got == 0) {
                if (std::ferror(file_.get()))
                    cascade::detail::fail(where(), "read error at compressed offset ", file_bytes_, ": ",
                                          std::strerror(errno));
                file_eof_ = true;
            }
        }
        return zs_.avail_in;
    }

    std::string path_;
    std::vector<std::uint8_t> in_;                                // compressed input (or plain read-ahead)
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_{nullptr, std::fclose};
    z_stream zs_{};                                               // next_in/avail_in: unread part of in_
    bool gzip_ = false, inflating_ = false, member_open_ = false;
    bool eof_ = false, file_eof_ = false;
    std::size_t offset_ = 0;     // decompressed bytes delivered
    std::size_t file_bytes_ = 0; // bytes read from the file
    std::uint64_t file_size_ = 0;
};

// Streams one IDX file: the constructor opens it and parses the header, read_payload() delivers
// the payload, finish() checks that nothing follows it (which also lets zlib verify the gzip CRC).
class idx_reader {
  public:
    explicit idx_reader(std::string path) : path_(std::move(path)), src_(path_) { read_header(); }
    idx_reader(const idx_reader&) = delete;
    idx_reader& operator=(const idx_reader&) = delete;

    const std::string& path() const { return path_; }
    idx_type type() const { return type_; }
    const std::vector<std::size_t>& dims() const { return dims_; }
    std::size_t count() const { return count_; }
    std::size_t element_size() const { return idx_element_size(type_); }
    std::size_t payload_bytes() const { return count_ * element_size(); }
    std::size_t header_bytes() const { return 4 + 4 * dims_.size(); }

    // "idx: <path>: "
    std::string where() const { return src_.where(); }

    // Reads the next n payload bytes into dst (as stored: big-endian). Throws "truncated data" when
    // the file ends first.
    void read_payload(void* dst, std::size_t n) {
        const std::size_t got = src_.read(dst, n);
        if (got < n) {
            const std::size_t at = src_.offset();
            cascade::detail::fail(where(), "truncated data at offset ", at, ": expected ", payload_bytes(),
                                  " bytes of payload (", count_, " ", idx_type_name(type_), " elements, dimensions ",
                                  idx_dims_string(dims_), ") from offset ", header_bytes(), ", file ends after ",
                                  at - header_bytes(), " bytes of payload (", at, " bytes in all)");
        }
    }

    // Checks that the data ends right after the payload.
    void finish() {
        std::array<std::uint8_t, 4096> buf;
        const std::size_t end = src_.offset();
        std::size_t extra = 0;
        for (;;) {
            const std::size_t got = src_.read(buf.data(), buf.size());
            extra += got;
            if (got < buf.size()) break;
        }
        if (extra)
            cascade::detail::fail(where(), "trailing garbage at offset ", end, ": expected the file to end after ",
                                  header_bytes(), " header bytes and ", payload_bytes(), " payload bytes, found ",
                                  extra, " more bytes (", end + extra, " bytes in all)");
    }

  private:
    std::size_t read_some(void* dst, std::size_t n) { return src_.read(dst, n); }

    void read_header() {
        std::array<std::uint8_t, 4> magic{};
        const std::size_t got = read_some(magic.data(), 4);
        if (got < 4)
            cascade::detail::fail(where(), "truncated header at offset ", got,
                         ": expected a 4-byte magic number (00 00 <type> <ndims>), file ends after ", got, " bytes");
        if (magic[0] != 0 || magic[1] != 0)
            cascade::detail::fail(where(), "bad magic number at offset ", magic[0] != 0 ? 0 : 1,
                         ": expected 00 00 <type> <ndims>, found ", idx_hex(magic.data(), 4),
                         " (not an IDX file, or a compressed format other than gzip)");
        if (!is_idx_type_code(magic[2]))
            cascade::detail::fail(where(), "unknown type code at offset 2: expected one of 08 (ubyte), 09 (sbyte), 0b (int16), "
                                  "0c (int32), 0d (float32), 0e (float64), found ",
                         idx_hex(magic.data() + 2, 1));
        type_ = static_cast<idx_type>(magic[2]);
        const std::size_t nd = magic[3];
        if (nd == 0)
            cascade::detail::fail(where(), "bad header at offset 3: expected at least 1 dimension, found 0");

        std::vector<std::uint8_t> raw(4 * nd);
        const std::size_t got_dims = read_some(raw.data(), raw.size());
        if (got_dims < raw.size())
            cascade::detail::fail(where(), "truncated header at offset ", src_.offset(), ": expected ", nd,
                         " big-endian uint32 dimension sizes (", raw.size(), " bytes from offset 4), file ends after ",
                         src_.offset(), " bytes");
        dims_.resize(nd);
        bool any_zero = false;
        for (std::size_t i = 0; i < nd; ++i) {
            dims_[i] = (std::size_t{raw[4 * i]} << 24) | (std::size_t{raw[4 * i + 1]} << 16) |
                       (std::size_t{raw[4 * i + 2]} << 8) | std::size_t{raw[4 * i + 3]};
            any_zero = any_zero || dims_[i] == 0;
        }
        // Element count and payload bytes, checked for 64-bit overflow and plausibility.
        std::uint64_t bytes = idx_element_size(type_);
        std::uint64_t count = 1;
        if (any_zero) {
            count = 0;
            bytes = 0;
        } else {
            for (std::size_t i = 0; i < nd; ++i) {
                if (__builtin_mul_overflow(count, std::uint64_t{dims_[i]}, &count) ||
                    __builtin_mul_overflow(bytes, std::uint64_t{dims_[i]}, &bytes))
                    cascade::detail::fail(where(), "dimensions overflow at offset 4: expected a payload size that fits in 64 "
                                          "bits, found dimensions ",
                                 idx_dims_string(dims_), " of ", idx_element_size(type_), "-byte elements");
            }
        }
        if (bytes > idx_max_payload_bytes)
            cascade::detail::fail(where(), "absurd size at offset 4: expected at most 2^34 bytes (16 GiB) of payload, found "
                                  "dimensions ",
                         idx_dims_string(dims_), " of ", idx_element_size(type_), "-byte elements = ", bytes,
                         " bytes (a corrupt header?)");
        count_ = static_cast<std::size_t>(count);
        // Reject a payload the file cannot hold before the caller allocates memory for it.
        const std::uint64_t need = header_bytes() + bytes;
        if (need > src_.max_data_size()) {
            if (!src_.gzip())
                cascade::detail::fail(where(), "truncated data at offset ", src_.file_size(), ": expected ", bytes,
                                      " bytes of payload (", count_, " ", idx_type_name(type_), " elements, dimensions ",
                                      idx_dims_string(dims_), ") from offset ", header_bytes(), ", file ends after ",
                                      src_.file_size() - header_bytes(), " bytes of payload (", src_.file_size(),
                                      " bytes in all)");
            cascade::detail::fail(where(), "truncated data at offset ", header_bytes(), ": expected ", bytes,
                                  " bytes of payload (", count_, " ", idx_type_name(type_), " elements, dimensions ",
                                  idx_dims_string(dims_), ") from offset ", header_bytes(), ", but a gzip file of ",
                                  src_.file_size(), " bytes decompresses to at most ", src_.max_data_size(), " bytes");
        }
    }

    std::string path_;
    idx_source src_;
    idx_type type_ = idx_type::ubyte;
    std::vector<std::size_t> dims_;
    std::size_t count_ = 0;
};

// Reads the whole payload of r converted to T (times scale) into dst (r.count() elements), in
// idx_chunk_bytes pieces, then checks the end of the file.
template <class T>
void idx_read_converted(idx_reader& r, T* dst, double scale) {
    const std::size_t es = r.element_size();
    const std::size_t total = r.payload_bytes();
    if (std::is_same_v<T, std::uint8_t> && r.type() == idx_type::ubyte && scale == 1.0) {
        r.read_payload(dst, total); // straight into place
    } else {
        std::vector<std::uint8_t> buf(std::min(total, idx_chunk_bytes));
        std::size_t done = 0;
        while (done < total) {
            const std::size_t n = std::min(total - done, buf.size());
            r.read_payload(buf.data(), n);
            idx_swap_to_host(buf.data(), n / es, es);
            idx_convert(r.type(), buf.data(), n / es, dst + done / es, scale);
            done += n;
        }
    }
    r.finish();
}

} // namespace detail

template <class T>
std::vector<T> idx_array::values(double scale) const {
    const std::size_t n = size();
    CASCADE_CHECK(bytes.size() == n * element_size(), "idx_array: holds ", bytes.size(), " bytes, expected ",
                  n * element_size(), " for ", n, " ", idx_type_name(type), " elements");
    std::vector<T> out(n);
    detail::idx_convert(type, bytes.data(), n, out.data(), scale);
    return out;
}

// Reads a whole IDX file (plain or gzip) into an idx_array whose bytes are in host order.
inline idx_array read_idx(const std::string& path) {
    detail::idx_reader r(path);
    idx_array a;
    a.type = r.type();
    a.dims = r.dims();
    a.bytes.resize(r.payload_bytes());
    r.read_payload(a.bytes.data(), a.bytes.size());
    detail::idx_swap_to_host(a.bytes.data(), r.count(), r.element_size());
    r.finish();
    return a;
}

// Reads an IDX file of rank R into a host_tensor<T, R>, each element converted as T(value * scale)
// (T(value) when scale == 1). Throws cascade::error if the file's rank is not R.
template <class T, std::size_t R>
host_tensor<T, R> read_idx_tensor(const std::string& path, double scale = 1.0) {
    detail::idx_reader r(path);
    if (r.dims().size() != R)
        cascade::detail::fail(r.where(), "wrong rank at offset 3: expected ", R, " dimensions, found ", r.dims().size(),
                     " (dimensions ", detail::idx_dims_string(r.dims()), ")");
    std::array<std::size_t, R> shape{};
    std::copy(r.dims().begin(), r.dims().end(), shape.begin());
    host_tensor<T, R> out(shape);
    detail::idx_read_converted(r, out.data(), scale);
    return out;
}

// Reads images (N, H, W) or (N, H, W, C) from an IDX file as a channels-last (N, H, W, C) tensor
// (C = 1 for a 3-d file), each pixel converted as T(value * scale): the default scale = 1/255.0
// maps ubyte pixels to [0, 1] (pass scale = 1 for an integral T).
template <class T = float>
host_tensor<T, 4> read_idx_images(const std::string& path, double scale = 1.0 / 255.0) {
    detail::idx_reader r(path);
    const auto& d = r.dims();
    if (d.size() != 3 && d.size() != 4)
        cascade::detail::fail(r.where(), "wrong rank at offset 3: expected 3 (N, H, W) or 4 (N, H, W, C) dimensions for "
                                "images, found ",
                     d.size(), " (dimensions ", detail::idx_dims_string(d), ")");
    host_tensor<T, 4> out(std::array<std::size_t, 4>{d[0], d[1], d[2], d.size() == 4 ? d[3] : 1});
    detail::idx_read_converted(r, out.data(), scale);
    return out;
}

// Reads class labels from a 1-d ubyte IDX file.
inline std::vector<std::uint8_t> read_idx_labels(const std::string& path) {
    detail::idx_reader r(path);
    if (r.type() != idx_type::ubyte) {
        const auto code = static_cast<std::uint8_t>(r.type());
        cascade::detail::fail(r.where(), "wrong type at offset 2: expected 08 (ubyte) labels, found ", detail::idx_hex(&code, 1),
                     " (", idx_type_name(r.type()), ")");
    }
    if (r.dims().size() != 1)
        cascade::detail::fail(r.where(), "wrong rank at offset 3: expected 1 dimension (N) for labels, found ", r.dims().size(),
                     " (dimensions ", detail::idx_dims_string(r.dims()), ")");
    std::vector<std::uint8_t> labels(r.count());
    detail::idx_read_converted(r, labels.data(), 1.0);
    return labels;
}

// ---- writing ----

namespace detail {

inline bool idx_ends_with_gz(const std::string& path) {
    return path.size() >= 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
}

// Writes header + payload (payload given in host order; converted to big-endian here).
inline void idx_write(const std::string& path, idx_type type, const std::vector<std::size_t>& dims,
                      const std::uint8_t* host_bytes, std::size_t nbytes, idx_compression c) {
    const std::string where = "idx: " + path + ": ";
    CASCADE_CHECK(!dims.empty() && dims.size() <= 255, where, "cannot write ", dims.size(),
                  " dimensions: IDX stores 1 to 255");
    std::size_t count = 1;
    for (auto d : dims) {
        CASCADE_CHECK(d <= 0xFFFFFFFFu, where, "cannot write dimension ", d, ": IDX stores 32-bit sizes");
        count *= d;
    }
    const std::size_t es = idx_element_size(type);
    CASCADE_CHECK(count * es == nbytes, where, "cannot write: dimensions ", idx_dims_string(dims), " need ",
                  count * es, " bytes of ", idx_type_name(type), ", got ", nbytes);
    const bool gz = c == idx_compression::gzip || (c == idx_compression::by_extension && idx_ends_with_gz(path));
    errno = 0;
    gzFile f = gzopen(path.c_str(), gz ? "wb6" : "wbT");
    if (!f) {
        const int e = errno;
        cascade::detail::fail(where, "cannot open for writing: ", e ? std::strerror(e) : "out of memory");
    }
    std::unique_ptr<gzFile_s, int (*)(gzFile)> guard(f, gzclose_w);
    auto put = [&](const void* p, std::size_t n) {
        if (n == 0) return;
        if (gzwrite(f, p, static_cast<unsigned>(n)) != static_cast<int>(n)) {
            int err = Z_OK;
            const char* msg = gzerror(f, &err);
            cascade::detail::fail(where, "write failed: ", err == Z_ERRNO ? std::strerror(errno) : msg);
        }
    };
    std::vector<std::uint8_t> header(4 + 4 * dims.size());
    header[0] = header[1] = 0;
    header[2] = static_cast<std::uint8_t>(type);
    header[3] = static_cast<std::uint8_t>(dims.size());
    for (std::size_t i = 0; i < dims.size(); ++i)
        for (std::size_t b = 0; b < 4; ++b) header[4 + 4 * i + b] = static_cast<std::uint8_t>(dims[i] >> (24 - 8 * b));
    put(header.data(), header.size());
    if (es == 1 || std::endian::native == std::endian::big) {
        for (std::size_t done = 0; done < nbytes; done += idx_chunk_bytes)
            put(host_bytes + done, std::min(idx_chunk_bytes, nbytes - done));
    } else {
        std::vector<std::uint8_t> buf(std::min(nbytes, idx_chunk_bytes));
        for (std::size_t done = 0; done < nbytes; done += buf.size()) {
            const std::size_t n = std::min(buf.size(), nbytes - done);
            std::memcpy(buf.data(), host_bytes + done, n);
            idx_swap_to_host(buf.data(), n / es, es); // the swap is its own inverse
            put(buf.data(), n);
        }
    }
    gzFile_s* raw = guard.release();
    const int rc = gzclose_w(raw);
    CASCADE_CHECK(rc == Z_OK, where, "closing after writing failed (zlib code ", rc, ")");
}

} // namespace detail

// Writes an idx_array (bytes in host order). by_extension: gzip for paths ending in ".gz".
inline void write_idx(const std::string& path, const idx_array& a, idx_compression c = idx_compression::by_extension) {
    detail::idx_write(path, a.type, a.dims, a.bytes.data(), a.bytes.size(), c);
}

// Writes prod(dims) values of an IDX-storable type T (uint8, int8, int16, int32, float, double).
template <class T>
void write_idx(const std::string& path, const std::vector<std::size_t>& dims, const T* data,
               idx_compression c = idx_compression::by_extension) {
    std::size_t n = 1;
    for (auto d : dims) n *= d;
    detail::idx_write(path, idx_type_of<T>(), dims, reinterpret_cast<const std::uint8_t*>(data), n * sizeof(T), c);
}

// Writes a tensor with its own shape as the IDX dimensions.
template <class T, std::size_t R>
void write_idx(const std::string& path, const host_tensor<T, R>& t, idx_compression c = idx_compression::by_extension) {
    std::vector<std::size_t> dims(t.shape().begin(), t.shape().end());
    write_idx(path, dims, t.data(), c);
}

} // namespace cascade::data
