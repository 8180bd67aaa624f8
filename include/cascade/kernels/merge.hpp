#pragma once
// Element-wise kernels of the merge layers (net/merge.hpp) on the CPU backend; add, subtract and multiply
// use kernels::add_scaled / multiply, the axis joins of concatenate kernels/concat.hpp.
//   divide_by              y = x / d                    average: (Σ f_i) / n forward, dy / n backward
//   extremum_merge_step    step i of y = max_i f_i (or min): y = f_i and arg = i where f_i wins, i.e.
//                          i == 0, f_i > y (min: f_i < y), or f_i is NaN and y is not — strict, so a tie
//                          keeps the earlier branch (its index stays in arg), and the first NaN wins
//   route_by_index         d = dy where arg == i, else 0    (maximum/minimum backward: only the branch
//                          whose value was kept receives the gradient)
// arg holds branch indices as T (exact for any realistic number of branches). A GPU backend adds
// overloads of the same names (kernels/gpu/merge.hpp), evaluating the same merge_takes rule.
#include "cascade/config.hpp"
#include "cascade/tensor/tensor.hpp"

#include <cstddef>

namespace cascade::kernels {

// Whether branch value f replaces the kept value y (see extremum_merge_step).
template <class T>
CASCADE_HOST_DEVICE inline bool merge_takes(T f, T y, bool minimum) {
    return (minimum ? f < y : f > y) || (f != f && y == y);
}

template <class T, std::size_t R>
void divide_by(const host_tensor<T, R>& x, T d, host_tensor<T, R>& y) {
    ensure_shape(y, x.shape());
    const T* xp = x.data();
    T* yp = y.data();
    for (std::size_t i = 0, n = x.size(); i < n; ++i) yp[i] = xp[i] / d;
}

template <class T, std::size_t R>
void extremum_merge_step(const host_tensor<T, R>& f, std::size_t index, host_tensor<T, R>& y, host_tensor<T, R>& arg,
                         bool minimum) {
    if (index == 0) {
        ensure_shape(y, f.shape());
        ensure_shape(arg, f.shape());
    }
    const T* fp = f.data();
    T* yp = y.data();
    T* ap = arg.data();
    for (std::size_t i = 0, n = f.size(); i < n; ++i)
        if (index == 0 || merge_takes(fp[i], yp[i], minimum)) {
            yp[i] = fp[i];
            ap[i] = T(index);
        }
}

template <class T, std::size_t R>
void route_by_index(const host_tensor<T, R>& dy, const host_tensor<T, R>& arg, std::size_t index, host_tensor<T, R>& d) {
    ensure_shape(d, dy.shape());
    const T* gp = dy.data();
    const T* ap = arg.data();
    T* dp = d.data();
    for (std::size_t i = 0, n = dy.size(); i < n; ++i) dp[i] = ap[i] == T(index) ? gp[i] : T(0);
}

} // namespace cascade::kernels
