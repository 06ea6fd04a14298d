// Int8 micro-kernel for AVX2: a 2 × 32 tile, s8·s8 products through pmaddubsw with the sign trick.
//
// pmaddubsw multiplies unsigned by signed bytes and saturates pair sums to int16. With a = (u − 128) in
// [-128, 127] and weights in [-127, 127], |a|·sign(w, a) = a·w and a pair sum is at most 2·128·127 =
// 32512 < 32767, so nothing saturates; pmaddwd by ones then sums the pairs into int32.
#include "CEmbeddingKernels.h"
#include "gelu_avx.h"
#include <string.h>

#if defined(__x86_64__)
#define EK_AVX2 __attribute__((target("avx2,fma")))

EK_AVX2 __attribute__((always_inline)) static inline void ek_qgemm_avx2_tile(
  const int MR, int64_t nr, int64_t kq, const int8_t *a, int64_t lda, const int8_t *p, float *c,
  int64_t ldc, const float *rowScale, const int32_t *zero, const float *colScale,
  const int32_t *colSum, const float *bias, int gelu) {
  __m256i acc[2][4];
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < 4; v++) acc[r][v] = _mm256_setzero_si256();
  const __m256i ones = _mm256_set1_epi16(1);
  // a: [MR × 4kq] int8; p: [kq][32][4] int8.
  for (int64_t q = 0; q < kq; q++) {
    for (int r = 0; r < MR; r++) {
      int32_t quad;
      memcpy(&quad, a + r * lda + q * 4, 4);
      __m256i x = _mm256_set1_epi32(quad);
      __m256i ax = _mm256_abs_epi8(x);
      for (int v = 0; v < 4; v++) {
        __m256i w = _mm256_loadu_si256((const __m256i *)(p + q * 128 + v * 32));
        __m256i pairs = _mm256_maddubs_epi16(ax, _mm256_sign_epi8(w, x));
        acc[r][v] = _mm256_add_epi32(acc[r][v], _mm256_madd_epi16(pairs, ones));
      }
    }
  }
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (int v = 0; v < 4; v++) {
    int64_t valid = nr - v * 8;
    if (valid <= 0) break;
    if (valid > 8) valid = 8;
    __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)valid), iota);
    __m256i sums = _mm256_loadu_si256((const __m256i *)(colSum + v * 8));
    __m256 cs = _mm256_loadu_ps(colScale + v * 8);
    __m256 bv = _mm256_loadu_ps(bias + v * 8);
    for (int r = 0; r < MR; r++) {
      // Σ (u − zero)·w = Σ (u − 128)·w + (128 − zero)·Σ w.
      __m256i d = _mm256_add_epi32(
        acc[r][v], _mm256_mullo_epi32(_mm256_set1_epi32(128 - zero[r]), sums));
      __m256 x = _mm256_mul_ps(_mm256_cvtepi32_ps(d), _mm256_set1_ps(rowScale[r]));
      x = _mm256_add_ps(_mm256_mul_ps(x, cs), bv);
      if (gelu) x = ek_gelu8(x);
      float *cp = c + r * ldc + v * 8;
      if (valid == 8)
        _mm256_storeu_ps(cp, x);
      else
        _mm256_maskstore_ps(cp, mask, x);
    }
  }
}

EK_AVX2 void ek_qgemm_avx2(
  int64_t mr, int64_t nr, int64_t kq, const int8_t *a, int64_t lda, const int8_t *p, float *c,
  int64_t ldc, const float *rowScale, const int32_t *zero, const float *colScale,
  const int32_t *colSum, const float *bias, int gelu) {
  if (mr == 2)
    ek_qgemm_avx2_tile(
      2, nr, kq, a, lda, p, c, ldc, rowScale, zero, colScale, colSum, bias, gelu);
  else if (mr == 1)
    ek_qgemm_avx2_tile(
      1, nr, kq, a, lda, p, c, ldc, rowScale, zero, colScale, colSum, bias, gelu);
}
#else
#include <stdlib.h>
void ek_qgemm_avx2(
  int64_t mr, int64_t nr, int64_t kq, const int8_t *a, int64_t lda, const int8_t *p, float *c,
  int64_t ldc, const float *rowScale, const int32_t *zero, const float *colScale,
  const int32_t *colSum, const float *bias, int gelu) { abort(); }
#endif

#if defined(__x86_64__)
// out[i] = (u8) clamp(round((x[i] · inverse + zero)), 0, 255) ^ flip for i < k (rounding by the
// 1.5·2²³ trick in separate multiply and adds, so it equals the portable Swift code bit for bit).
EK_AVX2 void ek_quantize_avx2(
  const float *x, int64_t k, float inverse, float zero, int8_t *out, uint8_t flip) {
  const __m256 vi = _mm256_set1_ps(inverse), vz = _mm256_set1_ps(zero);
  const __m256 magic = _mm256_set1_ps(12582912.0f);
  const __m256 top = _mm256_set1_ps(255.0f), bottom = _mm256_setzero_ps();
  const __m128i vf = _mm_set1_epi8((char)flip);
  int64_t i = 0;
  for (; i + 8 <= k; i += 8) {
    __m256 v = _mm256_mul_ps(_mm256_loadu_ps(x + i), vi);
    v = _mm256_add_ps(v, vz);
    v = _mm256_add_ps(v, magic);
    v = _mm256_sub_ps(v, magic);
    v = _mm256_min_ps(_mm256_max_ps(v, bottom), top);  // NaN → 0, like !(v >= 0)
    __m256i n = _mm256_cvttps_epi32(v);
    __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(n), _mm256_extracti128_si256(n, 1));
    __m128i b = _mm_xor_si128(_mm_packus_epi16(w, w), vf);
    _mm_storel_epi64((__m128i *)(out + i), b);
  }
  for (; i < k; i++) {
    float v = x[i] * inverse;
    v = v + zero;
    v = v + 12582912.0f;
    v = v - 12582912.0f;
    if (!(v >= 0)) v = 0;
    if (v > 255) v = 255;
    out[i] = (int8_t)((uint8_t)v ^ flip);
  }
}
#else
void ek_quantize_avx2(
  const float *x, int64_t k, float inverse, float zero, int8_t *out, uint8_t flip) { abort(); }
#endif
