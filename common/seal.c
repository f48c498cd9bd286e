/* seal.c — keys, the mutual challenge-response and sealed frames; see seal.h. */
#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seal.h"
#include "proto.h"
#include "util.h"

#define KEY_TAG	"verona-key-1 "

typedef crypto_secretstream_xchacha20poly1305_state ss_state;

int
seal_key_generate(const char *path, char *err, size_t errlen)
{
	unsigned char key[SEAL_KEY_BYTES];
	char hex[2 * SEAL_KEY_BYTES + 1], line[sizeof KEY_TAG + sizeof hex + 1];
	int fd, n;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot start");
		return -1;
	}
	randombytes_buf(key, sizeof key);
	sodium_bin2hex(hex, sizeof hex, key, sizeof key);
	n = snprintf(line, sizeof line, "%s%s\n", KEY_TAG, hex);
	sodium_memzero(key, sizeof key);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
		    errno == EEXIST ? " (not replacing an existing key)" : "");
		sodium_memzero(line, sizeof line);
		return -1;
	}
	if (fchmod(fd, 0600) != 0 || fd_write_all(fd, line, (size_t)n) != 0 || fsync(fd) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		sodium_memzero(line, sizeof line);
		return -1;
	}
	sodium_memzero(line, sizeof line);
	close(fd);
	return 0;
}

int
seal_key_load(const char *path, unsigned char key[SEAL_KEY_BYTES], char *err, size_t errlen)
{
	char text[256];
	struct stat sb;
	ssize_t n;
	size_t got = 0;
	const char *end;
	int fd;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot start");
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "key file %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "key file %s: not a regular file", path);
		close(fd);
		return -1;
	}
	if ((sb.st_mode & 077) != 0) {
		snprintf(err, errlen, "key file %s may be read by others (mode %04o); chmod 600 it",
		    path, (unsigned)(sb.st_mode & 07777));
		close(fd);
		return -1;
	}
	n = read(fd, text, sizeof text - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "key file %s: %s", path, strerror(errno));
		return -1;
	}
	text[n] = '\0';
	if (strncmp(text, KEY_TAG, strlen(KEY_TAG)) != 0 ||
	    sodium_hex2bin(key, SEAL_KEY_BYTES, text + strlen(KEY_TAG), (size_t)n - strlen(KEY_TAG),
	    NULL, &got, &end) != 0 || got != SEAL_KEY_BYTES || (*end != '\n' && *end != '\0')) {
		snprintf(err, errlen, "key file %s is not a verona key (make one with verona keygen)", path);
		sodium_memzero(text, sizeof text);
		return -1;
	}
	sodium_memzero(text, sizeof text);
	return 0;
}

/* H(K, label | na | nc), 32 bytes. */
static void
derive(const unsigned char key[SEAL_KEY_BYTES], const char *label, const unsigned char na[SEAL_NONCE_BYTES],
    const unsigned char nc[SEAL_NONCE_BYTES], unsigned char out[32])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, key, SEAL_KEY_BYTES, 32);
	crypto_generichash_update(&st, (const unsigned char *)label, strlen(label) + 1);
	crypto_generichash_update(&st, na, SEAL_NONCE_BYTES);
	crypto_generichash_update(&st, nc, SEAL_NONCE_BYTES);
	crypto_generichash_final(&st, out, 32);
}

void
seal_proof(const unsigned char key[SEAL_KEY_BYTES], const char *role, const unsigned char na[SEAL_NONCE_BYTES],
    const unsigned char nc[SEAL_NONCE_BYTES], unsigned char out[32])
{
	char label[64];
	snprintf(label, sizeof label, "verona %s proof", role);
	derive(key, label, na, nc, out);
}

static void
stream_key(const unsigned char key[SEAL_KEY_BYTES], const char *direction, const unsigned char na[SEAL_NONCE_BYTES],
    const unsigned char nc[SEAL_NONCE_BYTES], unsigned char out[crypto_secretstream_xchacha20poly1305_KEYBYTES])
{
	char label[64];
	snprintf(label, sizeof label, "verona %s", direction);
	derive(key, label, na, nc, out);
}

void
seal_init_tx(struct seal *s, const unsigned char key[SEAL_KEY_BYTES], const char *direction,
    const unsigned char na[SEAL_NONCE_BYTES], const unsigned char nc[SEAL_NONCE_BYTES],
    unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES])
{
	unsigned char k[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	stream_key(key, direction, na, nc, k);
	crypto_secretstream_xchacha20poly1305_init_push(&s->tx, header, k);
	sodium_memzero(k, sizeof k);
}

int
seal_init_rx(struct seal *s, const unsigned char key[SEAL_KEY_BYTES], const char *direction,
    const unsigned char na[SEAL_NONCE_BYTES], const unsigned char nc[SEAL_NONCE_BYTES],
    const unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES])
{
	unsigned char k[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	int rc;
	stream_key(key, direction, na, nc, k);
	rc = crypto_secretstream_xchacha20poly1305_init_pull(&s->rx, header, k);
	sodium_memzero(k, sizeof k);
	return rc == 0 ? 0 : -1;
}

unsigned char *
seal_frame_encode(struct seal *s, json_t *obj, size_t *lenp)
{
	char *m = json_dumps(obj, JSON_COMPACT);
	size_t mlen, clen;
	unsigned long long outlen;
	unsigned char *f;

	if (m == NULL)
		abort();
	mlen = strlen(m);
	clen = mlen + crypto_secretstream_xchacha20poly1305_ABYTES;
	f = xmalloc(clen + 4);
	crypto_secretstream_xchacha20poly1305_push(&s->tx, f + 4, &outlen, (const unsigned char *)m, mlen,
	    NULL, 0, 0);
	free(m);
	f[0] = (unsigned char)(clen >> 24);
	f[1] = (unsigned char)(clen >> 16);
	f[2] = (unsigned char)(clen >> 8);
	f[3] = (unsigned char)clen;
	*lenp = clen + 4;
	return f;
}

int
seal_open(struct seal *s, const unsigned char *c, size_t clen, json_t **out, char *err, size_t errlen)
{
	unsigned char *m, tag;
	unsigned long long mlen;
	int rc;

	*out = NULL;
	if (clen < crypto_secretstream_xchacha20poly1305_ABYTES) {
		snprintf(err, errlen, "sealed frame of %zu bytes is too short", clen);
		return -1;
	}
	m = xmalloc(clen);
	if (crypto_secretstream_xchacha20poly1305_pull(&s->rx, m, &mlen, &tag, c, clen, NULL, 0) != 0) {
		free(m);
		snprintf(err, errlen, "frame does not authenticate (forged, altered, replayed or out of order)");
		return -1;
	}
	rc = frame_parse(m, (size_t)mlen, out, err, errlen);
	free(m);
	return rc;
}

int
seal_frame_next(struct seal *s, struct frame_reader *r, json_t **out, char *err, size_t errlen)
{
	const unsigned char *p;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = frame_reader_peek(r, &p, &len, err, errlen)) <= 0)
		return rc;
	if (seal_open(s, p, len, out, err, errlen) < 0)
		return -1;
	frame_reader_consume(r, len);
	return 1;
}

int
seal_get_bytes(json_t *msg, const char *field, unsigned char *out, size_t n)
{
	const char *t = json_string_value(json_object_get(msg, field));
	unsigned char *b;
	size_t len;

	if (t == NULL || b64_decode(t, &b, &len) != 0)
		return -1;
	if (len != n) {
		free(b);
		return -1;
	}
	memcpy(out, b, n);
	free(b);
	return 0;
}

void
seal_set_bytes(json_t *msg, const char *field, const unsigned char *p, size_t n)
{
	char *t = b64_encode(p, n);
	json_object_set_new(msg, field, json_string(t));
	free(t);
}

/* Reads one plain frame before the deadline: 1, or -1 with err. */
static int
read_frame(int fd, struct frame_reader *r, json_t **out, int64_t deadline, const char *what, char *err,
    size_t errlen)
{
	for (;;) {
		int rc = frame_reader_next(r, out, err, errlen);
		if (rc != 0)
			return rc;
		int64_t left = deadline - time_mono_ns();
		if (left <= 0) {
			snprintf(err, errlen, "no %s within the handshake's time limit", what);
			return -1;
		}
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int p = poll(&pfd, 1, (int)(left / 1000000) + 1);
		if (p < 0 && errno != EINTR) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return -1;
		}
		if (p <= 0)
			continue;
		ssize_t n = frame_reader_fill(r, fd);
		if (n == 0) {
			snprintf(err, errlen, "the peer hung up before its %s", what);
			return -1;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			snprintf(err, errlen, "reading the %s: %s", what, strerror(errno));
			return -1;
		}
	}
}

static int
type_is(json_t *m, const char *type)
{
	const char *t = json_string_value(json_object_get(m, "type"));
	return t != NULL && strcmp(t, type) == 0;
}

int
seal_handshake_agent(int fd, struct frame_reader *r, const unsigned char key[SEAL_KEY_BYTES], struct seal *s,
    int64_t deadline, char *err, size_t errlen)
{
	unsigned char na[SEAL_NONCE_BYTES], nc[SEAL_NONCE_BYTES], proof[32], want[32];
	unsigned char hc[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	unsigned char ha[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	json_t *m, *reply;
	int rc = -1;

	r->limit = SEAL_AUTH_MAX;
	randombytes_buf(na, sizeof na);
	m = json_pack("{s:s, s:i}", "type", "challenge", "version", SEAL_VERSION);
	seal_set_bytes(m, "nonce", na, sizeof na);
	if (frame_write(fd, m) != 0) {
		json_decref(m);
		snprintf(err, errlen, "sending the challenge: %s", strerror(errno));
		return -1;
	}
	json_decref(m);
	if (read_frame(fd, r, &m, deadline, "answer to the challenge", err, errlen) < 0)
		return -1;
	if (!type_is(m, "auth") || seal_get_bytes(m, "nonce", nc, sizeof nc) != 0 ||
	    seal_get_bytes(m, "proof", proof, sizeof proof) != 0 ||
	    seal_get_bytes(m, "header", hc, sizeof hc) != 0) {
		snprintf(err, errlen, "the answer to the challenge is not an auth frame with nonce, proof and header");
		goto out;
	}
	seal_proof(key, "controller", na, nc, want);
	if (crypto_verify_32(want, proof) != 0) {
		snprintf(err, errlen, "wrong key: the controller's proof does not match this agent's key");
		reply = json_pack("{s:s, s:s}", "type", "error", "reason", "authentication failed");
		(void)frame_write(fd, reply);
		json_decref(reply);
		goto out;
	}
	if (memcmp(na, nc, sizeof na) == 0 ||
	    seal_init_rx(s, key, "controller to agent", na, nc, hc) != 0) {
		snprintf(err, errlen, "the controller's stream header is unusable");
		goto out;
	}
	seal_init_tx(s, key, "agent to controller", na, nc, ha);
	seal_proof(key, "agent", na, nc, proof);
	reply = json_pack("{s:s}", "type", "auth");
	seal_set_bytes(reply, "proof", proof, sizeof proof);
	seal_set_bytes(reply, "header", ha, sizeof ha);
	if (frame_write(fd, reply) != 0) {
		snprintf(err, errlen, "sending the proof: %s", strerror(errno));
		json_decref(reply);
		goto out;
	}
	json_decref(reply);
	r->limit = FRAME_MAX;
	rc = 0;
out:
	json_decref(m);
	return rc;
}

int
seal_handshake_controller(int rfd, int wfd, struct frame_reader *r, const unsigned char key[SEAL_KEY_BYTES],
    struct seal *s, int64_t deadline, char *err, size_t errlen)
{
	unsigned char na[SEAL_NONCE_BYTES], nc[SEAL_NONCE_BYTES], proof[32], want[32];
	unsigned char hc[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	unsigned char ha[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	json_t *m, *reply;
	int rc = -1;

	r->limit = SEAL_AUTH_MAX;
	if (read_frame(rfd, r, &m, deadline, "challenge", err, errlen) < 0)
		return -1;
	if (!type_is(m, "challenge") || seal_get_bytes(m, "nonce", na, sizeof na) != 0) {
		snprintf(err, errlen, "the agent did not send a challenge (is this a verona agent with --key?)");
		json_decref(m);
		return -1;
	}
	if (json_integer_value(json_object_get(m, "version")) != SEAL_VERSION) {
		snprintf(err, errlen, "the agent's handshake is version %lld, not %d",
		    (long long)json_integer_value(json_object_get(m, "version")), SEAL_VERSION);
		json_decref(m);
		return -1;
	}
	json_decref(m);
	randombytes_buf(nc, sizeof nc);
	seal_init_tx(s, key, "controller to agent", na, nc, hc);
	seal_proof(key, "controller", na, nc, proof);
	reply = json_pack("{s:s}", "type", "auth");
	seal_set_bytes(reply, "nonce", nc, sizeof nc);
	seal_set_bytes(reply, "proof", proof, sizeof proof);
	seal_set_bytes(reply, "header", hc, sizeof hc);
	if (frame_write(wfd, reply) != 0) {
		snprintf(err, errlen, "sending the proof: %s", strerror(errno));
		json_decref(reply);
		return -1;
	}
	json_decref(reply);
	if (read_frame(rfd, r, &m, deadline, "proof", err, errlen) < 0)
		return -1;
	if (type_is(m, "error")) {
		snprintf(err, errlen, "the agent refused our key (%s): the key files differ",
		    json_string_value(json_object_get(m, "reason")) ? json_string_value(json_object_get(m, "reason")) : "?");
		goto out;
	}
	if (!type_is(m, "auth") || seal_get_bytes(m, "proof", proof, sizeof proof) != 0 ||
	    seal_get_bytes(m, "header", ha, sizeof ha) != 0) {
		snprintf(err, errlen, "the agent's answer is not an auth frame with proof and header");
		goto out;
	}
	seal_proof(key, "agent", na, nc, want);
	if (crypto_verify_32(want, proof) != 0) {
		snprintf(err, errlen, "the agent's proof does not match the key: it is not the agent we share the key with");
		goto out;
	}
	if (seal_init_rx(s, key, "agent to controller", na, nc, ha) != 0) {
		snprintf(err, errlen, "the agent's stream header is unusable");
		goto out;
	}
	r->limit = FRAME_MAX;
	rc = 0;
out:
	json_decref(m);
	return rc;
}
