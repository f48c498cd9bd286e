/* tbfile.c — testbed files and opening the control channels they name; see tbfile.h. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>
#include <yaml.h>

#include "addr.h"
#include "chan.h"
#include "proto.h"
#include "tbfile.h"
#include "util.h"
#include "yamldoc.h"

#define TB_MAX_FILE	(1024 * 1024)

struct tbload {
	const char	*file;
	struct errlist	*errs;
	yaml_document_t	 doc;
};

static char *
resolve_path(const char *file, const char *p)
{
	const char *slash = strrchr(file, '/');
	if (p[0] == '/' || slash == NULL)
		return xstrdup(p);
	if (p[0] == '~' && p[1] == '/' && getenv("HOME") != NULL)
		return xasprintf("%s%s", getenv("HOME"), p + 1);
	return xasprintf("%.*s/%s", (int)(slash - file), file, p);
}

/* "tcp:HOST:PORT", "ssh://[user@]host[:port]", "unix:PATH"; 0 or -1 with a message. */
static int
parse_control(struct tbhost *h, const char *text, char *why, size_t whylen)
{
	if (strncmp(text, "tcp:", 4) == 0) {
		char *host = NULL, *port = NULL, *end;
		long pn;
		if (addr_split(text + 4, &host, &port) != 0 || port == NULL || host[0] == '\0' ||
		    (pn = strtol(port, &end, 10), *end != '\0') || pn <= 0 || pn > 65535) {
			snprintf(why, whylen, "'%s': write tcp:HOST:PORT, like tcp:192.0.2.10:7700", text);
			free(host);
			free(port);
			return -1;
		}
		h->transport = TB_TCP;
		h->target = host;
		h->port = port;
		return 0;
	}
	if (strncmp(text, "ssh://", 6) == 0) {
		const char *t = text + 6, *at = strrchr(t, '@'), *hp = at ? at + 1 : t;
		char *host = NULL, *port = NULL, *end;
		if (strchr(t, '/') != NULL || addr_split(hp, &host, &port) != 0 || host[0] == '\0' ||
		    (at != NULL && at == t) ||
		    (port != NULL && ((void)strtol(port, &end, 10), *end != '\0' || port[0] == '\0'))) {
			snprintf(why, whylen, "'%s': write ssh://[USER@]HOST[:PORT], like ssh://alice@node1.example.net", text);
			free(host);
			free(port);
			return -1;
		}
		for (const char *c = t; *c; c++)
			if (isspace((unsigned char)*c) || (*c == '-' && c == t)) {
				snprintf(why, whylen, "'%s': not a host for ssh", text);
				free(host);
				free(port);
				return -1;
			}
		h->transport = TB_SSH;
		h->target = at ? xasprintf("%.*s@%s", (int)(at - t), t, host) : xstrdup(host);
		h->port = port;
		free(host);
		return 0;
	}
	if (strncmp(text, "unix:", 5) == 0 && text[5] != '\0') {
		h->transport = TB_UNIX;
		h->target = xstrdup(text + 5);
		return 0;
	}
	snprintf(why, whylen, "'%s': the control channel is tcp:HOST:PORT, ssh://[USER@]HOST[:PORT] or unix:PATH", text);
	return -1;
}

static void
tbhost_free(struct tbhost *h)
{
	free(h->name);
	free(h->control);
	free(h->target);
	free(h->port);
	free(h->key);
	free(h->addr);
	free(h->iface);
	free(h->agent);
	for (size_t i = 0; i < h->nssh_args; i++)
		free(h->ssh_args[i]);
	free(h->ssh_args);
}

void
tbfile_free(struct tbfile *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nhosts; i++)
		tbhost_free(&t->hosts[i]);
	free(t->hosts);
	free(t->path);
	free(t);
}

static void
parse_host(struct tbload *T, struct tbfile *t, yaml_node_t *k, yaml_node_t *v)
{
	static const char *const keys[] = { "control", "key", "addr", "iface", "agent", "ssh_args", NULL };
	struct tbhost h;
	char why[512];
	int ok = 1, fam;

	memset(&h, 0, sizeof h);
	h.name = xstrdup(yamldoc_scalar(k));
	h.pos = yamldoc_pos(k);
	if (v->type != YAML_MAPPING_NODE) {
		errlist_add(T->errs, T->file, yamldoc_pos(v), "host '%s' must be a map with control and addr", h.name);
		tbhost_free(&h);
		return;
	}
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
		yaml_node_t *pk = yamldoc_node(&T->doc, p->key), *pv = yamldoc_node(&T->doc, p->value);
		const char *key = yamldoc_scalar(pk), *val = yamldoc_scalar(pv);
		size_t i;
		for (i = 0; keys[i] != NULL && (key == NULL || strcmp(keys[i], key) != 0); i++)
			;
		if (keys[i] == NULL) {
			errlist_add(T->errs, T->file, yamldoc_pos(pk), "unknown key '%s' in host '%s' (known: control, key, "
			    "addr, iface, agent, ssh_args)", key ? key : "?", h.name);
			ok = 0;
			continue;
		}
		if (strcmp(key, "ssh_args") == 0) {
			if (pv->type != YAML_SEQUENCE_NODE) {
				errlist_add(T->errs, T->file, yamldoc_pos(pv), "ssh_args must be a list of arguments");
				ok = 0;
				continue;
			}
			for (yaml_node_item_t *it = pv->data.sequence.items.start; it < pv->data.sequence.items.top; it++) {
				const char *a = yamldoc_scalar(yamldoc_node(&T->doc, *it));
				if (a == NULL) {
					errlist_add(T->errs, T->file, yamldoc_pos(yamldoc_node(&T->doc, *it)), "each of ssh_args must be text");
					ok = 0;
					continue;
				}
				h.ssh_args = xrealloc(h.ssh_args, (h.nssh_args + 1) * sizeof *h.ssh_args);
				h.ssh_args[h.nssh_args++] = xstrdup(a);
			}
			continue;
		}
		if (val == NULL || val[0] == '\0') {
			errlist_add(T->errs, T->file, yamldoc_pos(pv), "%s of host '%s' must be text", key, h.name);
			ok = 0;
			continue;
		}
		if (strcmp(key, "control") == 0) {
			h.control = xstrdup(val);
			if (parse_control(&h, val, why, sizeof why) != 0) {
				errlist_add(T->errs, T->file, yamldoc_pos(pv), "host '%s': %s", h.name, why);
				ok = 0;
			}
		} else if (strcmp(key, "key") == 0) {
			h.key = resolve_path(T->file, val);
		} else if (strcmp(key, "addr") == 0) {
			if (!addr_is_ip(val, &fam)) {
				errlist_add(T->errs, T->file, yamldoc_pos(pv), "host '%s': '%s' is not an IP address", h.name, val);
				ok = 0;
			}
			h.addr = xstrdup(val);
		} else if (strcmp(key, "iface") == 0) {
			size_t n = strlen(val);
			int good = n < 16;
			for (const char *c = val; good && *c; c++)
				good = isalnum((unsigned char)*c) || *c == '_' || *c == '-' || *c == '.' || *c == '@';
			if (!good) {
				errlist_add(T->errs, T->file, yamldoc_pos(pv), "host '%s': bad interface name '%s'", h.name, val);
				ok = 0;
			}
			h.iface = xstrdup(val);
		} else if (strcmp(key, "agent") == 0) {
			h.agent = xstrdup(val);
		}
	}
	if (h.control == NULL) {
		errlist_add(T->errs, T->file, yamldoc_pos(k), "host '%s' needs control (tcp:HOST:PORT, ssh://HOST or unix:PATH)",
		    h.name);
		ok = 0;
	}
	if (h.addr == NULL) {
		errlist_add(T->errs, T->file, yamldoc_pos(k), "host '%s' needs addr, its experiment address", h.name);
		ok = 0;
	}
	if (ok && h.transport == TB_TCP && h.key == NULL) {
		errlist_add(T->errs, T->file, yamldoc_pos(k), "host '%s' is reached over tcp and needs key, the key file "
		    "its agent was started with", h.name);
		ok = 0;
	}
	if (ok && h.transport != TB_TCP && h.key != NULL) {
		errlist_add(T->errs, T->file, yamldoc_pos(k), "host '%s': key is for tcp control channels only", h.name);
		ok = 0;
	}
	if (ok && h.transport != TB_SSH && (h.agent != NULL || h.nssh_args > 0)) {
		errlist_add(T->errs, T->file, yamldoc_pos(k), "host '%s': agent and ssh_args are for ssh:// only", h.name);
		ok = 0;
	}
	if (!ok) {
		tbhost_free(&h);
		return;
	}
	t->hosts[t->nhosts++] = h;
}

struct tbfile *
tbfile_load(const char *path, struct errlist *errs)
{
	struct tbload T;
	struct tbfile *t;
	yaml_parser_t parser;
	yaml_node_t *root, *hosts = NULL;
	struct pos p1 = { 1, 1 };
	size_t len, nerr0 = errs->n;
	char *text;

	memset(&T, 0, sizeof T);
	T.file = path;
	T.errs = errs;
	text = file_read_all(path, &len, TB_MAX_FILE);
	if (text == NULL) {
		errlist_add(errs, path, p1, "cannot read the testbed file: %s",
		    errno == EFBIG ? "larger than 1 MiB" : errno == EISDIR ? "is a directory" : strerror(errno));
		return NULL;
	}
	if (len == 0 || !utf8_valid((unsigned char *)text, len)) {
		errlist_add(errs, path, p1, len == 0 ? "the testbed file is empty" : "the testbed file is not UTF-8 text");
		free(text);
		return NULL;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &T.doc)) {
		struct pos p = { (int)parser.problem_mark.line + 1, (int)parser.problem_mark.column + 1 };
		errlist_add(errs, path, p, "YAML syntax error: %s", parser.problem ? parser.problem : "?");
		yaml_parser_delete(&parser);
		free(text);
		return NULL;
	}
	yaml_parser_delete(&parser);
	free(text);
	t = xcalloc(1, sizeof *t);
	t->path = xstrdup(path);
	root = yaml_document_get_root_node(&T.doc);
	if (root == NULL || root->type != YAML_MAPPING_NODE) {
		errlist_add(errs, path, root ? yamldoc_pos(root) : p1, "a testbed file is a map with hosts");
		goto out;
	}
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yamldoc_node(&T.doc, p->key);
		if (yamldoc_scalar(k) != NULL && strcmp(yamldoc_scalar(k), "hosts") == 0)
			hosts = yamldoc_node(&T.doc, p->value);
		else if (yamldoc_scalar(k) == NULL || strcmp(yamldoc_scalar(k), "name") != 0)
			errlist_add(errs, path, yamldoc_pos(k), "unknown key '%s' in the testbed file (known: hosts, name)",
			    yamldoc_scalar(k) ? yamldoc_scalar(k) : "?");
	}
	if (hosts == NULL || hosts->type != YAML_MAPPING_NODE ||
	    hosts->data.mapping.pairs.top == hosts->data.mapping.pairs.start) {
		errlist_add(errs, path, hosts ? yamldoc_pos(hosts) : yamldoc_pos(root),
		    "hosts must be a map of host names, each with control and addr");
		goto out;
	}
	t->hosts = xcalloc((size_t)(hosts->data.mapping.pairs.top - hosts->data.mapping.pairs.start), sizeof *t->hosts);
	for (yaml_node_pair_t *p = hosts->data.mapping.pairs.start; p < hosts->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yamldoc_node(&T.doc, p->key), *v = yamldoc_node(&T.doc, p->value);
		if (yamldoc_scalar(k) == NULL || yamldoc_scalar(k)[0] == '\0') {
			errlist_add(errs, path, yamldoc_pos(k), "a host name must be text");
			continue;
		}
		if (tbfile_host(t, yamldoc_scalar(k)) != NULL) {
			errlist_add(errs, path, yamldoc_pos(k), "host '%s' is named twice", yamldoc_scalar(k));
			continue;
		}
		parse_host(&T, t, k, v);
	}
out:
	yaml_document_delete(&T.doc);
	if (errs->n > nerr0) {
		tbfile_free(t);
		return NULL;
	}
	return t;
}

const struct tbhost *
tbfile_host(const struct tbfile *t, const char *name)
{
	for (size_t i = 0; i < t->nhosts; i++)
		if (strcmp(t->hosts[i].name, name) == 0)
			return &t->hosts[i];
	return NULL;
}

int
tbfile_fits(const struct tbfile *t, const struct experiment *x, struct errlist *errs)
{
	size_t n0 = errs->n;
	for (size_t i = 0; i < x->nhosts; i++) {
		const struct host *eh = &x->hosts[i];
		const struct tbhost *h = tbfile_host(t, eh->name);
		struct pos p0 = { 1, 1 };
		if (h == NULL) {
			errlist_add(errs, t->path, p0, "the experiment's host '%s' (%s:%d:%d) is not in the testbed",
			    eh->name, x->file, eh->pos.line, eh->pos.col);
			continue;
		}
		struct sockaddr_storage a, b;
		socklen_t al, bl;
		if (addr_from_ip(h->addr, 0, &a, &al) != 0 || addr_from_ip(eh->addr, 0, &b, &bl) != 0 ||
		    al != bl || memcmp(&a, &b, al) != 0)
			errlist_add(errs, t->path, h->pos, "host '%s' has the experiment address %s here, but %s in %s:%d:%d",
			    h->name, h->addr, eh->addr, x->file, eh->pos.line, eh->pos.col);
	}
	return errs->n > n0 ? -1 : 0;
}

/* ---- opening channels ---- */

static int
connect_tcp(const struct tbhost *h, int64_t deadline, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL, *ai;
	int fd = -1, rc, one = 1;
	char why[256] = "no address";

	if ((rc = getaddrinfo(h->target, h->port, &hints, &res)) != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", h->target, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };
			int64_t left = deadline - time_mono_ns();
			int e = 0;
			socklen_t el = sizeof e;
			if (left > 0 && poll(&pfd, 1, (int)(left / 1000000) + 1) == 1 &&
			    getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) == 0 && e == 0)
				break;
			snprintf(why, sizeof why, "%s", e ? strerror(e) : "no answer in time");
		} else
			snprintf(why, sizeof why, "%s", strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errlen, "cannot connect to %s: %s", h->control, why);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	/* blocking again: the runner makes its write side non-blocking itself */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

static int
connect_unix(const struct tbhost *h, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(h->target) >= sizeof sun.sun_path) {
		snprintf(err, errlen, "unix socket path too long: %s", h->target);
		return -1;
	}
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", h->target);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
		snprintf(err, errlen, "cannot connect to %s: %s", h->control, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int
spawn_ssh(const struct tbhost *h, int logfd, int allow_exec, struct chan *c, char *err, size_t errlen)
{
	int to[2], from[2];
	const char *argv[64];
	size_t n = 0;

	if (h->nssh_args > 40) {
		snprintf(err, errlen, "too many ssh_args");
		return -1;
	}
	argv[n++] = getenv("VERONA_SSH") ? getenv("VERONA_SSH") : "ssh";
	argv[n++] = "-T";
	argv[n++] = "-o";
	argv[n++] = "BatchMode=yes";
	if (h->port != NULL) {
		argv[n++] = "-p";
		argv[n++] = h->port;
	}
	for (size_t i = 0; i < h->nssh_args; i++)
		argv[n++] = h->ssh_args[i];
	argv[n++] = "--";
	argv[n++] = h->target;
	argv[n++] = h->agent ? h->agent : "verona-agent";
	argv[n++] = "--stdio";
	argv[n++] = "--name";
	argv[n++] = h->name;
	if (allow_exec)
		argv[n++] = "--allow-exec";
	argv[n] = NULL;
	if (pipe2(to, O_CLOEXEC) != 0 || pipe2(from, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	c->pid = fork();
	if (c->pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (c->pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		if (logfd >= 0)
			dup2(logfd, 2);
		setpgid(0, 0);	/* Ctrl-C goes to verona, which ends the session itself */
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "verona: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	c->wfd = to[1];
	c->rfd = from[0];
	return 0;
}

int
tbhost_connect(const struct tbhost *h, int logfd, int allow_exec, double timeout_s, struct chan *c,
    char *err, size_t errlen)
{
	int64_t deadline = time_mono_ns() + (int64_t)(timeout_s * 1e9);
	unsigned char key[SEAL_KEY_BYTES];
	char why[512];
	int fd;

	chan_init(c);
	switch (h->transport) {
	case TB_SSH:
		return spawn_ssh(h, logfd, allow_exec, c, err, errlen);
	case TB_UNIX:
		if ((fd = connect_unix(h, err, errlen)) < 0)
			return -1;
		c->rfd = fd;
		c->wfd = dup(fd);
		fcntl(c->wfd, F_SETFD, FD_CLOEXEC);
		return 0;
	case TB_TCP:
		if (seal_key_load(h->key, key, why, sizeof why) != 0) {
			snprintf(err, errlen, "%s", why);
			return -1;
		}
		if ((fd = connect_tcp(h, deadline, err, errlen)) < 0) {
			sodium_memzero(key, sizeof key);
			return -1;
		}
		c->seal = xcalloc(1, sizeof *c->seal);
		if (seal_handshake_controller(fd, fd, &c->rd, key, c->seal, deadline, why, sizeof why) != 0) {
			snprintf(err, errlen, "%s: %s", h->control, why);
			sodium_memzero(key, sizeof key);
			free(c->seal);
			c->seal = NULL;
			close(fd);
			frame_reader_free(&c->rd);
			return -1;
		}
		sodium_memzero(key, sizeof key);
		c->rfd = fd;
		c->wfd = dup(fd);
		fcntl(c->wfd, F_SETFD, FD_CLOEXEC);
		return 0;
	}
	snprintf(err, errlen, "unknown transport");
	return -1;
}
