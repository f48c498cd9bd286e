/* pyfmt.c — Python renderings of steps and results; see pyfmt.h. */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "errnames.h"
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

static char *
py_addr(json_t *a)
{
	struct sockaddr_storage ss;
	socklen_t len;
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

char *
py_step_line(const struct step *st, json_t *args)
{
	const char *op = st->op, *s = st->sock ? st->sock : "?";
	char *r = NULL, *a = NULL, *d = NULL;

	if (strcmp(op, "socket") == 0) {
		const char *fam = json_string_value(json_object_get(args, "family"));
		const char *ty = json_string_value(json_object_get(args, "type"));
		r = xasprintf("%s = socket.socket(socket.%s, socket.%s)", s,
		    fam && strcmp(fam, "inet6") == 0 ? "AF_INET6" : "AF_INET",
		    ty && strcmp(ty, "udp") == 0 ? "SOCK_DGRAM" : "SOCK_STREAM");
	} else if (strcmp(op, "bind") == 0 || strcmp(op, "connect") == 0) {
		a = py_addr(json_object_get(args, "addr"));
		r = xasprintf("%s.%s(%s)", s, op, a);
	} else if (strcmp(op, "listen") == 0) {
		json_t *b = json_object_get(args, "backlog");
		r = b ? xasprintf("%s.listen(%lld)", s, (long long)json_integer_value(b))
		      : xasprintf("%s.listen()", s);
	} else if (strcmp(op, "accept") == 0) {
		const char *as = json_string_value(json_object_get(args, "as"));
		r = xasprintf("%s, %s_addr = %s.accept()", as, as, s);
	} else if (strcmp(op, "send") == 0) {
		d = py_data_arg(args, "data");
		r = xasprintf("sent = %s.send(%s)", s, d);
	} else if (strcmp(op, "sendall") == 0) {
		d = py_data_arg(args, "data");
		r = xasprintf("%s.sendall(%s)", s, d);
	} else if (strcmp(op, "sendto") == 0) {
		d = py_data_arg(args, "data");
		a = py_addr(json_object_get(args, "to"));
		r = xasprintf("sent = %s.sendto(%s, %s)", s, d, a);
	} else if (strcmp(op, "recv") == 0) {
		r = xasprintf("data = %s.recv(%lld)", s, (long long)json_integer_value(json_object_get(args, "size")));
	} else if (strcmp(op, "recvfrom") == 0) {
		r = xasprintf("data, addr = %s.recvfrom(%lld)", s,
		    (long long)json_integer_value(json_object_get(args, "size")));
	} else if (strcmp(op, "recvall") == 0) {
		json_t *sz = json_object_get(args, "size");
		r = sz ? xasprintf("data = recv_all(%s, %lld)", s, (long long)json_integer_value(sz))
		       : xasprintf("data = recv_all(%s)  # until EOF", s);
	} else if (strcmp(op, "shutdown") == 0) {
		const char *how = json_string_value(json_object_get(args, "how"));
		r = xasprintf("%s.shutdown(socket.SHUT_%s)", s,
		    how && strcmp(how, "rd") == 0 ? "RD" : how && strcmp(how, "wr") == 0 ? "WR" : "RDWR");
	} else if (strcmp(op, "close") == 0) {
		r = xasprintf("%s.close()", s);
	} else if (strcmp(op, "setsockopt") == 0) {
		const char *level, *py = py_sockopt(json_string_value(json_object_get(args, "option")), &level);
		long long v = json_integer_value(json_object_get(args, "value"));
		if (strcmp(py, "socket.SO_LINGER") == 0)
			r = xasprintf("%s.setsockopt(%s, %s, struct.pack('ii', %d, %lld))", s, level, py,
			    v >= 0, v >= 0 ? v : 0);
		else
			r = xasprintf("%s.setsockopt(%s, %s, %lld)", s, level, py, v);
	} else if (strcmp(op, "settimeout") == 0) {
		json_t *v = json_object_get(args, "seconds");
		r = json_is_number(v) ? xasprintf("%s.settimeout(%g)", s, json_number_value(v))
		    : xasprintf("%s.settimeout(None)", s);
	} else if (strcmp(op, "getsockname") == 0 || strcmp(op, "getpeername") == 0) {
		r = xasprintf("%s.%s()", s, op);
	} else if (strcmp(op, "sleep") == 0) {
		r = xasprintf("time.sleep(%g)", json_number_value(json_object_get(args, "seconds")));
	} else if (strcmp(op, "exec") == 0) {
		json_t *c = json_object_get(args, "command"), *v = json_object_get(args, "argv");
		if (json_is_string(c)) {
			char *q = py_bytes_repr((const unsigned char *)json_string_value(c), strlen(json_string_value(c)), 200);
			r = xasprintf("subprocess.run(%s, shell=True)", q + 1);	/* a str, not bytes */
			free(q);
		}
		else {
			struct buf b;
			buf_init(&b);
			for (size_t i = 0; i < json_array_size(v); i++)
				buf_printf(&b, "%s'%s'", i ? ", " : "", json_string_value(json_array_get(v, i)));
			r = xasprintf("subprocess.run([%s])", b.data ? (char *)b.data : "");
			buf_free(&b);
		}
	} else if (strcmp(op, "put") == 0) {
		const char *dst = json_string_value(json_object_get(args, "dst"));
		r = xasprintf("shutil.copy('%s', '%s')", json_string_value(json_object_get(args, "src")), dst ? dst : ".");
	} else if (strcmp(op, "wait") == 0) {
		r = xasprintf("%s.join()  # wait for background step '%s'", st->target, st->target);
	} else if (strcmp(op, "kill") == 0) {
		r = xasprintf("%s.kill()  # stop background step '%s'", st->target, st->target);
	} else
		r = xasprintf("# %s", op);
	if (st->background) {
		char *bg = xasprintf("%s = start(lambda: %s)", st->id, r);
		free(r);
		r = bg;
	}
	free(a);
	free(d);
	return r;
}

char *
py_result(const struct step *st, json_t *res)
{
	json_t *ret = json_object_get(res, "ret");
	const char *op = st->op;
	char text[256];

	if (json_object_get(res, "agent_error") != NULL)
		return xasprintf("agent error: %s", json_string_value(json_object_get(res, "agent_error")));
	if (strcmp(op, "put") == 0)
		return xasprintf("%lld file%s, %lld bytes", (long long)json_integer_value(json_object_get(res, "files")),
		    json_integer_value(json_object_get(res, "files")) == 1 ? "" : "s",
		    (long long)json_integer_value(json_object_get(res, "bytes")));
	if (strcmp(op, "exec") == 0) {
		double secs = json_number_value(json_object_get(res, "seconds"));
		if (json_is_true(json_object_get(res, "timed_out")))
			return xasprintf("still running after the step's timeout: stopped (%.2f s)", secs);
		if (json_is_string(json_object_get(res, "signal")))
			return xasprintf("killed by SIG%s (%.2f s)", json_string_value(json_object_get(res, "signal")), secs);
		return xasprintf("exit %lld (%.2f s, %lld bytes of output)", (long long)json_integer_value(json_object_get(res, "exit")),
		    secs, (long long)(json_integer_value(json_object_get(res, "stdout_len")) +
		    json_integer_value(json_object_get(res, "stderr_len"))));
	}
	if (!json_is_true(json_object_get(res, "ok"))) {
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
	if (strcmp(op, "accept") == 0) {
		char *a = py_addr(json_object_get(res, "peer"));
		char *r = xasprintf("(<socket %s>, %s)", json_string_value(json_object_get(res, "as")), a);
		free(a);
		return r;
	}
	if (strcmp(op, "socket") == 0)
		return xasprintf("<socket fd=%lld>", (long long)json_integer_value(json_object_get(res, "fd")));
	if (strcmp(op, "kill") == 0)
		return xstrdup("None  (stopped)");
	if (json_is_integer(ret))
		return xasprintf("%lld", (long long)json_integer_value(ret));
	if (json_is_object(ret))
		return py_addr(ret);
	return xstrdup("None");
}
