#pragma once
// Direct-loop references for tests/conv_nd: every sample is viewed as (D, H, W, C) with the missing
// leading axes of size 1, and the padding follows Keras/TensorFlow's rules, written out here again
// independently of the library's padding.hpp.
#include <cascade/layers/padding.hpp>

#include <cstddef>
#include <vector>

namespace ref {

using padding = cascade::layers::padding_mode;

struct axes {
    std::size_t d = 1, h = 1, w = 1;
    std::size_t operator[](std::size_t a) const { return a == 0 ? d : a == 1 ? h : w; }
};

// Keras: 'valid' out = floor((in − span) / s) + 1, 'same' out = ceil(in / s) with
// pad_total = max((out − 1)·s + span − in, 0) and the smaller half before.
struct axis_rule {
    std::size_t out, before;
};
inline axis_rule conv_axis(padding p, std::size_t in, std::size_t k, std::size_t s, std::size_t dil) {
    const std::size_t span = dil * (k - 1) + 1;
    if (p == padding::valid) return {(in - span) / s + 1, 0};
    const std::size_t out = (in + s - 1) / s;
    const long total = long((out - 1) * s + span) - long(in);
    return {out, total > 0 ? std::size_t(total) / 2 : 0};
}
// Keras' deconv_output_length with output_padding=None.
inline std::size_t transpose_out(padding p, std::size_t in, std::size_t k, std::size_t s, std::size_t dil) {
    const std::size_t span = dil * (k - 1) + 1;
    return p == padding::same ? in * s : in * s + (span > s ? span - s : 0);
}

// y (N, out, F) = b + Σ W[k, c, f] · x[n, o·s + k·dil − before, c]
template <class T>
std::vector<double> conv(const T* x, std::size_t n, axes in, std::size_t c, const T* w, axes k, const T* b,
                         std::size_t f, axes s, axes dil, axes before, axes out) {
    std::vector<double> y(n * out.d * out.h * out.w * f);
    std::size_t at = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t oz = 0; oz < out.d; ++oz)
            for (std::size_t oy = 0; oy < out.h; ++oy)
                for (std::size_t ox = 0; ox < out.w; ++ox)
                    for (std::size_t fo = 0; fo < f; ++fo, ++at) {
                        double acc = b ? double(b[fo]) : 0.0;
                        for (std::size_t kz = 0; kz < k.d; ++kz)
                            for (std::size_t ky = 0; ky < k.h; ++ky)
                                for (std::size_t kx = 0; kx < k.w; ++kx) {
                                    const long iz = long(oz * s.d + kz * dil.d) - long(before.d);
                                    const long iy = long(oy * s.h + ky * dil.h) - long(before.h);
                                    const long ix = long(ox * s.w + kx * dil.w) - long(before.w);
                                    if (iz < 0 || iy < 0 || ix < 0 || iz >= long(in.d) || iy >= long(in.h) || ix >= long(in.w)) continue;
                                    for (std::size_t ci = 0; ci < c; ++ci)
                                        acc += double(x[(((i * in.d + std::size_t(iz)) * in.h + std::size_t(iy)) * in.w + std::size_t(ix)) * c + ci]) *
                                               double(w[(((kz * k.h + ky) * k.w + kx) * c + ci) * f + fo]);
                                }
                        y[at] = acc;
                    }
    return y;
}

// Transposed: every input pixel scatters x[n, i, c] · W[k, f, c] to y[n, i·s + k·dil − before, f];
// W (K…, F, C), y (N, out, F) starts at b.
template <class T>
std::vector<double> conv_transpose(const T* x, std::size_t n, axes in, std::size_t c, const T* w, axes k, const T* b,
                                   std::size_t f, axes s, axes dil, axes before, axes out) {
    const std::size_t osz = out.d * out.h * out.w;
    std::vector<double> y(n * osz * f);
    for (std::size_t p = 0; p < n * osz; ++p)
        for (std::size_t fo = 0; fo < f; ++fo) y[p * f + fo] = b ? double(b[fo]) : 0.0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t iz = 0; iz < in.d; ++iz)
            for (std::size_t iy = 0; iy < in.h; ++iy)
                for (std::size_t ix = 0; ix < in.w; ++ix)
                    for (std::size_t kz = 0; kz < k.d; ++kz)
                        for (std::size_t ky = 0; ky < k.h; ++ky)
                            for (std::size_t kx = 0; kx < k.w; ++kx) {
                                const long oz = long(iz * s.d + kz * dil.d) - long(before.d);
                                const long oy = long(iy * s.h + ky * dil.h) - long(before.h);
                                const long ox = long(ix * s.w + kx * dil.w) - long(before.w);
                                if (oz < 0 || oy < 0 || ox < 0 || oz >= long(out.d) || oy >= long(out.h) || ox >= long(out.w)) continue;
                                const std::size_t o = ((i * out.d + std::size_t(oz)) * out.h + std::size_t(oy)) * out.w + std::size_t(ox);
                                for (std::size_t fo = 0; fo < f; ++fo)
                                    for (std::size_t ci = 0; ci < c; ++ci)
                                        y[o * f + fo] += double(x[(((i * in.d + iz) * in.h + iy) * in.w + ix) * c + ci]) *
                                                         double(w[(((kz * k.h + ky) * k.w + kx) * f + fo) * c + ci]);
                            }
    return y;
}

// 'valid' max or mean pooling with window k and stride s.
template <class T>
std::vector<double> pool(bool max, const T* x, std::size_t n, axes in, std::size_t c, axes k, axes s, axes out) {
    std::vector<double> y;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t oz = 0; oz < out.d; ++oz)
            for (std::size_t oy = 0; oy < out.h; ++oy)
                for (std::size_t ox = 0; ox < out.w; ++ox)
                    for (std::size_t ci = 0; ci < c; ++ci) {
                        double acc = max ? -1e300 : 0.0;
                        for (std::size_t kz = 0; kz < k.d; ++kz)
                            for (std::size_t ky = 0; ky < k.h; ++ky)
                                for (std::size_t kx = 0; kx < k.w; ++kx) {
                                    const double v = double(x[(((i * in.d + oz * s.d + kz) * in.h + oy * s.h + ky) * in.w + ox * s.w + kx) * c + ci]);
                                    acc = max ? (v > acc ? v : acc) : acc + v;
                                }
                        y.push_back(max ? acc : acc / double(k.d * k.h * k.w));
                    }
    return y;
}

} // namespace ref
