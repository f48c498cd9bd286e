/*
 * pack.h — Python's struct.pack for the experiment language's data form
 * {pack: FORMAT, values: [...]}.  Values arrive as the YAML scalars' text.
 */
#ifndef VERONA_PACK_H
#define VERONA_PACK_H
#include <stddef.h>
#include "util.h"

/*
 * Appends struct.pack(fmt, *values) to out.  Supports byte orders @ = < > !,
 * repeat counts, and the codes x c b B ? h H i I l L q Q n N e f d s p P
 * with Python's sizes, native alignment under '@' and Python's range checks.
 * Returns 0, or -1 with a message in err (Python's wording where it has one)
 * and *bad_value set to the index of the offending value, or to -1 when the
 * format itself (or the number of values) is wrong.
 */
int	pack_encode(const char *fmt, const char *const *values, size_t nvalues,
	    struct buf *out, char *err, size_t errlen, int *bad_value);

/* struct.calcsize(fmt), or -1 with a message in err. */
long	pack_calcsize(const char *fmt, char *err, size_t errlen);
#endif
