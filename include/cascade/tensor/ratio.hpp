#pragma once
// ratio<Num, Den>: fractional hyper-parameters in template arguments (dropout rate, leaky slope,
// batch-norm momentum). std::ratio, because clang 14 and hipcc 5.2 reject floating-point template
// arguments (see docs/decisions/0003-fractions-as-ratios.md).
#include <ratio>

namespace cascade {

template <long long Num, long long Den = 1>
using ratio = std::ratio<Num, Den>;

template <class T, class R>
inline constexpr T ratio_value = T(R::num) / T(R::den);

} // namespace cascade
