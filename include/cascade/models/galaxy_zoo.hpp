#pragma once
// galaxy_zoo: the Kaggle Galaxy Zoo challenge winner's network (S. Dieleman, K. Willett, J. Dambre,
// "Rotation-invariant convolutional neural networks for galaxy morphology prediction", MNRAS 450 (2015)
// 1441), shown in seed 001 (Kalashev, lecture 5, slide "Galaxy zoo challenge winner").
//
// Each galaxy is seen from several viewpoints; ONE convolution stack with shared weights processes every
// view (time_distributed over the view axis), the features of all views are concatenated, two maxout
// dense layers of 2048 units (2 pieces each, dropout 0.5 before each) follow, and 37 outputs are made
// consistent with the decision tree (galaxy_zoo_output below). Per view (45×45×3 crop):
//   conv 6×6×32 → relu → max-pool 2 → conv 5×5×64 → relu → max-pool 2 → conv 3×3×128 → relu →
//   conv 3×3×128 → relu → max-pool 2 → flatten: 40 → 20 → 16 → 8 → 6 → 4 → 2: 2·2·128 = 512 features.
// Choices the slide leaves open (documented in examples/galaxy_zoo/README.md): the paper cuts 16 parts
// (4 crops of 45×45 from each of 4 rotated/flipped 69×69 images); we use the centre crop under the 4
// rotations (or 8 dihedral transforms) — same network, fewer views, `Views` is a parameter. Units is a
// parameter too: the default example trains a smaller (256-unit) version on 2 CPU cores; `galaxy_zoo`
// is the full 2048-unit network.
#include "cascade/layers/activations.hpp"
#include "cascade/layers/conv2d.hpp"
#include "cascade/layers/dense.hpp"
#include "cascade/layers/dropout.hpp"
#include "cascade/layers/maxout.hpp"
#include "cascade/layers/pool2d.hpp"
#include "cascade/layers/reshape.hpp"
#include "cascade/layers/time_distributed.hpp"
#include "cascade/data/toy/galaxy_zoo.hpp"
#include "cascade/net/block.hpp"
#include "cascade/net/sequential.hpp"

#include <algorithm>

namespace cascade::models {

// galaxy_zoo_output: the winner's output layer. z (N, 37) → a = max(z, 0); per question q with answers
// A_q and the probability w_q of reaching it (1 for Q1 and Q6, else the parent answer's output):
//   p_a = w_q · a_a / (Σ_{b ∈ A_q} a_b + ε),   ε = 1e-7
// so every question's answers sum to w_q, as in the Kaggle targets. Backward walks the tree from the
// leaves: with u_a = a_a / S_q,  ∂L/∂w_q = Σ_a g_a u_a (added to the parent answer's gradient) and
// ∂L/∂a_b = w_q (g_b − Σ_a g_a u_a) / S_q, then the ReLU's mask.
struct galaxy_zoo_output {
    static constexpr const char* name = "galaxy_zoo_output";
    template <class In>
    static constexpr bool accepts = std::is_same_v<In, shape<data::toy::galaxy_zoo_outputs>>;
    template <class In>
    static constexpr void check() {
        static_assert(accepts<In>, "galaxy_zoo_output: input must be the 37 raw answers per galaxy, shape<37>");
    }
    template <class In>
    using output_shape = shape<data::toy::galaxy_zoo_outputs>;

    template <class In, class B, class T>
    struct impl : layers::no_params {
        using tensor = typename B::template tensor<T, 2>;
        static constexpr T eps = T(1e-7);
        static constexpr std::size_t K = data::toy::galaxy_zoo_outputs;
        tensor g_;   // running gradient w.r.t. the outputs (children add to their parents' entries)
        using layers::no_params::no_params;

        void forward(const tensor& z, tensor& y, mode) {
            ensure_shape(y, z.shape());
            const std::size_t n = z.shape()[0];
            for (std::size_t i = 0; i < n; ++i) {
                const T* zi = z.data() + i * K;
                T* yi = y.data() + i * K;
                for (const auto& q : data::toy::galaxy_zoo_tree) {   // parents come first in the table
                    const T w = q.parent < 0 ? T(1) : yi[q.parent];
                    T s = eps;
                    for (std::size_t a = 0; a < q.answers; ++a) s += std::max(zi[q.offset + a], T(0));
                    for (std::size_t a = 0; a < q.answers; ++a) yi[q.offset + a] = w * std::max(zi[q.offset + a], T(0)) / s;
                }
            }
        }
        void backward(const tensor& z, const tensor& y, const tensor& dy, tensor* dz) {
            if (!dz) return;
            ensure_shape(*dz, z.shape());
            g_ = dy;
            const std::size_t n = z.shape()[0];
            const auto& tree = data::toy::galaxy_zoo_tree;
            for (std::size_t i = 0; i < n; ++i) {
                const T* zi = z.data() + i * K;
                const T* yi = y.data() + i * K;
                T* gi = g_.data() + i * K;
                T* di = dz->data() + i * K;
                for (std::size_t qi = tree.size(); qi-- > 0;) {   // leaves first
                    const auto& q = tree[qi];
                    const T w = q.parent < 0 ? T(1) : yi[q.parent];
                    T s = eps;
                    for (std::size_t a = 0; a < q.answers; ++a) s += std::max(zi[q.offset + a], T(0));
                    T gu = 0;   // Σ_a g_a u_a
                    for (std::size_t a = 0; a < q.answers; ++a) gu += gi[q.offset + a] * std::max(zi[q.offset + a], T(0)) / s;
                    if (q.parent >= 0) gi[q.parent] += gu;
                    for (std::size_t a = 0; a < q.answers; ++a)
                        di[q.offset + a] = zi[q.offset + a] > T(0) ? w * (gi[q.offset + a] - gu) / s : T(0);
                }
            }
        }
    };
};

// The shared per-view convolution stack: (45, 45, 3) → (512).
using galaxy_zoo_view = net::block<
    layers::conv2d<32, layers::kernel<6>>, layers::relu, layers::max_pool2d<2>,   // (40, 40, 32) → (20, 20, 32)
    layers::conv2d<64, layers::kernel<5>>, layers::relu, layers::max_pool2d<2>,   // (16, 16, 64) → (8, 8, 64)
    layers::conv2d<128, layers::kernel<3>>, layers::relu,                         // (6, 6, 128)
    layers::conv2d<128, layers::kernel<3>>, layers::relu, layers::max_pool2d<2>,  // (4, 4, 128) → (2, 2, 128)
    layers::flatten>;                                                             // (512)

template <std::size_t Views, std::size_t Units>
using galaxy_zoo_net = net::sequential<shape<Views, 45, 45, 3>,   // (N, Views, 45, 45, 3)
    layers::time_distributed<galaxy_zoo_view>,                     // (N, Views, 512)
    layers::flatten,                                               // (N, Views·512)
    layers::dropout<ratio<1, 2>>,
    layers::maxout<Units, 2>,                                      // (N, Units)
    layers::dropout<ratio<1, 2>>,
    layers::maxout<Units, 2>,                                      // (N, Units)
    layers::dropout<ratio<1, 2>>,
    layers::dense<data::toy::galaxy_zoo_outputs>,                  // (N, 37)
    galaxy_zoo_output>;                                            // (N, 37), consistent with the tree

// The winner's size: 2048-unit maxout layers (here on 4 views).
using galaxy_zoo = galaxy_zoo_net<4, 2048>;
// What the default example trains on 2 CPU cores.
using galaxy_zoo_small = galaxy_zoo_net<4, 256>;

} // namespace cascade::models
