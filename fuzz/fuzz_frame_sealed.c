/*
 * fuzz_frame_sealed.c — the sealed control channel (common/seal.c): the
 * frame reader with libsodium secretstream between the length and the JSON,
 * and the key handshake, on what a peer without the key (or with it) could
 * send.  Byte 0 picks the mode; the rest is the input:
 *
 *   0  a raw stream to the agent's sealed reader: every frame must be refused
 *      (it cannot authenticate), never crash, over-read or leak;
 *   1  pieces sealed with the right key (each piece: a length byte, then that
 *      many bytes), so the JSON layer behind the seal is reached: a piece
 *      opens exactly when frame_parse() takes it, and what opens survives
 *      seal_frame_encode() and a second opening unchanged;
 *   2  one good sealed frame, then altered (a byte flipped where the input
 *      says), cut short, or replayed: never opened as it was;
 *   3  the input as the controller's side of the handshake, to the agent;
 *   4  the input as the agent's side of the handshake, to the controller:
 *      both must refuse (the proofs cannot be forged) with a reason.
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <jansson.h>
#include "frame.h"
#include "proto.h"
#include "seal.h"

static unsigned char key[SEAL_KEY_BYTES], na[SEAL_NONCE_BYTES], nc[SEAL_NONCE_BYTES];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	for (size_t i = 0; i < SEAL_KEY_BYTES; i++) {
		key[i] = (unsigned char)(i * 7 + 1);
		na[i] = (unsigned char)(i * 13 + 2);
		nc[i] = (unsigned char)(i * 29 + 3);
	}
	return 0;
}

/* Two ends of one direction: s->tx seals what the other end's rx opens. */
static void
pair(struct seal *tx, struct seal *rx, const char *direction)
{
	unsigned char h[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	seal_init_tx(tx, key, direction, na, nc, h);
	if (seal_init_rx(rx, key, direction, na, nc, h) != 0)
		abort();
}

/* Seals n raw bytes as one frame (not necessarily JSON). */
static unsigned char *
seal_raw(struct seal *tx, const uint8_t *p, size_t n, size_t *flen)
{
	size_t clen = n + crypto_secretstream_xchacha20poly1305_ABYTES;
	unsigned char *f = malloc(clen + 4);
	unsigned long long outlen;
	if (f == NULL)
		abort();
	crypto_secretstream_xchacha20poly1305_push(&tx->tx, f + 4, &outlen, p, n, NULL, 0, 0);
	f[0] = (unsigned char)(clen >> 24);
	f[1] = (unsigned char)(clen >> 16);
	f[2] = (unsigned char)(clen >> 8);
	f[3] = (unsigned char)clen;
	*flen = clen + 4;
	return f;
}

static void
raw_stream(const uint8_t *data, size_t size)
{
	struct seal ctl, agt;
	struct frame_reader r;
	json_t *obj;
	char err[256] = "";

	pair(&ctl, &agt, "controller to agent");
	frame_reader_init(&r, FRAME_MAX);
	frame_reader_feed(&r, data, size);
	int rc = seal_frame_next(&agt, &r, &obj, err, sizeof err);
	if (rc == 1)
		abort();	/* bytes made without the stream's state cannot authenticate */
	if (rc < 0 && err[0] == '\0')
		abort();
	frame_reader_free(&r);
}

static void
sealed_pieces(const uint8_t *data, size_t size)
{
	struct seal c2a_tx, c2a_rx, a2c_tx, a2c_rx;
	struct frame_reader r, back;
	char err[256];

	pair(&c2a_tx, &c2a_rx, "controller to agent");
	pair(&a2c_tx, &a2c_rx, "agent to controller");
	frame_reader_init(&r, FRAME_MAX);
	frame_reader_init(&back, FRAME_MAX);
	for (size_t off = 0; off < size; ) {
		size_t n = data[off++];
		if (n > size - off)
			n = size - off;
		size_t flen;
		unsigned char *f = seal_raw(&c2a_tx, data + off, n, &flen);
		json_t *want = NULL, *got = NULL;
		int parses = frame_parse(data + off, n, &want, err, sizeof err) == 1;
		off += n;

		frame_reader_feed(&r, f, flen);
		free(f);
		int rc = seal_frame_next(&c2a_rx, &r, &got, err, sizeof err);
		if (rc != (parses ? 1 : -1) || (parses && !json_equal(want, got)))
			abort();
		json_decref(want);
		if (rc < 0)
			break;		/* the agent drops the peer here */
		/* the answer the other way, sealed by seal_frame_encode */
		f = seal_frame_encode(&a2c_tx, got, &flen);
		frame_reader_feed(&back, f, flen);
		free(f);
		json_t *again = NULL;
		if (seal_frame_next(&a2c_rx, &back, &again, err, sizeof err) != 1 || !json_equal(got, again))
			abort();
		json_decref(again);
		json_decref(got);
	}
	frame_reader_free(&r);
	frame_reader_free(&back);
}

static void
altered(const uint8_t *data, size_t size)
{
	struct seal tx, rx;
	struct frame_reader r;
	/* the input as hex text: a frame's strings hold no NUL (the reader refuses \u0000) */
	char *hex = hex_encode(data, size);
	json_t *obj = json_pack("{s:s, s:i, s:s}", "type", "step", "seq", 1, "data", hex);
	json_t *got = NULL;
	char err[256];
	size_t flen;
	unsigned char *f;

	free(hex);
	pair(&tx, &rx, "controller to agent");
	f = seal_frame_encode(&tx, obj, &flen);
	frame_reader_init(&r, FRAME_MAX);
	int how = size > 0 ? data[0] % 3 : 0;
	if (how == 0) {			/* a byte flipped: never opens */
		size_t at = size > 2 ? ((size_t)data[1] << 8 | data[2]) % flen : 4;
		f[at < 4 ? 4 : at] ^= (unsigned char)(size > 3 ? data[3] | 1 : 1);
		frame_reader_feed(&r, f, flen);
		if (seal_frame_next(&rx, &r, &got, err, sizeof err) == 1)
			abort();
	} else if (how == 1) {		/* cut short: incomplete, never opened */
		size_t cut = size > 1 ? data[1] % flen : 0;
		frame_reader_feed(&r, f, cut);
		if (seal_frame_next(&rx, &r, &got, err, sizeof err) == 1)
			abort();
	} else {			/* replayed: opens once */
		frame_reader_feed(&r, f, flen);
		frame_reader_feed(&r, f, flen);
		if (seal_frame_next(&rx, &r, &got, err, sizeof err) != 1 || !json_equal(obj, got))
			abort();
		json_decref(got);
		got = NULL;
		if (seal_frame_next(&rx, &r, &got, err, sizeof err) == 1)
			abort();
	}
	json_decref(got);
	json_decref(obj);
	frame_reader_free(&r);
	free(f);
}

static void
handshake(const uint8_t *data, size_t size, int agent_side)
{
	int sv[2];
	struct frame_reader r;
	struct seal s;
	char err[256] = "";
	int rc;

	if (size > 16384)
		size = 16384;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		abort();
	int big = 1 << 20;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	if (size > 0 && write(sv[0], data, size) != (ssize_t)size)
		abort();
	shutdown(sv[0], SHUT_WR);	/* the peer says no more */
	frame_reader_init(&r, FRAME_MAX);
	int64_t deadline = time_mono_ns() + 200000000LL;
	if (agent_side)
		rc = seal_handshake_agent(sv[1], &r, key, &s, deadline, err, sizeof err);
	else
		rc = seal_handshake_controller(sv[1], sv[1], &r, key, &s, deadline, err, sizeof err);
	/* each side's nonce is fresh and random: no input can hold the proof for it */
	if (rc == 0 || err[0] == '\0')
		abort();
	frame_reader_free(&r);
	close(sv[0]);
	close(sv[1]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 5) {
	case 0: raw_stream(data + 1, size - 1); break;
	case 1: sealed_pieces(data + 1, size - 1); break;
	case 2: altered(data + 1, size - 1); break;
	case 3: handshake(data + 1, size - 1, 1); break;
	case 4: handshake(data + 1, size - 1, 0); break;
	}
	return 0;
}
