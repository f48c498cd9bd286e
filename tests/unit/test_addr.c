/*
 * test_addr.c — unit tests for common/addr.c: splitting HOST:PORT text,
 * recognising IP literals, building, formatting and printing socket
 * addresses (Python's repr), and the {ip, port} JSON form of the protocol.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "util.h"
#include "unit.h"

/* Splits text and checks host and port (NULL: no port expected). */
static void
check_split(const char *text, const char *host, const char *port)
{
	char *h = NULL, *p = NULL;
	CHECK_INT(addr_split(text, &h, &p), 0);
	CHECK_STR(h, host);
	if (port == NULL)
		CHECK(p == NULL);
	else
		CHECK_STR(p, port);
	free(h);
	free(p);
}

static void
check_split_bad(const char *text)
{
	char *h = (char *)"unset", *p = (char *)"unset";
	CHECK_INT(addr_split(text, &h, &p), -1);
	/* nothing is left for the caller to free */
	CHECK(h == NULL);
	CHECK(p == NULL);
}

UNIT_TEST(test_split)
{
	check_split("juliet:4000", "juliet", "4000");
	check_split("10.10.0.101:4000", "10.10.0.101", "4000");
	check_split("any:0", "any", "0");
	check_split("juliet", "juliet", NULL);
	check_split("10.10.0.101", "10.10.0.101", NULL);
	check_split("[::1]:4000", "::1", "4000");
	check_split("[fe80::1]:65535", "fe80::1", "65535");
	check_split("[::1]", "::1", NULL);
	/* a bare IPv6 literal: its colons are not a port separator */
	check_split("::1", "::1", NULL);
	check_split("2001:db8::5", "2001:db8::5", NULL);
	/* the port text is split off as written; the caller checks it */
	check_split("juliet:", "juliet", "");
	check_split("juliet:http", "juliet", "http");
	check_split("juliet:70000", "juliet", "70000");
	check_split("[::1]:", "::1", "");
	/* unbalanced or misplaced brackets */
	check_split_bad("[::1:4000");
	check_split_bad("[::1");
	check_split_bad("[::1]4000");
	check_split_bad("[::1]x:4000");
}

UNIT_TEST(test_is_ip)
{
	int family = -1;
	CHECK_INT(addr_is_ip("10.10.0.100", &family), 1);
	CHECK_INT(family, AF_INET);
	family = -1;
	CHECK_INT(addr_is_ip("::1", &family), 1);
	CHECK_INT(family, AF_INET6);
	CHECK_INT(addr_is_ip("2001:db8::5", NULL), 1);
	CHECK_INT(addr_is_ip("0.0.0.0", NULL), 1);
	CHECK_INT(addr_is_ip("juliet", NULL), 0);
	CHECK_INT(addr_is_ip("10.10.0.300", NULL), 0);
	CHECK_INT(addr_is_ip("10.10.0", NULL), 0);
	CHECK_INT(addr_is_ip("[::1]", NULL), 0);
	CHECK_INT(addr_is_ip("10.10.0.1:4000", NULL), 0);
	CHECK_INT(addr_is_ip("", NULL), 0);

	CHECK_INT(addr_is_loopback("127.0.0.1"), 1);
	CHECK_INT(addr_is_loopback("127.1.2.3"), 1);
	CHECK_INT(addr_is_loopback("::1"), 1);
	CHECK_INT(addr_is_loopback("10.10.0.100"), 0);
	CHECK_INT(addr_is_loopback("::2"), 0);
	CHECK_INT(addr_is_loopback("localhost"), 0);
}

UNIT_TEST(test_ipv4)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	char ip[INET6_ADDRSTRLEN], *s;

	CHECK_INT(addr_from_ip("10.10.0.101", 4000, &ss, &len), 0);
	CHECK_INT(len, sizeof(struct sockaddr_in));
	CHECK_INT(ss.ss_family, AF_INET);
	CHECK_INT(ntohs(((struct sockaddr_in *)&ss)->sin_port), 4000);
	CHECK_INT(addr_port((struct sockaddr *)&ss), 4000);
	addr_ip((struct sockaddr *)&ss, ip, sizeof ip);
	CHECK_STR(ip, "10.10.0.101");
	s = addr_format((struct sockaddr *)&ss, len);
	CHECK_STR(s, "10.10.0.101:4000");
	free(s);
	s = addr_pyrepr((struct sockaddr *)&ss, len);
	CHECK_STR(s, "('10.10.0.101', 4000)");
	free(s);

	CHECK_INT(addr_from_ip("0.0.0.0", 0, &ss, &len), 0);
	s = addr_pyrepr((struct sockaddr *)&ss, len);
	CHECK_STR(s, "('0.0.0.0', 0)");
	free(s);
	CHECK_INT(addr_from_ip("255.255.255.255", 65535, &ss, &len), 0);
	s = addr_format((struct sockaddr *)&ss, len);
	CHECK_STR(s, "255.255.255.255:65535");
	free(s);
}

UNIT_TEST(test_ipv6)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	char ip[INET6_ADDRSTRLEN], *s;

	CHECK_INT(addr_from_ip("::1", 4000, &ss, &len), 0);
	CHECK_INT(len, sizeof(struct sockaddr_in6));
	CHECK_INT(ss.ss_family, AF_INET6);
	CHECK_INT(addr_port((struct sockaddr *)&ss), 4000);
	addr_ip((struct sockaddr *)&ss, ip, sizeof ip);
	CHECK_STR(ip, "::1");
	s = addr_format((struct sockaddr *)&ss, len);
	CHECK_STR(s, "[::1]:4000");
	free(s);
	s = addr_pyrepr((struct sockaddr *)&ss, len);
	CHECK_STR(s, "('::1', 4000, 0, 0)");
	free(s);

	/* printed in the canonical short form, as Python does */
	CHECK_INT(addr_from_ip("2001:0db8:0000:0000:0000:0000:0000:0005", 80, &ss, &len), 0);
	s = addr_format((struct sockaddr *)&ss, len);
	CHECK_STR(s, "[2001:db8::5]:80");
	free(s);
	s = addr_pyrepr((struct sockaddr *)&ss, len);
	CHECK_STR(s, "('2001:db8::5', 80, 0, 0)");
	free(s);

	/* flow info and scope id show in the repr */
	CHECK_INT(addr_from_ip("fe80::1", 9, &ss, &len), 0);
	((struct sockaddr_in6 *)&ss)->sin6_flowinfo = htonl(7);
	((struct sockaddr_in6 *)&ss)->sin6_scope_id = 2;
	s = addr_pyrepr((struct sockaddr *)&ss, len);
	CHECK_STR(s, "('fe80::1', 9, 7, 2)");
	free(s);
}

UNIT_TEST(test_bad_from_ip)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;

	CHECK_INT(addr_from_ip("10.10.0.101", -1, &ss, &len), -1);
	CHECK_INT(addr_from_ip("10.10.0.101", 65536, &ss, &len), -1);
	CHECK_INT(addr_from_ip("10.10.0.101", 70000, &ss, &len), -1);
	CHECK_INT(addr_from_ip("::1", 65536, &ss, &len), -1);
	CHECK_INT(addr_from_ip("juliet", 4000, &ss, &len), -1);
	CHECK_INT(addr_from_ip("10.10.0.300", 4000, &ss, &len), -1);
	CHECK_INT(addr_from_ip("[::1]", 4000, &ss, &len), -1);
	CHECK_INT(addr_from_ip("", 4000, &ss, &len), -1);
}

/* to_json, then from_json, gives back the same address and JSON. */
static void
check_json_round_trip(const char *ipin, int port, const char *ipout)
{
	struct sockaddr_storage ss, back;
	socklen_t len = 0, backlen = 0;
	json_t *j, *j2;

	CHECK_INT(addr_from_ip(ipin, port, &ss, &len), 0);
	j = addr_to_json((struct sockaddr *)&ss, len);
	CHECK(j != NULL);
	if (j == NULL)
		return;
	CHECK_STR(json_string_value(json_object_get(j, "ip")), ipout);
	CHECK_INT(json_integer_value(json_object_get(j, "port")), port);
	CHECK_INT(json_object_size(j), 2);
	CHECK_INT(addr_from_json(j, &back, &backlen), 0);
	CHECK_INT(backlen, len);
	CHECK_INT(back.ss_family, ss.ss_family);
	CHECK_INT(addr_port((struct sockaddr *)&back), port);
	j2 = addr_to_json((struct sockaddr *)&back, backlen);
	CHECK(json_equal(j, j2));
	json_decref(j);
	json_decref(j2);
}

UNIT_TEST(test_json)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	json_t *j;

	check_json_round_trip("10.10.0.100", 4000, "10.10.0.100");
	check_json_round_trip("127.0.0.1", 0, "127.0.0.1");
	check_json_round_trip("::1", 65535, "::1");
	check_json_round_trip("2001:db8:0:0::5", 1060, "2001:db8::5");

	/* nothing to say for an empty or unspecified address */
	memset(&ss, 0, sizeof ss);
	CHECK(addr_to_json((struct sockaddr *)&ss, 0) == NULL);
	CHECK(addr_to_json((struct sockaddr *)&ss, sizeof ss) == NULL);
	ss.ss_family = AF_UNIX;
	CHECK(addr_to_json((struct sockaddr *)&ss, sizeof ss) == NULL);

	/* malformed {ip, port} objects */
	j = json_pack("{s:s, s:i}", "ip", "10.10.0.101", "port", 70000);
	CHECK_INT(addr_from_json(j, &ss, &len), -1);
	json_decref(j);
	j = json_pack("{s:s, s:i}", "ip", "10.10.0.101", "port", -1);
	CHECK_INT(addr_from_json(j, &ss, &len), -1);
	json_decref(j);
	j = json_pack("{s:s, s:s}", "ip", "10.10.0.101", "port", "4000");
	CHECK_INT(addr_from_json(j, &ss, &len), -1);
	json_decref(j);
	j = json_pack("{s:s, s:i}", "ip", "juliet", "port", 4000);
	CHECK_INT(addr_from_json(j, &ss, &len), -1);
	json_decref(j);
	j = json_pack("{s:i}", "port", 4000);
	CHECK_INT(addr_from_json(j, &ss, &len), -1);
	json_decref(j);
	j = json_pack("{s:s}", "ip", "10.10.0.101");
	CHECK_INT(addr_from_json(j, &ss, &len), -1);
	json_decref(j);
	j = json_pack("[s, i]", "10.10.0.101", 4000);
	CHECK_INT(addr_from_json(j, &ss, &len), -1);
	json_decref(j);
	CHECK_INT(addr_from_json(NULL, &ss, &len), -1);
}

/* addr_resolve on a JSON address for a socket family: ADDR_OK and the address printed, or the code. */
static int
resolve(const char *json, int family, char *out, size_t outlen, const char **cls, const char **msg)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	json_t *j = json_loads(json, 0, NULL);
	int rc = addr_resolve(j, family, &ss, &len, cls, msg);
	json_decref(j);
	if (rc == ADDR_OK) {
		char *p = addr_pyrepr((struct sockaddr *)&ss, len);
		snprintf(out, outlen, "%s", p);
		free(p);
	}
	return rc;
}

/* CPython's reading of an address for the socket's family (no name lookups: literals, '' and '<broadcast>') */
UNIT_TEST(test_resolve)
{
	char out[128];
	const char *cls = NULL, *msg = NULL;

	CHECK_INT(resolve("{\"ip\": \"10.10.0.101\", \"port\": 4000}", AF_INET, out, sizeof out, &cls, &msg), ADDR_OK);
	CHECK_STR(out, "('10.10.0.101', 4000)");
	CHECK_INT(resolve("{\"ip\": \"::1\", \"port\": 4000}", AF_INET6, out, sizeof out, &cls, &msg), ADDR_OK);
	CHECK_STR(out, "('::1', 4000, 0, 0)");
	CHECK_INT(resolve("{\"host\": \"\", \"port\": 80}", AF_INET, out, sizeof out, &cls, &msg), ADDR_OK);
	CHECK_STR(out, "('0.0.0.0', 80)");
	CHECK_INT(resolve("{\"host\": \"\", \"port\": 80}", AF_INET6, out, sizeof out, &cls, &msg), ADDR_OK);
	CHECK_STR(out, "('::', 80, 0, 0)");
	CHECK_INT(resolve("{\"host\": \"<broadcast>\", \"port\": 9}", AF_INET, out, sizeof out, &cls, &msg), ADDR_OK);
	CHECK_STR(out, "('255.255.255.255', 9)");
	CHECK_INT(resolve("{\"host\": \"::ffff:127.0.0.1\", \"port\": 9}", AF_INET6, out, sizeof out, &cls, &msg), ADDR_OK);
	CHECK_STR(out, "('::ffff:127.0.0.1', 9, 0, 0)");
	/* the wrong family: gaierror -9 for a literal the family cannot take */
	CHECK_INT(resolve("{\"ip\": \"127.0.0.1\", \"port\": 9}", AF_INET6, out, sizeof out, &cls, &msg), EAI_ADDRFAMILY);
	CHECK_INT(resolve("{\"host\": \"::1\", \"port\": 9}", AF_INET, out, sizeof out, &cls, &msg), EAI_ADDRFAMILY);
	/* verona writes an IPv6 literal as a 4-tuple: TypeError on AF_INET */
	CHECK_INT(resolve("{\"ip\": \"::1\", \"port\": 9}", AF_INET, out, sizeof out, &cls, &msg), ADDR_PYERROR);
	CHECK_STR(cls, "TypeError");
	CHECK_STR(msg, "AF_INET address must be a pair (host, port)");
	CHECK_INT(resolve("{\"host\": \"<broadcast>\", \"port\": 9}", AF_INET6, out, sizeof out, &cls, &msg), ADDR_PYERROR);
	CHECK_STR(cls, "OSError");
	CHECK_STR(msg, "address family mismatched");
	/* not an address */
	CHECK_INT(resolve("{\"ip\": \"1.2.3.4\", \"host\": \"x\", \"port\": 9}", AF_INET, out, sizeof out, &cls, &msg), ADDR_BAD);
	CHECK_INT(resolve("{\"host\": \"x\", \"port\": 70000}", AF_INET, out, sizeof out, &cls, &msg), ADDR_BAD);
	CHECK_INT(resolve("{\"host\": \"x\"}", AF_INET, out, sizeof out, &cls, &msg), ADDR_BAD);
	CHECK_INT(resolve("{\"host\": \"x\", \"port\": 1}", AF_UNIX, out, sizeof out, &cls, &msg), ADDR_BAD);
}

int
main(void)
{
	UNIT_RUN(test_split);
	UNIT_RUN(test_is_ip);
	UNIT_RUN(test_ipv4);
	UNIT_RUN(test_ipv6);
	UNIT_RUN(test_bad_from_ip);
	UNIT_RUN(test_json);
	UNIT_RUN(test_resolve);
	return UNIT_END();
}
