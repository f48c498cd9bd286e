/* pyfmt.c — Python renderings of steps and results; see pyfmt.h. */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "ops.h"
#include "errnames.h"
#include "expect.h"
#include "pyfmt.h"
#include "util.h"

#define PY_DATA_SHOWN	96

char *
py_bytes_repr(const unsigned char *p, size_t n, size_t max)
{
	struct buf b;
	size_t shown = n > max ? max : n;
	int has_sq = memchr(p, '\'', shown) != NULL, has_dq = memchr(p, '"', shown) != NULL;
	char q = has_sq && !has_dq ? '"' : '\'';

	buf_init(&b);
	buf_addc(&b, 'b');
	buf_addc(&b, q);
	for (size_t i = 0; i < shown; i++) {
		unsigned char c = p[i];
		if (c == (unsigned char)q || c == '\\')
			buf_printf(&b, "\\%c", c);
		else if (c == '\t')
			buf_adds(&b, "\\t");
		else if (c == '\n')
			buf_adds(&b, "\\n");
		else if (c == '\r')
			buf_adds(&b, "\\r");
		else if (c < 0x20 || c >= 0x7f)
			buf_printf(&b, "\\x%02x", c);
		else
			buf_addc(&b, c);
	}
	buf_addc(&b, q);
	if (shown < n)
		buf_printf(&b, "... (%zu bytes)", n);
	return buf_steal(&b, NULL);
}

static char *py_str_repr(const char *s);

/* {ip, port} as Python shows the address, {host, port} as the pair written, null as None */
static char *
py_addr(json_t *a)
{
	struct sockaddr_storage ss;
	socklen_t len;
	const char *host = json_string_value(json_object_get(a, "host"));
	if (json_is_null(a))
		return xstrdup("None");
	if (host != NULL) {
		char *h = py_str_repr(host), *r;
		r = xasprintf("(%s, %lld)", h, (long long)json_integer_value(json_object_get(a, "port")));
		free(h);
		return r;
	}
	if (addr_from_json(a, &ss, &len) != 0)
		return xstrdup("?");
	return addr_pyrepr((struct sockaddr *)&ss, len);
}

static char *
py_data_arg(json_t *args, const char *key)
{
	unsigned char *p = NULL;
	size_t n = 0;
	const char *b64 = json_string_value(json_object_get(args, key));
	char *r;
	if (b64 == NULL || b64_decode(b64, &p, &n) != 0)
		return xstrdup("b''");
	r = py_bytes_repr(p, n, PY_DATA_SHOWN);
	free(p);
	return r;
}

static const char *
py_sockopt(const char *opt, const char **level)
{
	static const struct { const char *name, *level, *py; } m[] = {
		{ "reuseaddr", "socket.SOL_SOCKET", "socket.SO_REUSEADDR" },
		{ "reuseport", "socket.SOL_SOCKET", "socket.SO_REUSEPORT" },
		{ "keepalive", "socket.SOL_SOCKET", "socket.SO_KEEPALIVE" },
		{ "broadcast", "socket.SOL_SOCKET", "socket.SO_BROADCAST" },
		{ "rcvbuf", "socket.SOL_SOCKET", "socket.SO_RCVBUF" },
		{ "sndbuf", "socket.SOL_SOCKET", "socket.SO_SNDBUF" },
		{ "linger", "socket.SOL_SOCKET", "socket.SO_LINGER" },
		{ "nodelay", "socket.IPPROTO_TCP", "socket.TCP_NODELAY" },
		{ "keepidle", "socket.IPPROTO_TCP", "socket.TCP_KEEPIDLE" },
		{ "keepintvl", "socket.IPPROTO_TCP", "socket.TCP_KEEPINTVL" },
		{ "keepcnt", "socket.IPPROTO_TCP", "socket.TCP_KEEPCNT" },
	};
	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
		if (strcmp(m[i].name, opt) == 0) {
			*level = m[i].level;
			return m[i].py;
		}
	*level = "?";
	return "?";
}

/* ---- the Python line of each operation (ops.c's rows point here) ---- */

char *
py_line_socket(const struct step *st, json_t *args, const char *s)
{
	const char *fam = json_string_value(json_object_get(args, "family"));
	const char *ty = json_string_value(json_object_get(args, "type"));
	(void)st;
	return xasprintf("%s = socket.socket(socket.%s, socket.%s)", s,
	    fam && strcmp(fam, "inet6") == 0 ? "AF_INET6" : "AF_INET",
	    ty && strcmp(ty, "udp") == 0 ? "SOCK_DGRAM" : "SOCK_STREAM");
}

/* bind, connect */
char *
py_line_addr(const struct step *st, json_t *args, const char *s)
{
	char *a = py_addr(json_object_get(args, "addr")), *r;
	r = xasprintf("%s.%s(%s)", s, st->def->name, a);
	free(a);
	return r;
}

char *
py_line_listen(const struct step *st, json_t *args, const char *s)
{
	json_t *b = json_object_get(args, "backlog");
	(void)st;
	return b ? xasprintf("%s.listen(%lld)", s, (long long)json_integer_value(b)) : xasprintf("%s.listen()", s);
}

char *
py_line_accept(const struct step *st, json_t *args, const char *s)
{
	const char *as = json_string_value(json_object_get(args, "as"));
	(void)st;
	return xasprintf("%s, %s_addr = %s.accept()", as, as, s);
}

char *
py_line_send(const struct step *st, json_t *args, const char *s)
{
	char *d = py_data_arg(args, "data"), *r;
	(void)st;
	r = xasprintf("sent = %s.send(%s)", s, d);
	free(d);
	return r;
}

char *
py_line_sendall(const struct step *st, json_t *args, const char *s)
{
	char *d = py_data_arg(args, "data"), *r;
	(void)st;
	r = xasprintf("%s.sendall(%s)", s, d);
	free(d);
	return r;
}

char *
py_line_sendto(const struct step *st, json_t *args, const char *s)
{
	char *d = py_data_arg(args, "data"), *a = py_addr(json_object_get(args, "to")), *r;
	(void)st;
	r = xasprintf("sent = %s.sendto(%s, %s)", s, d, a);
	free(d);
	free(a);
	return r;
}

/* ", socket.MSG_PEEK | socket.MSG_WAITALL" for args.flags, "" without */
static char *
py_recv_flags(json_t *args)
{
	static const struct { const char *name, *py; } m[] = {
		{ "peek", "socket.MSG_PEEK" }, { "waitall", "socket.MSG_WAITALL" }, { "dontwait", "socket.MSG_DONTWAIT" },
	};
	json_t *flags = json_object_get(args, "flags"), *f;
	struct buf b;
	size_t i;

	buf_init(&b);
	json_array_foreach(flags, i, f)
		for (size_t k = 0; k < sizeof m / sizeof m[0]; k++)
			if (json_is_string(f) && strcmp(json_string_value(f), m[k].name) == 0)
				buf_printf(&b, "%s%s", i ? " | " : ", ", m[k].py);
	return b.data ? buf_steal(&b, NULL) : xstrdup("");
}

/* recv, recvfrom: data = s.recv(size[, flags]) */
char *
py_line_recv(const struct step *st, json_t *args, const char *s)
{
	char *fl = py_recv_flags(args), *r;
	r = xasprintf("%s = %s.%s(%lld%s)", st->def->id == OP_RECVFROM ? "data, addr" : "data", s, st->def->name,
	    (long long)json_integer_value(json_object_get(args, "size")), fl);
	free(fl);
	return r;
}

char *
py_line_recvall(const struct step *st, json_t *args, const char *s)
{
	json_t *sz = json_object_get(args, "size");
	(void)st;
	return sz ? xasprintf("data = recv_all(%s, %lld)", s, (long long)json_integer_value(sz))
	    : xasprintf("data = recv_all(%s)  # until EOF", s);
}

char *
py_line_shutdown(const struct step *st, json_t *args, const char *s)
{
	const char *how = json_string_value(json_object_get(args, "how"));
	(void)st;
	return xasprintf("%s.shutdown(socket.SHUT_%s)", s,
	    how && strcmp(how, "rd") == 0 ? "RD" : how && strcmp(how, "wr") == 0 ? "WR" : "RDWR");
}

char *
py_line_close(const struct step *st, json_t *args, const char *s)
{
	(void)st;
	(void)args;
	return xasprintf("%s.close()", s);
}

char *
py_line_setsockopt(const struct step *st, json_t *args, const char *s)
{
	const char *level, *py = py_sockopt(json_string_value(json_object_get(args, "option")), &level);
	long long v = json_integer_value(json_object_get(args, "value"));
	(void)st;
	if (strcmp(py, "socket.SO_LINGER") == 0)
		return xasprintf("%s.setsockopt(%s, %s, struct.pack('ii', %d, %lld))", s, level, py,
		    v >= 0, v >= 0 ? v : 0);
	return xasprintf("%s.setsockopt(%s, %s, %lld)", s, level, py, v);
}

char *
py_line_settimeout(const struct step *st, json_t *args, const char *s)
{
	json_t *v = json_object_get(args, "seconds");
	(void)st;
	return json_is_number(v) ? xasprintf("%s.settimeout(%g)", s, json_number_value(v))
	    : xasprintf("%s.settimeout(None)", s);
}

/* getsockname, getpeername: the method of the operation's name, no arguments */
char *
py_line_method(const struct step *st, json_t *args, const char *s)
{
	(void)args;
	return xasprintf("%s.%s()", s, st->def->name);
}

char *
py_line_connect_ex(const struct step *st, json_t *args, const char *s)
{
	char *a = py_addr(json_object_get(args, "addr")), *r;
	(void)st;
	r = xasprintf("n = %s.connect_ex(%s)", s, a);
	free(a);
	return r;
}

char *
py_line_setblocking(const struct step *st, json_t *args, const char *s)
{
	(void)st;
	return xasprintf("%s.setblocking(%s)", s, json_integer_value(json_object_get(args, "flag")) ? "True" : "False");
}

char *
py_line_getsockopt(const struct step *st, json_t *args, const char *s)
{
	const char *level, *py = py_sockopt(json_string_value(json_object_get(args, "option")), &level);
	(void)st;
	return xasprintf("%s.getsockopt(%s, %s)", s, level, py);
}

/* a str as Python's repr, for the names these calls take and give ('juliet') */
static char *
py_str_repr(const char *s)
{
	char *q = py_bytes_repr((const unsigned char *)s, strlen(s), 1000), *r = xstrdup(q + 1);
	free(q);
	return r;
}

/* gethostname, gethostbyname, getaddrinfo: socket module functions, not methods */
char *
py_line_resolve(const struct step *st, json_t *args, const char *s)
{
	const char *name = json_string_value(json_object_get(args, "name"));
	char *q, *r;
	(void)s;
	if (st->def->id == OP_GETHOSTNAME)
		return xstrdup("name = socket.gethostname()");
	q = py_str_repr(name ? name : "");
	if (st->def->id == OP_GETADDRINFO)
		r = xasprintf("info = socket.getaddrinfo(%s, %lld)", q,
		    (long long)json_integer_value(json_object_get(args, "port")));
	else
		r = xasprintf("ip = socket.gethostbyname(%s)", q);
	free(q);
	return r;
}

char *
py_line_sleep(const struct step *st, json_t *args, const char *s)
{
	(void)st;
	(void)s;
	return xasprintf("time.sleep(%g)", json_number_value(json_object_get(args, "seconds")));
}

char *
py_line_exec(const struct step *st, json_t *args, const char *s)
{
	json_t *c = json_object_get(args, "command"), *v = json_object_get(args, "argv");
	struct buf b;
	char *r;
	(void)st;
	(void)s;
	if (json_is_string(c)) {
		char *q = py_bytes_repr((const unsigned char *)json_string_value(c), strlen(json_string_value(c)), 200);
		r = xasprintf("subprocess.run(%s, shell=True)", q + 1);	/* a str, not bytes */
		free(q);
		return r;
	}
	buf_init(&b);
	for (size_t i = 0; i < json_array_size(v); i++)
		buf_printf(&b, "%s'%s'", i ? ", " : "", json_string_value(json_array_get(v, i)));
	r = xasprintf("subprocess.run([%s])", b.data ? (char *)b.data : "");
	buf_free(&b);
	return r;
}

char *
py_line_put(const struct step *st, json_t *args, const char *s)
{
	const char *dst = json_string_value(json_object_get(args, "dst"));
	(void)st;
	(void)s;
	return xasprintf("shutil.copy('%s', '%s')", json_string_value(json_object_get(args, "src")), dst ? dst : ".");
}

char *
py_line_wait(const struct step *st, json_t *args, const char *s)
{
	(void)args;
	(void)s;
	return xasprintf("%s.join()  # wait for background step '%s'", st->target, st->target);
}

char *
py_line_kill(const struct step *st, json_t *args, const char *s)
{
	(void)args;
	(void)s;
	return xasprintf("%s.kill()  # stop background step '%s'", st->target, st->target);
}

char *
py_step_line(const struct step *st, json_t *args)
{
	char *r = st->def->py_line(st, args, st->sock ? st->sock : "?");

	if (st->background) {
		char *bg = xasprintf("%s = start(lambda: %s)", st->id, r);
		free(r);
		r = bg;
	}
	return r;
}

/* ---- the Python result of each operation ---- */

/*
 * 1 for a failure that is not an OSError of an errno, whose Python text the
 * agent wrote: socket.gaierror (a name that did not resolve), TypeError and
 * OSError without errno (an address the socket's family cannot take).
 */
int
py_result_not_oserror(json_t *res)
{
	static const char *const classes[] = { "gaierror", "TypeError", "OSError", NULL };
	const char *err = json_string_value(json_object_get(res, "error"));

	if (json_is_true(json_object_get(res, "ok")) || err == NULL || !json_is_string(json_object_get(res, "python")))
		return 0;
	for (const char *const *c = classes; *c != NULL; c++)
		if (strcmp(err, *c) == 0)
			return 1;
	return 0;
}

/* A failed call as Python's exception, or the data received; NULL for neither. */
static char *
py_result_error_or_data(json_t *res)
{
	char text[256];

	if (!json_is_true(json_object_get(res, "ok"))) {
		if (py_result_not_oserror(res))
			return xstrdup(json_string_value(json_object_get(res, "python")));
		errname_pyformat((int)json_integer_value(json_object_get(res, "errno")), text, sizeof text);
		if (json_object_get(res, "timeout_reason") != NULL &&
		    strcmp(json_string_value(json_object_get(res, "timeout_reason")), "step timeout") == 0)
			return xasprintf("%s (the step's timeout passed)", text);
		return xstrdup(text);
	}
	if (json_object_get(res, "data") != NULL) {
		unsigned char *p = NULL;
		size_t n = 0;
		char *d, *r;
		b64_decode(json_string_value(json_object_get(res, "data")), &p, &n);
		d = py_bytes_repr(p, n, PY_DATA_SHOWN);
		free(p);
		if (json_object_get(res, "from") != NULL) {
			char *a = py_addr(json_object_get(res, "from"));
			r = xasprintf("(%s, %s)", d, a);
			free(a);
			free(d);
			return r;
		}
		return d;
	}
	return NULL;
}

char *
py_float_repr(double d)
{
	char text[64];
	int prec, exp;

	/* the fewest significant digits that read back as the same double, as repr() */
	for (prec = 1; prec < 17; prec++) {
		snprintf(text, sizeof text, "%.*e", prec - 1, d);
		if (strtod(text, NULL) == d)
			break;
	}
	snprintf(text, sizeof text, "%.*e", prec - 1, d);
	exp = atoi(strchr(text, 'e') + 1);
	if (d != d || d - d != 0 || exp < -4 || exp >= 16)	/* nan, inf, or an exponent Python shows */
		return xstrdup(text);
	snprintf(text, sizeof text, "%.*f", prec - 1 - exp > 0 ? prec - 1 - exp : 0, d);
	if (strchr(text, '.') == NULL)
		return xasprintf("%s.0", text);
	return xstrdup(text);
}

/* A socket call: its exception, its data, or its return value (a number, an address or None). */
char *
py_result_call(const struct step *st, json_t *res)
{
	json_t *ret = json_object_get(res, "ret");
	char *r = py_result_error_or_data(res);
	(void)st;
	if (r != NULL)
		return r;
	if (json_is_integer(ret))
		return xasprintf("%lld", (long long)json_integer_value(ret));
	if (json_is_real(ret))
		return py_float_repr(json_real_value(ret));
	if (json_is_object(ret))
		return py_addr(ret);
	return xstrdup("None");
}

/* one entry of getaddrinfo's list: (<AddressFamily.AF_INET: 2>, <SocketKind.SOCK_STREAM: 1>, 6, '', addr) */
static void
py_addrinfo_entry(struct buf *b, json_t *e)
{
	static const char *const kinds[] = { "?", "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW" };
	long long fam = json_integer_value(json_object_get(e, "family")), ty = json_integer_value(json_object_get(e, "type"));
	char *a = py_addr(json_object_get(e, "addr")), *cn = py_str_repr(json_string_value(json_object_get(e, "canonname")) ?: "");

	buf_printf(b, "(<AddressFamily.%s: %lld>, <SocketKind.%s: %lld>, %lld, %s, %s)",
	    fam == 10 ? "AF_INET6" : fam == 2 ? "AF_INET" : "?", fam, ty >= 0 && ty <= 3 ? kinds[ty] : "?", ty,
	    (long long)json_integer_value(json_object_get(e, "proto")), cn, a);
	free(a);
	free(cn);
}

/* gethostname, gethostbyname ('10.10.0.101'), getaddrinfo (a list); a resolver failure as socket.gaierror */
char *
py_result_resolve(const struct step *st, json_t *res)
{
	json_t *ret = json_object_get(res, "ret"), *e;
	const char *err = json_string_value(json_object_get(res, "error"));
	struct buf b;
	size_t i;

	if (!json_is_true(json_object_get(res, "ok")) && err != NULL && strcmp(err, "gaierror") == 0)
		return xstrdup(json_string_value(json_object_get(res, "python")) ?: "socket.gaierror");
	if (json_is_string(ret))
		return py_str_repr(json_string_value(ret));
	if (!json_is_array(ret))
		return py_result_call(st, res);
	buf_init(&b);
	buf_addc(&b, '[');
	json_array_foreach(ret, i, e) {
		if (i)
			buf_adds(&b, ", ");
		py_addrinfo_entry(&b, e);
	}
	buf_addc(&b, ']');
	return buf_steal(&b, NULL);
}

char *
py_result_accept(const struct step *st, json_t *res)
{
	char *a, *r = py_result_error_or_data(res);
	(void)st;
	if (r != NULL)
		return r;
	a = py_addr(json_object_get(res, "peer"));
	r = xasprintf("(<socket %s>, %s)", json_string_value(json_object_get(res, "as")), a);
	free(a);
	return r;
}

char *
py_result_socket(const struct step *st, json_t *res)
{
	char *r = py_result_error_or_data(res);
	(void)st;
	return r ? r : xasprintf("<socket fd=%lld>", (long long)json_integer_value(json_object_get(res, "fd")));
}

char *
py_result_kill(const struct step *st, json_t *res)
{
	char *r = py_result_error_or_data(res), *t, *m;
	json_t *target = json_object_get(res, "target");
	if (r != NULL)
		return r;
	if (!json_is_true(json_object_get(res, "ended")))
		return xstrdup("None  (stopped)");
	/* it had ended on its own: how (a program's exit and the end of its stderr) */
	if (json_object_get(target, "exit") == NULL && json_object_get(target, "signal") == NULL)
		return xstrdup("None  (it had already ended)");
	t = py_result_exec(st, target);
	m = xasprintf("None  (it had already ended: %s)", t);
	free(t);
	return m;
}

char *
py_result_put(const struct step *st, json_t *res)
{
	(void)st;
	return xasprintf("%lld file%s, %lld bytes", (long long)json_integer_value(json_object_get(res, "files")),
	    json_integer_value(json_object_get(res, "files")) == 1 ? "" : "s",
	    (long long)json_integer_value(json_object_get(res, "bytes")));
}

/*
 * A program's end: its exit status (or signal) and, when it failed, the
 * last lines of its stderr (expect_stderr_tail); a program or script that
 * was not there as CPython says it (expect_missing_text).
 */
char *
py_result_exec(const struct step *st, json_t *res)
{
	double secs = json_number_value(json_object_get(res, "seconds"));
	char *r, *tail, *missing = expect_missing_text(res);
	(void)st;
	if (json_is_true(json_object_get(res, "timed_out")))
		r = xasprintf("still running after the step's timeout: stopped (%.2f s)", secs);
	else if (json_is_string(json_object_get(res, "signal")))
		r = xasprintf("killed by SIG%s (%.2f s)", json_string_value(json_object_get(res, "signal")), secs);
	else
		r = xasprintf("exit %lld (%.2f s, %lld bytes of output)", (long long)json_integer_value(json_object_get(res, "exit")),
		    secs, (long long)(json_integer_value(json_object_get(res, "stdout_len")) +
		    json_integer_value(json_object_get(res, "stderr_len"))));
	if (missing != NULL) {
		char *m = xasprintf("%s; %s", r, missing);
		free(r);
		free(missing);
		return m;
	}
	if (json_is_integer(json_object_get(res, "exit")) && json_integer_value(json_object_get(res, "exit")) == 0)
		return r;
	tail = expect_stderr_tail(res, 3);
	if (tail[0] != '\0') {
		char *m = xasprintf("%s; stderr ends: %s", r, tail);
		free(r);
		r = m;
	}
	free(tail);
	return r;
}

char *
py_result(const struct step *st, json_t *res)
{
	if (json_object_get(res, "agent_error") != NULL)
		return xasprintf("agent error: %s", json_string_value(json_object_get(res, "agent_error")));
	return st->def->py_result(st, res);
}
