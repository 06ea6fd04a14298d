// Float micro-kernel for AVX2 + FMA: a 6 × 16 tile of C in 12 ymm accumulators (two per 32-column panel).
//
// 12 accumulators, 2 B vectors and one broadcast fill 15 of the 16 ymm registers; a 3 × 32 tile would
// need 17 and spill in the inner loop.
#include "CEmbeddingKernels.h"
#include "gelu_avx.h"

#if defined(__x86_64__)
#define EK_AVX2 __attribute__((target("avx2,fma")))

// C[MR × nr] (= or +=) alpha · A[MR × kc] · P[kc × 32][:, :nr] for nr ≤ 16 (half a panel); MR and NV
// (8-column vectors) are constants after inlining, so the accumulators live in registers.
EK_AVX2 __attribute__((always_inline)) static inline void ek_sgemm_avx2_tile(
  const int PACKED, const int MR, const int NV, int64_t nr, int64_t kc, const float *a, int64_t lda,
  const float *p, float *c, int64_t ldc, float alpha, int accumulate, const float *bias, int gelu) {
  __m256 acc[6][2];
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < NV; v++) acc[r][v] = _mm256_setzero_ps();
  // a: [MR × kc], A[r][k] at a[r·lda + k], or at a[k·6 + r] when PACKED; p: [kc][32].
  for (int64_t k = 0; k < kc; k++) {
    __m256 b[2];
    for (int v = 0; v < NV; v++) b[v] = _mm256_loadu_ps(p + k * 32 + v * 8);
    for (int r = 0; r < MR; r++) {
      __m256 x = _mm256_broadcast_ss(PACKED ? a + k * EK_SGEMM_AVX2_MR + r : a + r * lda + k);
      for (int v = 0; v < NV; v++) acc[r][v] = _mm256_fmadd_ps(x, b[v], acc[r][v]);
    }
  }
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256 va = _mm256_set1_ps(alpha);
  for (int v = 0; v < NV; v++) {
    int64_t valid = nr - v * 8;
    if (valid > 8) valid = 8;
    __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)valid), iota);
    __m256 bv = _mm256_setzero_ps();
    if (bias) bv = _mm256_maskload_ps(bias + v * 8, mask);
    for (int r = 0; r < MR; r++) {
      float *cp = c + r * ldc + v * 8;
      __m256 x = acc[r][v];
      if (alpha != 1.0f) x = _mm256_mul_ps(x, va);
      if (accumulate) x = _mm256_add_ps(x, _mm256_maskload_ps(cp, mask));
      if (bias) x = _mm256_add_ps(x, bv);
      if (gelu) x = ek_gelu8(x);
      if (valid == 8)
        _mm256_storeu_ps(cp, x);
      else
        _mm256_maskstore_ps(cp, mask, x);
    }
  }
}

#define EK_CASE(M, V) \
  case (M) * 8 + (V): \
    if (packed) \
      ek_sgemm_avx2_tile(1, M, V, EK_ARGS); \
    else \
      ek_sgemm_avx2_tile(0, M, V, EK_ARGS); \
    break;

EK_AVX2 void ek_sgemm_avx2(
  int64_t mr, int64_t nr, int64_t kc, const float *a, int64_t lda, int packed,
  const float *p, float *c, int64_t ldc, float alpha, int accumulate, const float *bias, int gelu) {
  for (int half = 0; half < 2; half++) {
    int64_t hn = nr - half * 16;
    if (hn <= 0) break;
    if (hn > 16) hn = 16;
    const float *hp = p + half * 16;
    float *hc = c + half * 16;
    const float *hb = bias ? bias + half * 16 : 0;
    int nv = (int)((hn + 7) / 8);
    switch (mr * 8 + nv) {
#define EK_ARGS hn, kc, a, lda, hp, hc, ldc, alpha, accumulate, hb, gelu
      EK_CASE(1, 1) EK_CASE(1, 2) EK_CASE(2, 1) EK_CASE(2, 2) EK_CASE(3, 1) EK_CASE(3, 2)
      EK_CASE(4, 1) EK_CASE(4, 2) EK_CASE(5, 1) EK_CASE(5, 2) EK_CASE(6, 1) EK_CASE(6, 2)
#undef EK_ARGS
      default: break;
    }
  }
}

EK_AVX2 void ek_gelu_avx2(float *x, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, ek_gelu8(_mm256_loadu_ps(x + i)));
  if (i < n) {
    __m256i mask = _mm256_cmpgt_epi32(
      _mm256_set1_epi32((int)(n - i)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    _mm256_maskstore_ps(x + i, mask, ek_gelu8(_mm256_maskload_ps(x + i, mask)));
  }
}
#else
#include <stdlib.h>
void ek_sgemm_avx2(
  int64_t mr, int64_t nr, int64_t kc, const float *a, int64_t lda, int packed,
  const float *p, float *c, int64_t ldc, float alpha, int accumulate, const float *bias, int gelu) { abort(); }
void ek_gelu_avx2(float *x, int64_t n) { abort(); }
#endif
