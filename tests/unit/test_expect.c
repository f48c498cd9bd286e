/*
 * test_expect.c — unit tests for controller/expect.c: a result judged
 * against its step's expectation (data, data_prefix, data_regex, an errno,
 * a socket timeout against the step's own timeout, ret, peer by HOST.SOCKET,
 * a program's exit status, stdout and signal, within), and addresses
 * resolved from the run's socket table (model.h).  Steps and results are
 * built by hand; nothing runs.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "errnames.h"
#include "expect.h"
#include "expt.h"
#include "model.h"
#include "ops.h"
#include "util.h"
#include "unit.h"

static struct host hosts[] = {
	{ .name = "romeo", .addr = "10.10.0.100" },
	{ .name = "juliet", .addr = "10.10.0.101" },
};
static struct experiment x = { .file = "t.yaml", .hosts = hosts, .nhosts = 2 };

static struct step
mkstep(const char *op, const char *host, const char *sock)
{
	struct step st;
	memset(&st, 0, sizeof st);
	st.def = ops_find(op);
	st.op = (char *)op;
	st.host = (char *)host;
	st.sock = (char *)sock;
	st.number = 1;
	st.timeout = 5;
	st.expect.within = -1;
	return st;
}

static struct bytes
text_bytes(const char *s)
{
	struct bytes b = { (unsigned char *)s, strlen(s), 1 };
	return b;
}

/* The failures of judging res (JSON text) for st, joined by " | "; caller frees. */
static char *
judge(const struct expect_ctx *c, const struct step *st, const char *res_json)
{
	json_t *res = json_loads(res_json, 0, NULL), *f = json_array();
	struct buf b;
	if (res == NULL) {
		fprintf(stderr, "bad JSON in the test: %s\n", res_json);
		abort();
	}
	expect_evaluate(c, st, res, f);
	buf_init(&b);
	for (size_t i = 0; i < json_array_size(f); i++)
		buf_printf(&b, "%s%s", i ? " | " : "", json_string_value(json_array_get(f, i)));
	json_decref(res);
	json_decref(f);
	return b.data ? buf_steal(&b, NULL) : xstrdup("");
}

#define JUDGE(c, st, res, want) do { char *j_ = judge(c, st, res); CHECK_STR(j_, want); free(j_); } while (0)

UNIT_TEST(recv_data_prefix_and_regex)
{
	struct model_sockets socks = { 0 };
	struct expect_ctx c = { &x, &socks };
	struct step st = mkstep("recv", "juliet", "conn");

	st.expect.data = text_bytes("hello");
	JUDGE(&c, &st, "{\"ok\": true, \"data\": \"aGVsbG8=\"}", "");	/* b'hello' */
	JUDGE(&c, &st, "{\"ok\": true, \"data\": \"aGVscA==\"}",		/* b'help' */
	    "data: expected b'hello', got b'help' (first difference at byte 3)");
	st.expect.data.set = 0;
	st.expect.data_prefix = text_bytes("he");
	JUDGE(&c, &st, "{\"ok\": true, \"data\": \"aGVscA==\"}", "");
	st.expect.data_prefix = text_bytes("ho");
	JUDGE(&c, &st, "{\"ok\": true, \"data\": \"aGVscA==\"}",
	    "data_prefix: expected b'ho', got b'help' (first difference at byte 1)");
	st.expect.data_prefix.set = 0;
	st.expect.data_regex = "^hel+o$";
	JUDGE(&c, &st, "{\"ok\": true, \"data\": \"aGVsbG8=\"}", "");
	JUDGE(&c, &st, "{\"ok\": true, \"data\": \"aGVscA==\"}", "data b'help' does not match /^hel+o$/");
	/* a failed call fails a step that expects success, and says how */
	st.expect.data_regex = NULL;
	JUDGE(&c, &st, "{\"ok\": false, \"errno\": 107}",
	    "expected success, got OSError: [Errno 107] Transport endpoint is not connected");
}

UNIT_TEST(errno_and_timeouts)
{
	struct model_sockets socks = { 0 };
	struct expect_ctx c = { &x, &socks };
	struct step st = mkstep("bind", "juliet", "sock2");

	st.expect.err = 98;	/* EADDRINUSE */
	JUDGE(&c, &st, "{\"ok\": false, \"errno\": 98}", "");
	JUDGE(&c, &st, "{\"ok\": true, \"ret\": null}", "expected EADDRINUSE, but the call succeeded");
	JUDGE(&c, &st, "{\"ok\": false, \"errno\": 13}",
	    "expected EADDRINUSE, got EACCES (PermissionError: [Errno 13] Permission denied)");
	st = mkstep("recv", "juliet", "conn");
	st.expect.err = ERR_TIMEOUT;
	JUDGE(&c, &st, "{\"ok\": false, \"errno\": -1000, \"timeout_reason\": \"socket timeout\"}", "");
	/* the step's own timeout is never the socket timeout a step expects */
	JUDGE(&c, &st, "{\"ok\": false, \"errno\": -1000, \"timeout_reason\": \"step timeout\"}",
	    "the step's timeout (5 s) passed while the call was still waiting: a socket timeout (settimeout) "
	    "was expected");
	st.expect.err = 0;
	st.expect.has_ret = 1;
	st.expect.ret = 4;
	st.expect.within = 0.5;
	JUDGE(&c, &st, "{\"ok\": true, \"ret\": 3, \"start_ns\": 0, \"end_ns\": 1000000000}",
	    "expected return value 4, got 3 | took 1.000 s, expected within 0.5 s");
}

UNIT_TEST(peer_by_socket_name_from_the_socket_table)
{
	struct model_sockets socks = { 0 };
	struct expect_ctx c = { &x, &socks };
	struct step st = mkstep("accept", "juliet", "sock");
	struct aref peer = { AREF_SOCKET, "romeo.sock", "romeo", "sock", -1 };
	struct model_addr a = { "10.10.0.100", 41000 };
	char *err = NULL;
	json_t *j;

	st.expect.peer = &peer;
	/* before romeo.sock had an address, it cannot be told */
	JUDGE(&c, &st, "{\"ok\": true, \"peer\": {\"ip\": \"10.10.0.100\", \"port\": 41000}}",
	    "expected peer romeo.sock (romeo.sock has no address yet (bind, connect or send on it first)), "
	    "got 10.10.0.100:41000");
	model_socket_new(&socks, "romeo", "sock", 0);
	model_socket_address(&socks, "romeo", "sock", &a, NULL);
	JUDGE(&c, &st, "{\"ok\": true, \"peer\": {\"ip\": \"10.10.0.100\", \"port\": 41000}}", "");
	JUDGE(&c, &st, "{\"ok\": true, \"peer\": {\"ip\": \"10.10.0.100\", \"port\": 41001}}",
	    "expected peer romeo.sock (10.10.0.100:41000), got 10.10.0.100:41001");
	j = expect_resolve_aref(&c, &peer, "inet", &err);
	CHECK(j != NULL);
	CHECK_STR(json_string_value(json_object_get(j, "ip")), "10.10.0.100");
	CHECK_INT(json_integer_value(json_object_get(j, "port")), 41000);
	json_decref(j);
	/* a new socket of the same name has no address until it is used */
	model_socket_new(&socks, "romeo", "sock", 1);
	CHECK(expect_resolve_aref(&c, &peer, "inet", &err) == NULL);
	CHECK(err != NULL && strstr(err, "has no address yet") != NULL);
	free(err);
	CHECK_STR(model_socket_family(&socks, "romeo", "sock"), "inet6");
	model_sockets_free(&socks);
}

UNIT_TEST(any_localhost_and_host_names)
{
	struct model_sockets socks = { 0 };
	struct expect_ctx c = { &x, &socks };
	struct aref any = { AREF_HOSTPORT, "any:4000", "any", NULL, 4000 };
	struct aref lo = { AREF_HOSTPORT, "localhost:80", "localhost", NULL, 80 };
	struct aref jul = { AREF_HOSTPORT, "juliet", "juliet", NULL, -1 };
	char *err = NULL;
	json_t *j;

	j = expect_resolve_aref(&c, &any, "inet6", &err);
	CHECK_STR(json_string_value(json_object_get(j, "ip")), "::");
	json_decref(j);
	j = expect_resolve_aref(&c, &lo, "inet", &err);
	CHECK_STR(json_string_value(json_object_get(j, "ip")), "127.0.0.1");
	json_decref(j);
	j = expect_resolve_aref(&c, &jul, "inet", &err);
	CHECK_STR(json_string_value(json_object_get(j, "ip")), "10.10.0.101");
	CHECK_INT(json_integer_value(json_object_get(j, "port")), 0);
	json_decref(j);
}

UNIT_TEST(program_exit_stdout_and_signal)
{
	struct model_sockets socks = { 0 };
	struct expect_ctx c = { &x, &socks };
	struct step st = mkstep("exec", "romeo", NULL);

	/* stdout "hi\n", stderr "Traceback\nValueError: bad\n" */
	JUDGE(&c, &st, "{\"ok\": true, \"exit\": 0, \"stdout_b64\": \"aGkK\"}", "");
	JUDGE(&c, &st, "{\"ok\": true, \"exit\": 1, \"stderr_b64\": \"VHJhY2ViYWNrClZhbHVlRXJyb3I6IGJhZAo=\"}",
	    "the program exited with status 1; its last error line: ValueError: bad");
	st.expect.has_exit = 1;
	st.expect.exit = 2;
	JUDGE(&c, &st, "{\"ok\": true, \"exit\": 2}", "");
	JUDGE(&c, &st, "{\"ok\": true, \"exit\": 0}", "the program exited with status 0, expected 2");
	st.expect.has_exit = 0;
	st.expect.stdout_text = "hello\n";
	JUDGE(&c, &st, "{\"ok\": true, \"exit\": 0, \"stdout_b64\": \"aGkK\"}",
	    "stdout differs at byte 1: printed b'i\\n', expected b'ello\\n'");
	st.expect.stdout_text = NULL;
	st.expect.stdout_regex = "^h";
	JUDGE(&c, &st, "{\"ok\": true, \"exit\": 0, \"stdout_b64\": \"aGkK\"}", "");
	st.expect.stdout_regex = NULL;
	JUDGE(&c, &st, "{\"ok\": true, \"signal\": \"SEGV\"}", "the program was killed by SIGSEGV");
	JUDGE(&c, &st, "{\"ok\": true, \"timed_out\": true}", "the program did not finish within 5 s and was stopped");
	JUDGE(&c, &st, "{\"ok\": false, \"agent_error\": \"programs are not allowed here\"}",
	    "the agent refused the step: programs are not allowed here");
}

/* A stream cut at its output_limit: the judged text marks the cut, and each failure on it says so. */
UNIT_TEST(output_cut_at_the_limit)
{
	struct model_sockets socks = { 0 };
	struct expect_ctx c = { &x, &socks };
	struct step st = mkstep("exec", "romeo", NULL);
	json_t *res = json_loads("{\"exit\": 0, \"stdout_b64\": \"U1RBUlQKRE9ORQo=\", \"stdout_len\": 2700000, "
	    "\"stdout_truncated\": true, \"stdout_cut_at\": 6}", 0, NULL);
	char *note = expect_output_cut_note(res, "stdout");

	CHECK_STR(note, "stdout was 2.7 MB; verona kept the first 6 bytes and the last 5 bytes");
	CHECK(expect_output_cut_note(res, "stderr") == NULL);
	free(note);
	json_decref(res);
	st.expect.stdout_regex = "START.*DONE";
	JUDGE(&c, &st, "{\"exit\": 0, \"stdout_b64\": \"U1RBUlQKRE9ORQo=\", \"stdout_len\": 2700000, \"stdout_cut_at\": 6}", "");
	st.expect.stdout_regex = "START\nDONE";
	JUDGE(&c, &st, "{\"exit\": 0, \"stdout_b64\": \"U1RBUlQKRE9ORQo=\", \"stdout_len\": 2700000, \"stdout_cut_at\": 6}",
	    "stdout does not match /START\\nDONE/ (stdout was 2.7 MB; verona kept the first 6 bytes and the last 5 bytes)");
	st.expect.stdout_regex = "verona: 2.7 MB of stdout left out here";
	JUDGE(&c, &st, "{\"exit\": 0, \"stdout_b64\": \"U1RBUlQKRE9ORQo=\", \"stdout_len\": 2700011, \"stdout_cut_at\": 6}", "");
	st.expect.stdout_regex = NULL;
}

/* The end of a crash's stderr, bounded and printable; a missing file as CPython says it. */
UNIT_TEST(stderr_tail_and_missing_file)
{
	json_t *res = json_loads("{\"exit\": 1, \"stderr_b64\": \"VHJhY2ViYWNrIChtb3N0IHJlY2VudCBjYWxsIGxhc3QpOgogIEZpbGUgInMucHkiLCBsaW5lIDMsIGluIDxtb2R1bGU+CiAgICByYWlzZSBWYWx1ZUVycm9yKCd4JykKVmFsdWVFcnJvcjogeAo=\"}", 0, NULL);
	char *t = expect_stderr_tail(res, 3);
	CHECK_STR(t, "File \"s.py\", line 3, in <module> | raise ValueError('x') | ValueError: x");
	free(t);
	t = expect_stderr_tail(res, 1);
	CHECK_STR(t, "ValueError: x");
	free(t);
	CHECK(expect_missing_text(res) == NULL);
	json_decref(res);
	res = json_loads("{\"stderr_b64\": \"b2sKG1sySmdvbmUK\"}", 0, NULL);
	t = expect_stderr_tail(res, 3);
	CHECK_STR(t, "ok | ?[2Jgone");
	free(t);
	json_decref(res);
	res = json_loads("{\"missing\": \"server.py\", \"workdir_files\": [\"a.py\", \"b/\"], "
	    "\"workdir_files_total\": 25}", 0, NULL);
	t = expect_missing_text(res);
	CHECK_STR(t, "FileNotFoundError: [Errno 2] No such file or directory: 'server.py' "
	    "(the work directory holds: a.py, b/ and 23 more)");
	free(t);
	json_decref(res);
	res = json_loads("{\"missing\": \"x\\u001b]0;\", \"workdir_files\": [], \"workdir_files_total\": 0}", 0, NULL);
	t = expect_missing_text(res);
	CHECK_STR(t, "FileNotFoundError: [Errno 2] No such file or directory: 'x?]0;' (the work directory is empty)");
	free(t);
	json_decref(res);
}

int
main(void)
{
	UNIT_RUN(recv_data_prefix_and_regex);
	UNIT_RUN(errno_and_timeouts);
	UNIT_RUN(peer_by_socket_name_from_the_socket_table);
	UNIT_RUN(any_localhost_and_host_names);
	UNIT_RUN(program_exit_stdout_and_signal);
	UNIT_RUN(output_cut_at_the_limit);
	UNIT_RUN(stderr_tail_and_missing_file);
	return UNIT_END();
}
