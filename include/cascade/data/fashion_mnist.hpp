#pragma once
// fashion_mnist / mnist: image classification data sets stored as four IDX files (idx.hpp) in one
// directory, in the layout of MNIST (http://yann.lecun.com/exdb/mnist/) and Fashion-MNIST:
//   train-images-idx3-ubyte[.gz]  (60000, 28, 28) ubyte      train-labels-idx1-ubyte[.gz]  (60000) ubyte
//   t10k-images-idx3-ubyte[.gz]   (10000, 28, 28) ubyte      t10k-labels-idx1-ubyte[.gz]   (10000) ubyte
// Each file is looked for compressed (.gz) first, then plain.
//
// Result: train.x (60000, 28, 28, 1) and test.x (10000, 28, 28, 1), pixels scaled to [0, 1];
//         train.y (60000, 10) and test.y (10000, 10), one-hot; class_names[k] names class k.
//
// Fashion-MNIST's directory: $CASCADE_FASHION_MNIST_DIR if set, else /usr/share/datasets/fashion-mnist
// (Debian package dataset-fashion-mnist). MNIST's: $CASCADE_MNIST_DIR, else /usr/share/datasets/mnist.
// idx_image_classification() loads any data set in this layout.
#include "cascade/config.hpp"
#include "cascade/data/dataset.hpp"
#include "cascade/data/idx.hpp"
#include "cascade/tensor/tensor.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace cascade::data {

template <class T = float>
struct image_classification_data {
    dataset<T, 4, 2> train; // x (N, H, W, C) in [0, 1], y (N, classes) one-hot
    dataset<T, 4, 2> test;
    std::vector<std::string> class_names;
};

// The four file names (without ".gz") of an IDX image classification data set.
struct idx_file_names {
    std::string train_images = "train-images-idx3-ubyte";
    std::string train_labels = "train-labels-idx1-ubyte";
    std::string test_images = "t10k-images-idx3-ubyte";
    std::string test_labels = "t10k-labels-idx1-ubyte";
};

// Everything idx_image_classification() needs to know about one data set.
struct idx_classification_spec {
    std::string name;                       // used in error messages, e.g. "fashion_mnist"
    idx_file_names files;                   // looked for as <name>.gz, then <name>
    std::vector<std::string> class_names;   // their count is the number of classes
    double pixel_scale = 1.0 / 255.0;       // pixel value multiplier: ubyte -> [0, 1]
    std::string install_hint;               // appended to "not found" errors
};

namespace detail {

inline std::string env_or(const char* var, const char* fallback) {
    const char* v = std::getenv(var);
    return v && *v ? std::string(v) : std::string(fallback);
}

inline std::string missing_files_message(const std::string& dir, const idx_classification_spec& spec) {
    const auto& f = spec.files;
    std::string m = "looked for " + f.train_images + "[.gz], " + f.train_labels + "[.gz], " + f.test_images +
                    "[.gz] and " + f.test_labels + "[.gz] in " + dir;
    if (!spec.install_hint.empty()) m += "; " + spec.install_hint;
    return m;
}

// dir/name.gz if it exists, else dir/name if it exists, else an error naming both.
inline std::string find_idx_file(const std::string& dir, const std::string& name, const idx_classification_spec& spec) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path gz = fs::path(dir) / (name + ".gz");
    const fs::path plain = fs::path(dir) / name;
    if (fs::is_regular_file(gz, ec)) return gz.string();
    if (fs::is_regular_file(plain, ec)) return plain.string();
    cascade::detail::fail(spec.name, ": file not found: neither ", gz.string(), " nor ", plain.string(), " exists (",
                 missing_files_message(dir, spec), ")");
}

template <class T>
dataset<T, 4, 2> load_idx_split(const std::string& dir, const std::string& images_name,
                                const std::string& labels_name, const idx_classification_spec& spec) {
    const std::string images_path = find_idx_file(dir, images_name, spec);
    const std::string labels_path = find_idx_file(dir, labels_name, spec);
    auto labels = read_idx_labels(labels_path);
    auto x = read_idx_images<T>(images_path, spec.pixel_scale);
    if (x.shape()[0] != labels.size())
        cascade::detail::fail(spec.name, ": ", images_path, " holds ", x.shape()[0], " images but ", labels_path, " holds ",
                     labels.size(), " labels; expected the same count");
    const std::size_t classes = spec.class_names.size();
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i] >= classes)
            cascade::detail::fail(spec.name, ": ", labels_path, ": label ", unsigned{labels[i]}, " of sample ", i,
                         " (at offset ", 8 + i, ") is out of range: expected a class in [0, ", classes, ")");
    return dataset<T, 4, 2>{std::move(x), one_hot<T>(labels, classes)};
}

} // namespace detail

inline std::string default_fashion_mnist_dir() {
    return detail::env_or("CASCADE_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist");
}
inline std::string default_mnist_dir() { return detail::env_or("CASCADE_MNIST_DIR", "/usr/share/datasets/mnist"); }

inline idx_classification_spec fashion_mnist_spec() {
    idx_classification_spec s;
    s.name = "fashion_mnist";
    s.class_names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                     "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    s.install_hint = "`apt-get install dataset-fashion-mnist` provides them in /usr/share/datasets/fashion-mnist, "
                     "or set CASCADE_FASHION_MNIST_DIR to a directory holding them";
    return s;
}

inline idx_classification_spec mnist_spec() {
    idx_classification_spec s;
    s.name = "mnist";
    s.class_names = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    s.install_hint = "download them from http://yann.lecun.com/exdb/mnist/ and set CASCADE_MNIST_DIR to their directory";
    return s;
}

// Loads an image classification data set in the MNIST layout from dir (see the top of this file).
template <class T = float>
image_classification_data<T> idx_image_classification(const std::string& dir, const idx_classification_spec& spec) {
    CASCADE_CHECK(!spec.class_names.empty(), spec.name, ": the spec names no classes");
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        cascade::detail::fail(spec.name, ": directory not found: ", dir, " does not exist or is not a directory (",
                     detail::missing_files_message(dir, spec), ")");
    image_classification_data<T> out;
    out.train = detail::load_idx_split<T>(dir, spec.files.train_images, spec.files.train_labels, spec);
    out.test = detail::load_idx_split<T>(dir, spec.files.test_images, spec.files.test_labels, spec);
    out.class_names = spec.class_names;
    return out;
}

// Fashion-MNIST (Zalando): 10 classes of 28x28 grey clothing images, 60000 train + 10000 test.
template <class T = float>
image_classification_data<T> fashion_mnist(const std::string& dir = default_fashion_mnist_dir()) {
    return idx_image_classification<T>(dir, fashion_mnist_spec());
}

// MNIST (LeCun et al.): 10 classes of 28x28 grey handwritten digits, 60000 train + 10000 test.
template <class T = float>
image_classification_data<T> mnist(const std::string& dir = default_mnist_dir()) {
    return idx_image_classification<T>(dir, mnist_spec());
}

} // namespace cascade::data
