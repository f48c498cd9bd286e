/*
 * fuzz_frame.c — the control channel's frame decoder (common/frame.c) on an
 * arbitrary byte stream, fed in arbitrary pieces, as a peer would send it.
 * The decoder must take frames one by one until the stream is incomplete or
 * bad (and then say why), never crash, over-read or leak; each frame it
 * takes must survive frame_encode and a second decode unchanged.
 *
 * Input: byte 0 picks the reader's limit, byte 1 the piece size; the rest is
 * the stream.
 *
 * The sealed channel (common/seal.c, libsodium secretstream between the
 * length and the JSON) has its own harness, fuzz/fuzz_frame_sealed.c.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "frame.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t limits[] = { 1, 16, 1024, 1 << 20, 16 << 20 };
	struct frame_reader r, again;
	json_t *obj;
	char err[256];
	size_t limit, piece, off;
	int rc = 0;

	err[0] = '\0';

	if (size < 2)
		return 0;
	limit = limits[data[0] % (sizeof limits / sizeof limits[0])];
	piece = (size_t)data[1] % 64 + 1;
	data += 2;
	size -= 2;

	frame_reader_init(&r, limit);
	for (off = 0; off < size && rc >= 0; ) {
		size_t n = size - off < piece ? size - off : piece;
		frame_reader_feed(&r, data + off, n);
		off += n;
		while ((rc = frame_reader_next(&r, &obj, err, sizeof err)) == 1) {
			size_t flen;
			unsigned char *f = frame_encode(obj, &flen);
			json_t *back = NULL;

			if (!json_is_object(obj))
				abort();
			frame_reader_init(&again, flen);
			frame_reader_feed(&again, f, flen);
			if (frame_reader_next(&again, &back, err, sizeof err) != 1 || !json_equal(obj, back))
				abort();	/* what we send, we must read back */
			if (again.in.len != 0)
				abort();
			json_decref(back);
			frame_reader_free(&again);
			free(f);
			json_decref(obj);
		}
		if (rc < 0 && err[0] == '\0')
			abort();	/* a bad stream always has a reason */
	}
	frame_reader_free(&r);
	return 0;
}
