#pragma once
// cli: the examples' command-line parser (examples only, not part of the library). One line per flag; the
// variable a flag sets holds its default, which the generated --help shows. An unknown argument, a missing
// value or a malformed one throws cascade::error naming the flag.
//   args a;
//   cascade::examples::cli p{"galaxy_zoo", "Dieleman's multi-view CNN on toy galaxies"};
//   p.flag("--full", a.full, "the winner's sizes");
//   p.training(a, "Adam");                               // --epochs --batch-size --lr --threads --seed
//   p.option("--galaxies", a.galaxies, "generated galaxies");
//   p.parse(argc, argv);                                 // --help or -h: prints the usage, exits 0
//   if (a.full && !p.given("--epochs")) a.epochs = 30;   // flags that change other defaults: after parse
// Values: unsigned and signed integers (size_t, uint64_t, int; the whole text must be a number in range),
// double, std::string (may be empty: --filters ''); flags: bool, set to true when present.
#include <cascade/config.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace cascade::examples {

// The flags every training example has; an example's args derive from it and set their defaults:
//   struct args : cascade::examples::training_args {
//       args() : training_args{.epochs = 8, .batch_size = 64} {}
//   };
struct training_args {
    std::size_t epochs = 10, batch_size = 32;
    double lr = 1e-3;
    int threads = 0;   // 0: all cores
    std::uint64_t seed = 42;
};

class cli {
public:
    cli(std::string program, std::string description)
        : program_(std::move(program)), description_(std::move(description)) {}

    // --name VALUE. `metavar` names the value in --help (default: N for integers, X for double, S for text).
    template <class T>
    cli& option(std::string name, T& target, std::string help, std::string metavar = {}) {
        static_assert(!std::is_same_v<T, bool>, "cli::option: use cli::flag for a bool");
        add({std::move(name), metavar.empty() ? default_metavar<T>() : std::move(metavar), std::move(help), shown(target),
             [&target](const std::string& flag, const std::string& text) { target = value<T>(flag, text); }});
        return *this;
    }

    // --name alone: sets `target` to true.
    cli& flag(std::string name, bool& target, std::string help) {
        add({std::move(name), {}, std::move(help), {}, [&target](const std::string&, const std::string&) { target = true; }});
        return *this;
    }

    // --epochs E, --batch-size B, --lr X (of `optimizer`), --threads T, --seed S.
    cli& training(training_args& a, const std::string& optimizer) {
        return option("--epochs", a.epochs, "training epochs", "E")
            .option("--batch-size", a.batch_size, "mini-batch size", "B")
            .option("--lr", a.lr, optimizer + " learning rate")
            .option("--threads", a.threads, "worker threads (0: all cores)", "T")
            .option("--seed", a.seed, "random seed (weights, shuffling, generated data)", "S");
    }

    // A line printed after the flags in --help (what the defaults amount to, what a flag changes).
    cli& note(std::string line) {
        notes_.push_back(std::move(line));
        return *this;
    }

    // Whether the command line named this flag (for defaults that depend on another flag, e.g. --full).
    bool given(const std::string& name) const { return given_.count(name) > 0; }

    void parse(int argc, char** argv) {
        for (int i = 1; i < argc; ++i) {
            const std::string arg = argv[i];
            if (arg == "--help" || arg == "-h") {
                print_help(std::cout);
                std::exit(0);
            }
            const entry* e = find(arg);
            if (!e) throw error("unknown argument: " + arg + " (see --help)");
            std::string text;
            if (!e->metavar.empty()) {
                if (i + 1 >= argc) throw error("missing value after " + arg + " (expected " + e->metavar + ")");
                text = argv[++i];
            }
            e->set(arg, text);
            given_.insert(arg);
        }
    }

    void print_help(std::ostream& os) const {
        os << "usage: " << program_ << " [options]\n  " << description_ << "\n\noptions:\n";
        std::size_t width = std::string("-h, --help").size();
        for (const auto& e : entries_) width = std::max(width, head(e).size());
        auto line = [&](const std::string& left, const std::string& right) {
            os << "  " << left << std::string(width + 2 - left.size(), ' ') << right << "\n";
        };
        for (const auto& e : entries_)
            line(head(e), e.default_text.empty() ? e.help : e.help + " [default " + e.default_text + "]");
        line("-h, --help", "print this help and exit");
        if (!notes_.empty()) os << "\n";
        for (const auto& n : notes_) os << "  " << n << "\n";
    }

private:
    struct entry {
        std::string name, metavar, help, default_text;   // metavar empty: a flag without value
        std::function<void(const std::string&, const std::string&)> set;
    };

    void add(entry e) {
        if (e.name.size() < 2 || e.name[0] != '-' || find(e.name) || e.name == "--help" || e.name == "-h")
            throw error("cli: bad or repeated flag name '" + e.name + "' in " + program_);
        entries_.push_back(std::move(e));
    }

    const entry* find(const std::string& name) const {
        for (const auto& e : entries_)
            if (e.name == name) return &e;
        return nullptr;
    }

    template <class T>
    static std::string default_metavar() {
        if constexpr (std::is_integral_v<T>) return "N";
        else if constexpr (std::is_floating_point_v<T>) return "X";
        else return "S";
    }

    static std::string head(const entry& e) { return e.metavar.empty() ? e.name : e.name + " " + e.metavar; }

    template <class T>
    static std::string shown(const T& v) {
        if constexpr (std::is_same_v<T, std::string>) return v.empty() ? std::string{} : "'" + v + "'";
        else {
            std::ostringstream os;
            os << v;
            return os.str();
        }
    }

    // The whole text must be one value of T: "12abc", "-3" for an unsigned, "" and out-of-range numbers fail.
    template <class T>
    static T value(const std::string& flag, const std::string& text) {
        if constexpr (std::is_same_v<T, std::string>) return text;
        else {
            static_assert(std::is_arithmetic_v<T>, "cli::option: integers, double or std::string");
            T v{};
            const char *first = text.data(), *last = text.data() + text.size();
            if (first != last && *first == '+') ++first;   // from_chars rejects the '+' that std::stoul took
            const auto [end, ec] = std::from_chars(first, last, v);
            if (ec == std::errc::result_out_of_range) throw error(flag + ": " + text + " is out of range");
            if (ec != std::errc{} || end != last || text.empty())
                throw error(flag + " expects " +
                            (std::is_floating_point_v<T> ? "a number"
                             : std::is_signed_v<T>       ? "an integer"
                                                         : "a non-negative integer") +
                            ", got '" + text + "'");
            return v;
        }
    }

    std::string program_, description_;
    std::vector<entry> entries_;
    std::vector<std::string> notes_;
    std::set<std::string> given_;
};

} // namespace cascade::examples
