/*
 * test_seal.c — unit tests for common/seal.c: key files (written private,
 * never over a file, refused when others may read them or when they are not
 * keys), the handshake between both sides over a socketpair (and its failure
 * with different keys, seen by both sides), and sealed frames that survive a
 * round trip but not a flipped bit, a replay or a reordering.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proto.h"
#include "seal.h"
#include "util.h"
#include "unit.h"

static char dir[] = "/tmp/verona-test-seal-XXXXXX";

static char *
path_in_dir(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

UNIT_TEST(key_files)
{
	char err[512];
	unsigned char k1[SEAL_KEY_BYTES], k2[SEAL_KEY_BYTES];
	char *p = path_in_dir("k"), *q = path_in_dir("open"), *r = path_in_dir("junk");
	struct stat sb;

	CHECK_INT(seal_key_generate(p, err, sizeof err), 0);
	CHECK(stat(p, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	CHECK_INT(seal_key_generate(p, err, sizeof err), -1);
	CHECK(strstr(err, "not replacing an existing key") != NULL);
	CHECK_INT(seal_key_load(p, k1, err, sizeof err), 0);
	CHECK_INT(seal_key_load(p, k2, err, sizeof err), 0);
	CHECK_MEM(k1, sizeof k1, k2, sizeof k2);

	/* a copy others may read */
	size_t n;
	char *text = file_read_all(p, &n, 4096);
	int fd = open(q, O_WRONLY | O_CREAT | O_EXCL, 0644);
	CHECK(fd >= 0 && write(fd, text, n) == (ssize_t)n);
	close(fd);
	chmod(q, 0644);
	CHECK_INT(seal_key_load(q, k2, err, sizeof err), -1);
	CHECK(strstr(err, "may be read by others (mode 0644); chmod 600 it") != NULL);

	/* not a key: short, wrong tag, bad hex */
	static const char *const bad[] = {
		"verona-key-1 abcd\n",
		"ssh-ed25519 AAAA\n",
		"verona-key-1 zz00000000000000000000000000000000000000000000000000000000000000\n",
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		unlink(r);
		fd = open(r, O_WRONLY | O_CREAT | O_EXCL, 0600);
		CHECK(fd >= 0 && write(fd, bad[i], strlen(bad[i])) == (ssize_t)strlen(bad[i]));
		close(fd);
		CHECK_INT(seal_key_load(r, k2, err, sizeof err), -1);
		CHECK(strstr(err, "is not a verona key") != NULL);
	}
	CHECK_INT(seal_key_load(dir, k2, err, sizeof err), -1);
	CHECK(strstr(err, "not a regular file") != NULL);
	free(text);
	unlink(p);
	unlink(q);
	unlink(r);
	free(p);
	free(q);
	free(r);
}

struct side {
	int		 fd;
	unsigned char	 key[SEAL_KEY_BYTES];
	struct seal	 seal;
	struct frame_reader rd;
	int		 rc;
	char		 err[256];
};

static void *
agent_side(void *arg)
{
	struct side *s = arg;
	frame_reader_init(&s->rd, SEAL_AUTH_MAX);
	s->rc = seal_handshake_agent(s->fd, &s->rd, s->key, &s->seal, time_mono_ns() + 2000000000LL,
	    s->err, sizeof s->err);
	return NULL;
}

/* Runs both sides of a handshake; returns the controller's rc. */
static int
handshake(struct side *a, struct side *c)
{
	int sv[2];
	pthread_t th;

	CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	a->fd = sv[0];
	c->fd = sv[1];
	pthread_create(&th, NULL, agent_side, a);
	frame_reader_init(&c->rd, SEAL_AUTH_MAX);
	c->rc = seal_handshake_controller(c->fd, c->fd, &c->rd, c->key, &c->seal, time_mono_ns() + 2000000000LL,
	    c->err, sizeof c->err);
	if (c->rc != 0)
		shutdown(c->fd, SHUT_RDWR);
	pthread_join(th, NULL);
	return c->rc;
}

static void
sides_free(struct side *a, struct side *c)
{
	close(a->fd);
	close(c->fd);
	frame_reader_free(&a->rd);
	frame_reader_free(&c->rd);
}

/* Delivers one encoded frame to r and reads it back through the seal. */
static int
deliver(struct seal *s, struct frame_reader *r, const unsigned char *f, size_t n, json_t **out, char *err,
    size_t errlen)
{
	frame_reader_feed(r, f, n);
	return seal_frame_next(s, r, out, err, errlen);
}

UNIT_TEST(handshake_and_sealed_frames)
{
	struct side a, c;
	json_t *m, *got;
	unsigned char *f1, *f2;
	size_t n1, n2;
	char err[256];

	memset(&a, 0, sizeof a);
	memset(&c, 0, sizeof c);
	randombytes_buf(a.key, sizeof a.key);
	memcpy(c.key, a.key, sizeof a.key);
	CHECK_INT(handshake(&a, &c), 0);
	CHECK_INT(a.rc, 0);
	CHECK_INT(c.rd.limit, FRAME_MAX);

	/* controller -> agent, twice, in order */
	m = json_pack("{s:s, s:i}", "type", "step", "seq", 1);
	f1 = seal_frame_encode(&c.seal, m, &n1);
	f2 = seal_frame_encode(&c.seal, m, &n2);
	CHECK(n1 == n2 && memcmp(f1, f2, n1) != 0);	/* the same message never looks the same */
	CHECK(memmem(f1, n1, "step", 4) == NULL);	/* nor can it be read */
	CHECK_INT(deliver(&a.seal, &a.rd, f1, n1, &got, err, sizeof err), 1);
	CHECK(got != NULL && json_equal(got, m));
	json_decref(got);
	/* replaying f1 fails: the stream expects the second message */
	CHECK_INT(deliver(&a.seal, &a.rd, f1, n1, &got, err, sizeof err), -1);
	CHECK(strstr(err, "does not authenticate") != NULL);
	free(f1);
	free(f2);

	/* agent -> controller: a flipped bit fails */
	f1 = seal_frame_encode(&a.seal, m, &n1);
	f1[n1 / 2] ^= 0x20;
	CHECK_INT(deliver(&c.seal, &c.rd, f1, n1, &got, err, sizeof err), -1);
	free(f1);
	json_decref(m);
	sides_free(&a, &c);
}

UNIT_TEST(reordered_frames_fail)
{
	struct side a, c;
	json_t *m1 = json_pack("{s:s, s:i}", "type", "step", "seq", 1), *m2 = json_pack("{s:s, s:i}", "type", "step", "seq", 2);
	json_t *got;
	unsigned char *f1, *f2;
	size_t n1, n2;
	char err[256];

	memset(&a, 0, sizeof a);
	memset(&c, 0, sizeof c);
	randombytes_buf(a.key, sizeof a.key);
	memcpy(c.key, a.key, sizeof a.key);
	CHECK_INT(handshake(&a, &c), 0);
	f1 = seal_frame_encode(&c.seal, m1, &n1);
	f2 = seal_frame_encode(&c.seal, m2, &n2);
	CHECK_INT(deliver(&a.seal, &a.rd, f2, n2, &got, err, sizeof err), -1);
	free(f1);
	free(f2);
	json_decref(m1);
	json_decref(m2);
	sides_free(&a, &c);
}

UNIT_TEST(different_keys_fail_on_both_sides)
{
	struct side a, c;

	memset(&a, 0, sizeof a);
	memset(&c, 0, sizeof c);
	randombytes_buf(a.key, sizeof a.key);
	randombytes_buf(c.key, sizeof c.key);
	CHECK_INT(handshake(&a, &c), -1);
	CHECK_INT(a.rc, -1);
	CHECK(strstr(a.err, "wrong key") != NULL);
	CHECK(strstr(c.err, "the agent refused our key") != NULL);
	sides_free(&a, &c);
}

UNIT_TEST(a_peer_that_is_not_an_agent)
{
	struct side c;
	int sv[2];
	json_t *m = json_pack("{s:s, s:i}", "type", "hello", "version", 1);

	memset(&c, 0, sizeof c);
	CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_INT(frame_write(sv[0], m), 0);	/* a plain agent says hello-ish things, not a challenge */
	frame_reader_init(&c.rd, SEAL_AUTH_MAX);
	CHECK_INT(seal_handshake_controller(sv[1], sv[1], &c.rd, c.key, &c.seal, time_mono_ns() + 500000000LL,
	    c.err, sizeof c.err), -1);
	CHECK(strstr(c.err, "did not send a challenge") != NULL);
	frame_reader_free(&c.rd);
	/* and one that says nothing runs into the deadline */
	frame_reader_init(&c.rd, SEAL_AUTH_MAX);
	CHECK_INT(seal_handshake_controller(sv[1], sv[1], &c.rd, c.key, &c.seal, time_mono_ns() + 100000000LL,
	    c.err, sizeof c.err), -1);
	CHECK(strstr(c.err, "within the handshake's time limit") != NULL);
	frame_reader_free(&c.rd);
	close(sv[0]);
	close(sv[1]);
	json_decref(m);
}

int
main(void)
{
	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		return 1;
	UNIT_RUN(key_files);
	UNIT_RUN(handshake_and_sealed_frames);
	UNIT_RUN(reordered_frames_fail);
	UNIT_RUN(different_keys_fail_on_both_sides);
	UNIT_RUN(a_peer_that_is_not_an_agent);
	rmdir(dir);
	return UNIT_END();
}
