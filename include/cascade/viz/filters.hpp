#pragma once
// write_filters_png: the first convolution layer's filters as one image — the "visualization of filters"
// of seed 001 (Kalashev, lecture 5) and seed 000 (Lee et al. 2009). A 2-D kernel w of shape
// (K, K, C, F) (Keras HWIO) becomes a grid of F tiles of K×K pixels, each scaled by `zoom`, separated by
// one-pixel gaps; C = 3 gives colour tiles, any other C the mean over input channels in gray.
// Each filter is stretched to [0, 255] on its own (min → 0, max → 255), as Keras tutorials plot them.
#include "cascade/viz/png.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace cascade::viz {

template <class W>
void write_filters_png(const std::string& path, const W& w, std::size_t zoom = 8, std::size_t columns = 8) {
    CASCADE_CHECK(w.dimension() == 4, "write_filters_png: expects a (K, K, C, F) kernel, got rank ", w.dimension());
    CASCADE_CHECK(zoom > 0 && columns > 0, "write_filters_png: zoom and columns must be positive");
    const std::size_t kh = w.shape()[0], kw = w.shape()[1], c = w.shape()[2], f = w.shape()[3];
    const int channels = c == 3 ? 3 : 1;
    const std::size_t cols = std::min(columns, f), rows = (f + cols - 1) / cols;
    const std::size_t tile_w = kw * zoom, tile_h = kh * zoom;
    const std::size_t width = cols * tile_w + (cols + 1), height = rows * tile_h + (rows + 1);
    std::vector<unsigned char> img(width * height * std::size_t(channels), 255);   // white gaps
    for (std::size_t k = 0; k < f; ++k) {
        // value(y, x, ch) of filter k, then its range.
        auto value = [&](std::size_t y, std::size_t x, std::size_t ch) {
            if (channels == 3) return double(w(y, x, ch, k));
            double s = 0;
            for (std::size_t i = 0; i < c; ++i) s += double(w(y, x, i, k));
            return s / double(c);
        };
        double lo = INFINITY, hi = -INFINITY;
        for (std::size_t y = 0; y < kh; ++y)
            for (std::size_t x = 0; x < kw; ++x)
                for (std::size_t ch = 0; ch < std::size_t(channels); ++ch) {
                    lo = std::min(lo, value(y, x, ch));
                    hi = std::max(hi, value(y, x, ch));
                }
        const double scale = hi > lo ? 255.0 / (hi - lo) : 0.0;
        const std::size_t x0 = 1 + (k % cols) * (tile_w + 1), y0 = 1 + (k / cols) * (tile_h + 1);
        for (std::size_t y = 0; y < tile_h; ++y)
            for (std::size_t x = 0; x < tile_w; ++x)
                for (std::size_t ch = 0; ch < std::size_t(channels); ++ch)
                    img[((y0 + y) * width + x0 + x) * std::size_t(channels) + ch] =
                        static_cast<unsigned char>(std::lround((value(y / zoom, x / zoom, ch) - lo) * scale));
    }
    write_png(path, img, width, height, channels);
}

} // namespace cascade::viz
