/*
 * addr.h — socket addresses as the experiment language and the wire protocol
 * write them: "10.10.0.101:4000", "[::1]:4000", and JSON {ip, port}.
 */
#ifndef VERONA_ADDR_H
#define VERONA_ADDR_H
#include <sys/socket.h>
#include <jansson.h>

/* Parses an IP literal (no brackets) and a port into ss. 0 or -1. */
int	 addr_from_ip(const char *ip, int port, struct sockaddr_storage *, socklen_t *);
/* "10.10.0.101:4000", "[::1]:4000"; caller frees. */
char	*addr_format(const struct sockaddr *, socklen_t);
/* The IP alone, into buf (INET6_ADDRSTRLEN+). */
void	 addr_ip(const struct sockaddr *, char *buf, size_t len);
int	 addr_port(const struct sockaddr *);
/* Python's repr of the address: ('10.10.0.101', 4000) or ('::1', 4000, 0, 0); caller frees. */
char	*addr_pyrepr(const struct sockaddr *, socklen_t);
/* {ip, port}; NULL for an empty/unspecified address family. New reference. */
json_t	*addr_to_json(const struct sockaddr *, socklen_t);
/* From {ip, port}; 0 or -1. */
int	 addr_from_json(json_t *, struct sockaddr_storage *, socklen_t *);
/*
 * Splits "HOST:PORT", "[V6]:PORT" or "V6LITERAL" into host and port text.
 * *port is NULL when the text has no port.  Returns 0 or -1 (unbalanced
 * brackets); caller frees both.
 */
int	 addr_split(const char *text, char **host, char **port);
/* 1 if text is an IPv4 or IPv6 literal; *family gets AF_INET/AF_INET6. */
int	 addr_is_ip(const char *text, int *family);
/*
 * A socket address argument as CPython reads it for a socket of `family`
 * (socketmodule.c: getsockaddrarg, then setipaddr for the host):
 *   {ip, port}   the tuple verona's Python line shows: ('10.0.0.1', 4000), an
 *                IPv6 literal as ('::1', 4000, 0, 0);
 *   {host, port} the pair (host, port) written with a name: ('juliet', 4000).
 * The host is '' (the any address), '<broadcast>', a literal of the
 * family, or a name getaddrinfo() resolves for the family (the host's own
 * resolver: on the local testbed its hosts file).  Returns ADDR_OK with
 * *ss; an EAI_* code (socket.gaierror; EAI_SYSTEM leaves errno); or
 * ADDR_PYERROR with *cls and *msg the Python exception CPython raises
 * (static strings): TypeError for a 4-tuple given to an AF_INET socket,
 * OSError 'address family mismatched' for '<broadcast>' on AF_INET6.
 * ADDR_BAD: the JSON is not an address (a protocol error).
 */
#define ADDR_OK		0
#define ADDR_PYERROR	1000
#define ADDR_BAD	1001
int	 addr_resolve(json_t *a, int family, struct sockaddr_storage *, socklen_t *, const char **cls,
	    const char **msg);
/* 1 for 127.0.0.0/8 and ::1 */
int	 addr_is_loopback(const char *ip);
#endif
