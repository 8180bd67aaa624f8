#pragma once
// gpu::step_graphs: fit's training step on the GPU as a captured graph, replayed (CUDA/HIP graphs).
//
// Why: the seed models are small; PyTorch eager spends 1.5–2.8 ms per training step on them on an H100
// while their arithmetic takes microseconds, so the launch count bounds the step rate. A graph replays
// the step's dozens of launches with one call.
//
// What is captured: forward (training mode), the loss gradient (fused with the final activation where the
// loss allows) and backward — train::detail::forward_and_gradients. Not captured: the batch upload (fit
// copies each batch into the same device buffers first), the loss value (read from the output the replay
// leaves, one short reduction and one synchronisation), and the optimizer update (its per-step scalars,
// Adam's bias-corrected rate or a scheduled learning rate, change every step and would be frozen in a
// graph).
//
// When: a graph is keyed by the batch's shape and the buffers' addresses. The first step of a shape runs
// eagerly: it allocates what the shape needs, and it shows whether the step is free of host round trips
// (a layer that draws its dropout mask or noise on the host synchronises; such a network stays eager —
// gpu::host_synchronizations counts them). The second step of the shape is captured, then replayed.
// A replay runs no host code, so it also leaves the tensors' host-side shapes alone: after a step or an
// evaluation with another batch size (an epoch's last, partial batch) the next step runs eagerly once.
// A device allocation anywhere afterwards (a larger batch, another network) may have moved a buffer, so
// graphs captured before it are dropped and captured again. fit_options::graphs = false turns it off.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/gpu/stream.hpp"
#include "cascade/train/step.hpp"

#include <cstddef>
#include <vector>

namespace cascade::gpu {

template <class Net, class Loss>
class step_graphs {
public:
    using T = typename Net::scalar_type;

    // Makes the graphs' own stream current for the object's lifetime (capture needs a stream other than
    // the legacy default one): construct it before the training loop, destroy it after.
    explicit step_graphs(bool enabled) : enabled_(enabled), scope_(stream_.get()) {}
    ~step_graphs() {
        (void)hipStreamSynchronize(stream_.get());   // work still queued finishes before the stream goes
        for (auto& g : graphs_) destroy(g);
    }
    step_graphs(const step_graphs&) = delete;
    step_graphs& operator=(const step_graphs&) = delete;

    // One step's forward, loss and backward (train::forward_backward's contract): returns the loss value
    // and leaves the gradients in the layers.
    T forward_backward(Net& net, const Loss& loss, const typename Net::input_tensor& x, const typename Net::output_tensor& t) {
        if (!enabled_) return train::forward_backward(net, loss, x, t);
        const key k{x.shape()[0], x.data(), t.data()};
        drop_stale();
        // A replay runs no host code, so the tensors' host-side shapes stay those of the last forward pass:
        // replay only where that pass had this batch size (the output is what the host reads next).
        const bool shapes_match = net.output().shape()[0] == k.batch;
        const graph* g = find(k);
        if (g && shapes_match) {
            check(hipGraphLaunch(g->exec, stream_.get()), "hipGraphLaunch");
            ++replays_;
            return train::detail::step_value(net, loss, t);
        }
        if (g || !contains(warmed_, k)) {   // eager: restores the shapes / learns whether the step can be captured
            const std::size_t syncs = host_synchronizations();
            train::detail::forward_and_gradients(net, loss, x, t);
            if (host_synchronizations() != syncs) enabled_ = false;   // host work inside the step
            warmed_.push_back(k);
            return train::detail::step_value(net, loss, t);
        }
        capture(net, loss, x, t, k);
        return train::detail::step_value(net, loss, t);
    }

    bool enabled() const { return enabled_; }
    std::size_t captures() const { return captures_; }   // graphs captured (a shape, or after an allocation)
    std::size_t replays() const { return replays_; }     // steps that replayed a graph
    std::size_t failed_captures() const { return failed_captures_; }

private:
    struct key {
        std::size_t batch;
        const void* x;
        const void* t;
        bool operator==(const key&) const = default;
    };
    struct graph {
        key k;
        hipGraph_t g = nullptr;
        hipGraphExec_t exec = nullptr;
        std::size_t allocations = 0;   // gpu::allocations() when captured
    };

    const graph* find(const key& k) const {
        for (auto& g : graphs_)
            if (g.k == k) return &g;
        return nullptr;
    }
    static bool contains(const std::vector<key>& v, const key& k) {
        for (auto& e : v)
            if (e == k) return true;
        return false;
    }
    static void destroy(graph& g) {
        if (g.exec) (void)hipGraphExecDestroy(g.exec);
        if (g.g) (void)hipGraphDestroy(g.g);
    }
    void drop_stale() {
        const std::size_t now = allocations();
        for (std::size_t i = graphs_.size(); i-- > 0;)
            if (graphs_[i].allocations != now) {
                destroy(graphs_[i]);
                graphs_.erase(graphs_.begin() + std::ptrdiff_t(i));
            }
    }

    // Captures the step (the capture does not run it), then launches the graph once.
    void capture(Net& net, const Loss& loss, const typename Net::input_tensor& x, const typename Net::output_tensor& t,
                 const key& k) {
        graph g{k};
        check(hipStreamBeginCapture(stream_.get(), hipStreamCaptureModeThreadLocal), "hipStreamBeginCapture");
        try {
            train::detail::forward_and_gradients(net, loss, x, t);
        } catch (...) {
            hipGraph_t partial = nullptr;
            (void)hipStreamEndCapture(stream_.get(), &partial);
            if (partial) (void)hipGraphDestroy(partial);
            (void)hipGetLastError();
            // Typically an allocation the step needed (refused during a capture): run the step eagerly
            // and warm this shape up again before the next attempt. A real error repeats eagerly.
            for (std::size_t i = 0; i < warmed_.size(); ++i)
                if (warmed_[i] == k) warmed_.erase(warmed_.begin() + std::ptrdiff_t(i));
            ++failed_captures_;
            train::detail::forward_and_gradients(net, loss, x, t);
            return;
        }
        check(hipStreamEndCapture(stream_.get(), &g.g), "hipStreamEndCapture");
        graph_instantiate(&g.exec, g.g);
        g.allocations = allocations();
        graphs_.push_back(g);
        ++captures_;
        check(hipGraphLaunch(g.exec, stream_.get()), "hipGraphLaunch");
        ++replays_;
    }

    bool enabled_;
    gpu::stream stream_;
    stream_scope scope_;
    std::vector<graph> graphs_;
    std::vector<key> warmed_;
    std::size_t captures_ = 0, replays_ = 0, failed_captures_ = 0;
};

// fit's hook, found by argument-dependent lookup on the network's device input tensor.
template <class Net, class Loss, class U, std::size_t R>
step_graphs<Net, Loss> make_step_graphs(Net&, const Loss&, const device_tensor<U, R>&, bool enabled) {
    return step_graphs<Net, Loss>(enabled);
}

} // namespace cascade::gpu
