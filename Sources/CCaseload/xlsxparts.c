#define _GNU_SOURCE
/* Two functions that libxlsxwriter 1.1.4 (Debian's libxlsxwriter-dev) calls through its PLT and
 * that this program defines in its place, so that several workbooks can be packaged at once, in
 * memory (Emit/Workbook.swift; docs/performance.md). The linker exports an executable's symbol
 * that a shared library it links also defines, and the dynamic linker binds the library's calls to
 * the executable's definition first.
 * WorkbookTests.theLibraryUsesOurPartsAndClock checks that it does, by counting the calls. */
#include "csystem.h"
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <stdatomic.h>

static atomic_ulong parts_made, dates_formatted;

/* libxlsxwriter writes each part of the package (a sheet's XML, the styles, ...) into a temporary
 * file, then reads it back into the zip. Its own version makes a named file in /tmp (tmpfileplus:
 * a name from rand(), open, unlink), which costs file-system work and shares rand()'s state between
 * threads; this one is an anonymous file in memory, gone at fclose. */
FILE *lxw_tmpfile(char *tmpdir) {
    (void)tmpdir;
    atomic_fetch_add(&parts_made, 1);
    int fd = memfd_create("caseload-xlsx-part", MFD_CLOEXEC);
    if (fd < 0) return NULL;
    FILE *f = fdopen(fd, "w+b");
    if (f == NULL) close(fd);
    return f;
}

/* libxlsxwriter formats the document's creation date with gmtime(3), whose one static result two
 * threads packaging two workbooks shared (a workbook got the other's date). POSIX lets gmtime's
 * result be per thread; this one is, for every caller in the process. */
struct tm *gmtime(const time_t *timer) {
    static _Thread_local struct tm result;
    atomic_fetch_add(&dates_formatted, 1);
    return gmtime_r(timer, &result);
}

unsigned long caseload_xlsx_parts_made(void) { return atomic_load(&parts_made); }
unsigned long caseload_gmtime_calls(void) { return atomic_load(&dates_formatted); }
