#ifndef CASELOAD_CSYSTEM_H
#define CASELOAD_CSYSTEM_H
/* System calls that Swift's Glibc module does not expose. */

/* Atomically exchanges two paths (renameat2 with RENAME_EXCHANGE). Returns 0, or -1 with errno. */
int caseload_exchange(const char *a, const char *b);

/* Flushes the file system that holds `path` to disk (syncfs). Returns 0, or -1 with errno. */
int caseload_syncfs(const char *path);

/* Fixes glibc's threshold above which blocks come straight from (and go back to) the system,
 * which otherwise rises as such blocks are freed (mallopt M_MMAP_THRESHOLD). Returns 1 on success. */
int caseload_fixed_mmap_threshold(int bytes);

#endif
