/*
 * report-grade-int.h — what the grading writers share (report-grade.c,
 * report-junit.c, report-grade-text.c): reading a results document leniently (a missing field,
 * or one of the wrong type, is taken as absent) and writing a file.
 * Returned strings point into the document; nothing is the caller's to free.
 */
#ifndef VERONA_REPORT_GRADE_INT_H
#define VERONA_REPORT_GRADE_INT_H
#include <stddef.h>
#include <jansson.h>

/* The string at key, or NULL. */
const char	*rg_jstr(json_t *, const char *key);
/* The number at key, or def. */
double		 rg_jnum(json_t *, const char *key, double def);
/* Both strings set and equal. */
int		 rg_streq(const char *, const char *);
/* manifest.experiment.name, or "experiment". */
const char	*rg_experiment_name(json_t *results);
/* "pass", "fail" or "error": anything else is taken as an error. */
const char	*rg_item_status(json_t *item);
/* A score as a short decimal: 2, 0.5, 6.6667. */
void		 rg_fmt_num(char *out, size_t len, double);
/* Gradescope's document for the results (a new object), or NULL with a message in err. */
json_t		*rg_gradescope_doc(json_t *results, char *err, size_t errlen);
/* Writes Gradescope's document (taken; NULL: -1) to path below dirfd. */
int		 rg_gradescope_write(json_t *doc, int dirfd, const char *path, char *err, size_t errlen);
/* Writes path below dirfd atomically (file_write_atomic_at); -1 with a message in err. */
int		 rg_write_out(int dirfd, const char *path, const void *, size_t, char *err, size_t errlen);
#endif
