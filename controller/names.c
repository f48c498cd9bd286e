/* names.c — resolving the names of checks; see names.h. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "names.h"
#include "util.h"

static int
names_ip(const char *ip, int port, struct trace_endpoint *e)
{
	memset(e, 0, sizeof *e);
	if (inet_pton(AF_INET, ip, e->addr) == 1)
		e->ip_version = 4;
	else if (inet_pton(AF_INET6, ip, e->addr) == 1)
		e->ip_version = 6;
	else
		return -1;
	e->port = port;
	return 0;
}

/* The socket text names (HOST.SOCKET of a host of x), or NULL; *is_sock: text is a socket's name. */
static const struct model_socket *
names_socket(const struct names *nm, const char *text, int *is_sock)
{
	const char *dot = strchr(text, '.');
	const struct host *h;
	char *hn;

	*is_sock = 0;
	if (strchr(text, ':') != NULL || dot == NULL)
		return NULL;
	hn = xstrndup(text, (size_t)(dot - text));
	h = expt_host(nm->x, hn);
	free(hn);
	if (h == NULL)
		return NULL;
	*is_sock = 1;
	return nm->socks != NULL ? model_socket_find(nm->socks, h->name, dot + 1) : NULL;
}

int
names_resolve(void *arg, const char *text, struct trace_endpoint *out, int max, char *err, size_t errlen)
{
	struct names *nm = arg;
	const struct model_socket *s;
	int n = 0, is_sock;

	s = names_socket(nm, text, &is_sock);
	if (is_sock) {
		if (nm->socks == NULL) {
			snprintf(err, errlen, "%s names a socket, and this trace has no run behind it: "
			    "name endpoints (host, HOST:PORT, IP)", text);
			return -1;
		}
		for (size_t i = 0; s != NULL && i < s->nhist && n < max; i++) {
			int dup = 0;
			if (names_ip(s->hist[i].local.ip, s->hist[i].local.port, &out[n]) != 0)
				continue;
			for (int k = 0; k < n && !dup; k++)
				dup = out[k].port == out[n].port && out[k].ip_version == out[n].ip_version &&
				    memcmp(out[k].addr, out[n].addr, 16) == 0;
			if (!dup)
				n++;
		}
		if (n == 0)
			snprintf(err, errlen, "%s never had an address (it was not bound, connected or used)", text);
		return n > 0 ? n : -1;
	}
	if ((n = names_address(nm->x, text, &out[0])) < 0)
		snprintf(err, errlen, "bad address '%s'", text);
	else if (n == 0)
		snprintf(err, errlen, "'%s' is not a host of the experiment or an address", text);
	return n > 0 ? n : -1;
}

int
names_address(const struct experiment *x, const char *text, struct trace_endpoint *out)
{
	char *host = NULL, *port = NULL;
	const struct host *h;
	int n, p = -1;

	if (addr_split(text, &host, &port) != 0)
		return -1;
	if (port != NULL)
		p = atoi(port);
	if ((h = expt_host(x, host)) != NULL)
		n = names_ip(h->addr, p, out) == 0;
	else if (strcmp(host, "localhost") == 0)
		n = names_ip("127.0.0.1", p, out) == 0;
	else
		n = names_ip(host, p, out) == 0;
	free(host);
	free(port);
	return n;
}

int
names_step_packets(void *arg, const char *id, char *err, size_t errlen)
{
	struct names *nm = arg;
	for (size_t i = 0; nm->steps != NULL && i < nm->steps->n; i++) {
		const struct step_result *rec = &nm->steps->v[i];
		if (rec->id != NULL && strcmp(rec->id, id) == 0)
			return (int)json_array_size(rec->listed);
	}
	snprintf(err, errlen, "no step with id '%s' ran", id);
	return -1;
}

int
names_step_start(void *arg, const char *id, int64_t *ns, char *err, size_t errlen)
{
	struct names *nm = arg;
	for (size_t i = 0; nm->steps != NULL && i < nm->steps->n; i++) {
		const struct step_result *rec = &nm->steps->v[i];
		json_t *start = rec->result != NULL ? json_object_get(rec->result, "start_ns") : NULL;
		if (rec->id != NULL && strcmp(rec->id, id) == 0 && json_is_integer(start)) {
			*ns = json_integer_value(start);
			return 0;
		}
	}
	snprintf(err, errlen, "step %s never ran, so what came before it cannot be told", id);
	return -1;
}

int
names_resolve_conn(void *arg, const char *text, struct trace_endpoint *local, struct trace_endpoint *peer,
    int max, char *err, size_t errlen)
{
	struct names *nm = arg;
	const struct model_socket *s;
	int n = 0, is_sock;

	s = names_socket(nm, text, &is_sock);
	if (nm->socks == NULL || !is_sock)
		return 0;
	for (size_t i = 0; s != NULL && i < s->nhist && n < max; i++) {
		const struct model_hist *h = &s->hist[i];
		if (names_ip(h->local.ip, h->local.port, &local[n]) != 0)
			continue;
		memset(&peer[n], 0, sizeof peer[n]);
		if (h->has_peer)
			names_ip(h->peer.ip, h->peer.port, &peer[n]);
		n++;
	}
	if (n == 0) {
		snprintf(err, errlen, "%s never had an address (it was not bound, connected or used)", text);
		return -1;
	}
	return n;
}
