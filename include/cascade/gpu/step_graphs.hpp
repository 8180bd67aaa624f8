#pragma once
// gpu::step_graphs: fit's training step on the GPU as a captured graph, replayed (CUDA/HIP graphs).
//
// Why: the seed models are small; PyTorch eager spends 1.5–2.8 ms per training step on them on an H100
// while their arithmetic takes microseconds, so the launch count bounds the step rate. A graph replays
// the step's dozens of launches with one call.
//
// What is captured: the whole step — forward (training mode), the loss gradient (fused with the final
// activation where the loss allows), backward, and the optimizer update. The update's per-step scalars
// (Adam's bias-corrected rate, a scheduled learning rate) reach its kernels through device memory that a
// copy node refreshes from pinned host memory (gpu/step_scalars.hpp); before each replay the update's
// host half runs once (host_pass_scope: step count and scalars, no device work). Not captured: the batch
// upload (fit copies each batch into the same device buffers first) and the loss value (read from the
// output the replay leaves, one short reduction and one synchronisation).
//
// When: a graph is keyed by the batch's shape and the buffers' addresses. The first two steps of a shape
// run eagerly: they allocate what the shape needs and show that the step allocates nothing more and
// makes no host round trip (a layer that draws its dropout mask or noise on the host synchronises; such
// a network stays eager — gpu::host_synchronizations counts round trips). The third step is captured,
// then replayed. A device allocation anywhere afterwards (a larger batch, another network) may have moved
// a buffer, so graphs captured before it are dropped and captured again.
// A replay runs no host code, so it also leaves the tensors' host-side shapes alone: after a step or an
// evaluation with another batch size (an epoch's last, partial batch) the next step runs eagerly once.
// Networks with their own losses (weight penalties) stay eager: their value is taken before the update.
// fit_options::graphs = false turns all of this off; results are the same either way.
#include "cascade/gpu/device_tensor.hpp"
#include "cascade/gpu/step_scalars.hpp"
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
    explicit step_graphs(bool enabled) : enabled_(enabled && !net::has_auxiliary_losses<Net>()), scope_(stream_.get()) {}
    ~step_graphs() {
        (void)hipStreamSynchronize(stream_.get());   // work still queued finishes before the stream goes
        for (auto& g : graphs_) destroy(g);
    }
    step_graphs(const step_graphs&) = delete;
    step_graphs& operator=(const step_graphs&) = delete;

    // One training step, train::step's contract: forward, loss, backward and the optimizer update;
    // returns the loss value (of the output before the update, as train::step does).
    template <class Opt>
    T step(Net& net, const Loss& loss, Opt& opt, const typename Net::input_tensor& x, const typename Net::output_tensor& t) {
        if (!enabled_) return train::step(net, loss, opt, x, t);
        const key k{x.shape()[0], x.data(), t.data()};
        drop_stale();
        // A replay runs no host code, so the tensors' host-side shapes stay those of the last forward pass:
        // replay only where that pass had this batch size (the output is what the host reads next).
        const bool shapes_match = net.output().shape()[0] == k.batch;
        const graph* g = find(k);
        if (g && shapes_match) {
            {
                host_pass_scope host_only;       // the update's host half: step count, this step's scalars
                train::apply_gradients(net, opt);
            }
            check(hipGraphLaunch(g->exec, stream_.get()), "hipGraphLaunch");
            ++replays_;
            return train::detail::step_value(net, loss, t);
        }
        warm_up& w = warm_up_of(k);
        if (g || w.steps < 2 || w.allocated) {   // eager: restores the shapes, or learns whether the step can be captured
            const std::size_t syncs = host_synchronizations(), allocs = allocations();
            train::detail::forward_and_gradients(net, loss, x, t);
            const T value = train::detail::step_value(net, loss, t);
            train::apply_gradients(net, opt);
            if (host_synchronizations() - syncs > value_syncs_) enabled_ = false;   // host work inside the step
            ++w.steps;
            w.allocated = allocations() != allocs;   // a step that allocates every time is never captured
            return value;
        }
        capture(net, loss, opt, x, t, k);
        return train::detail::step_value(net, loss, t);
    }

    bool enabled() const { return enabled_; }
    std::size_t captures() const { return captures_; }   // graphs captured (a shape, or after an allocation)
    std::size_t replays() const { return replays_; }     // steps that replayed a graph

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
    struct warm_up {
        key k;
        int steps = 0;           // eager steps of this shape so far
        bool allocated = false;  // whether the last one allocated device memory
    };
    warm_up& warm_up_of(const key& k) {
        for (auto& w : warm_ups_)
            if (w.k == k) return w;
        warm_ups_.push_back({k});
        return warm_ups_.back();
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
    template <class Opt>
    void capture(Net& net, const Loss& loss, Opt& opt, const typename Net::input_tensor& x, const typename Net::output_tensor& t,
                 const key& k) {
        graph g{k};
        check(hipStreamBeginCapture(stream_.get(), hipStreamCaptureModeThreadLocal), "hipStreamBeginCapture");
        try {
            train::detail::forward_and_gradients(net, loss, x, t);
            train::apply_gradients(net, opt);
        } catch (...) {
            // Not expected: two eager steps of this shape showed no allocation and no host round trip. The
            // step's host state (the optimizer's step count) has advanced without its device work, so the
            // error is passed on, and graphs stay off for this object.
            hipGraph_t partial = nullptr;
            (void)hipStreamEndCapture(stream_.get(), &partial);
            if (partial) (void)hipGraphDestroy(partial);
            (void)hipGetLastError();
            enabled_ = false;
            throw;
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
    std::vector<warm_up> warm_ups_;
    std::size_t captures_ = 0, replays_ = 0;
    static constexpr std::size_t value_syncs_ = 1;   // reading the loss value back
};

// fit's hook, found by argument-dependent lookup on the network's device input tensor.
template <class Net, class Loss, class U, std::size_t R>
step_graphs<Net, Loss> make_step_graphs(Net&, const Loss&, const device_tensor<U, R>&, bool enabled) {
    return step_graphs<Net, Loss>(enabled);
}

} // namespace cascade::gpu
