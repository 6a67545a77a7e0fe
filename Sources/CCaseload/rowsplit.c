#include "csystem.h"
#if defined(__x86_64__) || defined(_M_X64)
#include <emmintrin.h>
#define CASELOAD_SSE2 1
#endif

/* The cells of a row without quotes, in one pass over its bytes (sixteen at a time where SSE2 is
 * there): see csystem.h. */

static inline int is_space(unsigned char c) { return c == 0x20 || c == 0x09; }

struct cells {
    const unsigned char *p;
    long offset, *starts, *lengths, capacity, count, first_long, max_field;
    int blank;
};

/* The cell p[from..<to). */
static inline void cell(struct cells *c, long from, long to) {
    if (to - from > c->max_field && c->first_long < 0) c->first_long = c->count;
    long s = from, e = to;
    while (s < e && is_space(c->p[s])) s++;
    while (e > s && is_space(c->p[e - 1])) e--;
    if (e > s) c->blank = 0;
    if (c->count < c->capacity) {
        c->starts[c->count] = c->offset + s;
        c->lengths[c->count] = e - s;
    }
    c->count++;
}

long caseload_split_row(const unsigned char *p, long n, unsigned char delimiter, long offset,
                        long *starts, long *lengths, long capacity, long max_field,
                        long *count, long *first_long, int *blank, int *quoted) {
    struct cells c = { p, offset, starts, lengths, capacity, 0, -1, max_field, 1 };
    long i = 0, begin = 0, end = -1;
    *quoted = 0;
#ifdef CASELOAD_SSE2
    const __m128i lf = _mm_set1_epi8(0x0A), cr = _mm_set1_epi8(0x0D), quote = _mm_set1_epi8(0x22);
    const __m128i delim = _mm_set1_epi8((char)delimiter);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        unsigned ends = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)));
        unsigned quotes = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote));
        unsigned cuts = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, delim));
        if (ends) {
            unsigned before = (1u << __builtin_ctz(ends)) - 1;
            quotes &= before;
            cuts &= before;
        }
        if (quotes) { *quoted = 1; return 0; }
        while (cuts) {
            long at = i + __builtin_ctz(cuts);
            cell(&c, begin, at);
            begin = at + 1;
            cuts &= cuts - 1;
        }
        if (ends) { end = i + __builtin_ctz(ends); break; }
    }
#endif
    if (end < 0) {
        for (; i < n; i++) {
            unsigned char b = p[i];
            if (b == 0x0A || b == 0x0D) break;
            if (b == 0x22) { *quoted = 1; return 0; }
            if (b == delimiter) { cell(&c, begin, i); begin = i + 1; }
        }
        end = i;
    }
    cell(&c, begin, end);
    *count = c.count;
    *first_long = c.first_long;
    *blank = c.blank;
    return end;
}
