#ifndef CASELOAD_CSYSTEM_H
#define CASELOAD_CSYSTEM_H
/* System calls that Swift's Glibc module does not expose, and the CSV scanner's vector loop. */

/* Atomically exchanges two paths (renameat2 with RENAME_EXCHANGE). Returns 0, or -1 with errno. */
int caseload_exchange(const char *a, const char *b);

/* Flushes the file system that holds `path` to disk (syncfs). Returns 0, or -1 with errno. */
int caseload_syncfs(const char *path);

/* An anonymous file in memory (memfd_create): report.xlsx is written there by libxlsxwriter, by
 * the path /proc/self/fd/N, and read back; nothing is left on a disk if the run is killed. */
int caseload_memfd(const char *name);

/* How many times this program's lxw_tmpfile and gmtime (xlsxparts.c), which libxlsxwriter calls
 * instead of its own and glibc's, have been called: a test checks that the library does. */
unsigned long caseload_xlsx_parts_made(void);
unsigned long caseload_gmtime_calls(void);

/* Starts writing the file's data to disk, without waiting (sync_file_range with
 * SYNC_FILE_RANGE_WRITE): the flush at the end of a run then finds less to do. Returns 0, or -1. */
int caseload_start_writeback(int fd);

/* Fixes glibc's threshold above which blocks come straight from (and go back to) the system,
 * which otherwise rises as such blocks are freed (mallopt M_MMAP_THRESHOLD), and the free memory
 * at the top of a heap above which it is given back (M_TRIM_THRESHOLD). Returns 1 on success. */
int caseload_fixed_malloc_thresholds(int mmap_bytes, int trim_bytes);

/* The cells of the CSV row that starts at p[0], of the n bytes there, when it has no quote.
 * Returns the offset of the row's end (its first LF or CR, or n when there is none), and sets
 * *quoted when a quote comes before that end (nothing else is then set). Cells are the runs between
 * `delimiter` bytes, trimmed of spaces and tabs: *count of them, of which the first `capacity` are
 * stored as (offset + start, length) in starts and lengths; *first_long is the index of the first
 * whose bytes before trimming are more than max_field (-1 if none); *blank says whether every cell
 * is empty after trimming. */
long caseload_split_row(const unsigned char *p, long n, unsigned char delimiter, long offset,
                        long *starts, long *lengths, long capacity, long max_field,
                        long *count, long *first_long, int *blank, int *quoted);

/* Asks for the cache line of p ahead of its use (the table of case ids seen in a file is read at
 * random: its slot for a row is known when the case id is parsed, used once the row is checked). */
static inline void caseload_prefetch(const void *p) { __builtin_prefetch(p); }

#endif
