/*
 * test_check_table.c — the table of trace checks (pcap/check.h) and the
 * typed checks the loader makes of a checks file (controller/load-check.c):
 * every check's row and allowed keys, a key outside the table refused with
 * the table's list, endpoints resolved at load time (a host, HOST:PORT,
 * localhost, an IP) while a socket is left for the run and resolved from
 * the run's socket table (controller/names.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "check.h"
#include "expt.h"
#include "model.h"
#include "names.h"
#include "util.h"
#include "unit.h"

/* Writes text to a new file in /tmp; returns its path (caller frees and unlinks), NULL on failure. */
static char *
write_temp(const char *text)
{
	char *path = xstrdup("/tmp/verona-test-check-table-XXXXXX.yaml");
	int fd = mkstemps(path, 5);
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		perror("write_temp");
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

/* Loads text (a checks file or an experiment); errs gets the errors.  The file is removed again. */
static struct experiment *
load_text(const char *text, struct errlist *errs)
{
	char *path = write_temp(text);
	struct experiment *x;

	CHECK(path != NULL);
	if (path == NULL)
		return NULL;
	x = expt_load_any(path, NULL, errs);
	unlink(path);
	free(path);
	return x;
}

/* The keys of a row as "a, b, c" (caller frees). */
static char *
keys_of(const struct trace_check_def *d)
{
	struct buf b;
	buf_init(&b);
	for (const struct trace_check_key *k = d->keys; k->name != NULL; k++)
		buf_printf(&b, "%s%s", k == d->keys ? "" : ", ", k->name);
	return buf_steal(&b, NULL);
}

UNIT_TEST(test_rows)
{
	for (size_t i = 0; i < TRACE_CHECK__COUNT; i++) {
		const struct trace_check_def *d = &trace_check_table[i];
		CHECK_INT(d->id, i);
		CHECK(d->decide != NULL);
		CHECK(trace_check_find(d->name) == d);
		/* a check that names a connection takes it as conn, or client and server, and an attempt */
		int conn_keys = 0;
		for (const struct trace_check_key *k = d->keys; k->name != NULL; k++)
			conn_keys += k->type == TRACE_ARG_CONN || k->type == TRACE_ARG_ATTEMPT;
		CHECK_INT(conn_keys, d->conn == TRACE_CONN_NONE ? 0 : 4);
	}
	CHECK(trace_check_find("handshakes") == NULL);
	CHECK(trace_check_find(NULL) == NULL);
}

UNIT_TEST(test_keys)
{
	/* the language of DESIGN section 2: what each check's map may hold */
	static const struct { const char *name, *keys; } want[] = {
		{ "handshake", "conn, client, server, attempt" },
		{ "refused", "conn, client, server, attempt" },
		{ "stream", "conn, client, server, attempt, from, data, contains, prefix, lines" },
		{ "acked", "conn, client, server, attempt, from" },
		{ "closed", "conn, client, server, attempt, first, within, before" },
		{ "reset", "conn, client, server, attempt, by" },
		{ "datagrams", "from, to, data, count, reply_to, allow_unreachable" },
		{ "icmp_unreachable", "from, to, count, none" },
		{ "quiet", "steps" },
		{ "state", "conn, client, server, attempt, state" },
		{ "concurrent", "server, count" },
		{ "retransmissions", "conn, client, server, attempt, max, min" },
		{ "intervals", "from, to, expect, tolerance" },
	};

	CHECK_INT(sizeof want / sizeof want[0], TRACE_CHECK__COUNT);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const struct trace_check_def *d = trace_check_find(want[i].name);
		char *k;
		CHECK(d != NULL);
		if (d == NULL)
			continue;
		k = keys_of(d);
		CHECK_STR(k, want[i].keys);
		free(k);
	}
}

UNIT_TEST(test_unknown_key)
{
	struct errlist errs = { NULL, 0 };
	struct experiment *x = load_text("hosts: {romeo: 10.10.0.100, juliet: 10.10.0.101}\n"
	    "checks:\n"
	    "  - stream: {client: romeo, server: \"juliet:4000\", from: romeo, data: hi, bogus: 1}\n"
	    "  - nonsense: romeo\n", &errs);

	CHECK(x == NULL);
	CHECK_INT(errs.n, 2);
	if (errs.n == 2) {
		CHECK(strstr(errs.msgs[0], ":3:75: stream: unknown key 'bogus' (expected conn, client, server, attempt, "
		    "from, data, contains, prefix, lines)") != NULL);
		CHECK(strstr(errs.msgs[1], ":4:5: check must be one of handshake, refused, stream, acked, closed, reset, "
		    "datagrams, icmp_unreachable, quiet, state, concurrent, retransmissions, intervals, not 'nonsense'") != NULL);
	}
	errlist_free(&errs);
	expt_free(x);
}

static void
check_ep(const struct trace_check_ep *e, const char *text, int ip_version, const char *ip, int port)
{
	uint8_t addr[16] = { 0 };

	CHECK_STR(e->text, text);
	CHECK(!e->late);
	CHECK_INT(e->ep.ip_version, ip_version);
	CHECK(inet_pton(ip_version == 4 ? AF_INET : AF_INET6, ip, addr) == 1);
	CHECK(memcmp(e->ep.addr, addr, ip_version == 4 ? 4 : 16) == 0);
	CHECK_INT(e->ep.port, port);
}

UNIT_TEST(test_endpoints)
{
	struct errlist errs = { NULL, 0 };
	struct experiment *x = load_text("hosts: {romeo: 10.10.0.100, juliet: \"fd00::1\"}\n"
	    "steps:\n"
	    "  - romeo: {socket: sock}\n"
	    "checks:\n"
	    "  - handshake: {client: romeo, server: \"juliet:4000\"}\n"
	    "  - datagrams: {from: \"localhost:5000\", to: \"192.0.2.7:53\", count: 1}\n"
	    "  - stream: {conn: romeo.sock, from: \"[fd00::1]:4000\", prefix: {hex: \"0102\"}}\n", &errs);
	const struct trace_check *c;

	errlist_print(&errs, stderr);
	CHECK(x != NULL);
	if (x == NULL)
		return;
	CHECK_INT(x->ntrace_checks, 3);
	c = &x->trace_checks[0];
	CHECK(c->def->id == TRACE_CHECK_HANDSHAKE);
	CHECK_STR(c->conn, "romeo to juliet:4000");
	check_ep(&c->client, "romeo", 4, "10.10.0.100", -1);
	check_ep(&c->server, "juliet:4000", 6, "fd00::1", 4000);
	CHECK_INT(c->line, 5);
	CHECK_INT(c->col, 5);
	c = &x->trace_checks[1];
	CHECK(c->def->id == TRACE_CHECK_DATAGRAMS);
	check_ep(&c->from, "localhost:5000", 4, "127.0.0.1", 5000);
	check_ep(&c->to, "192.0.2.7:53", 4, "192.0.2.7", 53);
	CHECK(c->has_count && c->count == 1);
	c = &x->trace_checks[2];
	/* a socket stands for the addresses it has in the run: left for the run to say */
	CHECK_STR(c->client.text, "romeo.sock");
	CHECK(c->client.late);
	CHECK(c->server.text == NULL);
	check_ep(&c->from, "[fd00::1]:4000", 6, "fd00::1", 4000);
	CHECK(c->has_prefix && !c->has_data && !c->has_contains);
	CHECK_MEM(c->data.p, c->data.len, "\x01\x02", 2);
	errlist_free(&errs);
	expt_free(x);
}

/* A resolver for trace_check_ctx: every name is unknown. */
static int
resolve_none(void *arg, const char *text, struct trace_endpoint *out, int max, char *err, size_t errlen)
{
	(void)arg, (void)out, (void)max;
	snprintf(err, errlen, "'%s' is not a host of the experiment or an address", text);
	return -1;
}

UNIT_TEST(test_decide)
{
	struct errlist errs = { NULL, 0 };
	struct experiment *x = load_text("hosts: {romeo: 10.10.0.100, juliet: 10.10.0.101}\n"
	    "checks:\n"
	    "  - handshake: {client: romeo, server: \"juliet:4000\"}\n"
	    "    name: opens\n"
	    "    points: 2\n"
	    "  - datagrams: {from: \"any:5000\", to: juliet, count: 0}\n", &errs);
	struct trace_conns *conns = trace_conns_new();
	struct trace_check_ctx ctx = { .conns = conns, .resolve = resolve_none };
	struct trace_check late;
	json_t *j, *v, *w;
	char *a, *b;

	CHECK(x != NULL);
	if (x == NULL) {
		trace_conns_free(conns);
		return;
	}
	v = trace_check_decide(&ctx, &x->trace_checks[0]);
	a = json_dumps(v, JSON_COMPACT);
	CHECK_STR(a, "{\"check\":\"handshake\",\"name\":\"opens\",\"status\":\"fail\",\"message\":"
	    "\"no TCP connection of romeo to juliet:4000 is in the trace\",\"points\":0.0,\"max_points\":2.0,"
	    "\"line\":3,\"col\":5}");
	/* every name left late (as the JSON form without a resolver leaves it) is resolved through the ctx */
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:i, s:i}", "check", "handshake", "conn", "romeo to juliet:4000",
	    "client", "romeo", "server", "juliet:4000", "name", "opens", "points", 2.0, "line", 3, "col", 5);
	CHECK(trace_check_from_json(&late, j, NULL, NULL) == 0);
	CHECK(late.client.late && late.server.late);
	w = trace_check_decide(&ctx, &late);
	b = json_dumps(w, JSON_COMPACT);
	CHECK_STR(b, "{\"check\":\"handshake\",\"name\":\"opens\",\"status\":\"error\",\"message\":"
	    "\"'romeo' is not a host of the experiment or an address\",\"points\":0.0,\"max_points\":2.0,"
	    "\"line\":3,\"col\":5}");
	trace_check_free(&late);
	free(a);
	free(b);
	json_decref(v);
	json_decref(w);
	json_decref(j);
	/* any:PORT is no address: the check, not the loader, says so */
	CHECK(x->trace_checks[1].from.late);
	v = trace_check_decide(&ctx, &x->trace_checks[1]);
	CHECK_STR(json_string_value(json_object_get(v, "status")), "error");
	CHECK_STR(json_string_value(json_object_get(v, "message")), "'any:5000' is not a host of the experiment or an address");
	json_decref(v);
	/* the JSON form of an unknown check is refused */
	j = json_pack("{s:s, s:i, s:i}", "check", "teleport", "line", 1, "col", 1);
	CHECK(trace_check_from_json(&late, j, NULL, NULL) == -1);
	json_decref(j);
	trace_conns_free(conns);
	errlist_free(&errs);
	expt_free(x);
}

/* HOST.SOCKET stands for every local address the run's socket table (model.h) gave it, each once (names.h). */
UNIT_TEST(test_socket_names)
{
	struct errlist errs = { NULL, 0 };
	struct experiment *x = load_text("hosts: {romeo: 10.10.0.100, juliet: 10.10.0.101}\n"
	    "steps:\n"
	    "  - romeo: {socket: sock}\n"
	    "checks:\n"
	    "  - handshake: romeo.sock\n", &errs);
	struct model_sockets m = { 0 };
	struct model_addr a = { "10.10.0.100", 41000 }, b = { "10.10.0.100", 41001 };
	struct model_addr p1 = { "10.10.0.101", 4000 }, p2 = { "10.10.0.101", 4001 };
	struct names run = { x, &m, NULL }, offline = { x, NULL, NULL };
	struct trace_endpoint out[8], peer[8];
	char err[256] = "";
	uint8_t ip[16];

	CHECK(x != NULL);
	if (x == NULL)
		return;
	model_socket_new(&m, "romeo", "sock", 0);
	model_socket_address(&m, "romeo", "sock", &a, NULL);
	model_socket_address(&m, "romeo", "sock", &a, &p1);	/* the same address again, with a peer */
	model_socket_address(&m, "romeo", "sock", &b, &p2);
	model_socket_new(&m, "romeo", "idle", 0);
	/* every address once, in the order it had them */
	CHECK_INT(names_resolve(&run, "romeo.sock", out, 8, err, sizeof err), 2);
	inet_pton(AF_INET, "10.10.0.100", ip);
	CHECK(out[0].ip_version == 4 && memcmp(out[0].addr, ip, 4) == 0 && out[0].port == 41000);
	CHECK(out[1].ip_version == 4 && out[1].port == 41001);
	/* as a connection: each (local, peer) pair; a peer the result did not name is unknown */
	CHECK_INT(names_resolve_conn(&run, "romeo.sock", out, peer, 8, err, sizeof err), 3);
	CHECK(peer[0].ip_version == 0);
	CHECK(peer[1].ip_version == 4 && peer[1].port == 4000);
	CHECK(out[2].port == 41001 && peer[2].port == 4001);
	/* not a socket: the connection is named otherwise */
	CHECK_INT(names_resolve_conn(&run, "juliet:4000", out, peer, 8, err, sizeof err), 0);
	/* a socket with no address, and one no step made, say so */
	CHECK_INT(names_resolve(&run, "romeo.idle", out, 8, err, sizeof err), -1);
	CHECK_STR(err, "romeo.idle never had an address (it was not bound, connected or used)");
	CHECK_INT(names_resolve_conn(&run, "romeo.nope", out, peer, 8, err, sizeof err), -1);
	CHECK_STR(err, "romeo.nope never had an address (it was not bound, connected or used)");
	/* a host is its address, any port */
	CHECK_INT(names_resolve(&run, "juliet", out, 8, err, sizeof err), 1);
	CHECK(out[0].port == -1);
	/* a trace without a run has no sockets */
	CHECK_INT(names_resolve(&offline, "romeo.sock", out, 8, err, sizeof err), -1);
	CHECK_STR(err, "romeo.sock names a socket, and this trace has no run behind it: "
	    "name endpoints (host, HOST:PORT, IP)");
	CHECK_INT(names_resolve_conn(&offline, "romeo.sock", out, peer, 8, err, sizeof err), 0);
	model_sockets_free(&m);
	errlist_free(&errs);
	expt_free(x);
}

int
main(void)
{
	UNIT_RUN(test_rows);
	UNIT_RUN(test_keys);
	UNIT_RUN(test_unknown_key);
	UNIT_RUN(test_endpoints);
	UNIT_RUN(test_decide);
	UNIT_RUN(test_socket_names);
	return UNIT_END();
}
