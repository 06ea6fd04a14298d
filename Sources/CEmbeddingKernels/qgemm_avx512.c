// Int8 micro-kernel for AVX-512 VNNI: a 12 × 32 tile, u8·s8 products summed four at a time by vpdpbusd.
//
// vpdpbusd (the non-saturating form) adds four u8·s8 products to each int32 lane, so a = u in [0, 255]
// is used as is and the zero point is removed with the weights' column sums: Σ (u − zero)·w.
#include "CEmbeddingKernels.h"
#include "gelu_avx.h"
#include <string.h>

#if defined(__x86_64__)
#define EK_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

EK_AVX512 __attribute__((always_inline)) static inline void ek_qgemm_avx512_tile(
  const int MR, int64_t nr, int64_t kq, const int8_t *a, int64_t lda, const int8_t *p, float *c,
  int64_t ldc, const float *rowScale, const int32_t *zero, const float *colScale,
  const int32_t *colSum, const float *bias, int gelu) {
  __m512i acc[12][2];
  for (int r = 0; r < MR; r++) {
    acc[r][0] = _mm512_setzero_si512();
    acc[r][1] = _mm512_setzero_si512();
  }
  // a: [MR × 4kq] uint8; p: [kq][32][4] int8.
  for (int64_t q = 0; q < kq; q++) {
    __m512i w0 = _mm512_loadu_si512((const void *)(p + q * 128));
    __m512i w1 = _mm512_loadu_si512((const void *)(p + q * 128 + 64));
    for (int r = 0; r < MR; r++) {
      int32_t quad;
      memcpy(&quad, a + r * lda + q * 4, 4);
      __m512i x = _mm512_set1_epi32(quad);
      acc[r][0] = _mm512_dpbusd_epi32(acc[r][0], x, w0);
      acc[r][1] = _mm512_dpbusd_epi32(acc[r][1], x, w1);
    }
  }
  for (int v = 0; v < 2; v++) {
    int64_t valid = nr - v * 16;
    if (valid <= 0) break;
    if (valid > 16) valid = 16;
    __mmask16 mask = (__mmask16)((1u << valid) - 1u);
    __m512i sums = _mm512_loadu_si512((const void *)(colSum + v * 16));
    __m512 cs = _mm512_loadu_ps(colScale + v * 16);
    __m512 bv = _mm512_loadu_ps(bias + v * 16);
    for (int r = 0; r < MR; r++) {
      __m512i d = _mm512_sub_epi32(acc[r][v], _mm512_mullo_epi32(_mm512_set1_epi32(zero[r]), sums));
      __m512 x = _mm512_mul_ps(_mm512_cvtepi32_ps(d), _mm512_set1_ps(rowScale[r]));
      x = _mm512_add_ps(_mm512_mul_ps(x, cs), bv);
      if (gelu) x = ek_gelu16(x);
      _mm512_mask_storeu_ps(c + r * ldc + v * 16, mask, x);
    }
  }
}

#define EK_CASE(M) \
  case M: \
    ek_qgemm_avx512_tile( \
      M, nr, kq, a, lda, p, c, ldc, rowScale, zero, colScale, colSum, bias, gelu); \
    break;

EK_AVX512 void ek_qgemm_avx512(
  int64_t mr, int64_t nr, int64_t kq, const int8_t *a, int64_t lda, const int8_t *p, float *c,
  int64_t ldc, const float *rowScale, const int32_t *zero, const float *colScale,
  const int32_t *colSum, const float *bias, int gelu) {
  switch (mr) {
    EK_CASE(1) EK_CASE(2) EK_CASE(3) EK_CASE(4) EK_CASE(5) EK_CASE(6)
    EK_CASE(7) EK_CASE(8) EK_CASE(9) EK_CASE(10) EK_CASE(11) EK_CASE(12)
    default: break;
  }
}
#else
#include <stdlib.h>
void ek_qgemm_avx512(
  int64_t mr, int64_t nr, int64_t kq, const int8_t *a, int64_t lda, const int8_t *p, float *c,
  int64_t ldc, const float *rowScale, const int32_t *zero, const float *colScale,
  const int32_t *colSum, const float *bias, int gelu) { abort(); }
#endif
