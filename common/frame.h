/*
 * frame.h — framing of the control channel: a 4-byte big-endian payload
 * length, then the payload, one JSON object.  The reader refuses a length
 * over its limit as soon as the 4 length bytes are in, before buffering the
 * payload.  The payload is handled as opaque bytes between the length and
 * JSON layers so that a sealing layer can be put in between.
 */
#ifndef VERONA_FRAME_H
#define VERONA_FRAME_H
#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>
#include "util.h"

struct frame_reader {
	struct buf	in;
	size_t		limit;
};

void	frame_reader_init(struct frame_reader *, size_t limit);
void	frame_reader_free(struct frame_reader *);
/* Appends bytes received from the peer. */
void	frame_reader_feed(struct frame_reader *, const void *, size_t);
/* Reads what is available from fd: >0 bytes read, 0 EOF, -1 error (errno). */
ssize_t	frame_reader_fill(struct frame_reader *, int fd);
/*
 * Takes the next complete frame: 1 and *out (a JSON object, caller
 * json_decref()s), 0 if incomplete, -1 with a reason in err if the stream is
 * bad (length over limit or zero, payload not a JSON object).  After -1 the
 * reader must not be used again for that peer.
 */
int	frame_reader_next(struct frame_reader *, json_t **out, char *err, size_t errlen);
/*
 * The payload of the next complete frame, in place: 1 with *payload and
 * *len, 0 if incomplete, -1 with err (length zero or over the limit).
 * frame_reader_consume() then drops it.
 */
int	frame_reader_peek(struct frame_reader *, const unsigned char **payload, size_t *len,
	    char *err, size_t errlen);
void	frame_reader_consume(struct frame_reader *, size_t len);
/* A payload as a JSON object: 1 and *out (caller decrefs), or -1 with err. */
int	frame_parse(const unsigned char *, size_t, json_t **out, char *err, size_t errlen);
/* Encodes obj as a frame; caller frees. */
unsigned char *frame_encode(json_t *obj, size_t *lenp);
/* Writes the whole frame to fd (waiting if it is non-blocking); 0 or -1. */
int	frame_write(int fd, json_t *obj);
/* Writes raw bytes fully; 0 or -1. */
int	fd_write_all(int fd, const void *, size_t);
#endif
