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
/* 1 for 127.0.0.0/8 and ::1 */
int	 addr_is_loopback(const char *ip);
#endif
