#!/usr/bin/env python3
"""Writes the PyTorch reference fixtures that tests/reference/test_reference_*.cpp compare cascade against.

    python3 tests/reference/make_reference.py          # rewrites tests/reference/fixtures/
    python3 tests/reference/make_reference.py option_cases             # only that group, keeps the rest
    python3 tests/reference/make_reference.py --out /tmp/fixtures      # somewhere else (e.g. to compare)

Needs PyTorch (any 1.x/2.x) and NumPy; the C++ test does not (the fixtures are committed).

Every case is a folder fixtures/<case>/ of float64 .npy arrays, computed in float64 by torch
(autograd) or, where Keras and PyTorch differ, by the Keras formula written out here in float64.
The arrays are already in cascade's (= Keras') layouts: channels-last images (N, H, W, C), dense
kernels (in, out), conv kernels (KH, KW, C, F). fixtures/MANIFEST.md lists each case with the
cascade type it tests, the torch computation and the conversions (written by this script).

Per layer case:  x, y (forward, training mode unless stated), dy (a fixed random upstream gradient,
                 f = sum(y * dy)), dx = df/dx, param_<k> and grad_<k> = df/dparam_<k> in the order of
                 cascade's params(); buffer_in_<k> / buffer_out_<k> for batch norm's moving statistics
                 before and after one training forward.
Per loss case:   y (network output), t (target), value (0-d), grad = dvalue/dy; for the fused cases
                 z (the logits before the final softmax/sigmoid) and grad_z = dvalue/dz.
Per optimizer:   w_0, g_1..g_S (the gradients handed to steps 1..S), w_1..w_S (weights after each step).
Per model:       x, t, param_<k>, buffer_in_<k>, then loss_<s>, step<s>_param_<k>, step<s>_buffer_<k> after
                 each train::step s.
Per schedule:    lr (the rate of t = 0..T−1); reduce on plateau: metric (per epoch), lr (after each epoch).
Per clipping:    w_0_<k>, g_<s>_<k> (unclipped), w_<s>_<k> for two parameters k = 0, 1 and steps s = 1..3.
Auxiliary loss:  layer cases of regularized / sampling add auxiliary_loss (penalty, β·KL); their gradients are
                 those of sum(y * dy) + auxiliary_loss.

Each case draws from its own generator seeded with crc32(case name), so adding a case changes no other.
"""
import itertools
import math
import os
import shutil
import warnings
import zlib

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures")
MANIFEST = []


def gen(name):
    g = torch.Generator()
    g.manual_seed(zlib.crc32(name.encode()))
    return g


def uniform(g, *shape, lo=-1.0, hi=1.0):
    return lo + (hi - lo) * torch.rand(*shape, generator=g)


def save(case, doc, **arrays):
    d = os.path.join(OUT, case)
    os.makedirs(d, exist_ok=True)
    for k, v in arrays.items():
        if isinstance(v, torch.Tensor):
            v = v.detach().cpu().numpy()
        # np.array, not np.ascontiguousarray, which turns a 0-d value into shape (1,).
        np.save(os.path.join(d, k + ".npy"), np.array(v, dtype=np.float64, order="C"))
    if doc:
        MANIFEST.append((case, doc))


# Layout conversions (torch → Keras/cascade).
def nchw_to_nhwc(t):
    return t.permute(0, 2, 3, 1)


def nhwc_to_nchw(t):
    return t.permute(0, 3, 1, 2)


def conv_weight_to_keras(w):   # torch (F, C, KH, KW) → Keras (KH, KW, C, F)
    return w.permute(2, 3, 1, 0)


def linear_weight_to_keras(w):   # torch (out, in) → Keras (in, out)
    return w.t()


def same_padding(size, k, s, d=1):
    """TensorFlow's 'same': output ceil(size / s), the odd pixel of padding after (bottom/right)."""
    out = -(-size // s)
    total = max((out - 1) * s + d * (k - 1) + 1 - size, 0)
    return total // 2, total - total // 2


# ---------------------------------------------------------------------------------------------------
# Layers. f(x, params) → y is written on torch tensors in the NHWC/Keras layout, so that autograd gives
# the gradients directly in cascade's layout.
def layer_case(case, doc, fn, x, params=(), extra=None):
    g = gen(case + "/dy")
    x = x.clone().requires_grad_(True)
    params = [p.clone().requires_grad_(True) for p in params]
    y = fn(x, *params)
    dy = uniform(g, *y.shape)
    (y * dy).sum().backward()
    arrays = dict(x=x, y=y, dy=dy, dx=x.grad)
    for k, p in enumerate(params):
        arrays[f"param_{k}"] = p
        arrays[f"grad_{k}"] = p.grad
    arrays.update(extra or {})
    save(case, doc, **arrays)
    return arrays


def dense_cases():
    for case, i, units, bias in (("dense", 7, 5, True), ("dense_no_bias", 9, 4, False)):
        g = gen(case)
        lin = torch.nn.Linear(i, units, bias=bias)
        with torch.no_grad():
            lin.weight.copy_(uniform(g, units, i))
            if bias:
                lin.bias.copy_(uniform(g, units))
        x = uniform(g, 3, i)
        w = linear_weight_to_keras(lin.weight.detach())
        params = (w, lin.bias.detach()) if bias else (w,)
        layer_case(case, f"dense<{units}{'' if bias else ', no_bias'}> on shape<{i}>, N=3; "
                   "torch nn.Linear, weight (out, in) transposed to Keras (in, out)",
                   lambda x, w, b=None: F.linear(x, w.t(), b), x, params)


def conv_cases():
    # (case, C, F, K, stride, padding, bias, H, W)
    configs = (
        ("conv2d_valid", 3, 4, 3, 1, "valid", True, 7, 6),
        ("conv2d_same", 3, 5, 3, 1, "same", True, 7, 6),
        ("conv2d_same_stride2", 2, 3, 3, 2, "same", True, 7, 6),
        ("conv2d_same_k4_stride3", 2, 2, 4, 3, "same", True, 7, 6),
        ("conv2d_valid_stride2_no_bias", 3, 3, 3, 2, "valid", False, 7, 6),
    )
    for case, c, f, k, s, pad, bias, h, w in configs:
        g = gen(case)
        weight = uniform(g, f, c, k, k) * 0.5   # torch layout (F, C, KH, KW)
        b = uniform(g, f)
        x = uniform(g, 2, h, w, c)
        pt, pb = same_padding(h, k, s) if pad == "same" else (0, 0)
        pl, pr = same_padding(w, k, s) if pad == "same" else (0, 0)

        def fn(x, wk, b=None, s=s, pads=(pl, pr, pt, pb)):
            xc = F.pad(nhwc_to_nchw(x), pads)   # F.pad order: (left, right, top, bottom)
            return nchw_to_nhwc(F.conv2d(xc, wk.permute(3, 2, 0, 1), b, stride=s))

        params = (conv_weight_to_keras(weight), b) if bias else (conv_weight_to_keras(weight),)
        layer_case(case, f"conv2d<{f}, kernel<{k}>, strides<{s}>, padding::{pad}{'' if bias else ', no_bias'}> on "
                   f"shape<{h}, {w}, {c}>, N=2; torch F.conv2d on NCHW, weight (F, C, K, K) → Keras (K, K, C, F)"
                   + (f"; 'same' padded explicitly with F.pad (top {pt}, bottom {pb}, left {pl}, right {pr}: "
                      "TensorFlow puts the odd pixel after)" if pad == "same" else ""),
                   fn, x, params)


def pool_cases():
    for case, kind, p, s in (("max_pool2d_2", "max", 2, 2), ("max_pool2d_3_stride2", "max", 3, 2),
                             ("avg_pool2d_2", "avg", 2, 2), ("avg_pool2d_3_stride1", "avg", 3, 1)):
        g = gen(case)
        x = uniform(g, 2, 7, 6, 3)
        op = F.max_pool2d if kind == "max" else F.avg_pool2d
        layer_case(case, f"{kind}_pool2d<{p}, strides<{s}>> on shape<7, 6, 3>, N=2 ('valid', the last row dropped); "
                   f"torch F.{kind}_pool2d on NCHW", lambda x: nchw_to_nhwc(op(nhwc_to_nchw(x), p, s)), x)


def activation_cases():
    shape = (3, 4, 5)   # per sample (4, 5): softmax runs over the last axis
    acts = (
        ("relu", "relu", "torch.relu", torch.relu),
        ("leaky_relu", "leaky_relu<> (Keras' default alpha 0.3)", "F.leaky_relu(x, 0.3)", lambda x: F.leaky_relu(x, 0.3)),
        ("leaky_relu_0_01", "leaky_relu<ratio<1, 100>> (PyTorch's default slope)", "F.leaky_relu(x, 0.01)",
         lambda x: F.leaky_relu(x, 0.01)),
        ("sigmoid", "sigmoid", "torch.sigmoid", torch.sigmoid),
        ("tanh", "tanh", "torch.tanh", torch.tanh),
        ("softmax", "softmax (last axis)", "torch.softmax(x, -1)", lambda x: torch.softmax(x, dim=-1)),
        ("elu", "elu<> (alpha 1)", "F.elu(x, 1.0)", lambda x: F.elu(x, 1.0)),
        ("elu_0_5", "elu<ratio<1, 2>>", "F.elu(x, 0.5)", lambda x: F.elu(x, 0.5)),
        ("selu", "selu", "F.selu", F.selu),
        ("softplus", "softplus", "F.softplus (beta 1, threshold 20: x ≤ 3 here, so exact)", F.softplus),
    )
    for case, what, torch_name, fn in acts:
        g = gen(case)
        x = uniform(g, *shape, lo=-3, hi=3)
        layer_case(case, f"{what} on shape<4, 5>, N=3, x in [-3, 3]; {torch_name}", fn, x)


def batch_norm_cases():
    # (case, per-sample shape, N, keras momentum, eps)
    configs = (
        ("batch_norm_image", (3, 4, 5), 4, 0.99, 1e-3),
        ("batch_norm_dense", (6,), 5, 0.9, 1e-5),
    )
    for case, sample, n, km, eps in configs:
        g = gen(case)
        c = sample[-1]
        x = uniform(g, n, *sample, lo=-2, hi=3)
        gamma, beta = uniform(g, c, lo=0.5, hi=1.5), uniform(g, c)
        mean0, var0 = uniform(g, c), uniform(g, c, lo=0.5, hi=2.0)
        # torch: BatchNorm over dim 1 of (N, C, ...) — move the channel axis there. momentum = 1 − keras'.
        bn = torch.nn.BatchNorm1d(c, eps=eps, momentum=1 - km) if len(sample) == 1 else \
            torch.nn.BatchNorm2d(c, eps=eps, momentum=1 - km)
        with torch.no_grad():
            bn.running_mean.copy_(mean0)
            bn.running_var.copy_(var0)
        bn.train()

        def fn(x, gm, bt):
            xc = x if x.dim() == 2 else nhwc_to_nchw(x)
            y = F.batch_norm(xc, bn.running_mean, bn.running_var, gm, bt, training=True, momentum=1 - km, eps=eps)
            return y if x.dim() == 2 else nchw_to_nhwc(y)

        # Inference with the updated moving statistics, on a second input.
        x_infer = uniform(g, n, *sample, lo=-2, hi=3)
        extra = dict(buffer_in_0=mean0, buffer_in_1=var0)
        layer_case(case, f"batch_norm<momentum<{round(km * 100)}, 100>, epsilon {eps}, unbiased_moving_variance> on "
                   f"shape<{', '.join(map(str, sample))}>, N={n}, training mode; torch F.batch_norm(training=True, "
                   f"momentum=1 − {km}); the moving variance is updated with the unbiased (Bessel-corrected) batch "
                   "variance, as PyTorch and tf.keras 2's fused kernel do (cascade's default is Keras 3's biased one). "
                   "Then inference on x_infer with the updated statistics → y_infer",
                   fn, x, (gamma, beta), extra)
        with torch.no_grad():
            xi = x_infer if x_infer.dim() == 2 else nhwc_to_nchw(x_infer)
            yi = F.batch_norm(xi, bn.running_mean, bn.running_var, gamma, beta, training=False, eps=eps)
            yi = yi if x_infer.dim() == 2 else nchw_to_nhwc(yi)
        save(case, None, buffer_out_0=bn.running_mean, buffer_out_1=bn.running_var, x_infer=x_infer, y_infer=yi)


def bilinear_reference(x, f):
    """The half-pixel bilinear formula written out (NHWC), to cross-check torch's align_corners=False."""
    n, h, w, c = x.shape

    def axis(size):
        o = torch.arange(size * f, dtype=torch.float64)
        src = ((o + 0.5) / f - 0.5).clamp(min=0)
        i0 = src.floor().long()
        i1 = (i0 + 1).clamp(max=size - 1)
        return i0, i1, src - i0
    y0, y1, ly = axis(h)
    x0, x1, lx = axis(w)
    ly, lx = ly[:, None, None], lx[None, :, None]
    a, b = x[:, y0][:, :, x0], x[:, y0][:, :, x1]
    cc, d = x[:, y1][:, :, x0], x[:, y1][:, :, x1]
    return (1 - ly) * ((1 - lx) * a + lx * b) + ly * ((1 - lx) * cc + lx * d)


def spatial_cases():
    for case, f, mode in (("upsampling2d_nearest_2", 2, "nearest"), ("upsampling2d_nearest_3", 3, "nearest"),
                          ("upsampling2d_bilinear_2", 2, "bilinear"), ("upsampling2d_bilinear_3", 3, "bilinear")):
        g = gen(case)
        x = uniform(g, 2, 3, 4, 2)
        kw = dict(align_corners=False) if mode == "bilinear" else {}
        fn = lambda x, f=f, mode=mode, kw=kw: nchw_to_nhwc(F.interpolate(nhwc_to_nchw(x), scale_factor=f, mode=mode, **kw))
        if mode == "bilinear":
            assert torch.allclose(fn(x), bilinear_reference(x, f), rtol=0, atol=1e-14)
        layer_case(case, f"upsampling2d<{f}, interpolation::{mode}> on shape<3, 4, 2>, N=2; torch F.interpolate("
                   f"scale_factor={f}, mode='{mode}'" + (", align_corners=False) (half-pixel centres, checked against the "
                   "formula in the script)" if kw else ") (a plain repeat)"), fn, x)

    # (case, cascade's spelling of the sizes, (top, bottom, left, right))
    for case, spelled, m in (("zero_padding2d_1", "1", (1, 1, 1, 1)), ("zero_padding2d_1_2", "dims<1, 2>", (1, 1, 2, 2)),
                             ("zero_padding2d_0_1_2_0", "sides<0, 1>, sides<2, 0>", (0, 1, 2, 0))):
        g = gen(case)
        x = uniform(g, 2, 3, 4, 2)
        t, b, l, r = m
        layer_case(case, f"zero_padding2d<{spelled}> (top {t}, bottom {b}, "
                   f"left {l}, right {r}) on shape<3, 4, 2>, N=2; torch F.pad(NCHW, (left, right, top, bottom))",
                   lambda x, m=m: nchw_to_nhwc(F.pad(nhwc_to_nchw(x), (m[2], m[3], m[0], m[1]))), x)

    for case, spelled, m in (("cropping2d_1", "1", (1, 1, 1, 1)), ("cropping2d_1_0_2_1", "sides<1, 0>, sides<2, 1>", (1, 0, 2, 1))):
        g = gen(case)
        x = uniform(g, 2, 5, 6, 2)
        t, b, l, r = m
        layer_case(case, f"cropping2d<{spelled}> (top {t}, bottom {b}, left {l}, "
                   f"right {r}) on shape<5, 6, 2>, N=2; a slice", lambda x, m=m: x[:, m[0]:x.shape[1] - m[1], m[2]:x.shape[2] - m[3], :], x)

    g = gen("flatten")
    layer_case("flatten", "flatten on shape<3, 4, 2>, N=2: row-major over (H, W, C) — Keras' Flatten of channels-last "
               "data (PyTorch's nn.Flatten on NCHW orders (C, H, W): a dense layer after it needs its rows permuted)",
               lambda x: x.reshape(x.shape[0], -1), uniform(g, 2, 3, 4, 2))

    for case, fn, sample, what in (
        ("global_average_pooling2d", lambda x: x.mean(dim=(1, 2)), (4, 5, 3), "mean over (H, W)"),
        ("global_max_pooling2d", lambda x: x.amax(dim=(1, 2)), (4, 5, 3), "max over (H, W)"),
        ("global_average_pooling1d", lambda x: x.mean(dim=1), (7, 3), "mean over T"),
        ("global_max_pooling1d", lambda x: x.amax(dim=1), (7, 3), "max over T"),
    ):
        g = gen(case)
        layer_case(case, f"{case} on shape<{', '.join(map(str, sample))}>, N=2: {what} (torch adaptive pooling "
                   "to 1 + flatten)", fn, uniform(g, 2, *sample))


def residual_cases():
    # residual<dense<6>, relu, dense<6>> and residual_subtract<...> on shape<6>
    for case, sign in (("residual_dense", 1.0), ("residual_subtract_dense", -1.0)):
        g = gen(case)
        w1, b1, w2, b2 = uniform(g, 6, 6), uniform(g, 6), uniform(g, 6, 6), uniform(g, 6)
        x = uniform(g, 3, 6)
        layer_case(case, f"net::{'residual' if sign > 0 else 'residual_subtract'}<dense<6>, relu, dense<6>> on shape<6>, "
                   "N=3: y = x ± (relu(x W1 + b1) W2 + b2); params in the body's order (W1, b1, W2, b2), Keras layout",
                   lambda x, w1, b1, w2, b2, s=sign: x + s * (torch.relu(x @ w1 + b1) @ w2 + b2), x, (w1, b1, w2, b2))


# ---------------------------------------------------------------------------------------------------
# Layers added later: 1-D / 3-D / dilated / transposed convolutions, 1-D / 3-D pooling, maxout,
# time_distributed, lstm, gru.
def channels_first(t):   # (N, ..., C) → (N, C, ...)
    return t.movedim(-1, 1)


def channels_last(t):   # (N, C, ...) → (N, ..., C)
    return t.movedim(1, -1)


def conv_nd_cases():
    # (case, dims, C, F, K, stride, padding, dilation, bias, spatial)
    configs = (
        ("conv1d_same_stride2", 1, 3, 4, 3, 2, "same", 1, True, (9,)),
        ("conv1d_valid_dilation2", 1, 2, 3, 3, 1, "valid", 2, True, (11,)),
        ("conv1d_same_dilation2_no_bias", 1, 2, 3, 3, 1, "same", 2, False, (8,)),
        ("conv2d_same_dilation2", 2, 2, 3, 3, 1, "same", 2, True, (7, 6)),
        ("conv3d_valid", 3, 2, 3, 2, 1, "valid", 1, True, (4, 5, 3)),
        ("conv3d_same_stride2", 3, 2, 2, 3, 2, "same", 1, True, (5, 4, 3)),
    )
    ops = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
    for case, dims, c, f, k, s, pad, d, bias, spatial in configs:
        g = gen(case)
        weight = uniform(g, f, c, *([k] * dims)) * 0.5   # torch (F, C, K...)
        b = uniform(g, f)
        x = uniform(g, 2, *spatial, c)
        pads = []   # F.pad order: last spatial axis first, (before, after) each
        for size in reversed(spatial):
            pads += list(same_padding(size, k, s, d)) if pad == "same" else [0, 0]
        keras_w = weight.permute(*range(2, 2 + dims), 1, 0)   # (K..., C, F)

        def fn(x, wk, b=None, dims=dims, s=s, d=d, pads=pads):
            w_torch = wk.permute(dims + 1, dims, *range(dims))
            return channels_last(ops[dims](F.pad(channels_first(x), pads), w_torch, b, stride=s, dilation=d))

        if dims == 2:
            cascade_type = f"conv2d<{f}, kernel<{k}>, strides<{s}>, padding::{pad}, dilation<{d}>{'' if bias else ', no_bias'}>"
        else:
            cascade_type = f"conv{dims}d<{f}, kernel<{k}>, strides<{s}>, padding::{pad}, dilation<{d}>{'' if bias else ', no_bias'}>"
        layer_case(case, f"{cascade_type} on shape<{', '.join(map(str, spatial + (c,)))}>, N=2; torch F.conv{dims}d "
                   f"(dilation {d}) on channels-first, weight (F, C, K...) → Keras (K..., C, F); padding by F.pad "
                   f"with TensorFlow's split (F.pad order, last axis first: {pads})", fn, x,
                   (keras_w, b) if bias else (keras_w,))


def conv_transpose_cases():
    # (case, dims, C, F, K, stride, padding, dilation, bias, spatial); span d(K − 1) + 1 >= stride throughout.
    configs = (
        ("conv2d_transpose_valid_stride2", 2, 3, 2, 3, 2, "valid", 1, True, (3, 4)),
        ("conv2d_transpose_same_stride2", 2, 2, 3, 3, 2, "same", 1, True, (3, 4)),
        ("conv2d_transpose_same_k4_stride2_no_bias", 2, 2, 2, 4, 2, "same", 1, False, (3, 3)),
        ("conv2d_transpose_same_dilation2", 2, 2, 2, 3, 1, "same", 2, True, (4, 3)),
        ("conv1d_transpose_same_stride3", 1, 2, 3, 4, 3, "same", 1, True, (4,)),
        ("conv3d_transpose_same_stride2", 3, 2, 2, 3, 2, "same", 1, True, (2, 3, 2)),
    )
    ops = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
    for case, dims, c, f, k, s, pad, d, bias, spatial in configs:
        g = gen(case)
        weight = uniform(g, c, f, *([k] * dims)) * 0.5   # torch ConvTranspose weight (C_in, F_out, K...)
        b = uniform(g, f)
        x = uniform(g, 2, *spatial, c)
        keras_w = weight.permute(*range(2, 2 + dims), 1, 0)   # Keras (K..., F, C)
        # Keras' output size and the leading crop of the full transposed convolution (in − 1)·s + span.
        span = d * (k - 1) + 1
        outs = [size * s + max(span - s, 0) if pad == "valid" else size * s for size in spatial]
        befores = [0 if pad == "valid" else max((size - 1) * s + span - o, 0) // 2 for size, o in zip(spatial, outs)]

        def fn(x, wk, b=None, dims=dims, s=s, d=d, outs=outs, befores=befores):
            full = ops[dims](channels_first(x), wk.permute(dims + 1, dims, *range(dims)), b, stride=s, dilation=d)
            for a, (o, p) in enumerate(zip(outs, befores)):
                full = full.narrow(2 + a, p, o)
            return channels_last(full)

        layer_case(case, f"conv{dims}d_transpose<{f}, kernel<{k}>, strides<{s}>, padding::{pad}, dilation<{d}>{'' if bias else ', no_bias'}> "
                   f"on shape<{', '.join(map(str, spatial + (c,)))}>, N=2; torch F.conv_transpose{dims}d (padding 0, "
                   f"dilation {d}, weight (C, F, K...) → Keras (K..., F, C)), cropped to Keras' output {outs} from "
                   f"{befores} (TensorFlow's 'same' split)", fn, x, (keras_w, b) if bias else (keras_w,))


def pool_nd_cases():
    for case, kind, dims, p, s, spatial in (("max_pool1d_3_stride2", "max", 1, 3, 2, (9,)),
                                            ("avg_pool1d_2", "avg", 1, 2, 2, (7,)),
                                            ("max_pool3d_2", "max", 3, 2, 2, (5, 4, 3)),
                                            ("avg_pool3d_2_stride1", "avg", 3, 2, 1, (4, 3, 3))):
        g = gen(case)
        x = uniform(g, 2, *spatial, 3)
        op = getattr(F, f"{kind}_pool{dims}d")
        layer_case(case, f"{kind}_pool{dims}d<{p}, strides<{s}>> on shape<{', '.join(map(str, spatial))}, 3>, N=2; torch "
                   f"F.{kind}_pool{dims}d on channels-first", lambda x, op=op, p=p, s=s: channels_last(op(channels_first(x), p, s)), x)


def maxout_time_distributed_cases():
    g = gen("maxout")
    w, b, x = uniform(g, 7, 3 * 4), uniform(g, 3 * 4), uniform(g, 3, 7)
    layer_case("maxout", "maxout<3, 4> on shape<7>, N=3: z = x W + b, y = z.view(N, 3, 4).amax(-1) (a unit's pieces "
               "are consecutive columns)", lambda x, w, b: (x @ w + b).view(x.shape[0], 3, 4).amax(-1), x, (w, b))
    g = gen("time_distributed_dense")
    w, b, x = uniform(g, 3, 4), uniform(g, 4), uniform(g, 2, 5, 3)
    layer_case("time_distributed_dense", "time_distributed<dense<4>> on shape<5, 3>, N=2: the same dense on every "
               "step (torch: x @ W + b on the last axis)", lambda x, w, b: x @ w + b, x, (w, b))


def keras_lstm(x, w, u, b):
    """Keras' LSTM written out (gates i, f, c, o in that column order), for the script's own check."""
    n, steps, _ = x.shape
    units = u.shape[0]
    h, c, hs = x.new_zeros(n, units), x.new_zeros(n, units), []
    for t in range(steps):
        z = x[:, t] @ w + h @ u + b
        i, f, g, o = z.split(units, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        hs.append(h)
    return torch.stack(hs, 1)


def keras_gru(x, w, u, b):
    """Keras' GRU with reset_after=True written out (gates z, r, h in that column order)."""
    n, steps, _ = x.shape
    units = u.shape[0]
    h, hs = x.new_zeros(n, units), []
    for t in range(steps):
        a = x[:, t] @ w + b[0]
        q = h @ u + b[1]
        az, ar, ah = a.split(units, dim=1)
        qz, qr, qh = q.split(units, dim=1)
        z, r = torch.sigmoid(az + qz), torch.sigmoid(ar + qr)
        n_ = torch.tanh(ah + r * qh)
        h = z * h + (1 - z) * n_
        hs.append(h)
    return torch.stack(hs, 1)


def swap_first_two_blocks(t, units, dim):
    """Keras' GRU (z, r, h) ↔ PyTorch's (r, z, n): swap the first two blocks of `units` along dim."""
    a, b_, c = t.split(units, dim=dim)
    return torch.cat((b_, a, c), dim=dim)


def recurrent_cases():
    """The fixture is autograd through Keras' equations (keras_lstm / keras_gru); the script then runs
    torch.nn.LSTM / GRU with the mapped weights and asserts that its output, input gradient and weight
    gradients (mapped back) are the same."""
    c, units, steps = 3, 4, 5
    for kind in ("lstm", "gru"):
        gates = 4 if kind == "lstm" else 3
        for seq in (True, False):
            case = f"{kind}{'_sequences' if seq else ''}"
            g = gen(case)
            x = uniform(g, 2, steps, c)
            w, u = uniform(g, c, gates * units) * 0.7, uniform(g, units, gates * units) * 0.7
            b = uniform(g, gates * units) if kind == "lstm" else uniform(g, 2, gates * units)
            equations = keras_lstm if kind == "lstm" else keras_gru

            def fn(x, w, u, b, seq=seq, equations=equations):
                hs = equations(x, w, u, b)
                return hs if seq else hs[:, -1]

            if kind == "lstm":
                mapping = "W = weight_ih_l0ᵀ, U = weight_hh_l0ᵀ, b = bias_ih_l0 + bias_hh_l0 (the same gate order i, f, c/g, o)"
            else:
                mapping = ("W = (P weight_ih_l0)ᵀ, U = (P weight_hh_l0)ᵀ, b = [P bias_ih_l0; P bias_hh_l0], P swapping the "
                           "first two gate blocks (PyTorch r, z, n ↔ Keras z, r, h); reset_after=True")
            ref = layer_case(case, f"{kind}<{units}{', return_sequences' if seq else ''}> on shape<{steps}, {c}>, N=2; autograd through "
                             f"Keras' equations, asserted equal to torch nn.{kind.upper()}(batch_first=True) with {mapping}",
                             fn, x, (w, u, b))

            # The same through PyTorch's module.
            module = (torch.nn.LSTM if kind == "lstm" else torch.nn.GRU)(c, units, batch_first=True)
            perm = (lambda t, dim: t) if kind == "lstm" else (lambda t, dim: swap_first_two_blocks(t, units, dim))
            with torch.no_grad():
                module.weight_ih_l0.copy_(perm(w, 1).t())
                module.weight_hh_l0.copy_(perm(u, 1).t())
                module.bias_ih_l0.copy_(perm(b, 0) if kind == "lstm" else perm(b[0], 0))
                module.bias_hh_l0.copy_(torch.zeros(gates * units) if kind == "lstm" else perm(b[1], 0))
            xm = x.clone().requires_grad_(True)
            hs, _ = module(xm)
            y = hs if seq else hs[:, -1]
            (y * ref["dy"]).sum().backward()
            db = module.bias_ih_l0.grad if kind == "lstm" else torch.stack((module.bias_ih_l0.grad, module.bias_hh_l0.grad))
            for name, mine, theirs in (("y", ref["y"], y), ("dx", ref["dx"], xm.grad),
                                       ("dW", ref["grad_0"], perm(module.weight_ih_l0.grad.t(), 1)),
                                       ("dU", ref["grad_1"], perm(module.weight_hh_l0.grad.t(), 1)),
                                       ("db", ref["grad_2"], perm(db, db.dim() - 1))):
                assert torch.allclose(mine, theirs, rtol=0, atol=1e-13), (case, name, (mine - theirs).abs().max())


# ---------------------------------------------------------------------------------------------------
# Layers and options added with the named layer options (issue 12): anisotropic kernels / strides /
# dilations, 'same' with odd padding totals, 'causal', transposed convolutions with output_padding,
# 'same' and per-axis pooling, 1-D / 3-D margins and up-sampling, simple_rnn, layer_normalization, prelu,
# permute, repeat_vector. PyTorch's padding arguments are symmetric, so every 'same' / 'causal' padding and
# every transposed-convolution crop is done explicitly here (F.pad, narrow), and each fixture's forward is
# asserted equal to a naive loop over Keras' formula (naive_conv, naive_conv_transpose, naive_pool below),
# which shares no code with the F.pad / crop mapping.
def keras_axis(size, k, s, d, pad):
    """Output size and leading padding of one axis of a Keras/TensorFlow convolution or pooling."""
    span = d * (k - 1) + 1
    if pad == "valid":
        return (size - span) // s + 1, 0
    out = -(-size // s)
    if pad == "causal":
        return out, span - 1
    return out, max((out - 1) * s + span - size, 0) // 2


def pad_pairs(sizes, ks, ss, ds, pad):
    """(before, after) per axis, so that a 'valid' convolution of the padded input gives Keras' output."""
    pairs = []
    for size, k, s, d in zip(sizes, ks, ss, ds):
        out, before = keras_axis(size, k, s, d, pad)
        total = max((out - 1) * s + d * (k - 1) + 1 - size, 0)
        pairs.append((before, 0) if pad == "causal" else (before, total - before))
    return pairs


def torch_pad_order(pairs):   # per axis (before, after), first axis first → F.pad's (last axis first)
    return [v for pair in reversed(pairs) for v in pair]


def naive_conv(x, w, b, ss, ds, befores, outs):
    """y[n, o…, f] = b[f] + Σ_{k…, c} W[k…, c, f] · x[n, o·s + k·d − before, c] (0 outside): Keras' convolution."""
    dims = x.dim() - 2
    y = x.new_zeros(x.shape[0], *outs, w.shape[-1])
    for o in itertools.product(*map(range, outs)):
        acc = x.new_zeros(x.shape[0], w.shape[-1]) + (0 if b is None else b)
        for k in itertools.product(*map(range, w.shape[:dims])):
            i = [o[a] * ss[a] + k[a] * ds[a] - befores[a] for a in range(dims)]
            if all(0 <= i[a] < x.shape[1 + a] for a in range(dims)):
                acc = acc + x[(slice(None), *i)] @ w[k]
        y[(slice(None), *o)] = acc
    return y


def naive_conv_transpose(x, w, b, ss, ds, befores, outs):
    """y[n, i·s + k·d − before, f] += Σ_c x[n, i, c] · W[k, f, c], y = b elsewhere: Keras' transposed convolution."""
    dims = x.dim() - 2
    y = x.new_zeros(x.shape[0], *outs, w.shape[-2]) + (0 if b is None else b)
    for i in itertools.product(*map(range, x.shape[1:-1])):
        for k in itertools.product(*map(range, w.shape[:dims])):
            o = tuple(i[a] * ss[a] + k[a] * ds[a] - befores[a] for a in range(dims))
            if all(0 <= o[a] < outs[a] for a in range(dims)):
                y[(slice(None), *o)] += x[(slice(None), *i)] @ w[k].t()
    return y


def naive_pool(x, kind, ps, ss, befores, outs):
    """Max or mean over the window's real cells (padding takes no part): Keras/TensorFlow pooling."""
    dims = x.dim() - 2
    y = x.new_zeros(x.shape[0], *outs, x.shape[-1])
    for o in itertools.product(*map(range, outs)):
        ranges = [range(max(o[a] * ss[a] - befores[a], 0), min(o[a] * ss[a] - befores[a] + ps[a], x.shape[1 + a]))
                  for a in range(dims)]
        cells = torch.stack([x[(slice(None), *i)] for i in itertools.product(*ranges)])
        y[(slice(None), *o)] = cells.amax(0) if kind == "max" else cells.mean(0)
    return y


def assert_close(case, what, a, b, tol=1e-13):
    with torch.no_grad():
        assert a.shape == b.shape and torch.allclose(a, b, rtol=0, atol=tol), (case, what, (a - b).abs().max())


CONV_OPS = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
CONV_T_OPS = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def conv_option_cases():
    # (case, cascade type, C, F, kernel, strides, padding, dilation, bias, spatial)
    configs = (
        ("conv2d_k3x4_stride2x1_same", "conv2d<4, kernel<3, 4>, strides<2, 1>, padding::same>",
         3, 4, (3, 4), (2, 1), "same", (1, 1), True, (8, 6)),
        ("conv2d_k2x3_same_dilation1x2", "conv2d<3, kernel<2, 3>, padding::same, dilation<1, 2>>",
         2, 3, (2, 3), (1, 1), "same", (1, 2), True, (7, 6)),
        ("conv2d_k3_stride2x1_dilation1x2_no_bias", "conv2d<2, kernel<3>, strides<2, 1>, dilation<1, 2>, no_bias>",
         2, 2, (3, 3), (2, 1), "valid", (1, 2), False, (7, 8)),
        ("conv1d_causal_dilation2", "conv1d<3, kernel<3>, padding::causal, dilation<2>>",
         2, 3, (3,), (1,), "causal", (2,), True, (9,)),
        ("conv1d_causal_stride2_no_bias", "conv1d<4, kernel<2>, strides<2>, padding::causal, no_bias>",
         3, 4, (2,), (2,), "causal", (1,), False, (9,)),
        ("conv3d_k2x3x1_stride1x2x1_same", "conv3d<3, kernel<2, 3, 1>, strides<1, 2, 1>, padding::same>",
         2, 3, (2, 3, 1), (1, 2, 1), "same", (1, 1, 1), True, (3, 6, 4)),
        ("conv3d_k3x1x2_stride2x1x1_dilation1x1x2", "conv3d<2, kernel<3, 1, 2>, strides<2, 1, 1>, dilation<1, 1, 2>>",
         2, 2, (3, 1, 2), (2, 1, 1), "valid", (1, 1, 2), True, (5, 3, 5)),
    )
    for case, spelled, c, f, ks, ss, pad, ds, bias, spatial in configs:
        dims = len(spatial)
        g = gen(case)
        weight = uniform(g, f, c, *ks) * 0.5   # torch (F, C, K...)
        b = uniform(g, f)
        x = uniform(g, 2, *spatial, c)
        pairs = pad_pairs(spatial, ks, ss, ds, pad)
        pads = torch_pad_order(pairs)
        keras_w = weight.permute(*range(2, 2 + dims), 1, 0)   # (K..., C, F)

        def fn(x, wk, b=None, dims=dims, ss=ss, ds=ds, pads=pads):
            w_torch = wk.permute(dims + 1, dims, *range(dims))
            return channels_last(CONV_OPS[dims](F.pad(channels_first(x), pads), w_torch, b, stride=ss, dilation=ds))

        outs, befores = zip(*(keras_axis(*a, pad) for a in zip(spatial, ks, ss, ds)))
        assert_close(case, "naive", fn(x, keras_w, b if bias else None), naive_conv(x, keras_w, b if bias else None, ss, ds, befores, outs))
        layer_case(case, f"{spelled} on shape<{', '.join(map(str, spatial + (c,)))}>, N=2; torch F.conv{dims}d(stride={ss}, "
                   f"dilation={ds}, padding 0) on channels-first, weight (F, C, K...) → Keras (K..., C, F), after an explicit "
                   f"F.pad with (before, after) per axis {pairs} ({'TensorFlow’s split, the odd cell after' if pad == 'same' else 'causal: d·(K − 1) before' if pad == 'causal' else 'none'}); "
                   "forward asserted equal to a naive loop over Keras' formula", fn, x, (keras_w, b) if bias else (keras_w,))


def keras_transpose_axis(size, k, s, d, pad, op):
    """Keras' transposed-convolution output size O (deconv_output_length) and the crop `before` of the full
    transposed convolution ((size − 1)·s + span): TensorFlow's 'same' padding of the forward convolution O → size."""
    span = d * (k - 1) + 1
    if op is None:
        out = size * s + max(span - s, 0) if pad == "valid" else size * s
    else:
        out = (size - 1) * s + span - (2 * (span // 2) if pad == "same" else 0) + op
    before = 0 if pad == "valid" else max((size - 1) * s + span - out, 0) // 2
    return out, before


def conv_transpose_option_cases():
    # (case, cascade type, C, F, kernel, strides, padding, dilation, output_padding (None: Keras' default), bias, spatial)
    configs = (
        ("conv2d_transpose_same_k3x4_stride3x2_output_padding1",
         "conv2d_transpose<2, kernel<3, 4>, strides<3, 2>, padding::same, output_padding<1>>",
         2, 2, (3, 4), (3, 2), "same", (1, 1), (1, 1), True, (3, 4)),
        ("conv2d_transpose_valid_k3x2_stride2x3_output_padding1x2",
         "conv2d_transpose<3, kernel<3, 2>, strides<2, 3>, output_padding<1, 2>>",
         2, 3, (3, 2), (2, 3), "valid", (1, 1), (1, 2), True, (3, 3)),
        ("conv2d_transpose_same_k2x3_stride1x2", "conv2d_transpose<3, kernel<2, 3>, strides<1, 2>, padding::same>",
         2, 3, (2, 3), (1, 2), "same", (1, 1), None, True, (4, 3)),
        ("conv1d_transpose_same_k1_stride2_output_padding1",
         "conv1d_transpose<3, kernel<1>, strides<2>, padding::same, output_padding<1>>",
         2, 3, (1,), (2,), "same", (1,), (1,), True, (4,)),
        ("conv3d_transpose_same_k3x3x2_stride1x2x2_output_padding0x1x1",
         "conv3d_transpose<2, kernel<3, 3, 2>, strides<1, 2, 2>, padding::same, output_padding<0, 1, 1>>",
         2, 2, (3, 3, 2), (1, 2, 2), "same", (1, 1, 1), (0, 1, 1), True, (2, 3, 2)),
    )
    for case, spelled, c, f, ks, ss, pad, ds, ops, bias, spatial in configs:
        dims = len(spatial)
        g = gen(case)
        weight = uniform(g, c, f, *ks) * 0.5   # torch ConvTranspose weight (C_in, F_out, K...)
        b = uniform(g, f)
        x = uniform(g, 2, *spatial, c)
        keras_w = weight.permute(*range(2, 2 + dims), 1, 0)   # Keras (K..., F, C)
        outs, befores = zip(*(keras_transpose_axis(size, k, s, d, pad, None if ops is None else ops[a])
                              for a, (size, k, s, d) in enumerate(zip(spatial, ks, ss, ds))))
        fulls = [(size - 1) * s + d * (k - 1) + 1 for size, k, s, d in zip(spatial, ks, ss, ds)]
        # PyTorch's output_padding lengthens the full output at the end (rows no window reaches hold b only):
        # just enough for Keras' window [before, before + O); then the crop, asymmetric where the total is odd.
        torch_op = tuple(max(p + o - full, 0) for p, o, full in zip(befores, outs, fulls))
        assert all(t < max(s, d) for t, s, d in zip(torch_op, ss, ds)), case

        def fn(x, wk, b=None, dims=dims, ss=ss, ds=ds, outs=outs, befores=befores, torch_op=torch_op):
            full = CONV_T_OPS[dims](channels_first(x), wk.permute(dims + 1, dims, *range(dims)), b, stride=ss,
                                    dilation=ds, output_padding=torch_op)
            for a, (o, p) in enumerate(zip(outs, befores)):
                full = full.narrow(2 + a, p, o)
            return channels_last(full)

        bb = b if bias else None
        assert_close(case, "naive", fn(x, keras_w, bb), naive_conv_transpose(x, keras_w, bb, ss, ds, befores, outs))
        crops = [(p, full + t - p - o) for p, o, full, t in zip(befores, outs, fulls, torch_op)]
        layer_case(case, f"{spelled} on shape<{', '.join(map(str, spatial + (c,)))}>, N=2; torch F.conv_transpose{dims}d(stride={ss}, "
                   f"padding 0, output_padding={torch_op}) (weight (C, F, K...) → Keras (K..., F, C)), then cropped to Keras' "
                   f"output {list(outs)} by (before, after) per axis {crops} (TensorFlow's 'same' split; PyTorch's padding= "
                   "would crop symmetrically); forward asserted equal to a naive loop over Keras' formula",
                   fn, x, (keras_w, b) if bias else (keras_w,))


def pool_option_cases():
    # (case, cascade type, kind, pool, strides, padding, spatial)
    configs = (
        ("max_pool2d_3_stride2_same", "max_pool2d<3, strides<2>, padding::same>", "max", (3, 3), (2, 2), "same", (7, 6)),
        ("avg_pool2d_3_stride2_same", "avg_pool2d<3, strides<2>, padding::same>", "avg", (3, 3), (2, 2), "same", (7, 6)),
        ("max_pool2d_2_same", "max_pool2d<2, padding::same>", "max", (2, 2), (2, 2), "same", (7, 5)),
        ("avg_pool2d_2_stride1_same", "avg_pool2d<2, strides<1>, padding::same>", "avg", (2, 2), (1, 1), "same", (5, 4)),
        ("avg_pool2d_3x2_same", "avg_pool2d<dims<3, 2>, padding::same>", "avg", (3, 2), (3, 2), "same", (7, 5)),
        # A symmetric split (1, 1) on both axes: also asserted equal to torch's padding=1, count_include_pad=False.
        ("avg_pool2d_3_stride1_same", "avg_pool2d<3, strides<1>, padding::same>", "avg", (3, 3), (1, 1), "same", (5, 4)),
        ("max_pool2d_2x1_stride1x2", "max_pool2d<dims<2, 1>, strides<1, 2>>", "max", (2, 1), (1, 2), "valid", (5, 6)),
        ("avg_pool2d_2x1_stride1x2", "avg_pool2d<dims<2, 1>, strides<1, 2>>", "avg", (2, 1), (1, 2), "valid", (5, 6)),
        ("max_pool1d_2_stride1_same", "max_pool1d<2, strides<1>, padding::same>", "max", (2,), (1,), "same", (7,)),
        ("avg_pool1d_3_stride2_same", "avg_pool1d<3, strides<2>, padding::same>", "avg", (3,), (2,), "same", (8,)),
        ("max_pool3d_2x3x1_stride2x1x1_same", "max_pool3d<dims<2, 3, 1>, strides<2, 1, 1>, padding::same>", "max",
         (2, 3, 1), (2, 1, 1), "same", (3, 4, 2)),
        ("avg_pool3d_2_stride1x2x2_same", "avg_pool3d<2, strides<1, 2, 2>, padding::same>", "avg",
         (2, 2, 2), (1, 2, 2), "same", (3, 5, 4)),
    )
    for case, spelled, kind, ps, ss, pad, spatial in configs:
        dims = len(spatial)
        g = gen(case)
        x = uniform(g, 2, *spatial, 3)
        pairs = pad_pairs(spatial, ps, ss, (1,) * dims, pad)
        pads = torch_pad_order(pairs)
        pool = getattr(F, f"{kind}_pool{dims}d")

        if kind == "max":   # padded cells are −inf: never the maximum, no gradient
            def fn(x, pool=pool, ps=ps, ss=ss, pads=pads):
                return channels_last(pool(F.pad(channels_first(x), pads, value=-math.inf), ps, ss))
            how = "F.pad with −inf, then"
        else:   # the sum over the window's real cells / their number (a sum-pool of ones padded with zeros)
            def fn(x, pool=pool, ps=ps, ss=ss, pads=pads):
                xc = channels_first(x)
                sums = pool(F.pad(xc, pads), ps, ss, divisor_override=1) if dims > 1 else pool(F.pad(xc, pads), ps, ss) * ps[0]
                ones = torch.ones_like(xc[:, :1])
                counts = pool(F.pad(ones, pads), ps, ss, divisor_override=1) if dims > 1 else pool(F.pad(ones, pads), ps, ss) * ps[0]
                return channels_last(sums / counts)
            how = "sum-pool of the zero-padded input (F.pad) / the same sum-pool of ones (the count of real cells), with"

        outs, befores = zip(*(keras_axis(size, p, s, 1, pad) for size, p, s in zip(spatial, ps, ss)))
        assert_close(case, "naive", fn(x), naive_pool(x, kind, ps, ss, befores, outs))
        if kind == "avg" and all(p[0] == p[1] for p in pairs):   # only then can PyTorch's own padding say it
            sym = channels_last(pool(channels_first(x), ps, ss, padding=tuple(p[0] for p in pairs), count_include_pad=False))
            assert_close(case, "count_include_pad=False", fn(x), sym)
            print(f"{case}: equal to torch's padding={tuple(p[0] for p in pairs)}, count_include_pad=False")
        layer_case(case, f"{spelled} on shape<{', '.join(map(str, spatial))}, 3>, N=2; torch {how} F.{kind}_pool{dims}d("
                   f"kernel {ps}, stride {ss}) on channels-first; padding (before, after) per axis {pairs} (TensorFlow's "
                   "'same' split; PyTorch's padding= is symmetric, and count_include_pad=False with an explicit F.pad would "
                   "count the padded cells); forward asserted equal to a naive loop over Keras' formula", fn, x)


def spatial_option_cases():
    # Margins: (case, cascade type, per-sample shape, (before, after) per axis)
    margins = (
        ("zero_padding1d_1_3", "zero_padding1d<sides<1, 3>>", (5, 2), ((1, 3),)),
        ("zero_padding3d_0_1_2_0_1_1", "zero_padding3d<sides<0, 1>, sides<2, 0>, sides<1, 1>>", (2, 3, 2, 2),
         ((0, 1), (2, 0), (1, 1))),
        ("zero_padding3d_1_2_1", "zero_padding3d<dims<1, 2, 1>>", (2, 2, 3, 1), ((1, 1), (2, 2), (1, 1))),
        ("cropping1d_2_1", "cropping1d<sides<2, 1>>", (7, 3), ((2, 1),)),
        ("cropping3d_1_0_0_2_1_1", "cropping3d<sides<1, 0>, sides<0, 2>, sides<1, 1>>", (3, 5, 4, 2),
         ((1, 0), (0, 2), (1, 1))),
    )
    for case, spelled, sample, pairs in margins:
        g = gen(case)
        x = uniform(g, 2, *sample)
        if spelled.startswith("zero_padding"):
            fn = lambda x, pads=torch_pad_order(pairs): channels_last(F.pad(channels_first(x), pads))
            how = f"F.pad(channels-first, {torch_pad_order(pairs)}) (last axis first)"
        else:
            def fn(x, pairs=pairs):
                for a, (p, q) in enumerate(pairs):
                    x = x.narrow(1 + a, p, x.shape[1 + a] - p - q)
                return x
            how = "a slice"
        layer_case(case, f"{spelled} ((before, after) per axis {list(pairs)}) on shape<{', '.join(map(str, sample))}>, N=2; "
                   f"torch {how}", fn, x)

    # Nearest up-sampling: (case, cascade type, per-sample shape, factors)
    for case, spelled, sample, fs in (("upsampling1d_3", "upsampling1d<3>", (4, 2), (3,)),
                                      ("upsampling2d_nearest_3x2", "upsampling2d<dims<3, 2>>", (3, 4, 2), (3, 2)),
                                      ("upsampling2d_nearest_1x3", "upsampling2d<dims<1, 3>>", (3, 2, 2), (1, 3)),
                                      ("upsampling3d_1x2x3", "upsampling3d<dims<1, 2, 3>>", (2, 3, 2, 2), (1, 2, 3))):
        g = gen(case)
        x = uniform(g, 2, *sample)
        fn = lambda x, fs=fs: channels_last(F.interpolate(channels_first(x), scale_factor=fs, mode="nearest"))

        def repeated(x, fs=fs):
            for a, f in enumerate(fs):
                x = x.repeat_interleave(f, dim=1 + a)
            return x
        assert_close(case, "repeat_interleave", fn(x), repeated(x), 0)
        layer_case(case, f"{spelled} on shape<{', '.join(map(str, sample))}>, N=2; torch F.interpolate(scale_factor={fs}, "
                   "mode='nearest') on channels-first, asserted equal to repeat_interleave per axis", fn, x)


def keras_simple_rnn(x, w, u, b):
    """Keras' SimpleRNN written out: h_t = tanh(x_t W + h_{t−1} U + b), h_{−1} = 0."""
    h, hs = x.new_zeros(x.shape[0], u.shape[0]), []
    for t in range(x.shape[1]):
        h = torch.tanh(x[:, t] @ w + h @ u + (0 if b is None else b))
        hs.append(h)
    return torch.stack(hs, 1)


def simple_rnn_cases():
    """As recurrent_cases: autograd through Keras' equations, asserted equal to torch.nn.RNN(tanh) with
    weight_ih = Wᵀ, weight_hh = Uᵀ, bias_ih = b, bias_hh = 0 (Keras' b is bias_ih + bias_hh)."""
    c, steps = 3, 5
    for case, units, seq, bias in (("simple_rnn_sequences", 4, True, True), ("simple_rnn", 4, False, True),
                                   ("simple_rnn_no_bias", 3, True, False)):
        g = gen(case)
        x = uniform(g, 2, steps, c)
        w, u, b = uniform(g, c, units) * 0.7, uniform(g, units, units) * 0.7, uniform(g, units)

        def fn(x, w, u, b=None, seq=seq):
            hs = keras_simple_rnn(x, w, u, b)
            return hs if seq else hs[:, -1]

        spelled = f"simple_rnn<{units}{', return_sequences' if seq else ''}{'' if bias else ', no_bias'}>"
        ref = layer_case(case, f"{spelled} on shape<{steps}, {c}>, N=2; autograd through Keras' equations (h_t = tanh(x_t W + "
                         "h_{t−1} U + b)), asserted equal to torch nn.RNN(nonlinearity='tanh', batch_first=True"
                         f"{'' if bias else ', bias=False'}) with W = weight_ih_l0ᵀ, U = weight_hh_l0ᵀ"
                         + (", b = bias_ih_l0 + bias_hh_l0" if bias else ""), fn, x, (w, u, b) if bias else (w, u))

        module = torch.nn.RNN(c, units, nonlinearity="tanh", batch_first=True, bias=bias)
        with torch.no_grad():
            module.weight_ih_l0.copy_(w.t())
            module.weight_hh_l0.copy_(u.t())
            if bias:
                module.bias_ih_l0.copy_(b)
                module.bias_hh_l0.zero_()
        xm = x.clone().requires_grad_(True)
        hs, _ = module(xm)
        y = hs if seq else hs[:, -1]
        (y * ref["dy"]).sum().backward()
        checks = [("y", ref["y"], y), ("dx", ref["dx"], xm.grad), ("dW", ref["grad_0"], module.weight_ih_l0.grad.t()),
                  ("dU", ref["grad_1"], module.weight_hh_l0.grad.t())]
        if bias:   # ∂f/∂b = ∂f/∂bias_ih = ∂f/∂bias_hh
            checks += [("db", ref["grad_2"], module.bias_ih_l0.grad), ("db_hh", ref["grad_2"], module.bias_hh_l0.grad)]
        for name, mine, theirs in checks:
            assert_close(case, name, mine, theirs)


def new_layer_cases():
    # layer_normalization over the last axis: F.layer_norm, asserted equal to the formula with the biased variance.
    for case, spelled, sample, eps, center in (("layer_normalization", "layer_normalization<>", (4, 5), 1e-3, True),
                                               ("layer_normalization_image", "layer_normalization<>", (3, 2, 6), 1e-3, True),
                                               ("layer_normalization_no_center_eps1e5",
                                                "layer_normalization<no_center, epsilon<1, 100000>>", (7,), 1e-5, False)):
        g = gen(case)
        c = sample[-1]
        x = uniform(g, 3, *sample, lo=-2, hi=3)
        gamma, beta = uniform(g, c, lo=0.5, hi=1.5), uniform(g, c)
        fn = lambda x, gm, bt=None, c=c, eps=eps: F.layer_norm(x, (c,), gm, bt, eps=eps)
        mu = x.mean(-1, keepdim=True)
        formula = (x - mu) / torch.sqrt(((x - mu) ** 2).mean(-1, keepdim=True) + eps) * gamma + (beta if center else 0)
        assert_close(case, "formula", fn(x, gamma, beta if center else None), formula)
        layer_case(case, f"{spelled} on shape<{', '.join(map(str, sample))}>, N=3: over the last axis ({c}), ε {eps}; torch "
                   f"F.layer_norm(x, ({c},), γ, {'β' if center else 'None'}, eps={eps}) (= nn.LayerNorm({c}) on channels-last data); "
                   f"params γ{', β' if center else ''} (Keras' order)", fn, x, (gamma, beta) if center else (gamma,))

    # prelu: one α per element (Keras' default shared_axes=None), and per channel (shared_axes<1, 2> = nn.PReLU(C)).
    g = gen("prelu")
    x, alpha = uniform(g, 3, 4, 5), uniform(g, 4, 5, lo=-0.5, hi=0.8)
    layer_case("prelu", "prelu<> on shape<4, 5>, N=3: one α per element (alpha (4, 5)), y = x if x > 0 else α x; torch "
               "torch.where(x > 0, x, α x) (F.prelu has one α per channel only)",
               lambda x, a: torch.where(x > 0, x, a * x), x, (alpha,))
    g = gen("prelu_shared_axes_1_2")
    x, alpha = uniform(g, 2, 3, 4, 2), uniform(g, 1, 1, 2, lo=-0.5, hi=0.8)
    fn = lambda x, a: channels_last(F.prelu(channels_first(x), a.reshape(-1)))
    assert_close("prelu_shared_axes_1_2", "where", fn(x, alpha), torch.where(x > 0, x, alpha * x), 0)
    layer_case("prelu_shared_axes_1_2", "prelu<shared_axes<1, 2>> on shape<3, 4, 2>, N=2: one α per channel (alpha (1, 1, 2), "
               "Keras' shape); torch F.prelu(channels-first, α.reshape(-1)) (= nn.PReLU(2))", fn, x, (alpha,))

    for case, dims, sample in (("permute_2_1", (2, 1), (4, 5)), ("permute_3_1_2", (3, 1, 2), (3, 4, 2))):
        g = gen(case)
        layer_case(case, f"permute<{', '.join(map(str, dims))}> on shape<{', '.join(map(str, sample))}>, N=2; torch "
                   f"x.permute(0, {', '.join(map(str, dims))})", lambda x, dims=dims: x.permute(0, *dims), uniform(g, 2, *sample))

    g = gen("repeat_vector_3")
    layer_case("repeat_vector_3", "repeat_vector<3> on shape<5>, N=3; torch x.unsqueeze(1).expand(-1, 3, -1)",
               lambda x: x.unsqueeze(1).expand(-1, 3, -1), uniform(g, 3, 5))


def option_cases():
    conv_option_cases()
    conv_transpose_option_cases()
    pool_option_cases()
    spatial_option_cases()
    simple_rnn_cases()
    new_layer_cases()


# ---------------------------------------------------------------------------------------------------
# Losses (Keras' reductions: categorical averages over rows, mse and binary cross-entropy over elements).
def loss_case(case, doc, value_fn, y, t, z=None, to_y=None):
    y = y.clone().requires_grad_(True)
    v = value_fn(y, t)
    v.backward()
    arrays = dict(y=y, t=t, value=v.detach(), grad=y.grad)
    if z is not None:
        z = z.clone().requires_grad_(True)
        value_fn(to_y(z), t).backward()
        arrays.update(z=z, grad_z=z.grad)
    save(case, doc, **arrays)


def loss_cases():
    g = gen("mse")
    loss_case("mse", "losses::mse on (3, 5): mean over all elements; torch F.mse_loss",
              F.mse_loss, uniform(g, 3, 5), uniform(g, 3, 5))

    g = gen("categorical_crossentropy")
    z = uniform(g, 4, 5, lo=-2, hi=2)
    t = torch.softmax(uniform(g, 4, 5, lo=-2, hi=2), dim=-1)   # soft targets, rows sum to 1
    t[0] = F.one_hot(torch.tensor(2), 5)                        # and one one-hot row
    cce = lambda p, t: -(t * torch.log(p)).sum() / p.shape[0]
    loss_case("categorical_crossentropy", "losses::categorical_crossentropy{} on probabilities p = softmax(z), (4, 5); "
              "value −Σ t log p / N (Keras; p far from the 1e-7 clip), grad = dL/dp; z / grad_z: the fused gradient "
              "through the final softmax, dL/dz = (p − t)/N", cce, torch.softmax(z, -1).detach(), t, z,
              lambda z: torch.softmax(z, -1))
    loss_case("categorical_crossentropy_logits", "losses::categorical_crossentropy{.from_logits = true} on logits (4, 5); "
              "torch −Σ t log_softmax(z) / N (= F.cross_entropy with probability targets)",
              lambda z, t: -(t * torch.log_softmax(z, -1)).sum() / z.shape[0], z, t)

    g = gen("binary_crossentropy")
    z = uniform(g, 3, 4, lo=-3, hi=3)
    t = torch.rand(3, 4, generator=g)   # soft targets in [0, 1)
    t[0] = torch.tensor([0.0, 1.0, 1.0, 0.0])
    p = torch.sigmoid(z).detach()
    assert p.min() > 1e-3 and p.max() < 1 - 1e-3   # away from Keras' clip to [1e-7, 1 − 1e-7]
    loss_case("binary_crossentropy", "losses::binary_crossentropy{} on probabilities p = sigmoid(z), (3, 4), p in "
              "[0.062, 0.93], away from Keras' clip [1e-7, 1 − 1e-7]; torch F.binary_cross_entropy (mean); "
              "z / grad_z: the fused gradient through the final sigmoid, (p − t)/numel",
              F.binary_cross_entropy, p, t, z, torch.sigmoid)
    loss_case("binary_crossentropy_logits", "losses::binary_crossentropy{.from_logits = true} on logits (3, 4); "
              "torch F.binary_cross_entropy_with_logits (mean)", F.binary_cross_entropy_with_logits, z, t)

    g = gen("mae")
    loss_case("mae", "losses::mae on (3, 5): mean |y − t| over all elements; torch F.l1_loss", F.l1_loss,
              uniform(g, 3, 5), uniform(g, 3, 5))
    for case, delta in (("huber", 1.0), ("huber_0_5", 0.5)):
        g = gen(case)
        loss_case(case, f"losses::huber<{'' if delta == 1.0 else 'ratio<1, 2>'}> (δ = {delta}) on (3, 5), |y − t| on "
                  f"both sides of δ; torch F.huber_loss(delta={delta})",
                  lambda y, t, delta=delta: F.huber_loss(y, t, delta=delta), uniform(g, 3, 5, lo=-2, hi=2), uniform(g, 3, 5))
    g = gen("kl_divergence")
    p = torch.softmax(uniform(g, 4, 5, lo=-2, hi=2), -1)
    t = torch.softmax(uniform(g, 4, 5, lo=-2, hi=2), -1)
    loss_case("kl_divergence", "losses::kl_divergence on probabilities (4, 5), rows of t and p sum to 1, no value "
              "near the 1e-7 clip: Σ t log(t/p) / rows; torch F.kl_div(log p, t, reduction='batchmean')",
              lambda p, t: F.kl_div(torch.log(p), t, reduction="batchmean"), p, t)
    # Keras' sample_weight: Σ_n w_n l_n / N with l_n the sample's loss (its mean over elements for mse and
    # binary cross-entropy, its sum over classes for categorical cross-entropy).
    g = gen("mse_weighted")
    y, t, w = uniform(g, 3, 5), uniform(g, 3, 5), uniform(g, 3, lo=0.0, hi=2.0)
    y_ = y.clone().requires_grad_(True)
    value = (((y_ - t) ** 2).mean(-1) * w).sum() / 3
    value.backward()
    save("mse_weighted", "losses::mse value(y, t, w) / gradient(y, t, w, dy) with per-sample weights w (3): "
         "Σ_n w_n mean_j (y − t)²_nj / N (Keras sample_weight, 'sum_over_batch_size')",
         y=y, t=t, w=w, value=value.detach(), grad=y_.grad)
    for case, n, classes, probs, logits in (
            ("categorical_crossentropy_weighted", 4, 5, lambda z: torch.softmax(z, -1),
             lambda p, t: -(t * torch.log(p)).sum(-1)),
            ("binary_crossentropy_weighted", 3, 4, torch.sigmoid,
             lambda p, t: F.binary_cross_entropy(p, t, reduction="none").mean(-1))):
        g = gen(case)
        z = uniform(g, n, classes, lo=-2, hi=2)
        t = torch.softmax(uniform(g, n, classes, lo=-2, hi=2), -1) if "categorical" in case else torch.rand(n, classes, generator=g)
        w = uniform(g, n, lo=0.0, hi=2.0)
        p = probs(z).detach().requires_grad_(True)
        value = (logits(p, t) * w).sum() / n
        value.backward()
        zz = z.clone().requires_grad_(True)
        ((logits(probs(zz), t) * w).sum() / n).backward()
        save(case, f"losses::{case[:-len('_weighted')]} on probabilities with per-sample weights w ({n}): Σ_n w_n l_n / N; "
             "grad = dL/dp, grad_z = the fused gradient through the final softmax / sigmoid",
             y=p, t=t, w=w, value=value.detach(), grad=p.grad, z=zz, grad_z=zz.grad)

    g = gen("masked_mse")
    y, t = uniform(g, 3, 4, 2), uniform(g, 3, 4, 2)
    mask = (torch.rand(4, 2, generator=g) > 0.4).double()   # one sample's mask, broadcast over the batch
    y_ = y.clone().requires_grad_(True)
    value = ((y_ - t) ** 2 * mask).sum() / (mask.sum() * y.shape[0])
    value.backward()
    save("masked_mse", "losses::masked<mse> on (3, 4, 2) with a (4, 2) mask broadcast over the batch: "
         "Σ m (y − t)² / Σ m (the mask's sum over the batch)", y=y, t=t, mask=mask, value=value.detach(), grad=y_.grad)


# ---------------------------------------------------------------------------------------------------
# Optimizers: S steps from w_0 with the gradient sequence g_1..g_S (the gradients do not depend on w:
# the test hands the stored ones to the optimizer).
STEPS = 3


def run_torch_optimizer(make, w0, grads):
    w = w0.clone().requires_grad_(True)
    opt = make([w])
    out = []
    for gk in grads:
        w.grad = gk.clone()
        opt.step()
        out.append(w.detach().clone())
    return out


def keras_adam(w0, grads, lr, b1, b2, eps, wd=0.0):
    """Keras' Adam/AdamW (keras/optimizers/adam.py, adamw.py): ε added to √v, the bias corrections folded
    into the step size; AdamW decays w by lr·wd first (decoupled, like torch.optim.AdamW)."""
    w, m, v, out = w0.clone(), torch.zeros_like(w0), torch.zeros_like(w0), []
    for t, gk in enumerate(grads, start=1):
        w = w * (1 - lr * wd)
        m = b1 * m + (1 - b1) * gk
        v = b2 * v + (1 - b2) * gk * gk
        lr_t = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        w = w - lr_t * m / (torch.sqrt(v) + eps)
        out.append(w.clone())
    return out


def keras_sgd(w0, grads, lr, mu, nesterov, wd=0.0):
    """Keras' SGD: v ← μ v − lr g;  w ← w + v  (Nesterov: w ← w + μ v − lr g)."""
    w, v, out = w0.clone(), torch.zeros_like(w0), []
    for gk in grads:
        gk = gk + wd * w
        v = mu * v - lr * gk
        w = w + (mu * v - lr * gk if nesterov else v)
        out.append(w.clone())
    return out


def optimizer_case(case, doc, w0, grads, ws):
    arrays = dict(w_0=w0)
    for k, (gk, wk) in enumerate(zip(grads, ws), start=1):
        arrays[f"g_{k}"], arrays[f"w_{k}"] = gk, wk
    save(case, doc, **arrays)


def optimizer_cases():
    for case, mu, nesterov, wd in (("sgd", 0.0, False, 0.0), ("sgd_momentum", 0.9, False, 0.0),
                                   ("sgd_nesterov", 0.9, True, 0.0), ("sgd_momentum_weight_decay", 0.8, False, 0.01)):
        g = gen(case)
        w0, grads, lr = uniform(g, 3, 5), [uniform(g, 3, 5) for _ in range(STEPS)], 0.1
        ws = run_torch_optimizer(lambda p: torch.optim.SGD(p, lr=lr, momentum=mu, nesterov=nesterov, weight_decay=wd),
                                 w0, grads)
        # Keras' velocity form equals PyTorch's (b ← μ b + g; w ← w − lr b) for a constant lr: v = −lr b.
        for a, b in zip(ws, keras_sgd(w0, grads, lr, mu, nesterov, wd)):
            assert torch.allclose(a, b, rtol=1e-13, atol=1e-15)
        optimizer_case(case, f"optimizers::sgd{{{{.lr = {lr}, .momentum = {mu}, .nesterov = {str(nesterov).lower()}, "
                       f".weight_decay = {wd}}}}}, {STEPS} steps on (3, 5); torch.optim.SGD (identical to Keras' velocity "
                       "form for a constant lr, asserted in the script)", w0, grads, ws)

    for case, lr, eps, wd in (("adam", 0.01, 1e-7, 0.0), ("adam_eps_large", 0.01, 0.1, 0.0), ("adamw", 0.01, 1e-7, 0.05)):
        g = gen(case)
        w0 = uniform(g, 3, 5)
        grads = [uniform(g, 3, 5) for _ in range(STEPS)]
        grads[1][0, 0] = 1e-4   # a tiny gradient, where ε's placement matters
        ws = keras_adam(w0, grads, lr, 0.9, 0.999, eps, wd)
        # With ε = 0 the Keras form is exactly torch.optim.Adam/AdamW: check the script's formula against it.
        make = (lambda p: torch.optim.AdamW(p, lr=lr, eps=0.0, weight_decay=wd)) if wd else \
            (lambda p: torch.optim.Adam(p, lr=lr, eps=0.0))
        for a, b in zip(run_torch_optimizer(make, w0, grads), keras_adam(w0, grads, lr, 0.9, 0.999, 0.0, wd)):
            assert torch.allclose(a, b, rtol=1e-12, atol=1e-15)
        optimizer_case(case, f"optimizers::adam{{{{.lr = {lr}, .epsilon = {eps}, .weight_decay = {wd}}}}}, {STEPS} steps on "
                       "(3, 5); Keras' formula (ε added to √v, lr_t = lr √(1 − β2^t)/(1 − β1^t)) computed in the script, "
                       f"which equals torch.optim.{'AdamW' if wd else 'Adam'} when ε = 0 (asserted); PyTorch adds ε to "
                       "√v̂ instead", w0, grads, ws)


def keras_rmsprop(w0, grads, lr, rho, mu, eps, centered):
    """Keras' RMSprop (keras/optimizers/rmsprop.py): ε inside the root, lr inside the momentum buffer."""
    w, v, m, b, out = w0.clone(), torch.zeros_like(w0), torch.zeros_like(w0), torch.zeros_like(w0), []
    for gk in grads:
        v = rho * v + (1 - rho) * gk * gk
        if centered:
            m = rho * m + (1 - rho) * gk
            step = lr * gk / torch.sqrt(v - m * m + eps)
        else:
            step = lr * gk / torch.sqrt(v + eps)
        if mu > 0:
            b = mu * b + step
            w = w - b
        else:
            w = w - step
        out.append(w.clone())
    return out


def keras_adamax(w0, grads, lr, b1, b2, eps):
    """Keras' Adamax: u ← max(β2 u, |g|), w ← w − lr m / ((1 − β1^t)(u + ε))."""
    w, m, u, out = w0.clone(), torch.zeros_like(w0), torch.zeros_like(w0), []
    for t, gk in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * gk
        u = torch.maximum(b2 * u, gk.abs())
        w = w - lr * m / ((1 - b1 ** t) * (u + eps))
        out.append(w.clone())
    return out


def more_optimizer_cases():
    def draw(case):
        g = gen(case)
        return uniform(g, 3, 5), [uniform(g, 3, 5) for _ in range(STEPS)]

    # Adagrad: torch.optim.Adagrad computes tf.keras 2's form (ε outside the root) exactly: cascade's
    # epsilon_outside_root option (its default is Keras 3's g / √(a + ε)).
    for case, lr, acc0, eps in (("adagrad", 0.1, 0.1, 1e-7), ("adagrad_torch_defaults", 0.01, 0.0, 1e-10)):
        w0, grads = draw(case)
        ws = run_torch_optimizer(lambda p: torch.optim.Adagrad(p, lr=lr, initial_accumulator_value=acc0, eps=eps), w0, grads)
        optimizer_case(case, f"optimizers::adagrad{{{{.lr = {lr}, .initial_accumulator_value = {acc0}, .epsilon = {eps}, "
                       f".epsilon_outside_root = true}}}}, {STEPS} steps; torch.optim.Adagrad with the same values "
                       "(tf.keras 2's ApplyAdagradV2 form, g / (√a + ε); Keras 3, cascade's default, puts ε inside the root)",
                       w0, grads, ws)

    # Adadelta: one formula everywhere; the defaults differ.
    for case, lr, rho, eps, who in (("adadelta_keras", 1.0, 0.95, 1e-7, "Keras' ρ and ε (lr 1.0 as standalone Keras ≤ 2.2; "
                                     "Keras 3's default lr is 1e-3)"),
                                    ("adadelta_torch_defaults", 1.0, 0.9, 1e-6, "PyTorch's defaults")):
        w0, grads = draw(case)
        ws = run_torch_optimizer(lambda p: torch.optim.Adadelta(p, lr=lr, rho=rho, eps=eps), w0, grads)
        optimizer_case(case, f"optimizers::adadelta{{{{.lr = {lr}, .rho = {rho}, .epsilon = {eps}}}}}, {STEPS} steps, {who}; "
                       "torch.optim.Adadelta (the same formula as Keras)", w0, grads, ws)

    # RMSprop: Keras' ε placement computed here; equal to torch.optim.RMSprop when ε = 0 (asserted).
    for case, lr, rho, mu, eps, centered in (("rmsprop", 0.01, 0.9, 0.0, 1e-7, False),
                                             ("rmsprop_momentum_centered", 0.01, 0.9, 0.5, 1e-7, True),
                                             ("rmsprop_torch_defaults", 0.01, 0.99, 0.0, 1e-8, False),
                                             ("rmsprop_eps_large", 0.01, 0.9, 0.0, 0.1, False)):
        w0, grads = draw(case)
        ws = keras_rmsprop(w0, grads, lr, rho, mu, eps, centered)
        ref0 = run_torch_optimizer(lambda p: torch.optim.RMSprop(p, lr=lr, alpha=rho, eps=0.0, momentum=mu, centered=centered),
                                   w0, grads)
        for a, b in zip(ref0, keras_rmsprop(w0, grads, lr, rho, mu, 0.0, centered)):
            assert torch.allclose(a, b, rtol=1e-12, atol=1e-15)
        optimizer_case(case, f"optimizers::rmsprop{{{{.lr = {lr}, .rho = {rho}, .momentum = {mu}, .epsilon = {eps}, "
                       f".centered = {str(centered).lower()}}}}}, {STEPS} steps; Keras' formula (ε inside the root) computed "
                       "in the script, equal to torch.optim.RMSprop(alpha=ρ) when ε = 0 (asserted); PyTorch adds ε "
                       "outside the root", w0, grads, ws)

    # Adamax: Keras' ε placement computed here; equal to torch.optim.Adamax when ε = 0 (asserted).
    for case, lr, eps in (("adamax", 0.01, 1e-7), ("adamax_eps_large", 0.01, 0.1)):
        w0, grads = draw(case)
        ws = keras_adamax(w0, grads, lr, 0.9, 0.999, eps)
        for a, b in zip(run_torch_optimizer(lambda p: torch.optim.Adamax(p, lr=lr, eps=0.0), w0, grads),
                        keras_adamax(w0, grads, lr, 0.9, 0.999, 0.0)):
            assert torch.allclose(a, b, rtol=1e-12, atol=1e-15)
        optimizer_case(case, f"optimizers::adamax{{{{.lr = {lr}, .epsilon = {eps}}}}}, {STEPS} steps; Keras' formula "
                       "(u + ε in the denominator) computed in the script, equal to torch.optim.Adamax when ε = 0 "
                       "(asserted); PyTorch adds ε inside the max", w0, grads, ws)


# ---------------------------------------------------------------------------------------------------
# A whole training step: sequential<shape<6, 5, 2>, conv2d<3, kernel<3>, padding::same>, batch_norm<unbiased_moving_variance>, relu,
# max_pool2d<2>, flatten, dense<4>, softmax> with categorical cross-entropy (fused with the softmax) and
# SGD with momentum, two steps on one batch.
def model_cases():
    case = "model_cnn_sgd"
    g = gen(case)
    n, h, w, c, f, classes = 4, 6, 5, 2, 3, 4
    x = uniform(g, n, h, w, c)
    t = F.one_hot(torch.randint(0, classes, (n,), generator=g), classes).double()
    params = [uniform(g, 3, 3, c, f) * 0.5, uniform(g, f) * 0.1,                 # conv W (Keras), b
              uniform(g, f, lo=0.5, hi=1.5), uniform(g, f) * 0.1,                # batch norm γ, β
              uniform(g, (h // 2) * (w // 2) * f, classes) * 0.5, uniform(g, classes) * 0.1]   # dense W, b
    moving = [torch.zeros(f), torch.ones(f)]
    arrays = dict(x=x, t=t, buffer_in_0=moving[0].clone(), buffer_in_1=moving[1].clone())
    arrays.update({f"param_{k}": p.clone() for k, p in enumerate(params)})
    lr, mu = 0.1, 0.9
    velocity = [torch.zeros_like(p) for p in params]
    pt, pb = same_padding(h, 3, 1)
    pl, pr = same_padding(w, 3, 1)
    for step in (1, 2):
        ps = [p.clone().requires_grad_(True) for p in params]
        z = F.conv2d(F.pad(nhwc_to_nchw(x), (pl, pr, pt, pb)), ps[0].permute(3, 2, 0, 1), ps[1])
        z = F.batch_norm(z, moving[0], moving[1], ps[2], ps[3], training=True, momentum=0.01, eps=1e-3)
        z = F.max_pool2d(torch.relu(z), 2)
        z = nchw_to_nhwc(z).reshape(n, -1) @ ps[4] + ps[5]                       # flatten in (H, W, C) order
        p = torch.softmax(z, -1)
        loss = -(t * torch.log(p)).sum() / n
        loss.backward()
        with torch.no_grad():
            for k, q in enumerate(params):   # Keras' SGD: v ← μ v − lr g; w ← w + v
                velocity[k] = mu * velocity[k] - lr * ps[k].grad
                params[k] = q + velocity[k]
        arrays[f"loss_{step}"] = loss.detach()
        arrays.update({f"step{step}_param_{k}": q.clone() for k, q in enumerate(params)})
        arrays.update({f"step{step}_buffer_{k}": m.clone() for k, m in enumerate(moving)})
    save(case, "net::sequential<shape<6, 5, 2>, conv2d<3, kernel<3>, padding::same>, batch_norm<unbiased_moving_variance>, "
         "relu, max_pool2d<2>, "
         "flatten, dense<4>, softmax>, N=4, categorical_crossentropy (fused with the softmax), sgd{{.lr = 0.1, "
         ".momentum = 0.9}}: two train::step on one batch; loss_<s>, step<s>_param_<k> and step<s>_buffer_<k> (moving "
         "statistics) after step s. Autograd through the whole model in torch, Keras' SGD written out", **arrays)


# ---------------------------------------------------------------------------------------------------
# Learning-rate schedules: lr_<t> for t = 0..T−1 (the rate used in epoch / step t), from torch.optim.lr_scheduler
# on a dummy optimizer. Keras' conventions; the mapping of PyTorch's parameters is in each doc string.
def torch_schedule_lrs(make, base_lr, epochs):
    w = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([w], lr=base_lr)
    sched = make(opt)
    out = []
    for _ in range(epochs):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return torch.tensor(out)


def schedule_cases():
    lrs = torch_schedule_lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), 0.1, 11)
    save("schedule_step_decay", "schedules::step_decay{.initial = 0.1, .step_size = 3, .factor = 0.5}, t = 0..10; "
         "torch StepLR(step_size=3, gamma=0.5)", lr=lrs)

    lrs = torch_schedule_lrs(lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9), 0.1, 11)
    save("schedule_exponential_decay", "schedules::exponential_decay{.initial = 0.1, .decay_steps = 1, .rate = 0.9}, "
         "t = 0..10; torch ExponentialLR(gamma=0.9)", lr=lrs)
    # decay_steps > 1 has no own PyTorch class: smooth = ExponentialLR(gamma = rate^(1/decay_steps)),
    # staircase = StepLR(decay_steps, rate).
    lrs = torch_schedule_lrs(lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.5 ** 0.25), 0.1, 11)
    save("schedule_exponential_decay_4", "schedules::exponential_decay{.initial = 0.1, .decay_steps = 4, .rate = 0.5}, "
         "t = 0..10; torch ExponentialLR(gamma=0.5^(1/4))", lr=lrs)
    lrs = torch_schedule_lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=4, gamma=0.5), 0.1, 11)
    save("schedule_exponential_decay_4_staircase", "schedules::exponential_decay{.initial = 0.1, .decay_steps = 4, "
         ".rate = 0.5, .staircase = true}, t = 0..10; torch StepLR(step_size=4, gamma=0.5)", lr=lrs)

    # Cosine: CosineAnnealingLR(T_max, eta_min = alpha · initial) up to T_max; beyond it PyTorch's cosine
    # rises again (a period of 2 T_max) while Keras holds alpha · initial, so t > T_max is Keras' constant.
    t_max, alpha, lr0, epochs = 8, 0.1, 0.1, 12
    lrs = torch_schedule_lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=t_max, eta_min=alpha * lr0),
                             lr0, t_max + 1)
    closed = lambda t: lr0 * ((1 - alpha) * 0.5 * (1 + np.cos(np.pi * min(t, t_max) / t_max)) + alpha)
    assert all(abs(lrs[t] - closed(t)) < 1e-15 for t in range(t_max + 1))
    lrs = torch.cat((lrs, torch.full((epochs - t_max - 1,), alpha * lr0)))
    save("schedule_cosine_decay", f"schedules::cosine_decay{{.initial = {lr0}, .decay_steps = {t_max}, .alpha = {alpha}}}, "
         f"t = 0..{epochs - 1}; torch CosineAnnealingLR(T_max={t_max}, eta_min=alpha·initial) for t ≤ {t_max} (recursive "
         "form, asserted equal to the closed form), then Keras' constant alpha·initial (PyTorch's cosine would rise "
         "again)", lr=lrs)

    # Warm-up (Keras 3 CosineDecay(warmup_target, warmup_steps)): SequentialLR(LinearLR(start_factor =
    # initial / target, total_iters = W), CosineAnnealingLR(T_max = decay_steps, eta_min = alpha · target),
    # milestones = [W]) with the optimizer's lr = target.
    lr0, target, warm, decay, alpha, epochs = 0.01, 0.1, 4, 6, 0.2, 13

    def make(o):
        s = torch.optim.lr_scheduler
        return s.SequentialLR(o, [s.LinearLR(o, start_factor=lr0 / target, end_factor=1.0, total_iters=warm),
                                  s.CosineAnnealingLR(o, T_max=decay, eta_min=alpha * target)], milestones=[warm])
    with warnings.catch_warnings():   # SequentialLR steps its children with an epoch argument internally
        warnings.simplefilter("ignore", UserWarning)
        lrs = torch_schedule_lrs(make, target, warm + decay + 1)

    def keras(t):
        if t < warm:
            return lr0 + (target - lr0) * t / warm
        return target * ((1 - alpha) * 0.5 * (1 + np.cos(np.pi * min(t - warm, decay) / decay)) + alpha)
    assert all(abs(lrs[t] - keras(t)) < 1e-15 for t in range(warm + decay + 1)), (lrs, [keras(t) for t in range(15)])
    lrs = torch.cat((lrs, torch.full((epochs - warm - decay - 1,), alpha * target)))
    save("schedule_cosine_decay_warmup", f"schedules::cosine_decay{{.initial = {lr0}, .decay_steps = {decay}, .alpha = "
         f"{alpha}, .warmup_steps = {warm}, .warmup_target = {target}}}, t = 0..{epochs - 1}; torch SequentialLR(LinearLR("
         f"start_factor=initial/target, total_iters={warm}), CosineAnnealingLR(T_max={decay}, eta_min=alpha·target), "
         f"milestones=[{warm}]) on lr = target (asserted equal to Keras' formula), then Keras' constant alpha·target",
         lr=lrs)

    # Reduce on plateau: torch ReduceLROnPlateau(threshold_mode='abs') is Keras' min_delta; PyTorch reduces
    # when num_bad_epochs > patience, Keras when wait ≥ patience (torch patience = Keras patience − 1);
    # PyTorch's cooldown counts the epoch after a reduction, Keras' starts counting again in the epoch its
    # cooldown runs out (torch cooldown = Keras cooldown − 1). eps = 0: every reduction is applied.
    for case, mode, patience, cooldown, min_lr, metric in (
            ("schedule_reduce_on_plateau", "min", 2, 0, 0.0,
             [1.0, 0.8, 0.79995, 0.7, 0.7, 0.69995, 0.71, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.49, 0.49, 0.49]),
            ("schedule_reduce_on_plateau_max_cooldown", "max", 2, 2, 1 / 64,
             [0.5, 0.6, 0.6, 0.6, 0.60005, 0.7, 0.65, 0.7, 0.7, 0.7, 0.7, 0.7, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8])):
        w = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([w], lr=0.1)
        sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode=mode, factor=0.5, patience=patience - 1,
                                                           threshold=1e-4, threshold_mode="abs",
                                                           cooldown=max(cooldown - 1, 0), min_lr=min_lr, eps=0.0)
        lrs = []
        for m in metric:
            sched.step(m)
            lrs.append(opt.param_groups[0]["lr"])
        save(case, f"schedules::reduce_on_plateau{{{{.factor = 0.5, .patience = {patience}, .min_delta = 1e-4, .cooldown = "
             f"{cooldown}, .min_lr = {min_lr}, .mode = {mode}}}}}, lr₀ = 0.1, on a fixed metric sequence ({len(metric)} "
             f"epochs, steps of exactly min_delta/2 that must not count); lr after each epoch; torch ReduceLROnPlateau("
             f"mode='{mode}', factor=0.5, patience={patience - 1}, threshold=1e-4, threshold_mode='abs', cooldown="
             f"{max(cooldown - 1, 0)}, min_lr={min_lr}, eps=0): Keras' patience − 1 and cooldown − 1, 'abs' = min_delta",
             metric=torch.tensor(metric), lr=torch.tensor(lrs))


# ---------------------------------------------------------------------------------------------------
# Gradient clipping (optimizers::clipped<sgd>): two parameters (3, 5) and (2, 4), S steps of SGD with
# momentum; the gradients are clipped by Keras' formula, which the script checks against torch's utils.
def keras_clip(grads, clipvalue, clipnorm, global_clipnorm):
    grads = [g.clamp(-clipvalue, clipvalue) if clipvalue else g.clone() for g in grads]
    if clipnorm:
        grads = [g * clipnorm / max(g.norm().item(), clipnorm) for g in grads]
    if global_clipnorm:
        norm = torch.sqrt(sum((g * g).sum() for g in grads)).item()
        grads = [g * global_clipnorm / max(norm, global_clipnorm) for g in grads]
    return grads


def clipping_cases():
    for case, cv, cn, gn in (("clipped_sgd_clipvalue", 0.5, 0.0, 0.0), ("clipped_sgd_clipnorm", 0.0, 1.5, 0.0),
                             ("clipped_sgd_global_clipnorm", 0.0, 0.0, 2.0),
                             ("clipped_sgd_clipvalue_global_clipnorm", 0.6, 0.0, 1.5)):
        g = gen(case)
        w0 = [uniform(g, 3, 5), uniform(g, 2, 4)]
        # Gradient scales: some steps above the norm limit, some below (the factor must be 1 there).
        grads = [[uniform(g, 3, 5) * s0, uniform(g, 2, 4) * s1] for s0, s1 in ((1.0, 0.5), (0.3, 0.2), (2.0, 0.1))]
        ws = [w.clone().requires_grad_(True) for w in w0]
        opt = torch.optim.SGD(ws, lr=0.1, momentum=0.9)
        arrays = {f"w_0_{k}": w for k, w in enumerate(w0)}
        for s, gs in enumerate(grads, start=1):
            for w, gk in zip(ws, gs):
                w.grad = gk.clone()
            if cv:
                torch.nn.utils.clip_grad_value_(ws, cv)
            # torch's clip_grad_norm_ scales by max_norm / (norm + 1e-6): the applied gradients are Keras'
            # c / max(norm, c), checked against torch's to that 1e-6.
            keras = keras_clip(gs, cv, cn, gn)
            if cn:
                for w in ws:
                    torch.nn.utils.clip_grad_norm_([w], cn)
            if gn:
                torch.nn.utils.clip_grad_norm_(ws, gn)
            for w, kg in zip(ws, keras):
                assert torch.allclose(w.grad, kg, rtol=1e-5, atol=0)
                w.grad = kg.clone()
            opt.step()
            for k, (w, gk) in enumerate(zip(ws, gs)):
                arrays[f"g_{s}_{k}"], arrays[f"w_{s}_{k}"] = gk, w.detach().clone()
        save(case, f"optimizers::clipped<sgd>{{{{.lr = 0.1, .momentum = 0.9}}, {{.clipvalue = {cv}, .clipnorm = {cn}, "
             f".global_clipnorm = {gn}}}}}, two parameters (3, 5), (2, 4), 3 steps, unclipped gradients g_<s>_<k>, "
             "weights w_<s>_<k>; torch.optim.SGD after torch.nn.utils.clip_grad_value_ (clipvalue) and clip_grad_norm_ "
             "(per tensor: clipnorm; over both: global_clipnorm), whose factor max_norm / (‖g‖ + 1e-6) is replaced by "
             "Keras' c / max(‖g‖, c) (asserted within 1e-5)", **arrays)


    # Clipping in front of an optimizer with its own state: Keras' Adam (keras_adam above) per tensor on the
    # clipnorm-clipped gradients.
    case = "clipped_adam_clipnorm"
    g = gen(case)
    w0 = [uniform(g, 3, 5), uniform(g, 2, 4)]
    grads = [[uniform(g, 3, 5) * s0, uniform(g, 2, 4) * s1] for s0, s1 in ((1.0, 0.5), (0.3, 0.2), (2.0, 3.0))]
    clipped = [keras_clip(gs, 0.0, 1.2, 0.0) for gs in grads]
    for gs, cg in zip(grads, clipped):   # against torch's clip_grad_norm_ per tensor, to its 1e-6
        for gk, ck in zip(gs, cg):
            ref = gk.clone().requires_grad_(True)
            ref.grad = gk.clone()
            torch.nn.utils.clip_grad_norm_([ref], 1.2)
            assert torch.allclose(ref.grad, ck, rtol=1e-5, atol=0)
    arrays = {f"w_0_{k}": w for k, w in enumerate(w0)}
    for k in range(2):
        ws = keras_adam(w0[k], [cg[k] for cg in clipped], 0.01, 0.9, 0.999, 1e-7)
        for s, (gs, wk) in enumerate(zip(grads, ws), start=1):
            arrays[f"g_{s}_{k}"], arrays[f"w_{s}_{k}"] = gs[k], wk
    save(case, "optimizers::clipped<adam>{{.lr = 0.01}, {.clipnorm = 1.2}}, two parameters (3, 5), (2, 4), 3 steps "
         "(tensor 0 clipped in steps 1 and 3, tensor 1 in step 3); Keras' clip (asserted within 1e-5 of torch's "
         "clip_grad_norm_ per tensor) and Keras' Adam (ε 1e-7) written out", **arrays)


# ---------------------------------------------------------------------------------------------------
# GAN losses on discriminator logits (losses/gan.hpp) = BCE-with-logits formulations.
def gan_cases():
    g = gen("gan_losses")
    real = uniform(g, 5, 1, lo=-4, hi=4)
    fake = uniform(g, 4, 1, lo=-4, hi=4)
    real[0, 0], fake[0, 0] = 18.0, -18.0   # far into the saturated range: the softplus form must stay exact
    bce = F.binary_cross_entropy_with_logits
    r, f = real.clone().requires_grad_(True), fake.clone().requires_grad_(True)
    d = bce(r, torch.ones_like(r)) + bce(f, torch.zeros_like(f))
    d.backward()
    arrays = dict(real=real, fake=fake, d_value=d.detach(), d_grad_real=r.grad, d_grad_fake=f.grad)
    f = fake.clone().requires_grad_(True)
    mm = -bce(f, torch.zeros_like(f))
    mm.backward()
    arrays.update(minimax_value=mm.detach(), minimax_grad=f.grad)
    f = fake.clone().requires_grad_(True)
    ns = bce(f, torch.ones_like(f))
    ns.backward()
    arrays.update(non_saturating_value=ns.detach(), non_saturating_grad=f.grad)
    save("gan_losses", "losses::gan on logits real (5, 1), fake (4, 1), one of each at ±18: discriminator_loss = "
         "BCEWithLogits(real, 1) + BCEWithLogits(fake, 0), generator_loss_minimax = −BCEWithLogits(fake, 0) "
         "(= mean log(1 − σ(d))), generator_loss_non_saturating = BCEWithLogits(fake, 1); values and autograd "
         "gradients (torch F.binary_cross_entropy_with_logits, mean)", **arrays)


# ---------------------------------------------------------------------------------------------------
# layers::sampling (VAE). The noise is cascade's: std::mt19937_64 (written out below, checked against the
# C++ standard's 10000th value) seeded with SAMPLING_SEED, and Box–Muller as cascade's detail::standard_normal,
# so the test seeds the layer's public engine and the layer draws exactly this ε.
class mt19937_64:
    def __init__(self, seed=5489):
        m = (1 << 64) - 1
        self.mt = [seed & m]
        for i in range(1, 312):
            self.mt.append((6364136223846793005 * (self.mt[-1] ^ (self.mt[-1] >> 62)) + i) & m)
        self.i = 312

    def __call__(self):
        m, lo, hi = (1 << 64) - 1, (1 << 31) - 1, ((1 << 64) - 1) ^ ((1 << 31) - 1)
        if self.i >= 312:
            for k in range(312):
                y = (self.mt[k] & hi) | (self.mt[(k + 1) % 312] & lo)
                self.mt[k] = self.mt[(k + 156) % 312] ^ (y >> 1) ^ (0xB5026F5AA96619E9 if y & 1 else 0)
            self.i = 0
        y = self.mt[self.i]
        self.i += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        y ^= y >> 43
        return y & m


def cascade_standard_normal(e):
    u1, u2 = (e() >> 11) * 2.0 ** -53, (e() >> 11) * 2.0 ** -53
    return math.sqrt(-2.0 * math.log(max(u1, 1e-300))) * math.cos(6.283185307179586 * u2)


SAMPLING_SEED = 20240917


def sampling_cases():
    e = mt19937_64()
    for _ in range(9999):
        e()
    assert e() == 9981545732273789042   # [rand.predef]: the 10000th output of a default-constructed mt19937_64
    for case, beta, zdim in (("sampling", 1.0, 3), ("sampling_beta_0_25", 0.25, 4)):
        g = gen(case)
        n = 3
        x = torch.cat((uniform(g, n, zdim), uniform(g, n, zdim, lo=-1.5, hi=1.0)), 1)   # [μ, log σ²]
        e = mt19937_64(SAMPLING_SEED)
        eps = torch.tensor([[cascade_standard_normal(e) for _ in range(zdim)] for _ in range(n)])

        def fn(x, z=zdim, eps=eps):
            return x[:, :z] + torch.exp(0.5 * x[:, z:]) * eps

        def kl(x, z=zdim):
            mu, lv = x[:, :z], x[:, z:]
            return (-0.5 * (1 + lv - mu * mu - torch.exp(lv)).sum(1)).mean()
        gd = gen(case + "/dy")
        xr = x.clone().requires_grad_(True)
        y = fn(xr)
        dy = uniform(gd, *y.shape)
        value = kl(xr)
        ((y * dy).sum() + beta * value).backward()
        save(case, f"layers::sampling<{'' if beta == 1.0 else 'ratio<1, 4>'}> on shape<{2 * zdim}>, N={n}, training "
             "forward with cascade's draw (ε: mt19937_64 seeded with 20240917 and cascade's Box–Muller, reproduced in "
             "the script; the test seeds the layer's engine): y = μ + exp(½ log σ²) ε, kl = mean_n −½ Σ(1 + log σ² − "
             "μ² − σ²), auxiliary_loss = β·kl, dx = autograd of Σ y ⊙ dy + β·kl; y_infer = μ",
             x=x, eps=eps, y=y, dy=dy, dx=xr.grad, kl=value.detach(), auxiliary_loss=beta * value.detach(),
             y_infer=x[:, :zdim])


# ---------------------------------------------------------------------------------------------------
# layers::regularized<dense, l1 / l2 / l1_l2>: the layer case plus the penalty (its auxiliary_loss) and the
# gradient of f = Σ y ⊙ dy + P(W) (Keras kernel_regularizer; PyTorch: an explicit term in the loss).
def regularized_cases():
    for case, l1, l2 in (("regularized_dense_l2", 0.0, 0.01), ("regularized_dense_l1", 0.05, 0.0),
                         ("regularized_dense_l1_l2", 0.02, 0.03)):
        g = gen(case)
        w, b, x = uniform(g, 6, 4), uniform(g, 4), uniform(g, 3, 6)
        penalty = lambda w: l1 * w.abs().sum() + l2 * (w * w).sum()
        gd = gen(case + "/dy")
        xr, wr, br = (t.clone().requires_grad_(True) for t in (x, w, b))
        y = xr @ wr + br
        dy = uniform(gd, *y.shape)
        p = penalty(wr)
        ((y * dy).sum() + p).backward()
        reg = "l2<ratio<1, 100>>" if not l1 else ("l1<ratio<1, 20>>" if not l2 else "l1_l2<ratio<1, 50>, ratio<3, 100>>")
        save(case, f"layers::regularized<dense<4>, regularizers::{reg}> on shape<6>, N=3: y = x W + b, penalty = "
             f"{l1} Σ|W| + {l2} Σ W² (summed, not averaged; Keras kernel_regularizer) → auxiliary_loss, grad_<k> = autograd of "
             "Σ y ⊙ dy + penalty (torch: the explicit term)", x=x, y=y, dy=dy, dx=xr.grad, param_0=w, param_1=b,
             grad_0=wr.grad, grad_1=br.grad, auxiliary_loss=p.detach())


# ---------------------------------------------------------------------------------------------------
# net::concat and net::multi_input against torch.cat-based modules.
def concat_cases():
    g = gen("concat_dense_identity")
    w1, b1, w2 = uniform(g, 5, 3), uniform(g, 3), uniform(g, 5, 2)
    layer_case("concat_dense_identity", "net::concat<branch<dense<3>, tanh>, branch<dense<2, no_bias>>, "
               "branch<>> on shape<5>, N=3: torch.cat((tanh(x W1 + b1), x W2, x), -1); params in branch order",
               lambda x, w1, b1, w2: torch.cat((torch.tanh(x @ w1 + b1), x @ w2, x), -1), uniform(g, 3, 5), (w1, b1, w2))

    g = gen("concat_conv2d")
    k1, c1, k3, c3 = uniform(g, 1, 1, 2, 3), uniform(g, 3), uniform(g, 3, 3, 2, 2) * 0.5, uniform(g, 2)

    def fn(x, k1, c1, k3, c3):
        xc = nhwc_to_nchw(x)
        a = F.conv2d(xc, k1.permute(3, 2, 0, 1), c1)
        b = F.conv2d(F.pad(xc, (1, 1, 1, 1)), k3.permute(3, 2, 0, 1), c3)
        return torch.cat((nchw_to_nhwc(a), torch.relu(nchw_to_nhwc(b)), x), -1)
    layer_case("concat_conv2d", "net::concat<branch<conv2d<3, kernel<1>>>, branch<conv2d<2, kernel<3>, padding::same>, relu>, "
               "branch<>> on shape<5, 4, 2>, N=2 (Inception-style): torch.cat on the channel axis of NHWC", fn,
               uniform(g, 2, 5, 4, 2), (k1, c1, k3, c3))

    # multi_input<inputs<sequential<shape<4>, dense<3>, relu>, sequential<shape<2>, dense<2>>>, dense<2>>:
    # x0 (3, 4), x1 (3, 2) → cat(relu(x0 W0 + b0), x1 W1 + b1) W2 + b2.
    g = gen("multi_input_dense")
    params = [uniform(g, 4, 3), uniform(g, 3), uniform(g, 2, 2), uniform(g, 2), uniform(g, 5, 2), uniform(g, 2)]
    x0, x1 = uniform(g, 3, 4), uniform(g, 3, 2)
    gd = gen("multi_input_dense/dy")
    ps = [p.clone().requires_grad_(True) for p in params]
    x0r, x1r = x0.clone().requires_grad_(True), x1.clone().requires_grad_(True)
    y = torch.cat((torch.relu(x0r @ ps[0] + ps[1]), x1r @ ps[2] + ps[3]), -1) @ ps[4] + ps[5]
    dy = uniform(gd, *y.shape)
    (y * dy).sum().backward()
    arrays = dict(x0=x0, x1=x1, y=y, dy=dy, dx0=x0r.grad, dx1=x1r.grad)
    for k, p in enumerate(ps):
        arrays[f"param_{k}"], arrays[f"grad_{k}"] = params[k], p.grad
    save("multi_input_dense", "net::multi_input<inputs<sequential<shape<4>, dense<3>, relu>, sequential<shape<2>, "
         "dense<2>>>, dense<2>>, N=3: y = cat(relu(x0 W0 + b0), x1 W1 + b1) W2 + b2; forward, backward with dy → "
         "dx0, dx1 (the heads' input gradients) and grad_<k> in the network's params() order (heads, then trunk)",
         **arrays)


# ---------------------------------------------------------------------------------------------------
# Whole train::steps through the pieces above, in model_cnn_sgd's format: the clipping optimizer on a
# network (train::apply_gradients observes every gradient first), and a VAE-style network whose reported
# loss includes a kernel penalty and the sampling layer's KL term.
def keras_sgd_step(params, grads, velocity, lr, mu):
    for k in range(len(params)):   # Keras' SGD: v ← μ v − lr g; w ← w + v
        velocity[k] = mu * velocity[k] - lr * grads[k]
        params[k] = params[k] + velocity[k]


def composite_model_cases():
    case = "model_dense_clipped_sgd"
    g = gen(case)
    n, limit = 3, 0.3
    x, t = uniform(g, n, 4), uniform(g, n, 3)
    params = [uniform(g, 4, 5), uniform(g, 5) * 0.1, uniform(g, 5, 3), uniform(g, 3) * 0.1]
    arrays = dict(x=x, t=t, **{f"param_{k}": p.clone() for k, p in enumerate(params)})
    velocity = [torch.zeros_like(p) for p in params]
    norms = []
    for step in (1, 2):
        ps = [p.clone().requires_grad_(True) for p in params]
        loss = F.mse_loss(torch.tanh(x @ ps[0] + ps[1]) @ ps[2] + ps[3], t)
        loss.backward()
        grads = keras_clip([p.grad for p in ps], 0.0, 0.0, limit)
        norms.append(torch.sqrt(sum((p.grad ** 2).sum() for p in ps)).item())
        with torch.no_grad():
            keras_sgd_step(params, grads, velocity, 0.1, 0.9)
        arrays[f"loss_{step}"] = loss.detach()
        arrays.update({f"step{step}_param_{k}": q.clone() for k, q in enumerate(params)})
    assert norms[0] > limit and norms[1] > limit, norms   # the clip acts in both steps
    save(case, f"net::sequential<shape<4>, dense<5>, tanh, dense<3>>, N={n}, mse, optimizers::clipped<sgd>{{{{.lr = 0.1, "
         f".momentum = 0.9}}, {{.global_clipnorm = {limit}}}}}: two train::step (global norms {norms[0]:.2f}, "
         f"{norms[1]:.2f}: scaled by c / ‖g‖ over all four tensors); autograd in torch, Keras' clip and SGD written out",
         **arrays)

    case = "model_vae_sgd"
    g = gen(case)
    n, zdim = 3, 3
    x, t = uniform(g, n, 4), uniform(g, n, 3)
    params = [uniform(g, 4, 2 * zdim), uniform(g, 2 * zdim) * 0.1, uniform(g, zdim, 3), uniform(g, 3) * 0.1]
    arrays = dict(x=x, t=t, **{f"param_{k}": p.clone() for k, p in enumerate(params)})
    velocity = [torch.zeros_like(p) for p in params]
    e = mt19937_64(SAMPLING_SEED)   # the sampling layer's engine, seeded by the test; step 2 continues it
    for step in (1, 2):
        eps = torch.tensor([[cascade_standard_normal(e) for _ in range(zdim)] for _ in range(n)])
        ps = [p.clone().requires_grad_(True) for p in params]
        ml = x @ ps[0] + ps[1]
        mu, lv = ml[:, :zdim], ml[:, zdim:]
        y = (mu + torch.exp(0.5 * lv) * eps) @ ps[2] + ps[3]
        kl = (-0.5 * (1 + lv - mu * mu - torch.exp(lv)).sum(1)).mean()
        loss = F.mse_loss(y, t) + 0.01 * (ps[0] ** 2).sum() + kl
        loss.backward()
        with torch.no_grad():
            keras_sgd_step(params, [p.grad for p in ps], velocity, 0.1, 0.9)
        arrays[f"loss_{step}"] = loss.detach()
        arrays.update({f"step{step}_param_{k}": q.clone() for k, q in enumerate(params)})
    save(case, f"net::sequential<shape<4>, regularized<dense<{2 * zdim}>, l2<>>, sampling<>, dense<3>>, N={n}, mse, "
         "sgd{{.lr = 0.1, .momentum = 0.9}}: two train::step; the reported loss is mse + 0.01 Σ W1² + KL (Keras' "
         "add_loss), ε cascade's draw from the sampling layer's engine seeded with 20240917 (a new draw in step 2); "
         "autograd in torch, Keras' SGD written out", **arrays)


def write_manifest(merge=False):
    """Writes MANIFEST.md; with merge (only some groups were run), keeps the other cases' rows and puts the rows of
    the cases written, in the order written, where the first of them was (at the end for new cases, where a full
    run puts them: option_cases is last)."""
    path = os.path.join(OUT, "MANIFEST.md")
    head = ("# Reference fixtures\n\nWritten by `tests/reference/make_reference.py` (do not edit). float64 `.npy`, "
            "Keras/cascade layouts.\n\n| case | what |\n|---|---|\n")
    rows = [f"| `{case}` | {doc} |\n" for case, doc in MANIFEST]
    if merge and os.path.isfile(path):
        with open(path) as f:
            old = f.readlines()
        written = {case for case, _ in MANIFEST}
        is_written = [line.startswith("| `") and line.split("`")[1] in written for line in old]
        at = is_written.index(True) if True in is_written else len(old)
        kept = [line for line, w in zip(old, is_written) if not w]
        rows, head = kept[:at] + rows + kept[at:], ""
    with open(path, "w") as f:
        f.write(head + "".join(rows))


def main(argv):
    """make_reference.py [--out DIR] [GROUP ...]: without groups, deletes and rewrites DIR (default fixtures/);
    with groups (names of the *_cases functions, e.g. option_cases), writes only theirs into DIR, keeping the
    other fixtures, and merges their rows into DIR/MANIFEST.md."""
    global OUT
    if argv[:1] == ["--out"]:
        OUT, argv = os.path.abspath(argv[1]), argv[2:]
    if argv:
        for name in argv:
            assert name.endswith("_cases") and callable(globals().get(name)), f"no case group {name}"
        os.makedirs(OUT, exist_ok=True)
        for name in argv:
            globals()[name]()
        write_manifest(merge=True)
        print(f"{len(MANIFEST)} cases written into {OUT}")
        return
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    dense_cases()
    conv_cases()
    pool_cases()
    activation_cases()
    batch_norm_cases()
    spatial_cases()
    residual_cases()
    conv_nd_cases()
    conv_transpose_cases()
    pool_nd_cases()
    maxout_time_distributed_cases()
    recurrent_cases()
    loss_cases()
    optimizer_cases()
    more_optimizer_cases()
    model_cases()
    schedule_cases()
    clipping_cases()
    gan_cases()
    sampling_cases()
    regularized_cases()
    concat_cases()
    composite_model_cases()
    option_cases()
    write_manifest()
    total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(OUT) for f in fs)
    print(f"{len(MANIFEST)} cases, {total / 1024:.0f} KiB in {OUT}")


if __name__ == "__main__":
    import sys
    main(sys.argv[1:])
