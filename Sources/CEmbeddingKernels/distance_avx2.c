// Distance kernels for vector search (AVX2 + FMA, F16C, POPCNT): inner products of one float query with
// stored rows in float32, float16 and int8, gathered by id with prefetch, and Hamming distances of bit
// codes. Callers check ek_cpu_has_avx2 first (every AVX2 CPU also has F16C and POPCNT).
#include "CEmbeddingKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define EK_DIST __attribute__((target("avx2,fma,f16c,popcnt")))

EK_DIST static inline float ek_hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// x, y: [n] floats.
EK_DIST float ek_dot_avx2(const float *x, const float *y, int64_t n) {
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
  __m256 a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    a0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), a0);
    a1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 8), _mm256_loadu_ps(y + i + 8), a1);
    a2 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 16), _mm256_loadu_ps(y + i + 16), a2);
    a3 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 24), _mm256_loadu_ps(y + i + 24), a3);
  }
  for (; i + 8 <= n; i += 8) a0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), a0);
  float s = ek_hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
  for (; i < n; i++) s += x[i] * y[i];
  return s;
}

// out[j] = q · base[j] for n contiguous rows of d floats (the exact scan): four rows per pass share each
// load of q and keep eight FMA chains in flight; the four rows after them are prefetched while these are
// scored (one 64-byte line of each per 16 floats), so the scan is bound by memory, not by calls.
// q: [d]; base: [n × d] row-major; out: [n].
EK_DIST void ek_dot_rows_avx2(const float *q, const float *base, int64_t d, int64_t n, float *out) {
  int64_t j = 0;
  for (; j + 4 <= n; j += 4) {
    const float *r0 = base + j * d, *r1 = r0 + d, *r2 = r1 + d, *r3 = r2 + d;
    const char *next = (const char *)(r0 + 4 * d);
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
    int64_t i = 0;
    for (; i + 16 <= d; i += 16) {
      const char *p = next + i * 4;
      _mm_prefetch(p, _MM_HINT_T0);
      _mm_prefetch(p + d * 4, _MM_HINT_T0);
      _mm_prefetch(p + d * 8, _MM_HINT_T0);
      _mm_prefetch(p + d * 12, _MM_HINT_T0);
      __m256 q0 = _mm256_loadu_ps(q + i), q1 = _mm256_loadu_ps(q + i + 8);
      a0 = _mm256_fmadd_ps(q0, _mm256_loadu_ps(r0 + i), a0);
      a1 = _mm256_fmadd_ps(q0, _mm256_loadu_ps(r1 + i), a1);
      a2 = _mm256_fmadd_ps(q0, _mm256_loadu_ps(r2 + i), a2);
      a3 = _mm256_fmadd_ps(q0, _mm256_loadu_ps(r3 + i), a3);
      b0 = _mm256_fmadd_ps(q1, _mm256_loadu_ps(r0 + i + 8), b0);
      b1 = _mm256_fmadd_ps(q1, _mm256_loadu_ps(r1 + i + 8), b1);
      b2 = _mm256_fmadd_ps(q1, _mm256_loadu_ps(r2 + i + 8), b2);
      b3 = _mm256_fmadd_ps(q1, _mm256_loadu_ps(r3 + i + 8), b3);
    }
    for (; i + 8 <= d; i += 8) {
      __m256 q0 = _mm256_loadu_ps(q + i);
      a0 = _mm256_fmadd_ps(q0, _mm256_loadu_ps(r0 + i), a0);
      a1 = _mm256_fmadd_ps(q0, _mm256_loadu_ps(r1 + i), a1);
      a2 = _mm256_fmadd_ps(q0, _mm256_loadu_ps(r2 + i), a2);
      a3 = _mm256_fmadd_ps(q0, _mm256_loadu_ps(r3 + i), a3);
    }
    // Four horizontal sums at once: lane k of s is the sum of row k.
    __m256 h01 = _mm256_hadd_ps(_mm256_add_ps(a0, b0), _mm256_add_ps(a1, b1));
    __m256 h23 = _mm256_hadd_ps(_mm256_add_ps(a2, b2), _mm256_add_ps(a3, b3));
    __m256 h = _mm256_hadd_ps(h01, h23);
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    for (; i < d; i++) {
      s = _mm_add_ps(s, _mm_mul_ps(_mm_set1_ps(q[i]), _mm_setr_ps(r0[i], r1[i], r2[i], r3[i])));
    }
    _mm_storeu_ps(out + j, s);
  }
  for (; j < n; j++) out[j] = ek_dot_avx2(q, base + j * d, d);
}

EK_DIST static inline void ek_prefetch_row(const void *p, int64_t bytes) {
  const char *c = (const char *)p;
  for (int64_t b = 0; b < bytes; b += 64) _mm_prefetch(c + b, _MM_HINT_T0);
}

// out[j] = q · base[ids[j]], base: rows of d floats; the next row is prefetched while one is scored.
EK_DIST void ek_dot_gather_avx2(
  const float *q, const float *base, int64_t d, const int32_t *ids, int64_t n, float *out) {
  if (n > 0) ek_prefetch_row(base + (int64_t)ids[0] * d, d * 4);
  for (int64_t j = 0; j < n; j++) {
    if (j + 1 < n) ek_prefetch_row(base + (int64_t)ids[j + 1] * d, d * 4);
    out[j] = ek_dot_avx2(q, base + (int64_t)ids[j] * d, d);
  }
}

// Prefetches `rows` rows of `bytes` bytes each, by id (the next candidates' vectors).
EK_DIST void ek_prefetch_rows(const void *base, int64_t bytes, const int32_t *ids, int64_t n) {
  for (int64_t j = 0; j < n; j++) ek_prefetch_row((const char *)base + (int64_t)ids[j] * bytes, bytes);
}

// q: [n] floats; x: [n] IEEE half floats.
EK_DIST float ek_dot_f16_avx2(const float *q, const uint16_t *x, int64_t n) {
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256 x0 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i)));
    __m256 x1 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i + 8)));
    a0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), x0, a0);
    a1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), x1, a1);
  }
  float s = ek_hsum(_mm256_add_ps(a0, a1));
  for (; i < n; i++) s += q[i] * _cvtsh_ss(x[i]);
  return s;
}

// out[j] = q · half(base[ids[j]]), base: rows of d IEEE half floats; the next row is prefetched while
// one is scored (the float16 traversal of HNSW: half the bytes per row of the float32 gather).
EK_DIST void ek_dot_gather_f16_avx2(
  const float *q, const uint16_t *base, int64_t d, const int32_t *ids, int64_t n, float *out) {
  if (n > 0) ek_prefetch_row(base + (int64_t)ids[0] * d, d * 2);
  for (int64_t j = 0; j < n; j++) {
    if (j + 1 < n) ek_prefetch_row(base + (int64_t)ids[j + 1] * d, d * 2);
    out[j] = ek_dot_f16_avx2(q, base + (int64_t)ids[j] * d, d);
  }
}

// out[i] = half(x[i]) for n floats, rounding to nearest even (F16C), as Swift's Float16(x).
EK_DIST void ek_f32_to_f16_avx2(const float *x, uint16_t *out, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128((__m128i *)(out + i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
  for (; i < n; i++) out[i] = _cvtss_sh(x[i], _MM_FROUND_TO_NEAREST_INT);
}

// q: [n] floats (already multiplied by the per-dimension scales); x: [n] int8 codes.
EK_DIST float ek_dot_i8_avx2(const float *q, const int8_t *x, int64_t n) {
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i b = _mm_loadu_si128((const __m128i *)(x + i));
    __m256 x0 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(b));
    __m256 x1 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(b, 8)));
    a0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), x0, a0);
    a1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), x1, a1);
  }
  float s = ek_hsum(_mm256_add_ps(a0, a1));
  for (; i < n; i++) s += q[i] * (float)x[i];
  return s;
}

// Hamming distance between two codes of `words` 64-bit words.
EK_DIST int64_t ek_hamming_avx2(const uint64_t *a, const uint64_t *b, int64_t words) {
  int64_t s = 0;
  for (int64_t i = 0; i < words; i++) s += _mm_popcnt_u64(a[i] ^ b[i]);
  return s;
}

// x: [n] scores; 32 compared per step, one movemask per step.
EK_DIST int64_t ek_first_above_avx2(const float *x, int64_t n, float t) {
  const __m256 vt = _mm256_set1_ps(t);
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256 c0 = _mm256_cmp_ps(_mm256_loadu_ps(x + i), vt, _CMP_GT_OQ);
    __m256 c1 = _mm256_cmp_ps(_mm256_loadu_ps(x + i + 8), vt, _CMP_GT_OQ);
    __m256 c2 = _mm256_cmp_ps(_mm256_loadu_ps(x + i + 16), vt, _CMP_GT_OQ);
    __m256 c3 = _mm256_cmp_ps(_mm256_loadu_ps(x + i + 24), vt, _CMP_GT_OQ);
    if (_mm256_movemask_ps(_mm256_or_ps(_mm256_or_ps(c0, c1), _mm256_or_ps(c2, c3)))) break;
  }
  for (; i < n; i++)
    if (x[i] > t) return i;
  return n;
}
#else
float ek_dot_avx2(const float *x, const float *y, int64_t n) { return 0; }
void ek_dot_gather_avx2(
  const float *q, const float *base, int64_t d, const int32_t *ids, int64_t n, float *out) {}
void ek_prefetch_rows(const void *base, int64_t bytes, const int32_t *ids, int64_t n) {}
void ek_dot_rows_avx2(const float *q, const float *base, int64_t d, int64_t n, float *out) {}
float ek_dot_f16_avx2(const float *q, const uint16_t *x, int64_t n) { return 0; }
void ek_dot_gather_f16_avx2(
  const float *q, const uint16_t *base, int64_t d, const int32_t *ids, int64_t n, float *out) {}
void ek_f32_to_f16_avx2(const float *x, uint16_t *out, int64_t n) {}
float ek_dot_i8_avx2(const float *q, const int8_t *x, int64_t n) { return 0; }
int64_t ek_hamming_avx2(const uint64_t *a, const uint64_t *b, int64_t words) { return 0; }
int64_t ek_first_above_avx2(const float *x, int64_t n, float t) { return n; }
#endif
