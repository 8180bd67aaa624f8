#pragma once
// reshape<D...> and flatten: change the per-sample shape, keep the data (row-major order).
//   flatten: (N, d1, ..., dk) → (N, d1·…·dk)        reshape<D...>: (N, In...) → (N, D...), Π D = Π In
#include "cascade/kernels/activation.hpp"
#include "cascade/layers/concepts.hpp"

namespace cascade::layers {

template <std::size_t... D>
struct reshape {
    static constexpr const char* name = "reshape";
    template <class In>
    static constexpr bool accepts = (D * ...) == In::size;
    template <class In>
    static constexpr void check() {
        static_assert(accepts<In>, "reshape<D...>: the new shape must hold as many values per sample as the input");
    }
    template <class In>
    using output_shape = shape<D...>;

    template <class In, class B, class T>
    struct impl : no_params {
        using no_params::no_params;
        template <std::size_t R> using tensor = typename B::template tensor<T, R>;
        static constexpr std::size_t RI = In::rank + 1, RO = sizeof...(D) + 1;
        void forward(const tensor<RI>& x, tensor<RO>& y, mode) {
            kernels::reshape_copy(x, y, std::array<std::size_t, RO>{x.shape()[0], D...});
        }
        void backward(const tensor<RI>& x, const tensor<RO>&, const tensor<RO>& dy, tensor<RI>* dx) {
            if (dx) kernels::reshape_copy(dy, *dx, x.shape());
        }
    };
};

struct flatten : any_input {
    static constexpr const char* name = "flatten";
    template <class In>
    using output_shape = shape<In::size>;
    template <class In, class B, class T>
    using impl = typename reshape<In::size>::template impl<In, B, T>;
};

} // namespace cascade::layers
