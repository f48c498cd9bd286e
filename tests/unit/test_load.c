/*
 * test_load.c — unit tests of the experiment loader (controller/load.c)
 * through expt_load() on small experiments written to /tmp: the data forms
 * (string, hex, pack, repeat, file), ${var} substitution with -D overrides,
 * and repeat expansion with ${i}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expt.h"
#include "util.h"
#include "unit.h"

#define HOSTS "hosts:\n  romeo: 10.10.0.100\n  juliet: 10.10.0.101\n"

/* Writes text to a new file in /tmp; returns its path (caller frees), NULL on failure. */
static char *
write_temp(const char *text)
{
	char *path = xstrdup("/tmp/verona-test-load-XXXXXX.yaml");
	int fd = mkstemps(path, 5);
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		perror("write_temp");
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

/* Loads path; prints the errors when there are some (the test then fails). */
static struct experiment *
load_path(const char *path, json_t *defines)
{
	struct errlist errs = { NULL, 0 };
	struct experiment *x = expt_load(path, defines, &errs);
	errlist_print(&errs, stderr);
	CHECK(x != NULL);
	CHECK_INT(errs.n, 0);
	errlist_free(&errs);
	return x;
}

/* Loads text from a temporary file, removed again before returning. */
static struct experiment *
load_text(const char *text, json_t *defines)
{
	char *path = write_temp(text);
	struct experiment *x;

	CHECK(path != NULL);
	if (path == NULL)
		return NULL;
	x = load_path(path, defines);
	unlink(path);
	free(path);
	return x;
}

/* The first step of x with this op, or NULL. */
static const struct step *
find_step(const struct experiment *x, const char *op)
{
	for (size_t i = 0; x != NULL && i < x->nsteps; i++)
		if (strcmp(x->steps[i].op, op) == 0)
			return &x->steps[i];
	CHECK(!"no such step");
	return NULL;
}

UNIT_TEST(test_string)
{
	struct experiment *x = load_text(HOSTS
	    "steps:\n"
	    "  - romeo: {socket: sock, type: udp}\n"
	    "  - romeo: {sendto: sock, data: \"But, soft! \\u00e9\", to: \"juliet:4000\"}\n"
	    "  - romeo: {recv: sock, size: 64, expect: {data: plain text}}\n", NULL);
	const struct step *st;

	if (x == NULL)
		return;
	CHECK_INT(x->nsteps, 3);
	st = find_step(x, "sendto");
	/* a YAML string is sent as its UTF-8 bytes */
	CHECK_MEM(st->data.p, st->data.len, "But, soft! \xc3\xa9", 13);
	CHECK(st->data.set);
	CHECK_STR(st->host, "romeo");
	CHECK_STR(st->sock, "sock");
	CHECK_STR(st->to->host, "juliet");
	CHECK_INT(st->to->port, 4000);
	st = find_step(x, "recv");
	CHECK_MEM(st->expect.data.p, st->expect.data.len, "plain text", 10);
	CHECK(!st->data.set);
	expt_free(x);
}

UNIT_TEST(test_hex)
{
	struct experiment *x = load_text(HOSTS
	    "steps:\n"
	    "  - romeo: {socket: sock, type: udp}\n"
	    "  - romeo: {sendto: sock, data: {hex: \"01 02 ff\"}, to: \"juliet:4000\"}\n"
	    "  - romeo: {recv: sock, size: 4, expect: {data: {hex: \"DEAD:beef\"}}}\n", NULL);
	const struct step *st;

	if (x == NULL)
		return;
	st = find_step(x, "sendto");
	CHECK_MEM(st->data.p, st->data.len, "\x01\x02\xff", 3);
	st = find_step(x, "recv");
	CHECK_MEM(st->expect.data.p, st->expect.data.len, "\xde\xad\xbe\xef", 4);
	expt_free(x);
}

UNIT_TEST(test_pack)
{
	struct experiment *x = load_text(HOSTS
	    "steps:\n"
	    "  - romeo: {socket: sock, type: udp}\n"
	    "  - romeo: {sendto: sock, data: {pack: \"=iif\", values: [1, 4, 2.7]}, to: \"juliet:4000\"}\n"
	    "  - romeo: {sendto: sock, data: {pack: \"!HH\", values: [4000, 65535]}, to: \"juliet:4000\"}\n",
	    NULL);
	/* struct.pack("=iif", 1, 4, 2.7) on x86-64 */
	static const unsigned char want[12] = {
		0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xcd, 0xcc, 0x2c, 0x40,
	};

	if (x == NULL)
		return;
	CHECK_INT(x->nsteps, 3);
	CHECK_MEM(x->steps[1].data.p, x->steps[1].data.len, want, sizeof want);
	CHECK_MEM(x->steps[2].data.p, x->steps[2].data.len, "\x0f\xa0\xff\xff", 4);
	expt_free(x);
}

UNIT_TEST(test_repeat_data)
{
	struct experiment *x = load_text(HOSTS
	    "steps:\n"
	    "  - romeo: {socket: sock, type: tcp}\n"
	    "  - romeo: {connect: sock, addr: \"juliet:4000\"}\n"
	    "  - romeo: {sendall: sock, data: {repeat: \"ab\", count: 3}}\n"
	    "  - romeo: {sendall: sock, data: {repeat: \"0123456789abcdef\", count: 65536}}\n"
	    "  - romeo: {sendall: sock, data: {repeat: \"x\", count: 0}}\n", NULL);
	const struct step *st;

	if (x == NULL)
		return;
	CHECK_INT(x->nsteps, 5);
	st = &x->steps[2];
	CHECK_MEM(st->data.p, st->data.len, "ababab", 6);
	st = &x->steps[3];
	CHECK_INT(st->data.len, 1048576);
	if (st->data.len == 1048576) {
		CHECK(memcmp(st->data.p, "0123456789abcdef", 16) == 0);
		CHECK(memcmp(st->data.p + 1048576 - 16, "0123456789abcdef", 16) == 0);
	}
	st = &x->steps[4];
	CHECK(st->data.set);
	CHECK_INT(st->data.len, 0);
	expt_free(x);
}

UNIT_TEST(test_file)
{
	char dir[] = "/tmp/verona-test-load-XXXXXX";
	char *expt = NULL, *payload = NULL;
	static const unsigned char bytes[] = { 'h', 'i', 0x00, 0xff, '\n' };
	static const char text[] = HOSTS
	    "steps:\n"
	    "  - romeo: {socket: sock, type: udp}\n"
	    "  - romeo: {sendto: sock, data: {file: payload.bin}, to: \"juliet:4000\"}\n";
	struct experiment *x;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	/* the data file is found beside the experiment, not in the working directory */
	payload = xasprintf("%s/payload.bin", dir);
	expt = xasprintf("%s/expt.yaml", dir);
	if ((f = fopen(payload, "wb")) != NULL) {
		fwrite(bytes, 1, sizeof bytes, f);
		fclose(f);
	}
	if ((f = fopen(expt, "w")) != NULL) {
		fputs(text, f);
		fclose(f);
	}
	x = load_path(expt, NULL);
	if (x != NULL) {
		CHECK_STR(x->dir, dir);
		CHECK_STR(x->name, "expt");
		CHECK_MEM(x->steps[1].data.p, x->steps[1].data.len, bytes, sizeof bytes);
		expt_free(x);
	}
	unlink(payload);
	unlink(expt);
	rmdir(dir);
	free(payload);
	free(expt);
}

UNIT_TEST(test_vars)
{
	static const char text[] = HOSTS
	    "vars:\n"
	    "  port: 4000\n"
	    "  who: romeo\n"
	    "  msg: \"hello from ${who}\"\n"
	    "  size: 1024\n"
	    "steps:\n"
	    "  - juliet: {socket: sock, type: udp}\n"
	    "  - juliet: {bind: sock, addr: \"juliet:${port}\"}\n"
	    "  - romeo: {socket: sock, type: udp}\n"
	    "  - romeo: {sendto: sock, data: \"${msg}\", to: \"juliet:${port}\"}\n"
	    "  - juliet: {recvfrom: sock, size: \"${size}\", expect: {data: \"${msg}\", from: romeo.sock}}\n"
	    "  - juliet: {send: sock, data: \"$${port} is ${port}\"}\n";
	json_t *defines = json_pack("{s:s, s:s}", "port", "5000", "who", "juliet");
	struct experiment *x;
	const struct step *st;

	/* the file's own values */
	x = load_text(text, NULL);
	if (x != NULL) {
		CHECK_INT(find_step(x, "bind")->addr->port, 4000);
		st = find_step(x, "sendto");
		CHECK_MEM(st->data.p, st->data.len, "hello from romeo", 16);
		CHECK_STR(json_string_value(json_object_get(x->vars, "port")), "4000");
		expt_free(x);
	}

	/* -D port=5000 -D who=juliet win over vars, also inside other vars */
	x = load_text(text, defines);
	if (x != NULL) {
		st = find_step(x, "bind");
		CHECK_INT(st->addr->port, 5000);
		CHECK_STR(st->addr->text, "juliet:5000");
		st = find_step(x, "sendto");
		CHECK_MEM(st->data.p, st->data.len, "hello from juliet", 17);
		CHECK_INT(st->to->port, 5000);
		st = find_step(x, "recvfrom");
		CHECK_INT(json_integer_value(json_object_get(st->args, "size")), 1024);
		CHECK_MEM(st->expect.data.p, st->expect.data.len, "hello from juliet", 17);
		CHECK_STR(st->expect.from->host, "romeo");
		CHECK_STR(st->expect.from->sock, "sock");
		st = find_step(x, "send");
		CHECK_MEM(st->data.p, st->data.len, "${port} is 5000", 15);
		CHECK_STR(json_string_value(json_object_get(x->vars, "port")), "5000");
		CHECK_STR(json_string_value(json_object_get(x->vars, "msg")), "hello from juliet");
		CHECK_STR(json_string_value(json_object_get(x->defines, "port")), "5000");
		expt_free(x);
	}
	json_decref(defines);
}

UNIT_TEST(test_repeat_steps)
{
	struct experiment *x = load_text(HOSTS
	    "vars: {n: 3}\n"
	    "steps:\n"
	    "  - romeo: {socket: sock, type: udp}\n"
	    "  - juliet: {socket: sock, type: udp}\n"
	    "  - juliet: {bind: sock, addr: \"juliet:4000\"}\n"
	    "  - repeat:\n"
	    "      count: ${n}\n"
	    "      steps:\n"
	    "        - romeo: {sendto: sock, data: \"message ${i}\", to: \"juliet:4000\"}\n"
	    "        - juliet: {recvfrom: sock, size: 64, expect: {data: \"message ${i}\"}}\n"
	    "  - repeat:\n"
	    "      count: 2\n"
	    "      steps:\n"
	    "        - repeat:\n"
	    "            count: 2\n"
	    "            var: j\n"
	    "            steps:\n"
	    "              - romeo: {sendto: sock, data: \"${i}.${j}\", to: \"juliet:400${j}\"}\n"
	    "  - repeat: {count: 0, steps: [romeo: {close: sock}]}\n"
	    "  - romeo: {close: sock}\n", NULL);
	static const char *const nested[] = { "0.0", "0.1", "1.0", "1.1" };

	if (x == NULL)
		return;
	/* 3 + 3 rounds of 2 + 2x2 + 0 + 1 */
	CHECK_INT(x->nsteps, 3 + 6 + 4 + 1);
	for (size_t i = 0; i < x->nsteps; i++)
		CHECK_INT(x->steps[i].number, i + 1);
	for (int i = 0; i < 3; i++) {
		const struct step *send = &x->steps[3 + 2 * i], *recv = &x->steps[4 + 2 * i];
		char *want = xasprintf("message %d", i);
		CHECK_STR(send->op, "sendto");
		CHECK_STR(send->host, "romeo");
		CHECK_MEM(send->data.p, send->data.len, want, strlen(want));
		CHECK_STR(recv->op, "recvfrom");
		CHECK_STR(recv->host, "juliet");
		CHECK_MEM(recv->expect.data.p, recv->expect.data.len, want, strlen(want));
		/* every round's step points at the same line of the file */
		CHECK_INT(send->pos.line, 12);
		CHECK_INT(recv->pos.line, 13);
		free(want);
	}
	for (int k = 0; k < 4; k++) {
		const struct step *st = &x->steps[9 + k];
		CHECK_MEM(st->data.p, st->data.len, nested[k], 3);
		CHECK_INT(st->to->port, 4000 + k % 2);
	}
	CHECK_STR(x->steps[13].op, "close");
	CHECK_INT(x->steps[13].pos.line, 23);
	expt_free(x);
}

/* A wait with no timeout of its own may take as long as the step it collects. */
UNIT_TEST(test_wait_timeout)
{
	struct experiment *x = load_text(HOSTS "steps:\n"
	    "  - juliet: {socket: s, type: udp}\n"
	    "  - juliet: {recv: s, size: 10, background: true, id: r, timeout: 9}\n"
	    "  - juliet: {wait: r}\n"
	    "  - juliet: {recv: s, size: 10, background: true, id: q}\n"
	    "  - juliet: {wait: q, timeout: 2}\n", NULL);
	if (x == NULL)
		return;
	CHECK_INT(x->nsteps, 5);
	CHECK(x->steps[2].timeout == 9);
	CHECK(x->steps[4].timeout == 2);
	expt_free(x);
}

UNIT_TEST(test_errors)
{
	char *path = write_temp(HOSTS
	    "steps:\n"
	    "  - romo: {socket: sock}\n"
	    "  - romeo: {recv: sock, size: 10}\n");
	struct errlist errs = { NULL, 0 };
	struct experiment *x;
	char *want;

	if (path == NULL)
		return;
	x = expt_load(path, NULL, &errs);
	CHECK(x == NULL);
	CHECK_INT(errs.n, 2);
	if (errs.n == 2) {
		want = xasprintf("%s:5:5: unknown host 'romo' (hosts: romeo, juliet)", path);
		CHECK_STR(errs.msgs[0], want);
		free(want);
		want = xasprintf("%s:6:19: recv: romeo has no socket 'sock' at this point "
		    "(create it with socket first)", path);
		CHECK_STR(errs.msgs[1], want);
		free(want);
	}
	errlist_free(&errs);
	expt_free(x);
	unlink(path);
	free(path);
}

int
main(void)
{
	UNIT_RUN(test_string);
	UNIT_RUN(test_hex);
	UNIT_RUN(test_pack);
	UNIT_RUN(test_repeat_data);
	UNIT_RUN(test_file);
	UNIT_RUN(test_vars);
	UNIT_RUN(test_repeat_steps);
	UNIT_RUN(test_wait_timeout);
	UNIT_RUN(test_errors);
	return UNIT_END();
}
