#pragma once
// snapshot / restore: an in-memory, bit-exact copy of a network's parameters and buffers (what
// train::early_stopping keeps for restore_best_weights). Same tensor order as io/weights.hpp.
#include "cascade/io/weights.hpp"

#include <cstring>
#include <vector>

namespace cascade::io {

struct weights_snapshot {
    std::vector<std::vector<unsigned char>> tensors;   // raw bytes of each tensor, in visit_weights order
    bool empty() const { return tensors.empty(); }
};

template <class Net>
weights_snapshot snapshot(Net& net) {
    weights_snapshot s;
    detail::visit_weights(net, [&](auto, auto, auto, auto, auto& t) {
        read_on_host(t, [&](const auto* values, std::size_t n) {
            const auto* p = reinterpret_cast<const unsigned char*>(values);
            s.tensors.emplace_back(p, p + n * sizeof(*values));
        });
    });
    return s;
}

// Overwrites net's parameters and buffers with a snapshot taken from the same network (or one of the
// same type); throws cascade::error, leaving net unchanged, if the sizes do not match.
template <class Net>
void restore(Net& net, const weights_snapshot& s) {
    std::size_t i = 0;
    detail::visit_weights(net, [&](auto, auto, auto, auto, auto& t) {
        CASCADE_CHECK(i < s.tensors.size() && s.tensors[i].size() == t.size() * sizeof(*t.data()),
                      "io::restore: the snapshot does not match the network at tensor ", i);
        ++i;
    });
    CASCADE_CHECK(i == s.tensors.size(), "io::restore: the snapshot has ", s.tensors.size(), " tensors, the network ", i);
    i = 0;
    detail::visit_weights(net, [&](auto, auto, auto, auto, auto& t) {
        write_on_host(t, [&](auto* p, std::size_t) { std::memcpy(static_cast<void*>(p), s.tensors[i].data(), s.tensors[i].size()); });
        ++i;
    });
}

} // namespace cascade::io
