// Softmax rows and exp for AVX2 + FMA: a Cephes-style exp (range reduction by ln 2, degree-6
// polynomial, 2^n from the exponent bits), about 2 ulp over the range softmax uses.
#include "CEmbeddingKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define EK_AVX2 __attribute__((target("avx2,fma")))

// exp(x) lane by lane; x below -87.33 gives 0, above 88.37 gives +inf (as expf does).
EK_AVX2 __attribute__((always_inline)) static inline __m256 ek_exp8(__m256 x) {
  const __m256 hi = _mm256_set1_ps(88.3762626647949f);
  const __m256 lo = _mm256_set1_ps(-87.3365447505531f);
  __m256 under = _mm256_cmp_ps(x, lo, _CMP_LT_OQ);
  __m256 over = _mm256_cmp_ps(x, hi, _CMP_GT_OQ);
  __m256 xc = _mm256_min_ps(_mm256_max_ps(x, lo), hi);
  // n = round(x / ln 2); r = x − n·ln 2 in two parts (exact n·C1).
  __m256 n = _mm256_round_ps(
    _mm256_mul_ps(xc, _mm256_set1_ps(1.44269504088896341f)),
    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), xc);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  // 2^n for n in [-126, 127]: the exponent field; the extremes are patched below.
  __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  __m256 y = _mm256_mul_ps(p, _mm256_castsi256_ps(e));
  y = _mm256_andnot_ps(under, y);
  return _mm256_blendv_ps(y, _mm256_set1_ps(__builtin_inff()), over);
}

EK_AVX2 void ek_exp_avx2(float *x, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, ek_exp8(_mm256_loadu_ps(x + i)));
  if (i < n) {
    __m256i mask = _mm256_cmpgt_epi32(
      _mm256_set1_epi32((int)(n - i)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    _mm256_maskstore_ps(x + i, mask, ek_exp8(_mm256_maskload_ps(x + i, mask)));
  }
}

// Horizontal max and sum of 8 lanes.
EK_AVX2 static inline float ek_hmax8(__m256 v) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
  return _mm_cvtss_f32(m);
}

EK_AVX2 static inline float ek_hsum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

EK_AVX2 void ek_softmax_avx2(float *x, int64_t rows, int64_t width, int64_t stride) {
  if (width <= 0) return;
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const int64_t full = width / 8 * 8;
  const int64_t tail = width - full;
  const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)tail), iota);
  const __m256 minusInf = _mm256_set1_ps(-__builtin_inff());
  for (int64_t r = 0; r < rows; r++) {
    float *row = x + r * stride;
    __m256 top = minusInf;
    for (int64_t j = 0; j < full; j += 8) top = _mm256_max_ps(top, _mm256_loadu_ps(row + j));
    if (tail) top = _mm256_max_ps(top, _mm256_blendv_ps(minusInf, _mm256_maskload_ps(row + full, mask), _mm256_castsi256_ps(mask)));
    __m256 m = _mm256_set1_ps(ek_hmax8(top));
    __m256 sum = _mm256_setzero_ps();
    for (int64_t j = 0; j < full; j += 8) {
      __m256 e = ek_exp8(_mm256_sub_ps(_mm256_loadu_ps(row + j), m));
      _mm256_storeu_ps(row + j, e);
      sum = _mm256_add_ps(sum, e);
    }
    if (tail) {
      __m256 e = ek_exp8(_mm256_sub_ps(_mm256_maskload_ps(row + full, mask), m));
      e = _mm256_and_ps(e, _mm256_castsi256_ps(mask));
      _mm256_maskstore_ps(row + full, mask, e);
      sum = _mm256_add_ps(sum, e);
    }
    __m256 inv = _mm256_set1_ps(1.0f / ek_hsum8(sum));
    for (int64_t j = 0; j < full; j += 8) _mm256_storeu_ps(row + j, _mm256_mul_ps(_mm256_loadu_ps(row + j), inv));
    if (tail) _mm256_maskstore_ps(row + full, mask, _mm256_mul_ps(_mm256_maskload_ps(row + full, mask), inv));
  }
}
#else
#include <stdlib.h>
void ek_exp_avx2(float *x, int64_t n) { abort(); }
void ek_softmax_avx2(float *x, int64_t rows, int64_t width, int64_t stride) { abort(); }
#endif
