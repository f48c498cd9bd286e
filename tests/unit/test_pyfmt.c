/*
 * test_pyfmt.c — unit tests for controller/pyfmt.c through the operation
 * table (controller/ops.c): the Python line of every operation, and the
 * Python result of each kind of result (an errno, a step timeout, data,
 * data with its sender, an accepted socket, a new socket, a program's exit,
 * a put, a kill, an agent error).  Steps are built by hand as the loader
 * would leave them.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "errnames.h"
#include "expt.h"
#include "ops.h"
#include "pyfmt.h"
#include "util.h"
#include "unit.h"

static struct step
mkstep(const char *op, const char *sock)
{
	struct step st;
	memset(&st, 0, sizeof st);
	st.def = ops_find(op);
	st.op = (char *)op;
	st.sock = (char *)sock;
	st.number = 1;
	return st;
}

/* The line of op on sock with the arguments given as JSON text. */
static char *
line_of(const char *op, const char *sock, const char *args_json)
{
	struct step st = mkstep(op, sock);
	json_t *args = json_loads(args_json, 0, NULL);
	char *r = py_step_line(&st, args);
	json_decref(args);
	return r;
}

static char *
result_of(const char *op, const char *res_json)
{
	struct step st = mkstep(op, "s");
	json_t *res = json_loads(res_json, 0, NULL);
	char *r = py_result(&st, res);
	json_decref(res);
	return r;
}

#define LINE(op, sock, args, want) do { char *l_ = line_of(op, sock, args); CHECK_STR(l_, want); free(l_); } while (0)
#define RESULT(op, res, want) do { char *r_ = result_of(op, res); CHECK_STR(r_, want); free(r_); } while (0)

UNIT_TEST(every_operation_has_a_row_with_handlers)
{
	for (int i = 0; i < OP__COUNT; i++) {
		const struct op_schema *op = ops_get((enum op_id)i);
		CHECK_INT(op->id, i);
		CHECK(op->py_line != NULL);
		CHECK(op->py_result != NULL);
		CHECK(op->judge != NULL);
		CHECK(ops_find(op->name) == op);
	}
	CHECK(ops_find("frobnicate") == NULL);
}

UNIT_TEST(socket_calls_as_python_lines)
{
	LINE("socket", "sock", "{\"type\": \"tcp\"}", "sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)");
	LINE("socket", "u6", "{\"type\": \"udp\", \"family\": \"inet6\"}",
	    "u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)");
	LINE("bind", "sock", "{\"addr\": {\"ip\": \"10.10.0.101\", \"port\": 4000}}", "sock.bind(('10.10.0.101', 4000))");
	LINE("connect", "sock", "{\"addr\": {\"ip\": \"10.10.0.101\", \"port\": 4000}}",
	    "sock.connect(('10.10.0.101', 4000))");
	LINE("listen", "sock", "{}", "sock.listen()");
	LINE("listen", "sock", "{\"backlog\": 5}", "sock.listen(5)");
	LINE("accept", "sock", "{\"as\": \"conn\"}", "conn, conn_addr = sock.accept()");
	/* "hi'" base64 */
	LINE("send", "sock", "{\"data\": \"aGkn\"}", "sent = sock.send(b\"hi'\")");
	LINE("sendall", "sock", "{\"data\": \"aGkK\"}", "sock.sendall(b'hi\\n')");
	LINE("sendto", "u", "{\"data\": \"aGk=\", \"to\": {\"ip\": \"10.10.0.100\", \"port\": 53}}",
	    "sent = u.sendto(b'hi', ('10.10.0.100', 53))");
	LINE("recv", "conn", "{\"size\": 1024}", "data = conn.recv(1024)");
	LINE("recvfrom", "u", "{\"size\": 512}", "data, addr = u.recvfrom(512)");
	LINE("recvall", "conn", "{\"size\": 10}", "data = recv_all(conn, 10)");
	LINE("recvall", "conn", "{\"until\": \"eof\"}", "data = recv_all(conn)  # until EOF");
	LINE("shutdown", "sock", "{\"how\": \"wr\"}", "sock.shutdown(socket.SHUT_WR)");
	LINE("shutdown", "sock", "{\"how\": \"rdwr\"}", "sock.shutdown(socket.SHUT_RDWR)");
	LINE("close", "sock", "{}", "sock.close()");
	LINE("setsockopt", "sock", "{\"option\": \"reuseaddr\", \"value\": 1}",
	    "sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)");
	LINE("setsockopt", "sock", "{\"option\": \"nodelay\", \"value\": 1}",
	    "sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)");
	LINE("setsockopt", "sock", "{\"option\": \"linger\", \"value\": 0}",
	    "sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))");
	LINE("settimeout", "sock", "{\"seconds\": 0.5}", "sock.settimeout(0.5)");
	LINE("settimeout", "sock", "{\"seconds\": null}", "sock.settimeout(None)");
	LINE("getsockname", "sock", "{}", "sock.getsockname()");
	LINE("getpeername", "conn", "{}", "conn.getpeername()");
	LINE("connect_ex", "sock", "{\"addr\": {\"ip\": \"10.10.0.101\", \"port\": 4000}}",
	    "n = sock.connect_ex(('10.10.0.101', 4000))");
	LINE("setblocking", "sock", "{\"flag\": 0}", "sock.setblocking(False)");
	LINE("setblocking", "sock", "{\"flag\": 1}", "sock.setblocking(True)");
	LINE("gettimeout", "sock", "{}", "sock.gettimeout()");
	LINE("recv", "conn", "{\"size\": 5, \"flags\": [\"peek\"]}", "data = conn.recv(5, socket.MSG_PEEK)");
	LINE("recv", "conn", "{\"size\": 5, \"flags\": [\"peek\", \"waitall\"]}",
	    "data = conn.recv(5, socket.MSG_PEEK | socket.MSG_WAITALL)");
	LINE("recvfrom", "u", "{\"size\": 9, \"flags\": [\"dontwait\"]}",
	    "data, addr = u.recvfrom(9, socket.MSG_DONTWAIT)");
	LINE("recv", "conn", "{\"size\": 5, \"flags\": []}", "data = conn.recv(5)");
	LINE("gethostname", NULL, "{}", "name = socket.gethostname()");
	LINE("gethostbyname", NULL, "{\"name\": \"juliet\"}", "ip = socket.gethostbyname('juliet')");
	LINE("getaddrinfo", NULL, "{\"name\": \"\", \"port\": 80}", "info = socket.getaddrinfo('', 80)");
	LINE("getsockopt", "sock", "{\"option\": \"rcvbuf\"}", "sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)");
	LINE("getsockopt", "sock", "{\"option\": \"keepidle\"}",
	    "sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE)");
}

/* gettimeout's seconds as Python's repr of a float: the shortest text that reads back, always with a point. */
UNIT_TEST(floats_as_python_repr_shows_them)
{
	static const struct { double d; const char *want; } cases[] = {
		{ 0.0, "0.0" }, { 0.2, "0.2" }, { 5.0, "5.0" }, { 0.25, "0.25" }, { 2.5, "2.5" },
		{ 0.1 + 0.2, "0.30000000000000004" }, { 86400.0, "86400.0" }, { 1e-05, "1e-05" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *r = py_float_repr(cases[i].d);
		CHECK_STR(r, cases[i].want);
		free(r);
	}
	RESULT("gettimeout", "{\"ok\": true, \"ret\": 0.2}", "0.2");
	RESULT("gettimeout", "{\"ok\": true, \"ret\": null}", "None");
	RESULT("connect_ex", "{\"ok\": true, \"ret\": 111}", "111");
}

/* names and addresses as str, getaddrinfo's entries as CPython's repr, a resolver failure as socket.gaierror */
UNIT_TEST(resolver_results_as_python_shows_them)
{
	RESULT("gethostname", "{\"ok\": true, \"ret\": \"romeo\"}", "'romeo'");
	RESULT("gethostbyname", "{\"ok\": true, \"ret\": \"10.10.0.101\"}", "'10.10.0.101'");
	RESULT("gethostbyname", "{\"ok\": false, \"errno\": -2, \"error\": \"gaierror\", "
	    "\"python\": \"socket.gaierror: [Errno -2] Name or service not known\"}",
	    "socket.gaierror: [Errno -2] Name or service not known");
	RESULT("getaddrinfo", "{\"ok\": true, \"ret\": [{\"family\": 2, \"type\": 1, \"proto\": 6, \"canonname\": \"\", "
	    "\"addr\": {\"ip\": \"10.10.0.101\", \"port\": 80}}, {\"family\": 10, \"type\": 2, \"proto\": 17, "
	    "\"canonname\": \"\", \"addr\": {\"ip\": \"::1\", \"port\": 80}}]}",
	    "[(<AddressFamily.AF_INET: 2>, <SocketKind.SOCK_STREAM: 1>, 6, '', ('10.10.0.101', 80)), "
	    "(<AddressFamily.AF_INET6: 10>, <SocketKind.SOCK_DGRAM: 2>, 17, '', ('::1', 80, 0, 0))]");
}

UNIT_TEST(programs_files_and_background_steps_as_python_lines)
{
	struct step st;
	char *l;

	LINE("exec", NULL, "{\"command\": \"python3 server.py 4000\"}", "subprocess.run('python3 server.py 4000', shell=True)");
	LINE("exec", NULL, "{\"argv\": [\"./client\", \"juliet\"]}", "subprocess.run(['./client', 'juliet'])");
	LINE("put", NULL, "{\"src\": \"solutions/echo\"}", "shutil.copy('solutions/echo', '.')");
	LINE("put", NULL, "{\"src\": \"a.py\", \"dst\": \"b.py\"}", "shutil.copy('a.py', 'b.py')");
	LINE("sleep", NULL, "{\"seconds\": 0.25}", "time.sleep(0.25)");
	st = mkstep("wait", NULL);
	st.target = "srv";
	l = py_step_line(&st, NULL);
	CHECK_STR(l, "srv.join()  # wait for background step 'srv'");
	free(l);
	st = mkstep("kill", NULL);
	st.target = "srv";
	l = py_step_line(&st, NULL);
	CHECK_STR(l, "srv.kill()  # stop background step 'srv'");
	free(l);
	st = mkstep("recv", "conn");
	st.background = 1;
	st.id = "r1";
	json_t *args = json_pack("{s:i}", "size", 8);
	l = py_step_line(&st, args);
	CHECK_STR(l, "r1 = start(lambda: data = conn.recv(8))");
	free(l);
	json_decref(args);
}

UNIT_TEST(results_as_python_shows_them)
{
	char want[300], text[256];

	errname_pyformat(98, text, sizeof text);
	RESULT("bind", "{\"ok\": false, \"errno\": 98}", text);
	CHECK(strstr(text, "Address already in use") != NULL);
	snprintf(want, sizeof want, "%s (the step's timeout passed)", (errname_pyformat(ERR_TIMEOUT, text, sizeof text), text));
	RESULT("recv", "{\"ok\": false, \"errno\": -1000, \"timeout_reason\": \"step timeout\"}", want);
	RESULT("recv", "{\"ok\": true, \"data\": \"aGk=\"}", "b'hi'");
	RESULT("recvfrom", "{\"ok\": true, \"data\": \"aGk=\", \"from\": {\"ip\": \"10.10.0.100\", \"port\": 5000}}",
	    "(b'hi', ('10.10.0.100', 5000))");
	RESULT("send", "{\"ok\": true, \"ret\": 5}", "5");
	RESULT("getsockname", "{\"ok\": true, \"ret\": {\"ip\": \"10.10.0.100\", \"port\": 4000}}", "('10.10.0.100', 4000)");
	RESULT("close", "{\"ok\": true, \"ret\": null}", "None");
	RESULT("accept", "{\"ok\": true, \"as\": \"conn\", \"peer\": {\"ip\": \"10.10.0.100\", \"port\": 41000}}",
	    "(<socket conn>, ('10.10.0.100', 41000))");
	RESULT("socket", "{\"ok\": true, \"fd\": 7}", "<socket fd=7>");
	RESULT("kill", "{\"ok\": true}", "None  (stopped)");
	RESULT("exec", "{\"ok\": true, \"exit\": 0, \"seconds\": 0.5, \"stdout_len\": 10, \"stderr_len\": 2}",
	    "exit 0 (0.50 s, 12 bytes of output)");
	RESULT("exec", "{\"ok\": true, \"signal\": \"KILL\", \"seconds\": 1.0}", "killed by SIGKILL (1.00 s)");
	RESULT("exec", "{\"ok\": true, \"timed_out\": true, \"seconds\": 5.0}",
	    "still running after the step's timeout: stopped (5.00 s)");
	/* a crash: its exit and the end of its stderr; a kill that found it ended says how it ended */
	RESULT("exec", "{\"ok\": false, \"exit\": 1, \"seconds\": 0.5, \"stdout_len\": 0, \"stderr_len\": 51, "
	    "\"stderr_b64\": \"VHJhY2ViYWNrIChtb3N0IHJlY2VudCBjYWxsIGxhc3QpOgpWYWx1ZUVycm9yOiBiYWQK\"}",
	    "exit 1 (0.50 s, 51 bytes of output); stderr ends: Traceback (most recent call last): | ValueError: bad");
	RESULT("kill", "{\"ok\": true, \"ended\": true, \"target\": {\"exit\": 1, \"seconds\": 0.5, "
	    "\"stderr_b64\": \"VHJhY2ViYWNrIChtb3N0IHJlY2VudCBjYWxsIGxhc3QpOgpWYWx1ZUVycm9yOiBiYWQK\"}}",
	    "None  (it had already ended: exit 1 (0.50 s, 0 bytes of output); stderr ends: "
	    "Traceback (most recent call last): | ValueError: bad)");
	RESULT("exec", "{\"ok\": false, \"exit\": 2, \"seconds\": 0.0, \"missing\": \"s.py\", "
	    "\"workdir_files\": [\"srv.py\"], \"workdir_files_total\": 1}",
	    "exit 2 (0.00 s, 0 bytes of output); FileNotFoundError: [Errno 2] No such file or directory: 's.py' "
	    "(the work directory holds: srv.py)");
	RESULT("put", "{\"ok\": true, \"files\": 1, \"bytes\": 300}", "1 file, 300 bytes");
	RESULT("put", "{\"ok\": true, \"files\": 3, \"bytes\": 900}", "3 files, 900 bytes");
	RESULT("connect", "{\"ok\": false, \"agent_error\": \"no such socket: s\"}", "agent error: no such socket: s");
	RESULT("recvfrom", "{\"ok\": true, \"data\": \"aGk=\", \"from\": null}", "(b'hi', None)");
}

/* an address written as a pair with a name, and the exceptions CPython raises for an address */
UNIT_TEST(addresses_by_name_and_their_failures)
{
	LINE("connect", "c", "{\"addr\": {\"host\": \"juliet\", \"port\": 4000}}", "c.connect(('juliet', 4000))");
	LINE("bind", "c", "{\"addr\": {\"host\": \"\", \"port\": 0}}", "c.bind(('', 0))");
	LINE("sendto", "u", "{\"data\": \"aGk=\", \"to\": {\"host\": \"romeo\", \"port\": 5000}}",
	    "sent = u.sendto(b'hi', ('romeo', 5000))");
	LINE("connect_ex", "c", "{\"addr\": {\"host\": \"localhost\", \"port\": 80}}", "n = c.connect_ex(('localhost', 80))");
	RESULT("connect", "{\"ok\": false, \"errno\": -9, \"error\": \"gaierror\", "
	    "\"python\": \"socket.gaierror: [Errno -9] Address family for hostname not supported\"}",
	    "socket.gaierror: [Errno -9] Address family for hostname not supported");
	RESULT("connect", "{\"ok\": false, \"errno\": 0, \"error\": \"TypeError\", "
	    "\"python\": \"TypeError: AF_INET address must be a pair (host, port)\"}",
	    "TypeError: AF_INET address must be a pair (host, port)");
	RESULT("sendto", "{\"ok\": false, \"errno\": 0, \"error\": \"OSError\", "
	    "\"python\": \"OSError: address family mismatched\"}", "OSError: address family mismatched");
}

int
main(void)
{
	UNIT_RUN(every_operation_has_a_row_with_handlers);
	UNIT_RUN(socket_calls_as_python_lines);
	UNIT_RUN(programs_files_and_background_steps_as_python_lines);
	UNIT_RUN(results_as_python_shows_them);
	UNIT_RUN(floats_as_python_repr_shows_them);
	UNIT_RUN(resolver_results_as_python_shows_them);
	UNIT_RUN(addresses_by_name_and_their_failures);
	return UNIT_END();
}
