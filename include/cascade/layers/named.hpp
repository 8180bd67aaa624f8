#pragma once
// layers::named<"name", Layer>: Layer with a name of the user's choosing (Keras' name= argument), used by
// summary(), weight files, hyper-parameter access (net.set_hyperparameter("fc1", "rate", 0.2)) and, later,
// importers and weight transfer. Unnamed layers are called by summary's "<type>_<index>" ("dense_3").
//   using mlp = net::sequential<shape<16>, named<"hidden", dense<32>>, relu, named<"out", dense<1>>>;
// Everything else (shapes, checks, the run-time layer) is Layer's.
#include <cstddef>

namespace cascade::layers {

// A string literal as a template argument.
template <std::size_t N>
struct layer_name {
    char text[N] = {};
    constexpr layer_name(const char (&s)[N]) {
        for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
    }
};

template <layer_name Name, class L>
struct named : L {
    static constexpr const char* name = Name.text;
    static constexpr bool user_named = true;
    static constexpr bool name_ok = sizeof(Name.text) > 1;
    template <class In>
    static constexpr bool accepts = name_ok && L::template accepts<In>;
    template <class In>
    static constexpr void check() {
        constexpr bool non_empty = name_ok;
        static_assert(non_empty, "named<\"...\", Layer>: the name must not be empty");
        if constexpr (name_ok) L::template check<In>();
    }
};

// The name summary() prints for layer K of type L: the user's, or "<type>_<K>".
template <class L>
inline constexpr bool is_user_named = requires { requires L::user_named; };

} // namespace cascade::layers
