/*
 * errnames.h — errno numbers, their symbolic names, and the way Python shows
 * an OSError for them.  Besides the kernel's names the experiment language
 * knows "timeout" (a Python socket.timeout / TimeoutError) and "eof" (recvall
 * with a size met end of stream first, Python's EOFError).
 */
#ifndef VERONA_ERRNAMES_H
#define VERONA_ERRNAMES_H
#include <stddef.h>

#define ERR_TIMEOUT	(-1000)		/* pseudo errno: timed out */
#define ERR_EOF		(-1001)		/* pseudo errno: end of stream */

/* "EADDRINUSE" for EADDRINUSE, "timeout", "eof"; NULL if unknown. Static. */
const char	*errname_name(int err);
/* The errno for a name (case-sensitive, "EWOULDBLOCK" too), or 0 if unknown. */
int		 errname_lookup(const char *name);
/* Python's exception class for the errno: "ConnectionRefusedError", "OSError", "TimeoutError", "EOFError". */
const char	*errname_pyclass(int err);
/*
 * The text Python prints, into buf: "OSError: [Errno 98] Address already in use",
 * "TimeoutError: timed out", "EOFError: socket closed".
 */
void		 errname_pyformat(int err, char *buf, size_t len);
#endif
