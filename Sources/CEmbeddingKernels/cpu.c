// Run-time CPU detection for the micro-kernel dispatch.
#include "CEmbeddingKernels.h"

#if defined(__x86_64__) || defined(__i386__)
int ek_cpu_has_avx2(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

int ek_cpu_has_avx512(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
    && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
}
#else
int ek_cpu_has_avx2(void) { return 0; }
int ek_cpu_has_avx512(void) { return 0; }
#endif
