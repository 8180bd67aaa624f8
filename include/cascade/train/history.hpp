#pragma once
// history: per-epoch values returned by fit — "loss", metric names, and "val_" + each for validation,
// like Keras' History.history — with each epoch's wall time and learning rate, and the epoch at which a
// callback stopped training; writable as CSV (one row per epoch).
#include "cascade/config.hpp"

#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace cascade::train {

struct history {
    std::vector<std::string> keys;                    // column order: loss, metrics, val_loss, val_metrics
    std::vector<std::map<std::string, double>> epochs;
    std::vector<double> seconds;                      // wall time of each epoch (training + validation)
    std::vector<double> lr;                           // the optimizer's learning rate at the end of each epoch
                                                      // (empty for an optimizer without opt.lr)
    std::optional<std::size_t> stopped_epoch;         // 0-based epoch after which a callback stopped training
    std::size_t graph_replays = 0;                    // GPU: training steps replayed from a captured graph

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
    // Whether the learning rate changed during training (then write_csv adds an "lr" column).
    bool lr_varied() const {
        for (double v : lr)
            if (v != lr.front()) return true;
        return false;
    }
    // CSV: "epoch,<keys...>[,lr],seconds", epochs counted from 1. The lr column appears when the rate
    // changed (a schedule), like Keras' "learning_rate" log entry.
    void write_csv(const std::string& path) const {
        std::ofstream f(path);
        CASCADE_CHECK(bool(f), "history: cannot write ", path);
        const bool with_lr = lr_varied();
        write_csv_header(f, with_lr);
        for (std::size_t e = 0; e < epochs.size(); ++e) write_csv_row(f, e, with_lr);
        CASCADE_CHECK(bool(f), "history: error while writing ", path);
    }
    // The pieces of write_csv, for writers that append one row per epoch (train::csv_logger).
    void write_csv_header(std::ostream& f, bool with_lr) const {
        f << "epoch";
        for (auto& k : keys) f << ',' << k;
        if (with_lr) f << ",lr";
        f << ",seconds\n";
    }
    void write_csv_row(std::ostream& f, std::size_t e, bool with_lr) const {
        const auto precision = f.precision(9);
        f << e + 1;
        for (auto& k : keys) f << ',' << epochs[e].at(k);
        if (with_lr) f << ',' << (e < lr.size() ? lr[e] : std::nan(""));
        f << ',' << seconds[e] << '\n';
        f.precision(precision);
    }
};

} // namespace cascade::train
