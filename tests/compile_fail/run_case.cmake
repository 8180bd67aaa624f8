# run_case.cmake: one compile-fail case. Invoked as
#   cmake -DCXX=<compiler> -DSRC=<case.cpp> -DINCLUDES=<dir|dir|...> [-DFLAGS=<flags>] [-DOUT=<file>] -P run_case.cmake
# Passes when the compile FAILS, every `// expect: <substring>` of SRC is in the diagnostic, and the
# diagnostic is under 2048 bytes. The diagnostic is written to OUT when given.
cmake_minimum_required(VERSION 3.20)

foreach(v CXX SRC)
  if(NOT DEFINED ${v} OR "${${v}}" STREQUAL "")
    message(FATAL_ERROR "run_case.cmake: -D${v}=... is required")
  endif()
endforeach()
set(limit 2048)

# ---- expectations: every line `// expect: <substring>` (';' '[' ']' kept literally) ----
file(READ "${SRC}" content)
string(REPLACE ";" "@CF_SEMI@" content "${content}")
string(REPLACE "[" "@CF_LB@" content "${content}")
string(REPLACE "]" "@CF_RB@" content "${content}")
string(REPLACE "\n" ";" lines "${content}")
set(expects "")
foreach(line IN LISTS lines)
  if(line MATCHES "^[ \t]*//[ \t]*expect:[ \t]*(.*[^ \t\r])[ \t\r]*$")
    list(APPEND expects "${CMAKE_MATCH_1}")
  endif()
endforeach()
list(LENGTH expects n_expects)
if(n_expects EQUAL 0)
  message(FATAL_ERROR "${SRC}: no `// expect: <substring>` line; every compile-fail case needs one")
endif()

# ---- compile: syntax + semantic check only (templates are still instantiated), C locale, no colour ----
set(args -std=c++20 -fsyntax-only -fdiagnostics-color=never -DXTENSOR_USE_XSIMD -pthread)
if(DEFINED FLAGS AND NOT "${FLAGS}" STREQUAL "")
  separate_arguments(extra UNIX_COMMAND "${FLAGS}")
  list(APPEND args ${extra})
endif()
if(DEFINED INCLUDES AND NOT "${INCLUDES}" STREQUAL "")
  string(REPLACE "|" ";" inc_list "${INCLUDES}")
  foreach(d IN LISTS inc_list)
    list(APPEND args "-I${d}")
  endforeach()
endif()
get_filename_component(src_dir "${SRC}" DIRECTORY)
get_filename_component(src_name "${SRC}" NAME)
set(ENV{LC_ALL} C)   # ASCII quotes in diagnostics, whatever the caller's locale
set(ENV{LANG} C)
unset(ENV{GCC_COLORS})
execute_process(
  COMMAND "${CXX}" ${args} "${src_name}"
  WORKING_DIRECTORY "${src_dir}"
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)   # same variable: stdout and stderr merged in order
string(LENGTH "${out}" size)
if(DEFINED OUT AND NOT "${OUT}" STREQUAL "")
  file(WRITE "${OUT}" "${out}")
endif()

# FATAL_ERROR re-wraps its text: the diagnostic itself goes out verbatim through NOTICE (stderr) first.
function(fail summary)
  message(NOTICE "---- diagnostic of ${src_name} (${size} bytes) ----\n${out}---- end of diagnostic ----")
  message(FATAL_ERROR "${src_name}: ${summary}")
endfunction()

if(rc EQUAL 0)
  fail("compiled, but it must not compile (compiler output ${size} bytes)")
endif()

set(missing "")
foreach(e IN LISTS expects)
  string(REPLACE "@CF_SEMI@" ";" e "${e}")
  string(REPLACE "@CF_LB@" "[" e "${e}")
  string(REPLACE "@CF_RB@" "]" e "${e}")
  string(FIND "${out}" "${e}" pos)
  if(pos EQUAL -1)
    string(APPEND missing "\n  expected substring not found: ${e}")
  endif()
endforeach()
if(NOT missing STREQUAL "")
  fail("rejected, but not for the expected reason (diagnostic ${size} bytes):${missing}")
endif()

if(NOT size LESS limit)
  fail("diagnostic is ${size} bytes, must be under ${limit}")
endif()

message(STATUS "${src_name}: rejected as expected (${n_expects} expectation(s) met), diagnostic ${size} bytes")
