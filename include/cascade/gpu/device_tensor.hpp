#pragma once
// device_tensor<T, R>: an owning, contiguous, row-major tensor in GPU memory — the GPU backend's
// counterpart of host_tensor (same shape(), size(), data(), dimension()). resize() reallocates only when
// the new size exceeds the capacity, so a steady-state training step allocates nothing; allocations()
// counts every device allocation for the test that checks this.
// Copies between host and device: to_device, to_host, copy_to_device, copy_to_host (on the current stream).
#include "cascade/gpu/stream.hpp"
#include "cascade/gpu/vendor.hpp"
#include "cascade/tensor/tensor.hpp"

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

namespace cascade::gpu {

inline std::atomic<std::size_t>& allocation_counter() {
    static std::atomic<std::size_t> n{0};
    return n;
}
inline std::size_t allocations() { return allocation_counter().load(); }

template <class T, std::size_t R>
class device_tensor {
public:
    using value_type = T;
    using shape_type = std::array<std::size_t, R>;
    static constexpr std::size_t rank = R;

    device_tensor() = default;
    explicit device_tensor(const shape_type& s) { resize(s); }
    device_tensor(const device_tensor& o) : device_tensor(o.shape_) { copy_from(o); }
    device_tensor& operator=(const device_tensor& o) {
        if (this != &o) {
            resize(o.shape_);
            copy_from(o);
        }
        return *this;
    }
    device_tensor(device_tensor&&) noexcept = default;
    device_tensor& operator=(device_tensor&&) noexcept = default;

    void resize(const shape_type& s) {
        std::size_t n = 1;
        for (auto d : s) n *= d;
        if (n > capacity_) {
            T* p = nullptr;
            check(hipMalloc(reinterpret_cast<void**>(&p), n * sizeof(T)), "hipMalloc");
            ++allocation_counter();
            data_.reset(p);
            capacity_ = n;
        }
        shape_ = s;
        size_ = n;
    }
    const shape_type& shape() const { return shape_; }
    static constexpr std::size_t dimension() { return R; }
    std::size_t size() const { return size_; }
    T* data() { return data_.get(); }
    const T* data() const { return data_.get(); }

private:
    void copy_from(const device_tensor& o) {
        if (size_)
            check(hipMemcpyAsync(data(), o.data(), size_ * sizeof(T), hipMemcpyDeviceToDevice, current_stream()),
                  "hipMemcpyAsync (device to device)");
    }
    struct deleter {
        void operator()(T* p) const noexcept { (void)hipFree(p); }
    };
    std::unique_ptr<T, deleter> data_;
    shape_type shape_{};
    std::size_t size_ = 0, capacity_ = 0;
};

// The kernels' shape helper, found by argument-dependent lookup next to cascade::ensure_shape.
template <class T, std::size_t R, class Shape>
void ensure_shape(device_tensor<T, R>& t, const Shape& s) {
    bool same = true;
    for (std::size_t i = 0; i < R; ++i) same = same && t.shape()[i] == s[i];
    if (!same) {
        typename device_tensor<T, R>::shape_type a{};
        for (std::size_t i = 0; i < R; ++i) a[i] = s[i];
        t.resize(a);
    }
}

// init::on_host's hook (init/on_host.hpp): f(T* p, n) fills a host buffer that is then copied to t.
// The staging buffer is per thread and only grows: dropout masks drawn every step allocate nothing.
template <class T, std::size_t R, class F>
void stage_on_host(device_tensor<T, R>& t, F& f) {
    thread_local std::vector<T> h;
    if (h.size() < t.size()) h.resize(t.size());
    f(h.data(), std::size_t(t.size()));
    if (t.size())
        check(hipMemcpyAsync(t.data(), h.data(), t.size() * sizeof(T), hipMemcpyHostToDevice, current_stream()),
              "hipMemcpyAsync (staged values)");
    synchronize();   // h is reused by the next call
}

// copy_range's hook (tensor/copy_range.hpp): n elements from src at src_offset to dst at dst_offset.
template <class T, std::size_t R1, std::size_t R2>
void copy_range_on_device(const device_tensor<T, R1>& src, std::size_t src_offset, device_tensor<T, R2>& dst,
                          std::size_t dst_offset, std::size_t n) {
    if (n)
        check(hipMemcpyAsync(dst.data() + dst_offset, src.data() + src_offset, n * sizeof(T), hipMemcpyDeviceToDevice,
                             current_stream()),
              "hipMemcpyAsync (device to device)");
}

// A zero tensor of t's shape (optimizer state).
template <class T, std::size_t R>
device_tensor<T, R> zeros_like(const device_tensor<T, R>& t) {
    device_tensor<T, R> z(t.shape());
    if (z.size()) check(hipMemsetAsync(z.data(), 0, z.size() * sizeof(T), current_stream()), "hipMemsetAsync");
    return z;
}

template <class T, std::size_t R>
void copy_to_device(const host_tensor<T, R>& h, device_tensor<T, R>& d) {
    ensure_shape(d, h.shape());
    if (h.size())
        check(hipMemcpyAsync(d.data(), h.data(), h.size() * sizeof(T), hipMemcpyHostToDevice, current_stream()),
              "hipMemcpyAsync (host to device)");
}
// Waits for the copy (and all earlier work on the current stream).
template <class T, std::size_t R>
void copy_to_host(const device_tensor<T, R>& d, host_tensor<T, R>& h) {
    cascade::ensure_shape(h, d.shape());
    if (d.size())
        check(hipMemcpyAsync(h.data(), d.data(), d.size() * sizeof(T), hipMemcpyDeviceToHost, current_stream()),
              "hipMemcpyAsync (device to host)");
    synchronize();
}
template <class T, std::size_t R>
device_tensor<T, R> to_device(const host_tensor<T, R>& h) {
    device_tensor<T, R> d;
    copy_to_device(h, d);
    return d;
}
template <class T, std::size_t R>
host_tensor<T, R> to_host(const device_tensor<T, R>& d) {
    host_tensor<T, R> h(d.shape());
    copy_to_host(d, h);
    return h;
}

} // namespace cascade::gpu
