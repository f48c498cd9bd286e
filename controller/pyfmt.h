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

/*
 * Each operation's handlers, named in its row of ops.c (op_pyline_fn,
 * op_pyresult_fn); py_step_line and py_result call them.  sock: the socket
 * operand, "?" when there is none.
 */
char	*py_line_socket(const struct step *, json_t *args, const char *sock);
char	*py_line_addr(const struct step *, json_t *args, const char *sock);
char	*py_line_listen(const struct step *, json_t *args, const char *sock);
char	*py_line_accept(const struct step *, json_t *args, const char *sock);
char	*py_line_send(const struct step *, json_t *args, const char *sock);
char	*py_line_sendall(const struct step *, json_t *args, const char *sock);
char	*py_line_sendto(const struct step *, json_t *args, const char *sock);
char	*py_line_recv(const struct step *, json_t *args, const char *sock);
char	*py_line_recvall(const struct step *, json_t *args, const char *sock);
char	*py_line_shutdown(const struct step *, json_t *args, const char *sock);
char	*py_line_close(const struct step *, json_t *args, const char *sock);
char	*py_line_setsockopt(const struct step *, json_t *args, const char *sock);
char	*py_line_settimeout(const struct step *, json_t *args, const char *sock);
char	*py_line_method(const struct step *, json_t *args, const char *sock);
char	*py_line_sleep(const struct step *, json_t *args, const char *sock);
char	*py_line_exec(const struct step *, json_t *args, const char *sock);
char	*py_line_put(const struct step *, json_t *args, const char *sock);
char	*py_line_wait(const struct step *, json_t *args, const char *sock);
char	*py_line_kill(const struct step *, json_t *args, const char *sock);
char	*py_line_connect_ex(const struct step *, json_t *args, const char *sock);
char	*py_line_setblocking(const struct step *, json_t *args, const char *sock);
char	*py_line_getsockopt(const struct step *, json_t *args, const char *sock);
char	*py_line_resolve(const struct step *, json_t *args, const char *sock);
char	*py_result_resolve(const struct step *, json_t *result);
/* A float as Python's repr shows it (0.2, 5.0, 1e-05); caller frees. */
char	*py_float_repr(double);
char	*py_result_call(const struct step *, json_t *result);
/*
 * 1 if the result is a failure that is not an OSError of an errno (socket.gaierror,
 * TypeError, OSError without errno): its Python text is the result's "python".
 */
int	 py_result_not_oserror(json_t *result);
char	*py_result_accept(const struct step *, json_t *result);
char	*py_result_socket(const struct step *, json_t *result);
char	*py_result_kill(const struct step *, json_t *result);
char	*py_result_put(const struct step *, json_t *result);
char	*py_result_exec(const struct step *, json_t *result);
#endif
