#pragma once
// write_png: 8-bit grayscale or RGB PNG files (W3C PNG specification, 2nd ed.): signature, IHDR, one
// zlib-compressed IDAT with filter type 0 on every scanline, IEND; each chunk with its CRC-32. Uses the
// zlib cascade already links, so the header stays header-only (stb_image_write would need one TU to
// define its implementation).
#include "cascade/config.hpp"

#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace cascade::viz {

namespace detail {
inline void put_u32(std::vector<unsigned char>& out, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<unsigned char>(v >> s));
}
inline void put_chunk(std::vector<unsigned char>& out, const char* type, const std::vector<unsigned char>& data) {
    put_u32(out, static_cast<std::uint32_t>(data.size()));
    const std::size_t start = out.size();
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), data.begin(), data.end());
    const uLong crc = crc32(0L, out.data() + start, static_cast<uInt>(out.size() - start));
    put_u32(out, static_cast<std::uint32_t>(crc));
}
} // namespace detail

// pixels: height rows of width · channels bytes (channels 1 = gray, 3 = RGB), row-major.
inline void write_png(const std::string& path, const std::vector<unsigned char>& pixels, std::size_t width,
                      std::size_t height, int channels) {
    CASCADE_CHECK(channels == 1 || channels == 3, "write_png: ", path, ": channels must be 1 (gray) or 3 (RGB), got ",
                  channels);
    CASCADE_CHECK(width > 0 && height > 0 && pixels.size() == width * height * std::size_t(channels), "write_png: ", path,
                  ": ", pixels.size(), " bytes for a ", width, "x", height, "x", channels, " image");
    std::vector<unsigned char> png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    std::vector<unsigned char> ihdr;
    detail::put_u32(ihdr, static_cast<std::uint32_t>(width));
    detail::put_u32(ihdr, static_cast<std::uint32_t>(height));
    ihdr.insert(ihdr.end(), {8, static_cast<unsigned char>(channels == 1 ? 0 : 2), 0, 0, 0});   // depth, colour type
    detail::put_chunk(png, "IHDR", ihdr);

    const std::size_t row = width * std::size_t(channels);
    std::vector<unsigned char> raw;
    raw.reserve(height * (row + 1));
    for (std::size_t y = 0; y < height; ++y) {
        raw.push_back(0);   // filter type: none
        raw.insert(raw.end(), pixels.begin() + std::ptrdiff_t(y * row), pixels.begin() + std::ptrdiff_t((y + 1) * row));
    }
    uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
    std::vector<unsigned char> packed(packed_size);
    CASCADE_CHECK(compress2(packed.data(), &packed_size, raw.data(), static_cast<uLong>(raw.size()), 9) == Z_OK,
                  "write_png: ", path, ": zlib compression failed");
    packed.resize(packed_size);
    detail::put_chunk(png, "IDAT", packed);
    detail::put_chunk(png, "IEND", {});

    std::ofstream f(path, std::ios::binary);
    CASCADE_CHECK(f.good(), "write_png: cannot open ", path, " for writing");
    f.write(reinterpret_cast<const char*>(png.data()), std::streamsize(png.size()));
    CASCADE_CHECK(f.good(), "write_png: writing ", path, " failed");
}

} // namespace cascade::viz
