// Tiny C helpers for the Word2Vec training loop that Swift cannot spell.
// Header-only (static inline), so Swift inlines them; no C code is compiled into the loop.
#ifndef CWORD2VEC_SUPPORT_H
#define CWORD2VEC_SUPPORT_H

/// Asks the CPU to start loading `bytes` bytes at `address` into cache (a hint; never faults).
/// The trainer calls it for the output rows of the NEXT centre word, so their cache misses
/// overlap with the current word's arithmetic.
static inline void w2v_prefetch_row(const void *address, long bytes) {
  const char *p = (const char *)address;
  for (long offset = 0; offset < bytes; offset += 64) {
    __builtin_prefetch(p + offset, 1, 3);
  }
}

#endif
