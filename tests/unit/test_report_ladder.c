/*
 * test_report_ladder.c — unit tests for which arrows of report.html's
 * ladder are drawn as retransmissions: the report asks pcap/conn.c
 * (trace_conns_add_label), the one source of connections and
 * retransmissions, with the relative numbers results.json lists (restarted
 * at each SYN).  Results documents are built by hand, the page written to
 * a temporary directory and read back.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "report.h"
#include "util.h"
#include "unit.h"

static char tmpdir[] = "/tmp/verona-report-ladder.XXXXXX";
static int64_t clock_ns;

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; p != NULL && (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* romeo 10.10.0.100 (the client, port cport) and juliet 10.10.0.101:4000. */
static void
pkt(json_t *list, int from_romeo, int cport, const char *flags, long long seq, long long ack, long long len)
{
	json_t *p = json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:I, s:s, s:I, s:s, s:s}",
	    "time_ns", (json_int_t)(clock_ns += 1000000),
	    "from", from_romeo ? "romeo" : "juliet", "to", from_romeo ? "juliet" : "romeo",
	    "src", from_romeo ? "10.10.0.100" : "10.10.0.101", "dst", from_romeo ? "10.10.0.101" : "10.10.0.100",
	    "proto", 6, "sport", from_romeo ? cport : 4000, "dport", from_romeo ? 4000 : cport,
	    "len", (json_int_t)len, "flags", flags, "seq", (json_int_t)seq, "line", "a packet", "pattern", "ACK");
	if (strchr(flags, '.') != NULL)
		json_object_set_new(p, "ack", json_integer(ack));
	json_array_append_new(list, p);
}

static json_t *
results(json_t *packets)
{
	return json_pack("{s:{s:{s:s}, s:{s:{s:s}, s:{s:s}}}, s:[{s:i, s:s, s:s, s:o}], s:[],"
	    " s:{s:s, s:i, s:i, s:i, s:i}}",
	    "manifest", "experiment", "name", "ladder", "hosts", "romeo", "addr", "10.10.0.100",
	    "juliet", "addr", "10.10.0.101",
	    "steps", "number", 1, "host", "romeo", "op", "connect", "packets", packets,
	    "checks", "summary", "status", "pass", "exit", 0, "steps", 1, "passed", 1, "failed", 0);
}

/* The page's arrows' kinds, in order, one letter each: t tcp, x retrans, r rst. */
static char *
kinds(json_t *packets)
{
	json_t *r = results(packets);
	char err[256] = "", *path = xasprintf("%s/ladder.html", tmpdir), *s, *out;
	size_t len, n = 0;
	const char *k = "data-kind=\"";

	CHECK_INT(report_html(r, AT_FDCWD, path, err, sizeof err), 0);
	s = file_read_all(path, &len, 1 << 22);
	unlink(path);
	free(path);
	json_decref(r);
	out = xcalloc(1, count(s, k) + 1);
	for (const char *p = s; p != NULL && (p = strstr(p, k)) != NULL; p += strlen(k)) {
		const char *v = p + strlen(k);
		out[n++] = strncmp(v, "retrans", 7) == 0 ? 'x' : strncmp(v, "rst", 3) == 0 ? 'r' :
		    strncmp(v, "tcp", 3) == 0 ? 't' : '?';
	}
	free(s);
	return out;
}

/*
 * A retransmitted segment and a retransmitted SYN are marked; a second
 * connection on the same ports after the first closed, its numbers again
 * from 0, is not a retransmission of the first.
 */
UNIT_TEST(ladder_retransmissions_marked)
{
	json_t *l = json_array();
	char *k;

	clock_ns = 1000000000;
	pkt(l, 1, 40000, "S", 0, 0, 0);
	pkt(l, 1, 40000, "S", 0, 0, 0);		/* the SYN again */
	pkt(l, 0, 40000, "S.", 0, 1, 0);
	pkt(l, 1, 40000, ".", 1, 1, 0);
	pkt(l, 1, 40000, "P.", 1, 1, 10);
	pkt(l, 1, 40000, "P.", 1, 1, 10);		/* the segment again */
	pkt(l, 0, 40000, ".", 1, 11, 0);
	pkt(l, 1, 40000, "F.", 11, 1, 0);
	pkt(l, 0, 40000, "F.", 1, 12, 0);
	pkt(l, 1, 40000, ".", 12, 2, 0);
	pkt(l, 1, 40000, "S", 0, 0, 0);		/* the same ports again */
	pkt(l, 0, 40000, "S.", 0, 1, 0);
	pkt(l, 1, 40000, ".", 1, 1, 0);
	pkt(l, 1, 40000, "P.", 1, 1, 10);
	pkt(l, 1, 40000, "R.", 11, 1, 0);
	k = kinds(l);
	CHECK_STR(k, "txtttxttttttttr");
	free(k);
}

/*
 * Where conn.c and the report's former own loop disagreed, conn.c's word:
 * a FIN sent again alone after data with FIN is a retransmission (the
 * loop compared only sequence numbers); a one-byte keepalive probe is not
 * (the loop called it one when the last segment was one byte long).
 */
UNIT_TEST(ladder_conn_c_decides)
{
	json_t *l = json_array();
	char *k;

	clock_ns = 2000000000;
	pkt(l, 1, 40001, "S", 0, 0, 0);
	pkt(l, 0, 40001, "S.", 0, 1, 0);
	pkt(l, 1, 40001, ".", 1, 1, 0);
	pkt(l, 1, 40001, "P.", 1, 1, 1);
	pkt(l, 0, 40001, ".", 1, 2, 0);
	pkt(l, 1, 40001, ".", 1, 1, 1);		/* a keepalive probe: one byte below what was sent */
	pkt(l, 0, 40001, "FP.", 1, 2, 20);
	pkt(l, 0, 40001, "F.", 21, 2, 0);		/* the FIN alone, again */
	k = kinds(l);
	CHECK_STR(k, "tttttttx");
	free(k);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	UNIT_RUN(ladder_retransmissions_marked);
	UNIT_RUN(ladder_conn_c_decides);
	rmdir(tmpdir);
	return UNIT_END();
}
