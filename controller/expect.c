/*
 * expect.c — a step's addresses resolved (host names and HOST.SOCKET
 * references to {ip, port}, data to base64) and its result compared with
 * its expectation; see expect.h and DESIGN section 2.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errnames.h"
#include "expect.h"
#include "ops.h"
#include "pyfmt.h"
#include "rx.h"
#include "util.h"

json_t *
expect_resolve_aref(const struct expect_ctx *c, const struct aref *a, const char *family, char **err)
{
	const char *ip;
	const struct host *h;
	int inet6 = family != NULL && strcmp(family, "inet6") == 0;

	if (a->kind == AREF_SOCKET) {
		const struct model_socket *s = model_socket_find(c->socks, a->host, a->sock);
		if (s == NULL || !s->has_addr) {
			*err = xasprintf("%s has no address yet (bind, connect or send on it first)", a->text);
			return NULL;
		}
		return json_pack("{s:s, s:i}", "ip", s->addr.ip, "port", s->addr.port);
	}
	if (a->kind == AREF_PAIR)	/* the agent resolves it for the socket's family */
		return json_pack("{s:s, s:i}", "host", a->host, "port", a->port);
	if (a->host[0] == '\0' || strcmp(a->host, "any") == 0)
		ip = inet6 ? "::" : "0.0.0.0";
	else if (strcmp(a->host, "localhost") == 0)
		ip = inet6 ? "::1" : "127.0.0.1";
	else if ((h = expt_host(c->x, a->host)) != NULL)
		ip = h->addr;
	else
		ip = a->host;
	return json_pack("{s:s, s:i}", "ip", ip, "port", a->port < 0 ? 0 : a->port);
}

json_t *
expect_resolve_args(const struct expect_ctx *c, const struct step *st, char **err)
{
	json_t *args = json_deep_copy(st->args);
	const char *fam = st->sock ? model_socket_family(c->socks, st->host, st->sock) : "inet";

	if (st->addr != NULL) {
		json_t *a = expect_resolve_aref(c, st->addr, fam, err);
		if (a == NULL)
			goto fail;
		json_object_set_new(args, "addr", a);
	}
	if (st->to != NULL) {
		json_t *a = expect_resolve_aref(c, st->to, fam, err);
		if (a == NULL)
			goto fail;
		json_object_set_new(args, "to", a);
	}
	if (json_is_object(json_object_get(args, "ready")) && json_object_get(json_object_get(args, "ready"), "port")) {
		/* the address a peer reaches the program at: the step's own host's, or the one ready names */
		json_t *rd = json_object_get(args, "ready");
		const char *host = json_string_value(json_object_get(rd, "host")) ?: st->host;
		const struct host *h = expt_host(c->x, host);
		const char *ip = h != NULL ? h->addr : strcmp(host, "localhost") == 0 ? "127.0.0.1" : host;
		if (strcmp(host, "any") != 0)
			json_object_set_new(rd, "addr", json_string(ip));
	}
	if (st->data.set) {
		char *b = b64_encode(st->data.p, st->data.len);
		json_object_set_new(args, "data", json_string(b));
		free(b);
	}
	return args;
fail:
	json_decref(args);
	return NULL;
}

/* ---- expectations ---- */

static int
addr_matches(const struct expect_ctx *c, const struct aref *want, json_t *got, const char *family, char **why)
{
	char *err = NULL;
	json_t *w = expect_resolve_aref(c, want, family, &err);
	int ok;
	if (w == NULL) {
		*why = err;
		return 0;
	}
	ok = got != NULL &&
	    strcmp(json_string_value(json_object_get(w, "ip")), json_string_value(json_object_get(got, "ip")) ?: "") == 0 &&
	    ((want->kind == AREF_HOSTPORT && want->port < 0) ||
	     json_integer_value(json_object_get(w, "port")) == json_integer_value(json_object_get(got, "port")));
	if (!ok) {
		*why = xasprintf("%s:%lld", json_string_value(json_object_get(w, "ip")),
		    (long long)json_integer_value(json_object_get(w, "port")));
	}
	json_decref(w);
	return ok;
}

void
expect_fail(json_t *failures, const char *fmt, ...)
{
	va_list ap;
	char *m;
	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	json_array_append_new(failures, json_string(m));
	free(m);
}

static void
expect_data(json_t *failures, const char *what, const struct bytes *want, const unsigned char *got,
    size_t gotlen, int prefix)
{
	int ok = prefix ? gotlen >= want->len && memcmp(got, want->p, want->len) == 0
	    : gotlen == want->len && memcmp(got, want->p, want->len) == 0;
	if (!ok) {
		char *w = py_bytes_repr(want->p, want->len, 48), *g = py_bytes_repr(got, gotlen, 48);
		size_t at = 0;
		while (at < gotlen && at < want->len && got[at] == want->p[at])
			at++;
		expect_fail(failures, "%s: expected %s, got %s (first difference at byte %zu)", what, w, g, at);
		free(w);
		free(g);
	}
}

/* A regex for a message: control characters written as \r, \n, \t, \xNN. Caller frees. */
static char *
shown_regex(const char *re)
{
	struct buf b;
	buf_init(&b);
	for (const unsigned char *c = (const unsigned char *)re; *c; c++) {
		if (*c == '\n')
			buf_adds(&b, "\\n");
		else if (*c == '\r')
			buf_adds(&b, "\\r");
		else if (*c == '\t')
			buf_adds(&b, "\\t");
		else if (*c < 0x20 || *c == 0x7f)
			buf_printf(&b, "\\x%02x", *c);
		else
			buf_addc(&b, *c);
	}
	return buf_steal(&b, NULL);
}

/*
 * what (stdout, stderr, data b'...') against a pattern, with a bounded cost
 * (rx.h): a miss, and a match stopped because the pattern costs too much on
 * this subject, are both failures, each saying which.
 */
static void
expect_regex(json_t *failures, const char *what, const char *re, const void *subject, size_t len)
{
	char err[300];
	struct rx *rx = rx_compile(re, RX_TEXT, err, sizeof err, NULL);
	char *sr = shown_regex(re);
	int rc;

	if (rx == NULL) {	/* the loader checked it: only a pattern it never saw */
		expect_fail(failures, "/%s/ is not a regular expression: %s", sr, err);
		free(sr);
		return;
	}
	rc = rx_match(rx, subject, len, err, sizeof err);
	if (rc == 0)
		expect_fail(failures, "%s does not match /%s/", what, sr);
	else if (rc < 0)
		expect_fail(failures, "%s was not matched against /%s/: %s", what, sr, err);
	rx_free(rx);
	free(sr);
}

/* A size as a person reads it: "2.7 MB", "512 KiB" (the kept halves), "900 bytes"; caller frees. */
static char *
output_size(unsigned long long n, int binary)
{
	if (binary && n >= 1024 && n % 1024 == 0)
		return n >= 1048576 && n % 1048576 == 0 ? xasprintf("%llu MiB", n >> 20) : xasprintf("%llu KiB", n >> 10);
	if (n >= 1000000)
		return xasprintf("%.1f MB", (double)n / 1e6);
	if (n >= 1000)
		return xasprintf("%.1f kB", (double)n / 1e3);
	return xasprintf("%llu bytes", n);
}

/*
 * What a failure on a truncated stream says: "stdout was 2.7 MB; verona
 * kept the first and last 512 KiB"; NULL when nothing was left out.
 * Caller frees.
 */
char *
expect_output_cut_note(json_t *res, const char *key)
{
	char k[32], *total, *head, *tail, *note;
	unsigned char *p = NULL;
	size_t kept = 0;
	json_t *at;

	snprintf(k, sizeof k, "%s_cut_at", key);
	at = json_object_get(res, k);
	if (!json_is_integer(at))
		return NULL;
	snprintf(k, sizeof k, "%s_b64", key);
	if (b64_decode(json_string_value(json_object_get(res, k)) ?: "", &p, &kept) != 0)
		kept = 0;
	free(p);
	snprintf(k, sizeof k, "%s_len", key);
	total = output_size((unsigned long long)json_integer_value(json_object_get(res, k)), 0);
	head = output_size((unsigned long long)json_integer_value(at), 1);
	tail = output_size((unsigned long long)(kept - (size_t)json_integer_value(at)), 1);
	if (strcmp(head, tail) == 0)
		note = xasprintf("%s was %s; verona kept the first and last %s", key, total, head);
	else
		note = xasprintf("%s was %s; verona kept the first %s and the last %s", key, total, head, tail);
	free(total);
	free(head);
	free(tail);
	return note;
}

/*
 * The text of a program's output stream (base64 in the result); caller
 * frees.  Where bytes were left out (key_cut_at), a line says how many.
 */
static char *
exec_text(json_t *res, const char *key, size_t *lenp)
{
	char k[32], *mark = NULL;
	unsigned char *p = NULL;
	size_t n = 0, at = 0, mlen = 0;
	json_t *cut;

	snprintf(k, sizeof k, "%s_b64", key);
	if (b64_decode(json_string_value(json_object_get(res, k)) ?: "", &p, &n) != 0)
		n = 0;
	snprintf(k, sizeof k, "%s_cut_at", key);
	cut = json_object_get(res, k);
	if (json_is_integer(cut) && (size_t)json_integer_value(cut) <= n) {
		snprintf(k, sizeof k, "%s_len", key);
		char *left = output_size((unsigned long long)json_integer_value(json_object_get(res, k)) - n, 0);
		at = (size_t)json_integer_value(cut);
		mark = xasprintf("\n[verona: %s of %s left out here]\n", left, key);
		mlen = strlen(mark);
		free(left);
	}
	char *t = xmalloc(n + mlen + 1);
	if (mark == NULL) {
		if (n > 0)
			memcpy(t, p, n);
	} else {
		memcpy(t, p, at);
		memcpy(t + at, mark, mlen);
		memcpy(t + at + mlen, p + at, n - at);
	}
	n += mlen;
	t[n] = '\0';
	free(p);
	free(mark);
	if (lenp)
		*lenp = n;
	return t;
}

/* Says, in each failure from index from on, that it judged a stream cut short (note, if any). */
static void
expect_note_cut(json_t *failures, size_t from, const char *note)
{
	if (note == NULL)
		return;
	for (size_t i = from; i < json_array_size(failures); i++) {
		char *m = xasprintf("%s (%s)", json_string_value(json_array_get(failures, i)), note);
		json_array_set_new(failures, i, json_string(m));
		free(m);
	}
}

/*
 * Length of the valid UTF-8 sequence of a printable character at p (at most
 * n bytes), or 0: ASCII controls, DEL, C1 controls (U+0080-U+009F, which
 * terminals take as escapes), overlong forms, surrogates and stray bytes.
 */
static size_t
printable_len(const unsigned char *p, size_t n)
{
	size_t len;
	unsigned long c;

	if (p[0] >= 0x20 && p[0] < 0x7f)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, c = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < 0xa0 || (len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return len;
}

/*
 * The last line of a text, for a hint ("Traceback ... ValueError: ..."),
 * at most 200 bytes of it; caller frees.  It is printed on the terminal:
 * whatever is not printable text (escape sequences a program could drive
 * the terminal with) becomes '?'.
 */
static char *
last_line(const char *s)
{
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		n--;
	size_t b = n;
	while (b > 0 && s[b - 1] != '\n')
		b--;
	const unsigned char *p = (const unsigned char *)s + b;
	size_t left = n - b, o = 0;
	char *line = xmalloc(201);
	while (left > 0) {
		size_t k = printable_len(p, left);
		if (o + (k ? k : 1) > 200)
			break;
		if (k == 0) {
			line[o++] = '?';
			k = 1;
		} else {
			memcpy(line + o, p, k);
			o += k;
		}
		p += k;
		left -= k;
	}
	line[o] = '\0';
	return line;
}

char *
expect_stderr_tail(json_t *res, int lines)
{
	size_t n, end, b, start[8], stop[8];
	char *err = exec_text(res, "stderr", &n);
	int k = 0;
	struct buf o;

	if (lines > 8)
		lines = 8;
	end = n;
	while (k < lines && end > 0) {	/* the last lines with something on them, from the end */
		while (end > 0 && (err[end - 1] == '\n' || err[end - 1] == '\r' || err[end - 1] == ' ' ||
		    err[end - 1] == '\t'))
			end--;
		if (end == 0)
			break;
		b = end;
		while (b > 0 && err[b - 1] != '\n')
			b--;
		start[k] = b;
		stop[k++] = end;
		end = b;
	}
	buf_init(&o);
	while (k-- > 0) {
		size_t i = start[k];
		while (i < stop[k] && (err[i] == ' ' || err[i] == '\t'))
			i++;
		if (o.len > 0)
			buf_adds(&o, " | ");
		for (const unsigned char *p = (const unsigned char *)err + i; p < (const unsigned char *)err + stop[k];) {
			size_t c = printable_len(p, (size_t)((const unsigned char *)err + stop[k] - p));
			if (c == 0)
				buf_addc(&o, '?'), c = 1;
			else
				buf_add(&o, p, c);
			p += c;
		}
	}
	free(err);
	if (o.len > 400) {	/* the end is what says why: keep it, at a character's start */
		size_t cut = o.len - 396;
		while (cut < o.len && (o.data[cut] & 0xc0) == 0x80)
			cut++;
		char *t = xasprintf("... %.*s", (int)(o.len - cut), (char *)o.data + cut);
		buf_free(&o);
		return t;
	}
	return buf_steal(&o, NULL);
}

/* s with whatever is not printable text (terminal escapes) as '?', at most max bytes; into o. */
static void
printable_add(struct buf *o, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), start = o->len;

	while (left > 0 && o->len - start < max) {
		size_t k = printable_len(p, left);
		if (k == 0)
			buf_addc(o, '?'), k = 1;
		else
			buf_add(o, p, k);
		p += k;
		left -= k;
	}
}

char *
expect_missing_text(json_t *res)
{
	const char *name = json_string_value(json_object_get(res, "missing"));
	json_t *files = json_object_get(res, "workdir_files");
	long long total = json_integer_value(json_object_get(res, "workdir_files_total"));
	struct buf o;

	if (name == NULL)
		return NULL;
	buf_init(&o);
	buf_adds(&o, "FileNotFoundError: [Errno 2] No such file or directory: '");
	printable_add(&o, name, 200);
	buf_adds(&o, "' (the work directory ");
	if (json_array_size(files) == 0)
		buf_adds(&o, total > 0 ? "holds files whose names cannot be shown)" : "is empty)");
	else {
		buf_adds(&o, "holds: ");
		for (size_t i = 0; i < json_array_size(files); i++) {
			if (i > 0)
				buf_adds(&o, ", ");
			printable_add(&o, json_string_value(json_array_get(files, i)) ?: "?", 80);
		}
		if (total > (long long)json_array_size(files))
			buf_printf(&o, " and %lld more", total - (long long)json_array_size(files));
		buf_addc(&o, ')');
	}
	return buf_steal(&o, NULL);
}

void
expect_judge_program(const struct expect_ctx *c, const struct step *st, json_t *res, json_t *failures)
{
	const struct expect *e = &st->expect;
	json_t *ex = json_object_get(res, "exit");
	size_t olen, elen;
	char *out = exec_text(res, "stdout", &olen), *err = exec_text(res, "stderr", &elen), *hint = last_line(err);
	char *onote = expect_output_cut_note(res, "stdout"), *enote = expect_output_cut_note(res, "stderr");
	char *missing = expect_missing_text(res);
	(void)c;

	if (json_is_false(json_object_get(res, "ready")))
		expect_fail(failures, "the program was not ready (%s)",
		    json_string_value(json_object_get(res, "ready_reason")) ?: "?");
	if (missing != NULL)
		expect_fail(failures, "the program could not start: %s", missing);
	else if (json_is_true(json_object_get(res, "timed_out")))
		expect_fail(failures, "the program did not finish within %g s and was stopped%s%s", st->timeout,
		    hint[0] ? "; its last error line: " : "", hint);
	else if (json_is_string(json_object_get(res, "signal")))
		expect_fail(failures, "the program was killed by SIG%s%s%s",
		    json_string_value(json_object_get(res, "signal")), hint[0] ? "; its last error line: " : "", hint);
	else if (e->has_exit && (!json_is_integer(ex) || json_integer_value(ex) != e->exit))
		expect_fail(failures, "the program exited with status %lld, expected %d%s%s",
		    (long long)json_integer_value(ex), e->exit, hint[0] ? "; its last error line: " : "", hint);
	else if (!e->has_exit && json_is_integer(ex) && json_integer_value(ex) != 0)
		expect_fail(failures, "the program exited with status %lld%s%s", (long long)json_integer_value(ex),
		    hint[0] ? "; its last error line: " : "", hint);
	size_t before = json_array_size(failures);
	if (e->stdout_text != NULL && strcmp(out, e->stdout_text) != 0) {
		size_t at = 0;
		while (out[at] && out[at] == e->stdout_text[at])
			at++;
		char *g = py_bytes_repr((unsigned char *)out + at, olen - at, 40);
		char *w = py_bytes_repr((unsigned char *)e->stdout_text + at, strlen(e->stdout_text) - at, 40);
		expect_fail(failures, "stdout differs at byte %zu: printed %s, expected %s", at, g, w);
		free(g);
		free(w);
	}
	if (e->stdout_regex != NULL)
		expect_regex(failures, "stdout", e->stdout_regex, out, olen);
	expect_note_cut(failures, before, onote);
	before = json_array_size(failures);
	if (e->stderr_regex != NULL)
		expect_regex(failures, "stderr", e->stderr_regex, err, elen);
	expect_note_cut(failures, before, enote);
	if (e->within >= 0) {
		double took = json_number_value(json_object_get(res, "seconds"));
		if (took > e->within)
			expect_fail(failures, "took %.3f s, expected within %g s", took, e->within);
	}
	free(out);
	free(err);
	free(hint);
	free(onote);
	free(enote);
	free(missing);
}

void
expect_evaluate(const struct expect_ctx *c, const struct step *st, json_t *res, json_t *failures)
{
	if (json_object_get(res, "agent_error") != NULL) {
		expect_fail(failures, "the agent refused the step: %s",
		    json_string_value(json_object_get(res, "agent_error")));
		return;
	}
	st->def->judge(c, st, res, failures);	/* its row's handler */
}

void
expect_judge_call(const struct expect_ctx *c, const struct step *st, json_t *res, json_t *failures)
{
	const struct expect *e = &st->expect;
	int ok = json_is_true(json_object_get(res, "ok"));
	int err = (int)json_integer_value(json_object_get(res, "errno"));
	char text[256];
	const char *fam = st->sock ? model_socket_family(c->socks, st->host, st->sock) : "inet";

	if (!ok && err == ERR_TIMEOUT && json_object_get(res, "timeout_reason") != NULL &&
	    strcmp(json_string_value(json_object_get(res, "timeout_reason")), "step timeout") == 0) {
		expect_fail(failures, "the step's timeout (%g s) passed while the call was still waiting%s",
		    st->timeout, e->err == ERR_TIMEOUT ? ": a socket timeout (settimeout) was expected" : "");
	} else if (e->err != 0) {
		if (ok)
			expect_fail(failures, "expected %s, but the call succeeded", errname_name(e->err));
		else if (err != e->err) {
			errname_pyformat(err, text, sizeof text);
			expect_fail(failures, "expected %s, got %s (%s)", errname_name(e->err),
			    errname_name(err) ?: "?", text);
		}
	} else if (!ok) {
		errname_pyformat(err, text, sizeof text);
		expect_fail(failures, "expected success, got %s", text);
	}
	if (e->has_ret) {
		json_t *ret = json_object_get(res, "ret");
		if (!json_is_integer(ret) || json_integer_value(ret) != e->ret)
		{
			if (json_is_integer(ret))
				expect_fail(failures, "expected return value %lld, got %lld", e->ret,
				    (long long)json_integer_value(ret));
			else
				expect_fail(failures, "expected return value %lld, got None", e->ret);
		}
	}
	if (e->data.set || e->data_prefix.set || e->data_regex != NULL) {
		unsigned char *got = NULL;
		size_t gotlen = 0;
		const char *b64 = json_string_value(json_object_get(res, "data"));
		if (b64 != NULL)
			b64_decode(b64, &got, &gotlen);
		if (e->data.set)
			expect_data(failures, "data", &e->data, got ? got : (unsigned char *)"", gotlen, 0);
		if (e->data_prefix.set)
			expect_data(failures, "data_prefix", &e->data_prefix, got ? got : (unsigned char *)"", gotlen, 1);
		if (e->data_regex != NULL) {
			char *g = py_bytes_repr(got ? got : (unsigned char *)"", gotlen, 48);
			char *what = xasprintf("data %s", g);
			expect_regex(failures, what, e->data_regex, got, gotlen);
			free(what);
			free(g);
		}
		free(got);
	}
	if (e->from != NULL && ok) {
		char *why = NULL;
		json_t *got = json_object_get(res, "from");
		if (json_is_null(got))
			got = NULL;		/* recvfrom on TCP: no sender (None) */
		if (!addr_matches(c, e->from, got, fam, &why))
			expect_fail(failures, "expected a datagram from %s (%s), got one from %s:%lld", e->from->text,
			    why, got ? json_string_value(json_object_get(got, "ip")) : "nowhere",
			    got ? (long long)json_integer_value(json_object_get(got, "port")) : 0LL);
		free(why);
	}
	if (e->peer != NULL && ok) {
		char *why = NULL;
		json_t *got = json_object_get(res, "peer");
		if (!addr_matches(c, e->peer, got, fam, &why))
			expect_fail(failures, "expected peer %s (%s), got %s:%lld", e->peer->text, why,
			    got ? json_string_value(json_object_get(got, "ip")) : "none",
			    got ? (long long)json_integer_value(json_object_get(got, "port")) : 0LL);
		free(why);
	}
	if (e->within >= 0) {
		double took = (double)(json_integer_value(json_object_get(res, "end_ns")) -
		    json_integer_value(json_object_get(res, "start_ns"))) / 1e9;
		if (took > e->within)
			expect_fail(failures, "took %.3f s, expected within %g s", took, e->within);
	}
}

void
expect_judge_resolve(const struct expect_ctx *c, const struct step *st, json_t *res, json_t *failures)
{
	const char *err = json_string_value(json_object_get(res, "error"));
	const char *py = json_string_value(json_object_get(res, "python"));
	int ok = json_is_true(json_object_get(res, "ok")), gai = py_result_not_oserror(res);

	if (st->expect.err == EXPECT_GAIERROR) {
		if (ok)
			expect_fail(failures, "expected socket.gaierror, but the call succeeded");
		else if (!gai || strcmp(err, "gaierror") != 0)
			expect_fail(failures, "expected socket.gaierror, got %s", py ? py : "an error");
	} else if (gai && st->expect.err != 0)
		expect_fail(failures, "expected %s, got %s", errname_name(st->expect.err), py ? py : "socket.gaierror");
	else if (gai)
		expect_fail(failures, "expected success, got %s", py ? py : "socket.gaierror");
	else
		expect_judge_call(c, st, res, failures);
}
