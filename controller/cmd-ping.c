/*
 * cmd-ping.c — verona ping --testbed HOSTS.yaml: reaches every agent of a
 * testbed file and says what is wrong with each: the channel (connection,
 * key, ssh), the protocol version, the experiment interface, whether the
 * agent may capture, and how far its clock is from ours.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chan.h"
#include "cmd.h"
#include "proto.h"
#include "tbfile.h"
#include "util.h"

#define PING_TIMEOUT_S	10.0
#define CLOCK_WARN_NS	1000000000LL	/* a clock this far off gets a word of advice */

/* ping waits on one agent: its answer, or its error frame, or nothing within the time. */
static json_t *
ping_await(void *ctx, struct chan *c, unsigned want, int64_t seq, double timeout_s, const char *what,
    char *err, size_t errlen)
{
	enum msg_type type;
	json_t *f = chan_recv(c, want | MSG_BIT(MSG_ERROR), seq, timeout_s, &type, err, errlen);

	(void)ctx;
	(void)what;
	if (f != NULL && type == MSG_ERROR && (want & MSG_BIT(MSG_ERROR)) == 0) {
		snprintf(err, errlen, "the agent dropped the session: %s",
		    json_string_value(json_object_get(f, "reason")) ?: "(no reason)");
		json_decref(f);
		return NULL;
	}
	return f;
}

/* One host: {host, control, ok, problems[], agent, iface, capture, clock}. */
static json_t *
ping_host(const struct tbhost *h)
{
	json_t *o = json_pack("{s:s, s:s, s:[]}", "host", h->name, "control", h->control, "problems");
	json_t *problems = json_object_get(o, "problems"), *m, *hello = NULL, *clock = NULL;
	struct chan_hello hq = { .host = h->name, .addr = h->addr, .probe_capture = 1, .iface = h->iface };
	struct chan c;
	enum msg_type type = MSG_HELLO;
	int64_t offset;
	char err[600];

	if (tbhost_connect(h, -1, 0, PING_TIMEOUT_S, &c, err, sizeof err) != 0) {
		json_array_append_new(problems, json_string(err));
		goto out;
	}
	m = chan_hello_msg(&hq);
	if (chan_send(&c, m) != 0) {
		snprintf(err, sizeof err, "%s%s", strerror(errno), c.pid > 0 ? " (see ssh's message above)" : "");
		json_array_append_new(problems, json_sprintf("no hello from the agent: %s", err));
		json_decref(m);
		chan_close(&c, 2.0);
		goto out;
	}
	json_decref(m);
	if ((hello = chan_recv(&c, MSG_BIT(MSG_HELLO) | MSG_BIT(MSG_ERROR), -1, PING_TIMEOUT_S, &type, err,
	    sizeof err)) == NULL) {
		if (c.pid > 0)
			snprintf(err + strlen(err), sizeof err - strlen(err), " (see ssh's message above)");
		json_array_append_new(problems, json_sprintf("no hello from the agent: %s", err));
		(void)chan_bye(&c);
		chan_close(&c, 2.0);
		goto out;
	}
	if (type == MSG_ERROR) {
		json_array_append_new(problems, json_sprintf("the agent refused the session: %s",
		    json_string_value(json_object_get(hello, "reason"))));
		(void)chan_bye(&c);
		chan_close(&c, 2.0);
		goto out;
	}
	json_object_set(o, "agent", json_object_get(hello, "agent"));
	json_object_set(o, "iface", json_object_get(hello, "iface"));
	json_object_set(o, "capture", json_object_get(hello, "capture"));
	if (json_integer_value(json_object_get(hello, "version")) != PROTO_VERSION)
		json_array_append_new(problems, json_sprintf("the agent speaks protocol %lld, this verona %d: "
		    "install the same version on both", (long long)json_integer_value(json_object_get(hello, "version")),
		    PROTO_VERSION));
	if (!json_is_string(json_object_get(hello, "iface")))
		json_array_append_new(problems, json_sprintf("no interface of the host has the experiment address %s%s",
		    h->addr, h->iface ? " (nor is there the interface named in the testbed file)" : ""));
	else if (json_is_string(json_object_get(hello, "capture")) &&
	    strcmp(json_string_value(json_object_get(hello, "capture")), "ok") != 0)
		json_array_append_new(problems, json_sprintf("the agent may not capture: %s (run it as root or give it "
		    "CAP_NET_RAW and CAP_NET_ADMIN)", json_string_value(json_object_get(hello, "capture"))));
	switch (chan_clock(&c, hello, ping_await, NULL, PING_TIMEOUT_S, &clock, &offset, err, sizeof err)) {
	case 0:
		json_object_set_new(o, "clock", clock);
		break;
	case -1:
		json_array_append_new(problems, json_sprintf("no answer to a clock query: %s", strerror(errno)));
		break;
	default:
		json_array_append_new(problems, json_sprintf("no answer to a clock query: %s", err));
		break;
	}
	(void)chan_bye(&c);
	chan_close(&c, 2.0);
out:
	json_decref(hello);
	json_object_set_new(o, "ok", json_boolean(json_array_size(problems) == 0));
	return o;
}

static int
cmd_ping_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "testbed", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *tbpath = NULL;
	int c, json = 0, bad = 0;
	struct tbfile *tb;
	json_t *all;

	optind = 1;
	while ((c = getopt_long(argc, argv, "ht:j", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_usage(&cmd_ping_entry, stdout, 1);
			return 0;
		case 't': tbpath = optarg; break;
		case 'j': json = 1; break;
		default:
			cmd_usage(&cmd_ping_entry, stderr, 0);
			return 2;
		}
	}
	if (optind != argc || tbpath == NULL) {
		cmd_usage(&cmd_ping_entry, stderr, 0);
		return 2;
	}
	if ((tb = cmd_load_testbed(tbpath)) == NULL)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	all = json_array();
	for (size_t i = 0; i < tb->nhosts; i++) {
		json_t *o = ping_host(&tb->hosts[i]), *cl = json_object_get(o, "clock");
		json_t *problems = json_object_get(o, "problems");
		json_array_append_new(all, o);
		if (!json_is_true(json_object_get(o, "ok")))
			bad++;
		if (json)
			continue;
		printf("%-10s %-30s %s\n", tb->hosts[i].name, tb->hosts[i].control,
		    json_is_true(json_object_get(o, "ok")) ? "ok" : "FAIL");
		if (json_is_string(json_object_get(o, "agent")))
			printf("           agent %s, interface %s, capture %s\n",
			    json_string_value(json_object_get(o, "agent")),
			    json_string_value(json_object_get(o, "iface")) ?: "(none)",
			    json_string_value(json_object_get(o, "capture")) ?: "?");
		if (cl != NULL) {
			long long off = json_integer_value(json_object_get(cl, "offset_ns"));
			printf("           clock %+.6f s from ours, +- %.6f s (%s)\n", (double)off / 1e9,
			    (double)json_integer_value(json_object_get(cl, "uncertainty_ns")) / 1e9,
			    json_string_value(json_object_get(cl, "method")));
			if (off > CLOCK_WARN_NS || off < -CLOCK_WARN_NS)
				printf("           note: the clocks differ by more than a second; verona corrects for it, "
				    "but NTP on the hosts would make logs agree\n");
		}
		for (size_t k = 0; k < json_array_size(problems); k++)
			printf("           problem: %s\n", json_string_value(json_array_get(problems, k)));
	}
	if (json) {
		char *s = json_dumps(all, JSON_INDENT(2));
		printf("%s\n", s);
		free(s);
	} else
		printf("verona: %zu of %zu agents ready\n", tb->nhosts - (size_t)bad, tb->nhosts);
	json_decref(all);
	tbfile_free(tb);
	return bad ? 3 : 0;
}

const struct cmd_entry cmd_ping_entry = {
	.name = "ping",
	.usage = "--testbed HOSTS.yaml [--json]",
	.summary = "check every agent of a testbed file",
	.help =
	"  -t, --testbed HOSTS.yaml  the testbed file\n"
	"  -j, --json                the answers as JSON\n"
	"  -h, --help                this help\n"
	"Reaches each host's agent over its control channel (tcp with the key, ssh, or\n"
	"unix) and reports its version, the interface that has the experiment address,\n"
	"whether it may capture there, and its clock's offset from this machine's.\n"
	"Exit 0 when every agent is ready, 3 when any is not, 2 for a bad testbed file.\n",
	.exec = cmd_ping_exec,
};
