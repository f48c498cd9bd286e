/*
 * report.h — report.html (DESIGN section 5): one self-contained page made
 * from the document results.json holds: a header (experiment, hosts,
 * verdict, score), a ladder diagram in inline SVG (a lifeline per host, an
 * arrow per packet, the steps on the same time axis), the steps, the checks,
 * the graded items and the output of the programs the steps ran.  No script,
 * no network, no file besides itself.
 */
#ifndef VERONA_REPORT_H
#define VERONA_REPORT_H
#include <stddef.h>
#include <jansson.h>

/*
 * Writes the page for results (the object results.json holds) to path below
 * the folder dirfd (AT_FDCWD: the current one), mode 0600, through a new
 * temporary file (never a symlink) and renameat(2).  Returns 0, or -1 with
 * the reason in err.
 */
int	report_html(json_t *results, int dirfd, const char *path, char *err, size_t errlen);
#endif
