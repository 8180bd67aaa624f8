// mnist_cnn_gpu: examples/mnist_cnn/main.cpp compiled by the GPU compiler (nvcc or hipcc, CASCADE_GPU=cuda|hip),
// so that `--device gpu` trains the same model type on backend::gpu.
#include "main.cpp"
