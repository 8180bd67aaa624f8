#pragma once
// reduce_on_plateau: lower the learning rate when a monitored value stops improving — the logic of
// Keras' ReduceLROnPlateau (train::reduce_lr_on_plateau is the callback that applies it in fit):
//   improvement:  value < best − min_delta (mode min) or value > best + min_delta (mode max)
//   after `patience` epochs without improvement (none counted while cooling down):
//       lr ← max(lr · factor, min_lr) if lr > min_lr;  then `cooldown` epochs of rest
// Defaults are Keras': monitor val_loss, factor 0.1, patience 10, min_delta 1e-4, cooldown 0, min_lr 0;
// mode auto is max for a monitor containing "acc", else min.
// PyTorch ReduceLROnPlateau: patience 10, factor 0.1, threshold 1e-4 *relative* by default
// (threshold_mode='rel'; 'abs' is Keras' min_delta), and it reduces after patience + 1 bad epochs.
#include "cascade/config.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace cascade::schedules {

enum class monitor_mode { automatic, min, max };

// Whether `monitor` is to be maximised: max, or automatic and an accuracy ("acc" in the name, as Keras).
inline bool maximises(monitor_mode m, const std::string& monitor) {
    if (m == monitor_mode::automatic) return monitor.find("acc") != std::string::npos;
    return m == monitor_mode::max;
}

struct reduce_on_plateau_options {
    std::string monitor = "val_loss";
    double factor = 0.1;
    std::size_t patience = 10;
    double min_delta = 1e-4;
    std::size_t cooldown = 0;
    double min_lr = 0.0;
    monitor_mode mode = monitor_mode::automatic;
};

class reduce_on_plateau {
public:
    using options = reduce_on_plateau_options;
    options opt;
    explicit reduce_on_plateau(options o = {}) : opt(std::move(o)) {
        CASCADE_CHECK(opt.factor < 1.0 && opt.factor >= 0.0, "reduce_on_plateau: factor must be in [0, 1), got ", opt.factor);
        reset();
    }

    void reset() {
        best_ = maximises(opt.mode, opt.monitor) ? -std::numeric_limits<double>::infinity()
                                                 : std::numeric_limits<double>::infinity();
        wait_ = cooldown_left_ = 0;
    }
    // One epoch's value of the monitored quantity; returns the learning rate to use from now on.
    double step(double value, double lr) {
        if (cooldown_left_ > 0) {
            --cooldown_left_;
            wait_ = 0;
        }
        const bool better = maximises(opt.mode, opt.monitor) ? value > best_ + opt.min_delta : value < best_ - opt.min_delta;
        if (better) {
            best_ = value;
            wait_ = 0;
        } else if (cooldown_left_ == 0 && ++wait_ >= opt.patience) {
            // Keras compares with min_lr as a float32.
            if (lr > double(float(opt.min_lr))) {
                lr = std::max(lr * opt.factor, opt.min_lr);
                cooldown_left_ = opt.cooldown;
                wait_ = 0;
            }
        }
        return lr;
    }
    double best() const { return best_; }
    std::size_t wait() const { return wait_; }

private:
    double best_ = 0;
    std::size_t wait_ = 0, cooldown_left_ = 0;
};

} // namespace cascade::schedules
