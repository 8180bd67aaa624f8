#pragma once
// history: per-epoch values returned by fit — "loss", metric names, and "val_" + each for validation,
// like Keras' History.history; writable as CSV (one row per epoch).
#include "cascade/config.hpp"

#include <cmath>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace cascade::train {

struct history {
    std::vector<std::string> keys;                    // column order: loss, metrics, val_loss, val_metrics
    std::vector<std::map<std::string, double>> epochs;
    std::vector<double> seconds;                      // wall time of each epoch (training + validation)

    double at(std::size_t epoch, const std::string& key) const {
        CASCADE_CHECK(epoch < epochs.size(), "history: epoch ", epoch, " out of range (", epochs.size(), " epochs)");
        auto it = epochs[epoch].find(key);
        CASCADE_CHECK(it != epochs[epoch].end(), "history: no value '", key, "'");
        return it->second;
    }
    double last(const std::string& key) const { return at(epochs.size() - 1, key); }
    std::vector<double> column(const std::string& key) const {
        std::vector<double> c;
        for (std::size_t e = 0; e < epochs.size(); ++e) c.push_back(at(e, key));
        return c;
    }
    void write_csv(const std::string& path) const {
        std::ofstream f(path);
        CASCADE_CHECK(bool(f), "history: cannot write ", path);
        f << "epoch";
        for (auto& k : keys) f << ',' << k;
        f << ",seconds\n";
        f.precision(9);
        for (std::size_t e = 0; e < epochs.size(); ++e) {
            f << e + 1;
            for (auto& k : keys) f << ',' << epochs[e].at(k);
            f << ',' << seconds[e] << '\n';
        }
        CASCADE_CHECK(bool(f), "history: error while writing ", path);
    }
};

} // namespace cascade::train
