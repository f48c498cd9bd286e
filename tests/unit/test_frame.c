/*
 * test_frame.c — unit tests for common/frame.c: frames encoded and decoded
 * whole, byte by byte and split across feeds, and the stream errors the
 * reader must refuse (a length over the limit before the payload arrives,
 * a zero length, a payload that is not a JSON object).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frame.h"
#include "util.h"
#include "unit.h"

#define LIMIT 1024

/* An encoded frame of {"op": op, "n": n}; caller frees. */
static unsigned char *
make_frame(const char *op, int n, size_t *lenp)
{
	json_t *obj = json_pack("{s:s, s:i}", "op", op, "n", n);
	unsigned char *f = frame_encode(obj, lenp);
	json_decref(obj);
	return f;
}

/* A frame of raw payload bytes, length prefix included; caller frees. */
static unsigned char *
raw_frame(const char *payload, size_t *lenp)
{
	size_t n = strlen(payload);
	unsigned char *f = xmalloc(n + 4);
	f[0] = (unsigned char)(n >> 24);
	f[1] = (unsigned char)(n >> 16);
	f[2] = (unsigned char)(n >> 8);
	f[3] = (unsigned char)n;
	memcpy(f + 4, payload, n);
	*lenp = n + 4;
	return f;
}

static void
check_obj(json_t *obj, const char *op, int n)
{
	CHECK(json_is_object(obj));
	CHECK_STR(json_string_value(json_object_get(obj, "op")), op);
	CHECK_INT(json_integer_value(json_object_get(obj, "n")), n);
}

UNIT_TEST(test_encode)
{
	json_t *obj = json_pack("{s:s}", "op", "hello");
	size_t len;
	unsigned char *f = frame_encode(obj, &len);
	static const unsigned char want[] = "\0\0\0\x0e{\"op\":\"hello\"}";

	/* 4-byte big-endian length, then the compact JSON */
	CHECK_MEM(f, len, want, sizeof want - 1);
	free(f);
	json_decref(obj);
}

UNIT_TEST(test_one)
{
	struct frame_reader r;
	size_t len;
	unsigned char *f = make_frame("hello", 1, &len);
	json_t *obj = NULL;
	char err[256] = "";

	frame_reader_init(&r, LIMIT);
	CHECK_INT(frame_reader_next(&r, &obj, err, sizeof err), 0);
	frame_reader_feed(&r, f, len);
	CHECK_INT(frame_reader_next(&r, &obj, err, sizeof err), 1);
	check_obj(obj, "hello", 1);
	json_decref(obj);
	/* nothing left */
	CHECK_INT(frame_reader_next(&r, &obj, err, sizeof err), 0);
	CHECK(obj == NULL);
	CHECK_INT(r.in.len, 0);
	frame_reader_free(&r);
	free(f);
}

UNIT_TEST(test_several_byte_by_byte)
{
	struct frame_reader r;
	struct buf stream;
	json_t *obj;
	char err[256] = "";
	int got = 0;

	buf_init(&stream);
	for (int i = 0; i < 5; i++) {
		size_t len;
		unsigned char *f = make_frame(i % 2 ? "recv" : "send", i, &len);
		buf_add(&stream, f, len);
		free(f);
	}
	frame_reader_init(&r, LIMIT);
	for (size_t i = 0; i < stream.len; i++) {
		int rc;
		frame_reader_feed(&r, stream.data + i, 1);
		while ((rc = frame_reader_next(&r, &obj, err, sizeof err)) == 1) {
			check_obj(obj, got % 2 ? "recv" : "send", got);
			json_decref(obj);
			got++;
		}
		CHECK_INT(rc, 0);
	}
	CHECK_INT(got, 5);
	CHECK_INT(r.in.len, 0);
	frame_reader_free(&r);
	buf_free(&stream);
}

UNIT_TEST(test_several_in_one_feed)
{
	struct frame_reader r;
	struct buf stream;
	json_t *obj;
	char err[256] = "";

	buf_init(&stream);
	for (int i = 0; i < 3; i++) {
		size_t len;
		unsigned char *f = make_frame("op", i, &len);
		buf_add(&stream, f, len);
		free(f);
	}
	frame_reader_init(&r, LIMIT);
	frame_reader_feed(&r, stream.data, stream.len);
	for (int i = 0; i < 3; i++) {
		CHECK_INT(frame_reader_next(&r, &obj, err, sizeof err), 1);
		check_obj(obj, "op", i);
		json_decref(obj);
	}
	CHECK_INT(frame_reader_next(&r, &obj, err, sizeof err), 0);
	frame_reader_free(&r);
	buf_free(&stream);
}

UNIT_TEST(test_split_across_feeds)
{
	struct frame_reader r;
	size_t len, len2;
	unsigned char *f = make_frame("connect", 42, &len);
	unsigned char *f2 = make_frame("close", 43, &len2);
	json_t *obj = NULL;
	char err[256] = "";

	frame_reader_init(&r, LIMIT);
	/* 2 bytes of the length, then the rest of the length and part of the payload */
	frame_reader_feed(&r, f, 2);
	CHECK_INT(frame_reader_next(&r, &obj, err, sizeof err), 0);
	frame_reader_feed(&r, f + 2, 7);
	CHECK_INT(frame_reader_next(&r, &obj, err, sizeof err), 0);
	CHECK(obj == NULL);
	/* the end of the frame arrives together with the start of the next */
	frame_reader_feed(&r, f + 9, len - 9);
	frame_reader_feed(&r, f2, 5);
	CHECK_INT(frame_reader_next(&r, &obj, err, sizeof err), 1);
	check_obj(obj, "connect", 42);
	json_decref(obj);
	CHECK_INT(frame_reader_next(&r, &obj, err, sizeof err), 0);
	frame_reader_feed(&r, f2 + 5, len2 - 5);
	CHECK_INT(frame_reader_next(&r, &obj, err, sizeof err), 1);
	check_obj(obj, "close", 43);
	json_decref(obj);
	frame_reader_free(&r);
	free(f);
	free(f2);
}

UNIT_TEST(test_over_limit)
{
	struct frame_reader r;
	/* 1025 = LIMIT + 1: refused from the 4 length bytes alone */
	static const unsigned char len1025[] = { 0x00, 0x00, 0x04, 0x01 };
	static const unsigned char huge[] = { 0xff, 0xff, 0xff, 0xff };
	json_t *obj = NULL;
	char err[256] = "";

	frame_reader_init(&r, LIMIT);
	frame_reader_feed(&r, len1025, 3);
	CHECK_INT(frame_reader_next(&r, &obj, err, sizeof err), 0);
	frame_reader_feed(&r, len1025 + 3, 1);
	CHECK_INT(frame_reader_next(&r, &obj, err, sizeof err), -1);
	CHECK(obj == NULL);
	CHECK_STR(err, "frame length 1025 over the limit of 1024 bytes");
	frame_reader_free(&r);

	frame_reader_init(&r, LIMIT);
	frame_reader_feed(&r, huge, sizeof huge);
	CHECK_INT(frame_reader_next(&r, &obj, err, sizeof err), -1);
	CHECK_STR(err, "frame length 4294967295 over the limit of 1024 bytes");
	frame_reader_free(&r);
}

UNIT_TEST(test_at_limit)
{
	struct frame_reader r;
	json_t *obj = NULL, *big = json_object();
	char err[256] = "", *pad;
	size_t len, padlen;
	unsigned char *f;

	/* {"p":"xx...x"} is exactly LIMIT bytes: 8 bytes of syntax around the pad */
	padlen = LIMIT - 8;
	pad = xmalloc(padlen + 1);
	memset(pad, 'x', padlen);
	pad[padlen] = '\0';
	json_object_set_new(big, "p", json_string(pad));
	f = frame_encode(big, &len);
	CHECK_INT(len, LIMIT + 4);
	frame_reader_init(&r, LIMIT);
	frame_reader_feed(&r, f, len);
	CHECK_INT(frame_reader_next(&r, &obj, err, sizeof err), 1);
	CHECK(json_equal(obj, big));
	json_decref(obj);
	frame_reader_free(&r);
	free(f);
	free(pad);
	json_decref(big);
}

UNIT_TEST(test_zero_length)
{
	struct frame_reader r;
	static const unsigned char zero[] = { 0, 0, 0, 0 };
	json_t *obj = NULL;
	char err[256] = "";

	frame_reader_init(&r, LIMIT);
	frame_reader_feed(&r, zero, sizeof zero);
	CHECK_INT(frame_reader_next(&r, &obj, err, sizeof err), -1);
	CHECK(obj == NULL);
	CHECK_STR(err, "empty frame");
	frame_reader_free(&r);
}

UNIT_TEST(test_not_json)
{
	struct frame_reader r;
	size_t len;
	unsigned char *f = raw_frame("{\"op\": hello}", &len);
	json_t *obj = NULL;
	char err[256] = "";

	frame_reader_init(&r, LIMIT);
	frame_reader_feed(&r, f, len);
	CHECK_INT(frame_reader_next(&r, &obj, err, sizeof err), -1);
	CHECK(obj == NULL);
	CHECK(strncmp(err, "frame is not JSON: ", 19) == 0);
	frame_reader_free(&r);
	free(f);

	/* a duplicate key is refused too: the peer's meaning would be unclear */
	f = raw_frame("{\"op\": \"a\", \"op\": \"b\"}", &len);
	frame_reader_init(&r, LIMIT);
	frame_reader_feed(&r, f, len);
	CHECK_INT(frame_reader_next(&r, &obj, err, sizeof err), -1);
	CHECK(strncmp(err, "frame is not JSON: ", 19) == 0);
	frame_reader_free(&r);
	free(f);
}

UNIT_TEST(test_not_object)
{
	struct frame_reader r;
	size_t len;
	unsigned char *f = raw_frame("[1, 2, 3]", &len);
	json_t *obj = NULL;
	char err[256] = "";

	frame_reader_init(&r, LIMIT);
	frame_reader_feed(&r, f, len);
	CHECK_INT(frame_reader_next(&r, &obj, err, sizeof err), -1);
	CHECK(obj == NULL);
	CHECK_STR(err, "frame is not a JSON object");
	frame_reader_free(&r);
	free(f);

	/* jansson refuses a bare scalar as a JSON text already */
	static const char *const scalars[] = { "\"hello\"", "42", "null" };
	for (size_t i = 0; i < sizeof scalars / sizeof scalars[0]; i++) {
		f = raw_frame(scalars[i], &len);
		frame_reader_init(&r, LIMIT);
		frame_reader_feed(&r, f, len);
		CHECK_INT(frame_reader_next(&r, &obj, err, sizeof err), -1);
		CHECK(obj == NULL);
		CHECK(strncmp(err, "frame is not ", 13) == 0);
		frame_reader_free(&r);
		free(f);
	}
}

UNIT_TEST(test_write_fill)
{
	struct frame_reader r;
	json_t *obj = json_pack("{s:s, s:i}", "op", "sleep", "n", 7), *got = NULL;
	char err[256] = "";
	int fds[2];

	CHECK_INT(pipe(fds), 0);
	CHECK_INT(frame_write(fds[1], obj), 0);
	close(fds[1]);
	frame_reader_init(&r, LIMIT);
	CHECK(frame_reader_fill(&r, fds[0]) > 0);
	CHECK_INT(frame_reader_next(&r, &got, err, sizeof err), 1);
	CHECK(json_equal(got, obj));
	CHECK_INT(frame_reader_fill(&r, fds[0]), 0);	/* EOF */
	close(fds[0]);
	json_decref(got);
	json_decref(obj);
	frame_reader_free(&r);
}

int
main(void)
{
	UNIT_RUN(test_encode);
	UNIT_RUN(test_one);
	UNIT_RUN(test_several_byte_by_byte);
	UNIT_RUN(test_several_in_one_feed);
	UNIT_RUN(test_split_across_feeds);
	UNIT_RUN(test_over_limit);
	UNIT_RUN(test_at_limit);
	UNIT_RUN(test_zero_length);
	UNIT_RUN(test_not_json);
	UNIT_RUN(test_not_object);
	UNIT_RUN(test_write_fill);
	return UNIT_END();
}
