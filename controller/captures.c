/*
 * captures.c — every host's capture started (buffer and file budgets shared
 * by the run), stopped after a settle time, and fetched chunk by chunk into
 * the run folder as HOST.pcap, verified against what its agent said it wrote.
 * See run-int.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "outdir.h"
#include "run-int.h"
#include "util.h"

int
captures_start(struct runner *r)
{
	struct experiment *x = r->x;
	int ncap = 0, buffer;
	uint64_t budget;

	for (size_t i = 0; i < r->ag.nac; i++)
		ncap += r->ag.ac[i].host->capture != 0;
	buffer = ncap > 0 ? RUN_CAPTURE_BUDGET / ncap : 0;
	buffer = buffer > (16 << 20) ? (16 << 20) : buffer < (2 << 20) ? (2 << 20) : buffer;
	budget = ncap > 0 ? RUN_CAPTURE_FILES / (unsigned)ncap : 0;
	budget = budget > RUN_CAPTURE_FILE_MAX ? RUN_CAPTURE_FILE_MAX : budget < RUN_CAPTURE_FILE_MIN ?
	    RUN_CAPTURE_FILE_MIN : budget;
	for (size_t i = 0; i < r->ag.nac; i++) {
		struct agentconn *a = &r->ag.ac[i];
		json_t *m;
		if (!a->host->capture)
			continue;
		struct testbed_host_info hi;
		char *filter = NULL;
		r->tb.kind->host_info(&r->tb, a->host->name, &hi);
		if (hi.shared_stack)	/* one lo for every host: each captures what its address sent, once */
			filter = x->capture_filter != NULL ? xasprintf("(%s) and src host %s", x->capture_filter, a->host->addr) :
			    xasprintf("src host %s", a->host->addr);
		m = json_pack("{s:s, s:i, s:s?}", "type", proto_type_name(MSG_CAPTURE_START),
		    "snaplen", x->capture_snaplen ? x->capture_snaplen : 262144,
		    "filter", filter != NULL ? filter : x->capture_filter);
		free(filter);
		json_object_set_new(m, "buffer", json_integer(x->capture_buffer > 0 ? x->capture_buffer : buffer));
		json_object_set_new(m, "budget", json_integer((json_int_t)budget));
		if (agent_send(a, m) != 0) {
			json_decref(m);
			runner_fail(r, 3, "cannot talk to the agent on %s: %s", a->host->name, strerror(errno));
			return -1;
		}
		json_decref(m);
	}
	for (size_t i = 0; i < r->ag.nac; i++) {
		struct agentconn *a = &r->ag.ac[i];
		char what[128];
		json_t *f;
		if (!a->host->capture)
			continue;
		snprintf(what, sizeof what, "the start of the capture on %s", a->host->name);
		if ((f = await_frame(r, a, MSG_BIT(MSG_CAPTURE_STARTED) | MSG_BIT(MSG_CAPTURE_FAILED), -1, HELLO_S, what)) == NULL)
			return -1;
		if (proto_is(f, MSG_CAPTURE_FAILED)) {
			runner_fail(r, 3, "cannot capture on %s: %s", a->host->name,
			    json_string_value(json_object_get(f, "reason")));
			json_decref(f);
			return -1;
		}
		a->capturing = 1;
		a->capture = json_pack("{s:O}", "iface", json_object_get(f, "iface"));
		json_decref(f);
	}
	live_start(r);
	return 0;
}

/*
 * Fetches a stopped capture chunk by chunk into the run folder as HOST.pcap,
 * if it is exactly what the agent said it wrote (a->capture: packets, bytes,
 * sha256); otherwise it is kept as HOST.pcap.refused, never read, and the
 * run fails (a harness error).
 */
static int
capture_fetch(struct runner *r, struct agentconn *a)
{
	char *path = xasprintf("%s/%s.pcap", r->dirat, a->host->name);
	char *name = xasprintf("%s.pcap", a->host->name), *tmp = xasprintf("%s.tmp.%ld", name, (long)getpid());
	char *tmpat = xasprintf("%s/%s", r->dirat, tmp);
	char what[128], verr[400];
	struct trace_capture_claim claim = {
		.packets = (uint64_t)json_integer_value(json_object_get(a->capture, "packets")),
		.bytes = (uint64_t)json_integer_value(json_object_get(a->capture, "bytes")),
		.sha256 = json_string_value(json_object_get(a->capture, "sha256")),
	};
	int tfd = outdir_file(r->dirfd, tmp);
	FILE *f = tfd < 0 ? NULL : fdopen(tfd, "w");
	json_int_t off = 0;
	int eof = 0;

	snprintf(what, sizeof what, "fetching the capture of %s", a->host->name);
	if (f == NULL) {
		runner_fail(r, 3, "cannot write %s/%s: %s", r->dir, tmp, strerror(errno));
		if (tfd >= 0)
			close(tfd);
		goto fail;
	}
	while (!eof) {
		json_t *m = json_pack("{s:s, s:I}", "type", proto_type_name(MSG_CAPTURE_FETCH), "offset", off), *c;
		unsigned char *data;
		size_t n;
		if (agent_send(a, m) != 0) {
			json_decref(m);
			runner_fail(r, 3, "the agent on %s was lost while %s", a->host->name, what);
			goto fail;
		}
		json_decref(m);
		if ((c = await_frame(r, a, MSG_BIT(MSG_CAPTURE_CHUNK) | MSG_BIT(MSG_CAPTURE_FAILED), -1, CAPTURE_S, what)) == NULL)
			goto fail;
		if (proto_is(c, MSG_CAPTURE_FAILED) ||
		    json_integer_value(json_object_get(c, "offset")) != off ||
		    b64_decode(json_string_value(json_object_get(c, "data")) ?: "", &data, &n) != 0) {
			runner_fail(r, 3, "the agent on %s sent a bad capture chunk: %s", a->host->name,
			    json_string_value(json_object_get(c, "reason")) ?: "wrong offset or data");
			json_decref(c);
			goto fail;
		}
		eof = json_is_true(json_object_get(c, "eof"));
		json_decref(c);
		if (n > 0 && fwrite(data, 1, n, f) != n) {
			free(data);
			runner_fail(r, 3, "cannot write %s/%s: %s", r->dir, tmp, strerror(errno));
			goto fail;
		}
		free(data);
		off += (json_int_t)n;
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0) {
		f = NULL;
		runner_fail(r, 3, "cannot write %s/%s: %s", r->dir, tmp, strerror(errno));
		goto fail;
	}
	f = NULL;
	if (trace_capture_verify(tmpat, &claim, verr, sizeof verr) != 0) {
		char *kept = xasprintf("%s.refused", name);
		(void)renameat(r->dirfd, tmp, r->dirfd, kept);
		free(kept);
		json_object_set_new(a->capture, "refused", json_string(verr));
		runner_fail(r, 3, "the capture of %s is refused: the file fetched from its agent is not what the "
		    "agent wrote (%s); no check is decided from it (kept as %s.pcap.refused)", a->host->name, verr,
		    a->host->name);
		goto fail;
	}
	if (renameat(r->dirfd, tmp, r->dirfd, name) != 0) {
		runner_fail(r, 3, "cannot write %s/%s: %s", r->dir, name, strerror(errno));
		goto fail;
	}
	free(tmp);
	free(tmpat);
	free(name);
	json_object_set_new(a->capture, "file", json_sprintf("%s.pcap", a->host->name));
	a->pcap = path;
	return 0;
fail:
	if (f != NULL)
		fclose(f);
	unlinkat(r->dirfd, tmp, 0);
	free(tmp);
	free(tmpat);
	free(name);
	free(path);
	return -1;
}

/* After a settle time, stops every capture and brings the files into the run folder. */
void
captures_stop(struct runner *r)
{
	int64_t until = time_mono_ns() + (int64_t)(SETTLE_S * 1e9);
	json_t *m = json_pack("{s:s}", "type", proto_type_name(MSG_CAPTURE_STOP));

	while (time_mono_ns() < until && !run_interrupted())
		usleep(5000);
	if (r->lv != NULL && r->error == NULL) {
		live_peek(r);
		live_print(r, -1);
	}
	for (size_t i = 0; i < r->ag.nac; i++)
		if (r->ag.ac[i].capturing && r->ag.ac[i].alive && agent_send(&r->ag.ac[i], m) != 0)
			runner_fail(r, 3, "the agent on %s was lost before its capture stopped", r->ag.ac[i].host->name);
	json_decref(m);
	/* after a failure (an agent lost), the other hosts' captures are still fetched */
	for (size_t i = 0; i < r->ag.nac; i++) {
		struct agentconn *a = &r->ag.ac[i];
		char what[128];
		json_t *f;
		if (!a->capturing || !a->alive)
			continue;
		snprintf(what, sizeof what, "the end of the capture on %s", a->host->name);
		if ((f = await_frame(r, a, MSG_BIT(MSG_CAPTURE_STOPPED) | MSG_BIT(MSG_CAPTURE_FAILED), -1, CAPTURE_S, what)) == NULL)
			return;
		a->capturing = 0;
		if (proto_is(f, MSG_CAPTURE_FAILED)) {
			runner_fail(r, 3, "the capture on %s failed: %s", a->host->name,
			    json_string_value(json_object_get(f, "reason")));
			json_decref(f);
			return;
		}
		json_object_del(f, "type");
		r->drops += (uint64_t)json_integer_value(json_object_get(f, "drops"));
		json_object_update(a->capture, f);
		json_decref(f);
		if (json_is_string(json_object_get(a->capture, "error"))) {
			runner_fail(r, 3, "the capture on %s is incomplete: %s", a->host->name,
			    json_string_value(json_object_get(a->capture, "error")));
			return;
		}
		if (!json_is_string(json_object_get(a->capture, "sha256"))) {
			runner_fail(r, 3, "the agent on %s did not say what its capture holds (no SHA-256): "
			    "it is older than this verona", a->host->name);
			return;
		}
		if (json_integer_value(json_object_get(a->capture, "unwritten")) > 0 && r->undecidable == NULL)
			r->undecidable = xasprintf("the capture on %s reached its size budget of %lld bytes "
			    "(%lld more packets were counted, not written)", a->host->name,
			    (long long)json_integer_value(json_object_get(a->capture, "budget")),
			    (long long)json_integer_value(json_object_get(a->capture, "unwritten")));
		if (capture_fetch(r, a) != 0)
			return;
	}
}
