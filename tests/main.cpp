// The only translation unit with doctest's main (compiling it once saves ~5 s per test executable).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
