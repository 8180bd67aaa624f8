#pragma once
// Run-time hyper-parameters: values that do not change a shape (dropout rate, batch-norm momentum and ε,
// noise σ, activation slopes) take their template argument as the default and can be changed on an
// instantiated network, so that a sweep needs no rebuild:
//
//   net.set_hyperparameter(3, "rate", 0.25);            // by layer index (summary's row order)
//   net.set_hyperparameter("dropout_3", "rate", 0.25);  // by summary name, or a layers::named<> name
//   double r = net.hyperparameter(3, "rate");
//
// Layer contract (optional, layers/concepts.hpp): the impl has
//   auto hyperparameters()  ->  std::array<layers::hyperparameter, K>
// naming each value, pointing at the member the layer reads in forward/backward, and saying which values
// are allowed. A value outside that range, an unknown name or layer is a cascade::error that names the
// layer and lists what it has; nothing is changed then.
// On a GPU network a change takes effect at the next fit (a captured step graph keeps the values it was
// captured with) or the next eager forward.
#include "cascade/config.hpp"
#include "cascade/tensor/ratio.hpp"

#include <array>
#include <string>
#include <string_view>

namespace cascade::layers {

struct hyperparameter {
    const char* name;
    double* value;
    bool (*allowed)(double);
    const char* rule;   // what allowed() accepts, for the error message: "in [0, 1)"
};

namespace rules {
inline bool unit_interval_open(double v) { return v >= 0 && v < 1; }   // [0, 1): dropout rates
inline bool unit_interval(double v) { return v >= 0 && v <= 1; }       // [0, 1]: momentum
inline bool positive(double v) { return v > 0; }                       // ε
inline bool non_negative(double v) { return v >= 0; }                  // σ
inline bool finite(double v) { return v == v && v - v == 0; }          // any real
} // namespace rules

// A fractional hyper-parameter with the ratio R as its default. as<T>() is ratio_value<T, R> (computed in T,
// as the layers always did) while the value is the default, so a network nobody retunes gives the same bits.
template <class R>
struct ratio_setting {
    double value = ratio_value<double, R>;
    template <class T>
    T as() const { return value == ratio_value<double, R> ? ratio_value<T, R> : T(value); }
};

template <class I>
concept has_hyperparameters = requires(I& i) { i.hyperparameters(); };

namespace detail {
// Sets key on one layer impl; false if the layer has no such hyper-parameter. `where` names the layer.
template <class I>
bool set_hyperparameter(I& impl, std::string_view key, double value, const std::string& where) {
    if constexpr (has_hyperparameters<I>) {
        for (const hyperparameter& h : impl.hyperparameters())
            if (key == h.name) {
                CASCADE_CHECK(h.allowed(value), where, ": hyper-parameter '", std::string(key), "' must be ", h.rule,
                              ", got ", value);
                *h.value = value;
                return true;
            }
    }
    return false;
}
template <class I>
bool get_hyperparameter(I& impl, std::string_view key, double& out) {
    if constexpr (has_hyperparameters<I>) {
        for (const hyperparameter& h : impl.hyperparameters())
            if (key == h.name) {
                out = *h.value;
                return true;
            }
    }
    return false;
}
// "rate, momentum" — the names a layer has, for error messages.
template <class I>
std::string hyperparameter_names(I& impl) {
    std::string s;
    if constexpr (has_hyperparameters<I>)
        for (const hyperparameter& h : impl.hyperparameters()) s += (s.empty() ? "" : ", ") + std::string(h.name);
    return s.empty() ? "none" : s;
}
} // namespace detail
} // namespace cascade::layers
