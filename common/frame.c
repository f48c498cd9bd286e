/* frame.c — length-prefixed JSON frames; see frame.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frame.h"

void
frame_reader_init(struct frame_reader *r, size_t limit)
{
	buf_init(&r->in);
	r->limit = limit;
}

void
frame_reader_free(struct frame_reader *r)
{
	buf_free(&r->in);
}

void
frame_reader_feed(struct frame_reader *r, const void *p, size_t n)
{
	buf_add(&r->in, p, n);
}

ssize_t
frame_reader_fill(struct frame_reader *r, int fd)
{
	ssize_t n;

	buf_reserve(&r->in, 65536);
	do
		n = read(fd, r->in.data + r->in.len, r->in.cap - r->in.len - 1);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		r->in.len += (size_t)n;
		r->in.data[r->in.len] = '\0';
	}
	return n;
}

int
frame_reader_peek(struct frame_reader *r, const unsigned char **payload, size_t *lenp, char *err, size_t errlen)
{
	const unsigned char *p = r->in.data;
	uint32_t len;

	if (r->in.len < 4)
		return 0;
	len = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	if (len == 0) {
		snprintf(err, errlen, "empty frame");
		return -1;
	}
	if (len > r->limit) {
		snprintf(err, errlen, "frame length %u over the limit of %zu bytes", len, r->limit);
		return -1;
	}
	if (r->in.len - 4 < len)
		return 0;
	*payload = p + 4;
	*lenp = len;
	return 1;
}

void
frame_reader_consume(struct frame_reader *r, size_t len)
{
	r->in.len -= 4 + len;
	memmove(r->in.data, r->in.data + 4 + len, r->in.len);
	r->in.data[r->in.len] = '\0';
}

int
frame_parse(const unsigned char *p, size_t len, json_t **out, char *err, size_t errlen)
{
	json_t *obj;
	json_error_t jerr;

	*out = NULL;
	obj = json_loadb((const char *)p, len, JSON_REJECT_DUPLICATES, &jerr);
	if (obj == NULL) {
		snprintf(err, errlen, "frame is not JSON: %s at byte %d", jerr.text, jerr.position);
		return -1;
	}
	if (!json_is_object(obj)) {
		json_decref(obj);
		snprintf(err, errlen, "frame is not a JSON object");
		return -1;
	}
	*out = obj;
	return 1;
}

int
frame_reader_next(struct frame_reader *r, json_t **out, char *err, size_t errlen)
{
	const unsigned char *p;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = frame_reader_peek(r, &p, &len, err, errlen)) <= 0)
		return rc;
	if (frame_parse(p, len, out, err, errlen) < 0)
		return -1;
	frame_reader_consume(r, len);
	return 1;
}

unsigned char *
frame_encode(json_t *obj, size_t *lenp)
{
	char *s = json_dumps(obj, JSON_COMPACT);
	size_t n;
	unsigned char *f;

	if (s == NULL)
		abort();
	n = strlen(s);
	f = xmalloc(n + 4);
	f[0] = (unsigned char)(n >> 24);
	f[1] = (unsigned char)(n >> 16);
	f[2] = (unsigned char)(n >> 8);
	f[3] = (unsigned char)n;
	memcpy(f + 4, s, n);
	free(s);
	*lenp = n + 4;
	return f;
}

int
fd_write_all(int fd, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd pfd = { .fd = fd, .events = POLLOUT };
				if (poll(&pfd, 1, 10000) <= 0) {
					errno = ETIMEDOUT;
					return -1;
				}
				continue;
			}
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int
frame_write(int fd, json_t *obj)
{
	size_t n;
	unsigned char *f = frame_encode(obj, &n);
	int rc = fd_write_all(fd, f, n);
	free(f);
	return rc;
}
