/*
 * cmd-ping.c — verona ping --testbed HOSTS.yaml: reaches every agent of a
 * testbed file and says what is wrong with each: the channel (connection,
 * key, ssh), the protocol version, the experiment interface, whether the
 * agent may capture, and how far its clock is from ours.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "proto.h"
#include "tbfile.h"
#include "util.h"

#define PING_TIMEOUT_S	10.0
#define CLOCK_WARN_NS	1000000000LL	/* a clock this far off gets a word of advice */

/* One host: {host, control, ok, problems[], agent, iface, capture, clock}. */
static json_t *
ping_host(const struct tbhost *h)
{
	json_t *o = json_pack("{s:s, s:s, s:[]}", "host", h->name, "control", h->control, "problems");
	json_t *problems = json_object_get(o, "problems"), *m, *hello = NULL;
	struct tbconn c;
	struct clock_est ce = { 0 };
	char err[600];
	int same;

	if (tbhost_connect(h, -1, 0, PING_TIMEOUT_S, &c, err, sizeof err) != 0) {
		json_array_append_new(problems, json_string(err));
		goto out;
	}
	m = json_pack("{s:s, s:i, s:s, s:s, s:b}", "type", "hello", "version", PROTO_VERSION, "host", h->name,
	    "addr", h->addr, "probe_capture", 1);
	if (h->iface != NULL)
		json_object_set_new(m, "iface", json_string(h->iface));
	if (tbconn_send(&c, m) != 0 || (hello = tbconn_recv(&c, PING_TIMEOUT_S, err, sizeof err)) == NULL) {
		json_decref(m);
		if (hello == NULL && c.pid > 0)
			snprintf(err + strlen(err), sizeof err - strlen(err), " (see ssh's message above)");
		json_array_append_new(problems, json_sprintf("no hello from the agent: %s", err));
		tbconn_close(&c);
		goto out;
	}
	json_decref(m);
	const char *type = json_string_value(json_object_get(hello, "type"));
	if (type != NULL && strcmp(type, "error") == 0) {
		json_array_append_new(problems, json_sprintf("the agent refused the session: %s",
		    json_string_value(json_object_get(hello, "reason"))));
		tbconn_close(&c);
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
	same = clock_same_machine(hello);
	for (int k = 0; k < CLOCK_ROUNDS && !same; k++) {
		json_t *t = json_pack("{s:s, s:i}", "type", "time", "seq", k), *f;
		int64_t t0 = time_realtime_ns();
		if (tbconn_send(&c, t) != 0 || (f = tbconn_recv(&c, PING_TIMEOUT_S, err, sizeof err)) == NULL) {
			json_decref(t);
			json_array_append_new(problems, json_sprintf("no answer to a clock query: %s", err));
			break;
		}
		json_decref(t);
		clock_est_add(&ce, t0, json_integer_value(json_object_get(f, "time_ns")), time_realtime_ns());
		json_decref(f);
	}
	if (same || ce.rounds == CLOCK_ROUNDS)
		json_object_set_new(o, "clock", clock_est_json(&ce, same));
	tbconn_close(&c);
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
