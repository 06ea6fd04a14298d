// Inner products for vector search in AVX-512 (F, BW, VL): one float query against contiguous rows (the
// exact scan) or rows gathered by id in float32 or float16 (HNSW). Callers check ek_cpu_has_avx512 first;
// the *_avx2 kernels are the same for AVX2 CPUs.
#include "CEmbeddingKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define EK_DIST512 __attribute__((target("avx512f,avx512bw,avx512vl")))

// q · r for d floats: two accumulators, the tail of d masked.
EK_DIST512 static inline float ek_dot_avx512(const float *q, const float *r, int64_t d) {
  __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
  int64_t i = 0;
  for (; i + 32 <= d; i += 32) {
    a0 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i), _mm512_loadu_ps(r + i), a0);
    a1 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i + 16), _mm512_loadu_ps(r + i + 16), a1);
  }
  for (; i < d; i += 16) {
    const __mmask16 m = d - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (d - i)) - 1);
    a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, q + i), _mm512_maskz_loadu_ps(m, r + i), a0);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));
}

// out[j] = q · base[j] for n contiguous rows of d floats: four rows per pass share each load of q (one
// 64-byte line of each row per step, the last step of a row masked when 16 does not divide d); the four
// rows after them are prefetched while these are scored, so the scan is bound by memory, not by calls.
// q: [d]; base: [n × d] row-major; out: [n].
EK_DIST512 void ek_dot_rows_avx512(const float *q, const float *base, int64_t d, int64_t n, float *out) {
  const int64_t body = d & ~(int64_t)15;
  const __mmask16 tail = (__mmask16)((1u << (d - body)) - 1);
  int64_t j = 0;
  for (; j + 4 <= n; j += 4) {
    const float *r0 = base + j * d, *r1 = r0 + d, *r2 = r1 + d, *r3 = r2 + d;
    const char *next = (const char *)(r0 + 4 * d);
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (int64_t i = 0; i < body; i += 16) {
      const char *p = next + i * 4;
      _mm_prefetch(p, _MM_HINT_T0);
      _mm_prefetch(p + d * 4, _MM_HINT_T0);
      _mm_prefetch(p + d * 8, _MM_HINT_T0);
      _mm_prefetch(p + d * 12, _MM_HINT_T0);
      __m512 qv = _mm512_loadu_ps(q + i);
      a0 = _mm512_fmadd_ps(qv, _mm512_loadu_ps(r0 + i), a0);
      a1 = _mm512_fmadd_ps(qv, _mm512_loadu_ps(r1 + i), a1);
      a2 = _mm512_fmadd_ps(qv, _mm512_loadu_ps(r2 + i), a2);
      a3 = _mm512_fmadd_ps(qv, _mm512_loadu_ps(r3 + i), a3);
    }
    if (tail) {
      __m512 qv = _mm512_maskz_loadu_ps(tail, q + body);
      a0 = _mm512_fmadd_ps(qv, _mm512_maskz_loadu_ps(tail, r0 + body), a0);
      a1 = _mm512_fmadd_ps(qv, _mm512_maskz_loadu_ps(tail, r1 + body), a1);
      a2 = _mm512_fmadd_ps(qv, _mm512_maskz_loadu_ps(tail, r2 + body), a2);
      a3 = _mm512_fmadd_ps(qv, _mm512_maskz_loadu_ps(tail, r3 + body), a3);
    }
    out[j] = _mm512_reduce_add_ps(a0);
    out[j + 1] = _mm512_reduce_add_ps(a1);
    out[j + 2] = _mm512_reduce_add_ps(a2);
    out[j + 3] = _mm512_reduce_add_ps(a3);
  }
  for (; j < n; j++) out[j] = ek_dot_avx512(q, base + j * d, d);
}

// Starts loading the `bytes` bytes at `row` (one prefetch per 64-byte line).
EK_DIST512 static inline void ek_prefetch_row512(const void *row, int64_t bytes) {
  for (int64_t b = 0; b < bytes; b += 64) _mm_prefetch((const char *)row + b, _MM_HINT_T0);
}

// ek_dot_gather_avx2 in AVX-512: out[j] = q · base[ids[j]], the next row prefetched while one is scored.
// q: [d]; base: [rows × d]; ids: [n]; out: [n].
EK_DIST512 void ek_dot_gather_avx512(
  const float *q, const float *base, int64_t d, const int32_t *ids, int64_t n, float *out) {
  if (n > 0) ek_prefetch_row512(base + (int64_t)ids[0] * d, d * 4);
  for (int64_t j = 0; j < n; j++) {
    if (j + 1 < n) ek_prefetch_row512(base + (int64_t)ids[j + 1] * d, d * 4);
    out[j] = ek_dot_avx512(q, base + (int64_t)ids[j] * d, d);
  }
}

// q · half(x) for d values: 16 halves converted per step (vcvtph2ps), the tail of d masked.
EK_DIST512 static inline float ek_dot_f16_avx512(const float *q, const uint16_t *x, int64_t d) {
  __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
  int64_t i = 0;
  for (; i + 32 <= d; i += 32) {
    a0 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i), _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(x + i))), a0);
    a1 = _mm512_fmadd_ps(
      _mm512_loadu_ps(q + i + 16), _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(x + i + 16))), a1);
  }
  for (; i < d; i += 16) {
    const __mmask16 m = d - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (d - i)) - 1);
    const __m256i h = _mm256_maskz_loadu_epi16(m, x + i);
    a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, q + i), _mm512_cvtph_ps(h), a0);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));
}

// ek_dot_gather_f16_avx2 in AVX-512: base holds rows of d IEEE half floats (the HNSW float16 walk).
// q: [d] float; base: [rows × d] half; ids: [n]; out: [n].
EK_DIST512 void ek_dot_gather_f16_avx512(
  const float *q, const uint16_t *base, int64_t d, const int32_t *ids, int64_t n, float *out) {
  if (n > 0) ek_prefetch_row512(base + (int64_t)ids[0] * d, d * 2);
  for (int64_t j = 0; j < n; j++) {
    if (j + 1 < n) ek_prefetch_row512(base + (int64_t)ids[j + 1] * d, d * 2);
    out[j] = ek_dot_f16_avx512(q, base + (int64_t)ids[j] * d, d);
  }
}
#else
void ek_dot_rows_avx512(const float *q, const float *base, int64_t d, int64_t n, float *out) {}
void ek_dot_gather_avx512(
  const float *q, const float *base, int64_t d, const int32_t *ids, int64_t n, float *out) {}
void ek_dot_gather_f16_avx512(
  const float *q, const uint16_t *base, int64_t d, const int32_t *ids, int64_t n, float *out) {}
#endif
