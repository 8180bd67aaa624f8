#pragma once
// summary(net, os): Keras-style model summary — one line per layer with its name, output shape and
// parameter count, then the totals (trainable, non-trainable).
#include "cascade/layers/concepts.hpp"
#include "cascade/net/sequential.hpp"

#include <cstdio>
#include <ostream>
#include <sstream>
#include <string>
#include <tuple>

namespace cascade {

namespace detail {
inline std::string group_thousands(std::size_t v) {
    const std::string digits = std::to_string(v);
    std::string s;   // built front to back (string::insert here set off g++ 12's -Wrestrict false positive)
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
        s += digits[i];
    }
    return s;
}
template <class Tuple>
std::size_t count_elements(const Tuple& t) {
    return std::apply([](const auto&... p) { return (std::size_t(0) + ... + std::size_t(p.size())); }, t);
}
} // namespace detail

struct param_counts {
    std::size_t trainable = 0, non_trainable = 0;
    std::size_t total() const { return trainable + non_trainable; }
};

// Elements in every parameter tensor (trainable) and buffer (non-trainable: batch norm's moving statistics).
template <class Net>
param_counts count_params(Net& net) {
    return {detail::count_elements(net.params()), detail::count_elements(net.buffers())};
}

namespace detail {
template <class Net>
concept has_heads = requires(Net& n) { n.template head<0>(); };

// One row per layer of a sequential network: "name_K  (None, ...)  params".
template <class Net, class Line>
void summary_rows(Net& net, const Line& line, const std::string& prefix) {
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        (([&] {
             std::ostringstream shp;
             print_batched_shape<typename Net::template shape_at<K + 1>>(shp);
             auto& l = net.template layer<K>();
             std::size_t n = count_elements(l.params());
             if constexpr (layers::has_buffers<std::remove_cvref_t<decltype(l)>>) n += count_elements(l.buffers());
             line(" " + prefix + Net::layer_name(K), shp.str(),
                  group_thousands(n));
         }()),
         ...);
    }(std::make_index_sequence<Net::depth>{});
}
} // namespace detail

template <class Net>
void summary(Net& net, std::ostream& os) {
    constexpr int w1 = 28, w2 = 26;
    const std::string rule(w1 + w2 + 12, '_'), thick(w1 + w2 + 12, '=');
    auto line = [&](const std::string& a, const std::string& b, const std::string& c) {
        char buf[256];
        std::snprintf(buf, sizeof buf, "%-*s%-*s%12s\n", w1, a.c_str(), w2, b.c_str(), c.c_str());
        os << buf;
    };
    os << (detail::has_heads<Net> ? "Model: multi_input<" : "Model: sequential<") << Net::backend_type::name << ", "
       << (sizeof(typename Net::scalar_type) == 4 ? "float" : "double") << ">\n" << rule << "\n";
    line(" Layer (type)", "Output Shape", "Param #");
    os << thick << "\n";
    if constexpr (detail::has_heads<Net>) {
        // multi_input: each input's head, then the join, then the trunk.
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((detail::summary_rows(net.template head<I>(), line, "input" + std::to_string(I) + "/")), ...);
        }(std::make_index_sequence<std::tuple_size_v<typename Net::head_tuple>>{});
        std::ostringstream shp;
        print_batched_shape<typename Net::joined_shape>(shp);
        line(" join (concatenate)", shp.str(), "0");
        detail::summary_rows(net.trunk(), line, "");
    } else {
        detail::summary_rows(net, line, "");
    }
    const auto c = count_params(net);
    os << thick << "\n"
       << "Total params: " << detail::group_thousands(c.total()) << "\n"
       << "Trainable params: " << detail::group_thousands(c.trainable) << "\n"
       << "Non-trainable params: " << detail::group_thousands(c.non_trainable) << "\n"
       << rule << "\n";
}

} // namespace cascade
