# Optional HDF5 support (include/cascade/data/hdf5.hpp, the "hdf container" of seed 001's TA SD slides).
# cascade_link_hdf5(<target>): if the HDF5 C library is found (Debian: libhdf5-dev), adds its include
# directories and libraries to <target> and defines CASCADE_HAVE_HDF5=1; otherwise does nothing, so the
# target builds without HDF5 and skips what needs it.
# FindHDF5's C component needs the C language (cascade itself is CXX only): enabled here, where it is
# needed, if a C compiler exists. Included from several directories; each finds the cached result.
if(NOT DEFINED CASCADE_HDF5_SEARCHED)
  set(CASCADE_HDF5_SEARCHED ON)
  include(CheckLanguage)
  check_language(C)
  if(CMAKE_C_COMPILER)
    enable_language(C)
    find_package(HDF5 QUIET COMPONENTS C)
  endif()
  if(HDF5_FOUND)
    message(STATUS "cascade: HDF5 ${HDF5_VERSION} found: data/hdf5.hpp is tested and used by examples/ta_sd")
  else()
    message(STATUS "cascade: HDF5 not found (Debian: libhdf5-dev): data/hdf5.hpp is not tested")
  endif()
endif()

function(cascade_link_hdf5 target)
  if(HDF5_FOUND)
    target_include_directories(${target} PRIVATE ${HDF5_INCLUDE_DIRS})
    target_link_libraries(${target} PRIVATE ${HDF5_C_LIBRARIES})
    target_compile_definitions(${target} PRIVATE CASCADE_HAVE_HDF5=1 ${HDF5_DEFINITIONS})
  endif()
endfunction()
