# Sanitizer and fuzzer builds of all of Ternion's own code (the compiler,
# runtime, tools and tests; LLVM, MLIR and the system libraries stay as
# Debian built them). scripts/test.sh --sanitize configures build-sanitize
# with TERNION_SANITIZE=address,undefined and TERNION_BUILD_FUZZERS=ON;
# scripts/fuzz.sh runs that build's fuzzers.
set(TERNION_SANITIZE "" CACHE STRING
    "Sanitizers for Ternion's code, as -fsanitize= takes them (address,undefined is tested)")
option(TERNION_BUILD_FUZZERS
       "Build the libFuzzer targets in fuzz/ (with TERNION_SANITIZE)" OFF)

if(TERNION_BUILD_FUZZERS AND NOT TERNION_SANITIZE)
  message(FATAL_ERROR "TERNION_BUILD_FUZZERS needs TERNION_SANITIZE "
                      "(e.g. -DTERNION_SANITIZE=address,undefined)")
endif()

if(TERNION_SANITIZE)
  # Every finding stops the program: a test that hits one fails instead of
  # printing a report nobody reads.
  # -O1 (after the build type's -O3, so it wins): the sanitizers' advice,
  # and it halves the time to compile the MLIR-heavy sources instrumented.
  add_compile_options(-fsanitize=${TERNION_SANITIZE} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer -g1 -O1)
  # The runtime is a shared library built with -z defs: with the static
  # sanitizer runtime its sanitizer calls would be undefined, so everything
  # links the shared one, found through an rpath to clang's runtime folder
  # (Debian's lib/linux layout, which -frtlib-add-rpath does not cover).
  execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-runtime-dir
                  OUTPUT_VARIABLE TERNION_SANITIZER_RUNTIME_DIR
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  add_link_options(-fsanitize=${TERNION_SANITIZE} -shared-libsan
                   -Wl,-rpath,${TERNION_SANITIZER_RUNTIME_DIR})
  if(TERNION_BUILD_FUZZERS)
    # Coverage for libFuzzer in every library a fuzzer links; the fuzzers
    # themselves add -fsanitize=fuzzer (fuzz/CMakeLists.txt).
    add_compile_options(-fsanitize=fuzzer-no-link)
  endif()
  message(STATUS "Ternion sanitizers: ${TERNION_SANITIZE} "
                 "(fuzzers: ${TERNION_BUILD_FUZZERS})")
endif()
