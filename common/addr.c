/* addr.c — address parsing and formatting; see addr.h. */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "util.h"

int
addr_from_ip(const char *ip, int port, struct sockaddr_storage *ss, socklen_t *lenp)
{
	memset(ss, 0, sizeof *ss);
	if (port < 0 || port > 65535)
		return -1;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, ip, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*lenp = sizeof *sin;
		return 0;
	}
	if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*lenp = sizeof *sin6;
		return 0;
	}
	return -1;
}

void
addr_ip(const struct sockaddr *sa, char *buf, size_t len)
{
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, (socklen_t)len);
	else
		snprintf(buf, len, "?");
}

int
addr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

char *
addr_format(const struct sockaddr *sa, socklen_t len)
{
	char ip[INET6_ADDRSTRLEN];
	(void)len;
	addr_ip(sa, ip, sizeof ip);
	if (sa->sa_family == AF_INET6)
		return xasprintf("[%s]:%d", ip, addr_port(sa));
	return xasprintf("%s:%d", ip, addr_port(sa));
}

char *
addr_pyrepr(const struct sockaddr *sa, socklen_t len)
{
	char ip[INET6_ADDRSTRLEN];
	(void)len;
	addr_ip(sa, ip, sizeof ip);
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		return xasprintf("('%s', %d, %u, %u)", ip, addr_port(sa),
		    ntohl(s6->sin6_flowinfo), s6->sin6_scope_id);
	}
	return xasprintf("('%s', %d)", ip, addr_port(sa));
}

json_t *
addr_to_json(const struct sockaddr *sa, socklen_t len)
{
	char ip[INET6_ADDRSTRLEN];
	if (len == 0 || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
		return NULL;
	addr_ip(sa, ip, sizeof ip);
	return json_pack("{s:s, s:i}", "ip", ip, "port", addr_port(sa));
}

int
addr_from_json(json_t *j, struct sockaddr_storage *ss, socklen_t *lenp)
{
	const char *ip;
	json_int_t port;
	if (!json_is_object(j))
		return -1;
	if (json_unpack(j, "{s:s, s:I}", "ip", &ip, "port", &port) != 0)
		return -1;
	if (port < 0 || port > 65535)
		return -1;
	return addr_from_ip(ip, (int)port, ss, lenp);
}

int
addr_split(const char *text, char **host, char **port)
{
	const char *colon;

	*host = *port = NULL;
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (close == NULL)
			return -1;
		*host = xstrndup(text + 1, (size_t)(close - text - 1));
		if (close[1] == '\0')
			return 0;
		if (close[1] != ':') {
			free(*host);
			*host = NULL;
			return -1;
		}
		*port = xstrdup(close + 2);
		return 0;
	}
	colon = strrchr(text, ':');
	if (colon != NULL && strchr(text, ':') != colon) {
		/* more than one colon, no brackets: a bare IPv6 literal */
		*host = xstrdup(text);
		return 0;
	}
	if (colon == NULL) {
		*host = xstrdup(text);
		return 0;
	}
	*host = xstrndup(text, (size_t)(colon - text));
	*port = xstrdup(colon + 1);
	return 0;
}

int
addr_is_ip(const char *text, int *family)
{
	unsigned char b[16];
	if (inet_pton(AF_INET, text, b) == 1) {
		if (family)
			*family = AF_INET;
		return 1;
	}
	if (inet_pton(AF_INET6, text, b) == 1) {
		if (family)
			*family = AF_INET6;
		return 1;
	}
	return 0;
}

int
addr_is_loopback(const char *ip)
{
	unsigned char b[16];
	if (inet_pton(AF_INET, ip, b) == 1)
		return b[0] == 127;
	if (inet_pton(AF_INET6, ip, b) == 1) {
		static const unsigned char lo6[16] = { [15] = 1 };
		return memcmp(b, lo6, 16) == 0;
	}
	return 0;
}

/* setipaddr(): the host text for the family, into ss (port 0). */
static int
addr_host(const char *name, int family, struct sockaddr_storage *ss, socklen_t *lenp, const char **cls,
    const char **msg)
{
	struct addrinfo hints = { .ai_family = family }, *res;
	int rc;

	memset(ss, 0, sizeof *ss);
	ss->ss_family = (sa_family_t)family;
	*lenp = family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	if (name[0] == '\0')
		return ADDR_OK;		/* INADDR_ANY, in6addr_any */
	if (strcmp(name, "<broadcast>") == 0) {
		if (family != AF_INET) {
			*cls = "OSError";
			*msg = "address family mismatched";
			return ADDR_PYERROR;
		}
		((struct sockaddr_in *)ss)->sin_addr.s_addr = htonl(INADDR_BROADCAST);
		return ADDR_OK;
	}
	if (family == AF_INET && inet_pton(AF_INET, name, &((struct sockaddr_in *)ss)->sin_addr) == 1)
		return ADDR_OK;
	if (family == AF_INET6 && strchr(name, '%') == NULL &&
	    inet_pton(AF_INET6, name, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1)
		return ADDR_OK;
	if ((rc = getaddrinfo(name, NULL, &hints, &res)) != 0)
		return rc;
	if (res->ai_addrlen <= sizeof *ss && (res->ai_family == AF_INET || res->ai_family == AF_INET6)) {
		memcpy(ss, res->ai_addr, res->ai_addrlen);
		*lenp = res->ai_addrlen;
	}
	freeaddrinfo(res);
	return ADDR_OK;
}

int
addr_resolve(json_t *a, int family, struct sockaddr_storage *ss, socklen_t *lenp, const char **cls,
    const char **msg)
{
	const char *ip = json_string_value(json_object_get(a, "ip"));
	const char *host = json_string_value(json_object_get(a, "host"));
	json_t *port = json_object_get(a, "port");
	int four, rc;

	if (!json_is_integer(port) || json_integer_value(port) < 0 || json_integer_value(port) > 65535 ||
	    (ip == NULL) == (host == NULL) || (family != AF_INET && family != AF_INET6))
		return ADDR_BAD;
	four = ip != NULL && strchr(ip, ':') != NULL;	/* the line shows an IPv6 literal as a 4-tuple */
	if (four && family == AF_INET) {
		*cls = "TypeError";
		*msg = "AF_INET address must be a pair (host, port)";
		return ADDR_PYERROR;
	}
	if ((rc = addr_host(ip != NULL ? ip : host, family, ss, lenp, cls, msg)) != ADDR_OK)
		return rc;
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)json_integer_value(port));
	else
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)json_integer_value(port));
	return ADDR_OK;
}
