#pragma once
// report: the result lines several examples print after cc::train::fit (examples only, not part of the library).
#include <cascade/train/history.hpp>

#include <cstdio>
#include <string>

namespace cascade::examples {

// Wall time of all epochs of a run, training and validation.
inline double total_seconds(const train::history& h) {
    double t = 0;
    for (double s : h.seconds) t += s;
    return t;
}

// "test accuracy: 91.02 %  (loss 0.2531)" from the last epoch's validation on the test set.
inline void print_test_accuracy(const train::history& h) {
    std::printf("test accuracy: %.2f %%  (loss %.4f)\n", 100 * h.last("val_accuracy"), h.last("val_loss"));
}

// "time per epoch: 3.2 s (mean of 10, including evaluation on the test set)"; `including` empty: "(mean of 10)".
inline void print_time_per_epoch(const train::history& h, const std::string& including = "the test set") {
    std::printf("time per epoch: %.1f s (mean of %zu%s)\n", total_seconds(h) / double(h.seconds.size()),
                h.seconds.size(), including.empty() ? "" : (", including evaluation on " + including).c_str());
}

} // namespace cascade::examples
