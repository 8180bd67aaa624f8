#pragma once
// progress: the only code that prints during training. On a terminal, a Keras-like bar rewritten in
// place at most ~10 times a second:
//   epoch 2/5  612/938 [=================>          ] loss 0.3521  accuracy 0.8734  6120 samples/s  ETA 5s
// When stderr is not a terminal (logs, CI), one line per epoch.
#include <chrono>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace cascade::train {

class progress {
public:
    enum class style { automatic, bar, per_epoch, silent };
    explicit progress(style s = style::automatic, std::FILE* out = stderr) : out_(out) {
        if (s == style::automatic) s = isatty(fileno(out)) ? style::bar : style::per_epoch;
        style_ = s;
    }

    void begin_epoch(std::size_t epoch, std::size_t epochs, std::size_t batches) {
        epoch_ = epoch;
        epochs_ = epochs;
        batches_ = batches;
        start_ = last_draw_ = clock::now();
    }
    // After each batch: running mean loss and the first metric so far.
    void batch(std::size_t done, std::size_t samples, double loss, const char* metric_name, double metric) {
        if (style_ != style::bar) return;
        const auto now = clock::now();
        if (done < batches_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
        last_draw_ = now;
        const double secs = seconds_since(start_);
        const double rate = secs > 0 ? double(samples) / secs : 0.0;
        const double eta = done > 0 ? secs * double(batches_ - done) / double(done) : 0.0;
        constexpr int width = 30;
        const int filled = batches_ ? int(double(width) * double(done) / double(batches_)) : width;
        std::string bar(std::size_t(width), ' ');
        for (int i = 0; i < filled; ++i) bar[std::size_t(i)] = '=';
        if (filled < width) bar[std::size_t(filled)] = '>';
        std::fprintf(out_, "\repoch %zu/%zu %5zu/%zu [%s] loss %.4f", epoch_ + 1, epochs_, done, batches_, bar.c_str(), loss);
        if (metric_name) std::fprintf(out_, "  %s %.4f", metric_name, metric);
        std::fprintf(out_, "  %.0f samples/s  ETA %.0fs \x1b[K", rate, eta);
        std::fflush(out_);
    }
    // The epoch's summary line, e.g. "epoch 1/5: 9.8 s, 6122 samples/s - loss 0.51 - accuracy 0.82 - val_loss ...":
    // the whole epoch's time, and the training throughput (train_seconds excludes validation).
    void end_epoch(std::size_t samples, double train_seconds, const std::string& values) {
        if (style_ == style::silent) return;
        const double secs = seconds_since(start_);
        if (style_ == style::bar) std::fputs("\r\x1b[K", out_);
        std::fprintf(out_, "epoch %zu/%zu: %.1f s, %.0f samples/s%s\n", epoch_ + 1, epochs_, secs,
                     train_seconds > 0 ? double(samples) / train_seconds : 0.0, values.c_str());
        std::fflush(out_);
    }

    // A line of its own between epochs (callbacks: "epoch 12: early stopping"); nothing when silent.
    void message(const std::string& line) {
        if (style_ == style::silent) return;
        if (style_ == style::bar) std::fputs("\r\x1b[K", out_);
        std::fprintf(out_, "%s\n", line.c_str());
        std::fflush(out_);
    }

private:
    using clock = std::chrono::steady_clock;
    static double seconds_since(clock::time_point t) { return std::chrono::duration<double>(clock::now() - t).count(); }
    std::FILE* out_;
    style style_;
    std::size_t epoch_ = 0, epochs_ = 0, batches_ = 0;
    clock::time_point start_, last_draw_;
};

} // namespace cascade::train
