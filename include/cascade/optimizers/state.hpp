#pragma once
// Per-parameter optimizer state keyed by the parameter's visit index k (never by address, so a copied
// or moved network keeps working). Buffers are zero-initialised on first use and reused afterwards:
// no allocation after the first step.
#include <cstddef>
#include <memory>
#include <vector>

namespace cascade::optimizers::detail {

class optimizer_state {
public:
    // Slot `which` (0: first moment / velocity, 1: second moment, ...) of parameter k, n values.
    // *created (if given) says whether the slot was just (re)initialised to zeros, for optimizers whose
    // state starts elsewhere (adagrad's initial accumulator).
    template <class T>
    T* slot(std::size_t k, std::size_t which, std::size_t n, bool* created = nullptr) {
        auto& table = tables<T>();
        if (table.size() <= k) table.resize(k + 1);
        auto& per_param = table[k];
        if (per_param.size() <= which) per_param.resize(which + 1);
        auto& v = per_param[which];
        const bool fresh = v.size() != n;
        if (fresh) v.assign(n, T(0));
        if (created) *created = fresh;
        return v.data();
    }
    // Slot `which` of parameter k held by a backend that is not host memory (device tensors): created
    // once as make() (zeros of the parameter's shape), kept type-erased so this header needs no GPU code.
    template <class Tensor, class Make>
    Tensor& backend_slot(std::size_t k, std::size_t which, Make&& make) {
        if (ext_.size() <= k) ext_.resize(k + 1);
        auto& per_param = ext_[k];
        if (per_param.size() <= which) per_param.resize(which + 1);
        auto& p = per_param[which];
        if (!p) p = std::shared_ptr<void>(new Tensor(make()), [](void* q) { delete static_cast<Tensor*>(q); });
        return *static_cast<Tensor*>(p.get());
    }
    void clear() { f_.clear(); d_.clear(); ext_.clear(); }

private:
    template <class T>
    std::vector<std::vector<std::vector<T>>>& tables() {
        if constexpr (sizeof(T) == sizeof(float)) return f_;
        else return d_;
    }
    std::vector<std::vector<std::vector<float>>> f_;
    std::vector<std::vector<std::vector<double>>> d_;
    std::vector<std::vector<std::shared_ptr<void>>> ext_;
};

} // namespace cascade::optimizers::detail
