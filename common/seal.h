/*
 * seal.h — the control channel over TCP (DESIGN section 3): a pre-shared
 * key, a mutual challenge-response on it, then every frame sealed.
 *
 * Key file: one line "verona-key-1 <64 hex digits>" (32 random bytes),
 * mode 0600; `verona keygen FILE` writes one.
 *
 * Handshake, in plain frames no longer than SEAL_AUTH_MAX bytes:
 *   agent -> controller  {"type":"challenge", "version":V, "nonce":Na}
 *   controller -> agent  {"type":"auth", "nonce":Nc, "proof":Pc, "header":Hc}
 *   agent -> controller  {"type":"auth", "proof":Pa, "header":Ha}
 * Na and Nc are 32 fresh random bytes each (base64).  The proofs are keyed
 * BLAKE2b over a role label and both nonces, Pc = H(K, "verona controller
 * proof" | Na | Nc) and Pa = H(K, "verona agent proof" | Na | Nc), so each side
 * proves it holds K for this session only: a recorded handshake is worthless
 * against a new Na, and one side's proof is never the other's.  The agent
 * checks Pc before it says anything that depends on K.
 *
 * Then each direction is a libsodium secretstream (XChaCha20-Poly1305) keyed
 * with H(K, "verona controller to agent" | Na | Nc) or "... agent to
 * controller ...", whose header Hc/Ha was sent above.  Every later frame's
 * payload is one secretstream message: forged, altered, replayed, dropped or
 * reordered frames fail to open, and the contents cannot be read.
 */
#ifndef VERONA_SEAL_H
#define VERONA_SEAL_H
#include <stddef.h>
#include <stdint.h>
#include <sodium.h>
#include <jansson.h>
#include "frame.h"

#define SEAL_KEY_BYTES	32
#define SEAL_NONCE_BYTES 32
#define SEAL_AUTH_MAX	4096	/* frame limit until the peer is authenticated */
#define SEAL_VERSION	1

struct seal {
	crypto_secretstream_xchacha20poly1305_state tx, rx;
};

/* Writes a new key to path (mode 0600, never over an existing file). 0, or -1 with err. */
int	seal_key_generate(const char *path, char *err, size_t errlen);
/* Reads a key file; refuses one that others may read. 0, or -1 with err. */
int	seal_key_load(const char *path, unsigned char key[SEAL_KEY_BYTES], char *err, size_t errlen);

/* role: "controller" or "agent". */
void	seal_proof(const unsigned char key[SEAL_KEY_BYTES], const char *role,
	    const unsigned char na[SEAL_NONCE_BYTES], const unsigned char nc[SEAL_NONCE_BYTES],
	    unsigned char out[32]);
/* Sets up both directions; the header for our sending direction goes to the peer. */
void	seal_init_tx(struct seal *, const unsigned char key[SEAL_KEY_BYTES], const char *direction,
	    const unsigned char na[SEAL_NONCE_BYTES], const unsigned char nc[SEAL_NONCE_BYTES],
	    unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES]);
/* 0, or -1 if the header is unusable. */
int	seal_init_rx(struct seal *, const unsigned char key[SEAL_KEY_BYTES], const char *direction,
	    const unsigned char na[SEAL_NONCE_BYTES], const unsigned char nc[SEAL_NONCE_BYTES],
	    const unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES]);

/* Encodes obj as one sealed frame (length, then the sealed JSON); caller frees. */
unsigned char *seal_frame_encode(struct seal *, json_t *obj, size_t *lenp);
/* Like frame_reader_next(), opening each frame first. */
int	seal_frame_next(struct seal *, struct frame_reader *, json_t **out, char *err, size_t errlen);
/* Opens one sealed payload into a JSON object; 1, or -1 with err. */
int	seal_open(struct seal *, const unsigned char *c, size_t clen, json_t **out, char *err, size_t errlen);

/* A base64 field of exactly n bytes from a handshake frame; 0 or -1. */
int	seal_get_bytes(json_t *msg, const char *field, unsigned char *out, size_t n);
/* Sets a base64 field. */
void	seal_set_bytes(json_t *msg, const char *field, const unsigned char *p, size_t n);
#endif

/*
 * The handshake over a connected stream, with a deadline (time_mono_ns).
 * r is the stream's reader (its limit is lowered to SEAL_AUTH_MAX during the
 * handshake and raised to FRAME_MAX after).  0 and s ready, or -1 with a
 * reason in err.  The agent answers a failed proof with a plain error frame
 * before it hangs up.
 */
int	seal_handshake_agent(int fd, struct frame_reader *r, const unsigned char key[SEAL_KEY_BYTES],
	    struct seal *s, int64_t deadline, char *err, size_t errlen);
int	seal_handshake_controller(int rfd, int wfd, struct frame_reader *r,
	    const unsigned char key[SEAL_KEY_BYTES], struct seal *s, int64_t deadline, char *err, size_t errlen);
