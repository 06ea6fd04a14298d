// Vectorised exact GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)), for the kernels' stores (internal header).
//
// erf: |x| < 1: x·P(x²) (degree 6 in x²); 1 ≤ |x| < 4: Q(|x| − 2.5) (degree 12); beyond, ±1.
// Least-squares fits made for this file; max relative error about 2e-7 in float arithmetic.
#ifndef EK_GELU_AVX_H
#define EK_GELU_AVX_H

#if defined(__x86_64__)
#include <immintrin.h>

#define EK_ERF_SMALL {1.1283791065216064f, -0.3761262893676758f, 0.11283621937036514f, \
  -0.026855511590838432f, 0.0051918369717895985f, -0.0008043411071412265f, 7.971187733346596e-05f}
#define EK_ERF_LARGE {0.9995930790901184f, 0.002178030554205179f, -0.005446725524961948f, \
  0.00835381168872118f, -0.008614768274128437f, 0.006101441569626331f, -0.0028196137864142656f, \
  0.0005726289818994701f, 0.0002881439577322453f, -0.00028011470567435026f, 6.10543429502286e-05f, \
  2.1274612663546577e-05f, -8.969383088697214e-06f}

__attribute__((target("avx2,fma"), always_inline)) static inline __m256 ek_erf_avx2(__m256 x) {
  static const float s[7] = EK_ERF_SMALL;
  static const float l[13] = EK_ERF_LARGE;
  const __m256 signMask = _mm256_set1_ps(-0.0f);
  __m256 ax = _mm256_andnot_ps(signMask, x);
  __m256 x2 = _mm256_mul_ps(x, x);
  __m256 ps = _mm256_set1_ps(s[6]);
  for (int i = 5; i >= 0; i--) ps = _mm256_fmadd_ps(ps, x2, _mm256_set1_ps(s[i]));
  ps = _mm256_mul_ps(ps, ax);
  __m256 u = _mm256_sub_ps(_mm256_min_ps(ax, _mm256_set1_ps(4.0f)), _mm256_set1_ps(2.5f));
  __m256 pl = _mm256_set1_ps(l[12]);
  for (int i = 11; i >= 0; i--) pl = _mm256_fmadd_ps(pl, u, _mm256_set1_ps(l[i]));
  pl = _mm256_min_ps(pl, _mm256_set1_ps(1.0f));
  __m256 big = _mm256_cmp_ps(ax, _mm256_set1_ps(1.0f), _CMP_GE_OQ);
  __m256 r = _mm256_blendv_ps(ps, pl, big);
  r = _mm256_blendv_ps(r, _mm256_set1_ps(1.0f), _mm256_cmp_ps(ax, _mm256_set1_ps(4.0f), _CMP_GE_OQ));
  return _mm256_or_ps(r, _mm256_and_ps(x, signMask));
}

__attribute__((target("avx2,fma"), always_inline)) static inline __m256 ek_gelu8(__m256 x) {
  __m256 e = ek_erf_avx2(_mm256_mul_ps(x, _mm256_set1_ps(0.70710678118654752f)));
  __m256 h = _mm256_mul_ps(x, _mm256_set1_ps(0.5f));
  return _mm256_fmadd_ps(h, e, h);
}

__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline)) static inline __m512
ek_erf_avx512(__m512 x) {
  static const float s[7] = EK_ERF_SMALL;
  static const float l[13] = EK_ERF_LARGE;
  __m512 ax = _mm512_abs_ps(x);
  __m512 x2 = _mm512_mul_ps(x, x);
  __m512 ps = _mm512_set1_ps(s[6]);
  for (int i = 5; i >= 0; i--) ps = _mm512_fmadd_ps(ps, x2, _mm512_set1_ps(s[i]));
  ps = _mm512_mul_ps(ps, ax);
  __m512 u = _mm512_sub_ps(_mm512_min_ps(ax, _mm512_set1_ps(4.0f)), _mm512_set1_ps(2.5f));
  __m512 pl = _mm512_set1_ps(l[12]);
  for (int i = 11; i >= 0; i--) pl = _mm512_fmadd_ps(pl, u, _mm512_set1_ps(l[i]));
  pl = _mm512_min_ps(pl, _mm512_set1_ps(1.0f));
  __mmask16 big = _mm512_cmp_ps_mask(ax, _mm512_set1_ps(1.0f), _CMP_GE_OQ);
  __mmask16 sat = _mm512_cmp_ps_mask(ax, _mm512_set1_ps(4.0f), _CMP_GE_OQ);
  __m512 r = _mm512_mask_blend_ps(big, ps, pl);
  r = _mm512_mask_blend_ps(sat, r, _mm512_set1_ps(1.0f));
  __m512i sign = _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32((int)0x80000000u));
  return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(r), sign));
}

__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline)) static inline __m512
ek_gelu16(__m512 x) {
  __m512 e = ek_erf_avx512(_mm512_mul_ps(x, _mm512_set1_ps(0.70710678118654752f)));
  __m512 h = _mm512_mul_ps(x, _mm512_set1_ps(0.5f));
  return _mm512_fmadd_ps(h, e, h);
}
#endif

#endif
