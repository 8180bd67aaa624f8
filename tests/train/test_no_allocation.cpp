// No heap allocation inside a steady-state training step: the malloc family is interposed in this
// test binary and counted across several steps after the first (which sizes every buffer).
#include <cascade/cascade.hpp>
#include <cascade/models/mnist_cnn.hpp>
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
}

namespace {
std::atomic<long> allocations{0};
}

extern "C" {
void* malloc(std::size_t n) { allocations.fetch_add(1, std::memory_order_relaxed); return __libc_malloc(n); }
void* calloc(std::size_t a, std::size_t b) { allocations.fetch_add(1, std::memory_order_relaxed); return __libc_calloc(a, b); }
void* realloc(void* p, std::size_t n) { allocations.fetch_add(1, std::memory_order_relaxed); return __libc_realloc(p, n); }
void* aligned_alloc(std::size_t a, std::size_t n) { allocations.fetch_add(1, std::memory_order_relaxed); return __libc_memalign(a, n); }
void* memalign(std::size_t a, std::size_t n) { allocations.fetch_add(1, std::memory_order_relaxed); return __libc_memalign(a, n); }
int posix_memalign(void** p, std::size_t a, std::size_t n) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    *p = __libc_memalign(a, n);
    return *p ? 0 : 12;
}
}

namespace cc = cascade;
namespace L = cc::layers;
using cc::backend::cpu;

TEST_CASE("the allocation counter sees tensor allocations") {
    const long before = allocations.load();
    cc::host_tensor<float, 2> t = xt::zeros<float>({100, 100});
    CHECK(allocations.load() > before);
}

TEST_CASE("no allocation in steady-state training steps (conv, batch norm, dropout, dense, Adam, SGD)") {
    using net_t = cc::net::sequential<cc::shape<12, 12, 3>,
        L::conv2d<8, L::kernel<3>, L::padding::same>, L::batch_norm<>, L::relu, L::max_pool2d<2>,
        L::conv2d<8, L::kernel<3>, L::strides<2>>, L::avg_pool2d<2>, L::flatten, L::dropout<cc::ratio<1, 4>>, L::dense<16>, L::sigmoid,
        L::dense<5>, L::softmax>;
    net_t::on<cpu, float> net{1};
    cc::host_tensor<float, 4> x = xt::random::rand<float>({16, 12, 12, 3});
    cc::host_tensor<float, 2> t = xt::zeros<float>({16, 5});
    for (std::size_t i = 0; i < 16; ++i) t(i, i % 5) = 1;
    cc::optimizers::adam adam;
    cc::optimizers::sgd sgd{{.lr = 0.01, .momentum = 0.9}};
    cc::losses::categorical_crossentropy loss;
    for (int threads : {1, 2}) {
        cc::set_num_threads(threads);
        cc::train::step(net, loss, adam, x, t);   // sizes buffers and optimizer state
        cc::train::step(net, loss, sgd, x, t);
        net.forward(x, cc::mode::infer);          // and the inference-only ones (batch norm's scale/shift)
        const long before = allocations.load();
        for (int i = 0; i < 5; ++i) {
            cc::train::step(net, loss, adam, x, t);
            cc::train::step(net, loss, sgd, x, t);
            net.forward(x, cc::mode::infer);
        }
        const long during = allocations.load() - before;
        CHECK(during == 0);
    }
}

TEST_CASE("no allocation in steady-state mnist_cnn training steps") {
    cc::models::mnist_cnn::on<cpu, float> net{1};
    cc::host_tensor<float, 4> x = xt::random::rand<float>({64, 28, 28, 1});
    cc::host_tensor<float, 2> t = xt::zeros<float>({64, 10});
    for (std::size_t i = 0; i < 64; ++i) t(i, i % 10) = 1;
    cc::optimizers::adam opt;
    cc::losses::categorical_crossentropy loss;
    cc::train::step(net, loss, opt, x, t);
    const long before = allocations.load();
    for (int i = 0; i < 3; ++i) cc::train::step(net, loss, opt, x, t);
    CHECK(allocations.load() - before == 0);
}

TEST_CASE("no allocation in steady-state training steps (depthwise and separable convolutions)") {
    using net_t = cc::net::sequential<cc::shape<9, 9, 3>,
        L::separable_conv2d<6, L::kernel<3>, L::padding::same, L::depth_multiplier<2>>, L::relu,
        L::depthwise_conv2d<L::kernel<3>, L::strides<2>, L::depth_multiplier<3>>, L::relu,
        L::depthwise_conv2d<L::kernel<2>>, L::flatten, L::dense<5>, L::softmax>;
    net_t::on<cpu, float> net{1};
    cc::host_tensor<float, 4> x = xt::random::rand<float>({8, 9, 9, 3});
    cc::host_tensor<float, 2> t = xt::zeros<float>({8, 5});
    for (std::size_t i = 0; i < 8; ++i) t(i, i % 5) = 1;
    cc::optimizers::adam adam;
    cc::losses::categorical_crossentropy loss;
    for (int threads : {1, 2}) {
        cc::set_num_threads(threads);
        cc::train::step(net, loss, adam, x, t);
        net.forward(x, cc::mode::infer);
        const long before = allocations.load();
        for (int i = 0; i < 5; ++i) {
            cc::train::step(net, loss, adam, x, t);
            net.forward(x, cc::mode::infer);
        }
        CHECK(allocations.load() - before == 0);
    }
}
