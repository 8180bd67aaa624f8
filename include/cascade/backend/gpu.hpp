#pragma once
// backend::gpu: device memory (gpu::device_tensor) and the kernels of kernels/gpu/. The same model type
// trains on it:   mlp::on<cascade::backend::gpu, float> net{seed};
// Translation units that include this header are compiled by nvcc or hipcc, or by the host compiler for
// the CPU emulator (docs/gpu.md). Layers see only B::tensor<T, R> and call kernels:: overloads; the
// headers below add the device ones (docs/gpu.md has the table of what runs on the GPU). A layer without
// them fails to compile on this backend (no matching kernels:: overload).
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/kernels/gpu/activations.hpp"
#include "cascade/kernels/gpu/adaptive_optimizers.hpp"
#include "cascade/kernels/gpu/axis_softmax.hpp"
#include "cascade/kernels/gpu/batch_norm.hpp"
#include "cascade/kernels/gpu/concat.hpp"
#include "cascade/kernels/gpu/conv.hpp"
#include "cascade/kernels/gpu/conv_transpose.hpp"
#include "cascade/kernels/gpu/depthwise_conv.hpp"
#include "cascade/kernels/gpu/elementwise.hpp"
#include "cascade/kernels/gpu/elementwise_loss.hpp"
#include "cascade/kernels/gpu/embedding.hpp"
#include "cascade/kernels/gpu/gemm.hpp"
#include "cascade/kernels/gpu/group_norm.hpp"
#include "cascade/kernels/gpu/layer_norm.hpp"
#include "cascade/kernels/gpu/layout.hpp"
#include "cascade/kernels/gpu/loss.hpp"
#include "cascade/kernels/gpu/maxout.hpp"
#include "cascade/kernels/gpu/merge.hpp"
#include "cascade/kernels/gpu/noise.hpp"
#include "cascade/kernels/gpu/optimizers.hpp"
#include "cascade/kernels/gpu/pointwise.hpp"
#include "cascade/kernels/gpu/pool.hpp"
#include "cascade/kernels/gpu/rectifiers.hpp"
#include "cascade/kernels/gpu/recurrent.hpp"
#include "cascade/kernels/gpu/regularization.hpp"
#include "cascade/kernels/gpu/resample.hpp"
#include "cascade/kernels/gpu/sampling.hpp"
#include "cascade/kernels/gpu/softmax.hpp"
#include "cascade/kernels/gpu/unit_norm.hpp"

namespace cascade::backend {

struct gpu {
    static constexpr const char* name = "gpu";
    template <class T, std::size_t R>
    using tensor = ::cascade::gpu::device_tensor<T, R>;
    template <class T, std::size_t R>
    static tensor<T, R> filled(const std::array<std::size_t, R>& s, T v = T(0)) {
        tensor<T, R> t(s);
        if (t.size()) ::cascade::kernels::fill(t, v);
        return t;
    }
};

} // namespace cascade::backend
