# Sourced by scripts/test.sh --sanitize and scripts/fuzz.sh: how the
# sanitizer build's programs run (docs/security.md).
#
# allow_user_poisoning=0: LLVM's headers poison the free parts of their
# allocators' slabs when the including code is built with ASan, but the
# Debian libMLIR.so that later writes there is not instrumented, so every
# such write would be reported. Ternion's own heap, stack and globals keep
# full checking.
# allocator_may_return_null=1: a failed allocation returns null as it does
# in a release build, so that "cannot allocate" errors are tested as users
# see them.
# Leaks are findings (LLVM's and MLIR's process-lifetime objects are still
# reachable at exit, so they are not reported).
export ASAN_OPTIONS=${ASAN_OPTIONS:-allow_user_poisoning=0:allocator_may_return_null=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
