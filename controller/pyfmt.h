/*
 * pyfmt.h — a step written as the Python line it mirrors
 * (sock2.bind(('10.10.0.101', 4000))) and its result as Python shows it
 * (OSError: [Errno 98] Address already in use).  Returned strings are the
 * caller's to free.
 */
#ifndef VERONA_PYFMT_H
#define VERONA_PYFMT_H
#include <stddef.h>
#include <jansson.h>
#include "expt.h"

/* b'...' as Python's repr; beyond max bytes "b'...'... (N bytes)". */
char	*py_bytes_repr(const unsigned char *, size_t, size_t max);
/* args: the resolved arguments sent to the agent. */
char	*py_step_line(const struct step *, json_t *args);
char	*py_result(const struct step *, json_t *result);
#endif
