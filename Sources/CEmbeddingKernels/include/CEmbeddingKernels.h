// Matrix-product micro-kernels for EmbeddingCore's MatrixMultiply, chosen at run time by CPU detection,
// and the byte classifier of Tokenization's o200k splitter (SSE2, the x86-64 baseline).
//
// Each function is compiled for its instruction set with a `target(...)` attribute, so the package needs
// no compiler flags; callers must check ek_cpu_has_* first. No stable API: only this package's modules call these.
//
// Packed panels (shared by every backend):
//   float: P[k][32], 32 consecutive columns of B per k, zero padded past n.
//   int8:  P[k/4][32][4], for each quad of k, 32 columns × 4 consecutive k values, zero padded.
#ifndef C_EMBEDDING_KERNELS_H
#define C_EMBEDDING_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when the CPU (and OS) supports AVX2 and FMA.
int ek_cpu_has_avx2(void);
/// 1 when the CPU supports AVX-512 F, BW, VL and VNNI.
int ek_cpu_has_avx512(void);

/// Asks the CPU to start loading the cache line at `address` (a hint: never faults, any address).
/// The BPE encoder calls it for the hash slot of the NEXT piece, so that slot's cache miss overlaps
/// the current piece's work.
static inline void ek_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/// Byte classes of 64 bytes of text, one bit per byte (bit i is byte i): the o200k splitter's input.
/// `printable` is 0x21...0x7E, `newline` LF and CR; the others are the ASCII bytes their names say.
typedef struct {
  uint64_t upper, lower, digit, space, newline, apos, slash, printable;
} ek_byte_masks;

#if defined(__SSE2__)
#include <emmintrin.h>
#define EK_HAS_CLASSIFY64 1
/// The byte masks of p[0..<64] (SSE2, part of every x86-64 CPU): four 16-byte loads, compares,
/// and `pmovmskb` for each class. Swift has a portable fallback (`ByteClassMasks.portable`).
static inline ek_byte_masks ek_classify64(const uint8_t *p) {
  ek_byte_masks r = {0, 0, 0, 0, 0, 0, 0, 0};
  const __m128i flip = _mm_set1_epi8((char)0x80); /* signed compares on unsigned bytes */
  for (int q = 0; q < 4; q++) {
    __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * q));
    __m128i x = _mm_xor_si128(v, flip);
#define EK_RANGE(lo, hi) _mm_and_si128( \
    _mm_cmpgt_epi8(x, _mm_set1_epi8((char)((lo) - 1 + 0x80))), \
    _mm_cmplt_epi8(x, _mm_set1_epi8((char)((hi) + 1 + 0x80))))
#define EK_BITS(m) ((uint64_t)(uint16_t)_mm_movemask_epi8(m) << (16 * q))
    r.upper |= EK_BITS(EK_RANGE(0x41, 0x5A));
    r.lower |= EK_BITS(EK_RANGE(0x61, 0x7A));
    r.digit |= EK_BITS(EK_RANGE(0x30, 0x39));
    r.printable |= EK_BITS(EK_RANGE(0x21, 0x7E));
    r.space |= EK_BITS(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x20)));
    r.newline |= EK_BITS(_mm_or_si128(
        _mm_cmpeq_epi8(v, _mm_set1_epi8(0x0A)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x0D))));
    r.apos |= EK_BITS(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x27)));
    r.slash |= EK_BITS(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x2F)));
#undef EK_BITS
#undef EK_RANGE
  }
  return r;
}
#endif

/// Rows per tile of each float kernel (a call takes 1...MR rows).
#define EK_SGEMM_AVX2_MR 6
#define EK_SGEMM_AVX512_MR 12
/// Rows per tile of each int8 kernel.
#define EK_QGEMM_AVX2_MR 2
#define EK_QGEMM_AVX512_MR 12

/// C[mr × nr] = (accumulate ? C : 0) + alpha · A[mr × kc] · P[kc × 32][:, :nr], then + bias[:nr] when
/// bias is not NULL, then exact GELU when gelu != 0. A[r][k] is a[r·lda + k], or, when packed != 0, a
/// tile packed k-major: a[k·MR + r] with MR the kernel's tile height (lda unused). C rows ldc apart.
void ek_sgemm_avx2(
  int64_t mr, int64_t nr, int64_t kc, const float *a, int64_t lda, int packed, const float *p,
  float *c, int64_t ldc, float alpha, int accumulate, const float *bias, int gelu);
void ek_sgemm_avx512(
  int64_t mr, int64_t nr, int64_t kc, const float *a, int64_t lda, int packed, const float *p,
  float *c, int64_t ldc, float alpha, int accumulate, const float *bias, int gelu);

/// C[mr × nr] = dequantised int8 product, + bias, then GELU when gelu != 0.
///
/// Activations are quantised per row to u8 u with zero point zero[r] and scale rowScale[r]; P is the
/// int8 weight panel [kq][32][4]. A: [mr × 4·kq] bytes, rows lda apart, holding (u − 128) as int8 for
/// the AVX2 kernel and u as uint8 for the AVX-512 (VNNI) kernel. With D = Σ (u − zero[r])·w (exact int32,
/// from the column sums): C[r][j] = (float)D · rowScale[r] · colScale[j] + bias[j].
/// colScale, colSum and bias hold 32 values (the panel's, zero padded).
void ek_qgemm_avx2(
  int64_t mr, int64_t nr, int64_t kq, const int8_t *a, int64_t lda, const int8_t *p, float *c,
  int64_t ldc, const float *rowScale, const int32_t *zero, const float *colScale,
  const int32_t *colSum, const float *bias, int gelu);
void ek_qgemm_avx512(
  int64_t mr, int64_t nr, int64_t kq, const int8_t *a, int64_t lda, const int8_t *p, float *c,
  int64_t ldc, const float *rowScale, const int32_t *zero, const float *colScale,
  const int32_t *colSum, const float *bias, int gelu);

/// Quantises k floats to bytes: out[i] = clamp(round(x[i]·inverse + zero), 0, 255) ^ flip,
/// rounding half to even in separate multiply and adds (equal to the portable Swift code).
void ek_quantize_avx2(
  const float *x, int64_t k, float inverse, float zero, int8_t *out, uint8_t flip);

/// x[i] = GELU(x[i]) for n floats (AVX2 + FMA).
void ek_gelu_avx2(float *x, int64_t n);

/// x[i] = exp(x[i]) for n floats (AVX2 + FMA; about 2 ulp, 0 below −87.33, +inf above 88.37).
void ek_exp_avx2(float *x, int64_t n);
/// Softmax of each of `rows` rows of `width` floats in place, rows `stride` floats apart
/// (max subtracted first; AVX2 + FMA).
void ek_softmax_avx2(float *x, int64_t rows, int64_t width, int64_t stride);

/// Σ x[i]·y[i] over n floats (AVX2 + FMA).
float ek_dot_avx2(const float *x, const float *y, int64_t n);
/// out[j] = q · base[ids[j]] for n ids; base rows are d floats; rows are prefetched one ahead.
void ek_dot_gather_avx2(
  const float *q, const float *base, int64_t d, const int32_t *ids, int64_t n, float *out);
/// out[j] = q · base[j] for n contiguous rows of d floats, four rows per pass, next rows prefetched.
void ek_dot_rows_avx2(const float *q, const float *base, int64_t d, int64_t n, float *out);
/// ek_dot_rows_avx2 in AVX-512 F (16 floats per step, the tail of d masked).
void ek_dot_rows_avx512(const float *q, const float *base, int64_t d, int64_t n, float *out);
/// ek_dot_gather_avx2 and ek_dot_gather_f16_avx2 in AVX-512 (16 values per step, the tail of d masked).
void ek_dot_gather_avx512(
  const float *q, const float *base, int64_t d, const int32_t *ids, int64_t n, float *out);
void ek_dot_gather_f16_avx512(
  const float *q, const uint16_t *base, int64_t d, const int32_t *ids, int64_t n, float *out);
/// Prefetches the rows ids[0..<n] of `bytes` bytes each from base into the cache.
void ek_prefetch_rows(const void *base, int64_t bytes, const int32_t *ids, int64_t n);
/// Σ q[i]·half(x[i]) over n values (F16C).
float ek_dot_f16_avx2(const float *q, const uint16_t *x, int64_t n);
/// out[j] = q · half(base[ids[j]]) for n ids; base rows are d half floats; rows prefetched one ahead.
void ek_dot_gather_f16_avx2(
  const float *q, const uint16_t *base, int64_t d, const int32_t *ids, int64_t n, float *out);
/// out[i] = half(x[i]) for n floats, round to nearest even (F16C).
void ek_f32_to_f16_avx2(const float *x, uint16_t *out, int64_t n);
/// Σ q[i]·x[i] over n int8 values.
float ek_dot_i8_avx2(const float *q, const int8_t *x, int64_t n);
/// Number of differing bits between two codes of `words` 64-bit words (POPCNT).
int64_t ek_hamming_avx2(const uint64_t *a, const uint64_t *b, int64_t words);
/// The first i in [0, n) with x[i] > t, or n (NaN is never above): the threshold scan of a top-k.
int64_t ek_first_above_avx2(const float *x, int64_t n, float t);

#ifdef __cplusplus
}
#endif

#endif
