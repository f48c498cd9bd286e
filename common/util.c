/* util.c — see util.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "util.h"

static void
oom(void)
{
	static const char msg[] = "verona: out of memory\n";
	if (write(2, msg, sizeof msg - 1) < 0) { /* nothing more to do */ }
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);
	if (p == NULL)
		oom();
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	if (p == NULL)
		oom();
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char *p;
	if (vasprintf(&p, fmt, ap) < 0)
		oom();
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reserve(struct buf *b, size_t more)
{
	size_t need = b->len + more + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_addc(struct buf *b, int c)
{
	unsigned char ch = (unsigned char)c;
	buf_add(b, &ch, 1);
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *p;
	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	buf_adds(b, p);
	free(p);
}

char *
buf_steal(struct buf *b, size_t *lenp)
{
	char *p;
	if (b->data == NULL)
		buf_reserve(b, 0), b->data[0] = '\0';
	p = (char *)b->data;
	if (lenp)
		*lenp = b->len;
	buf_init(b);
	return p;
}

static int64_t
clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t time_shift_ns;
int64_t time_realtime_ns(void) { return clock_ns(CLOCK_REALTIME) + time_shift_ns; }
int64_t time_mono_ns(void) { return clock_ns(CLOCK_MONOTONIC); }

int
file_create_at(int dirfd, const char *name)
{
	return openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
}

int
file_write_atomic_at(int dirfd, const char *name, const void *p, size_t n)
{
	char *tmp = xasprintf("%s.tmp.%ld", name, (long)getpid());
	int fd = file_create_at(dirfd, tmp);
	const unsigned char *c = p;
	int saved;

	if (fd < 0 && errno == EEXIST && unlinkat(dirfd, tmp, 0) == 0)
		fd = file_create_at(dirfd, tmp);	/* a crashed process of the same pid left it */
	if (fd < 0) {
		saved = errno;
		free(tmp);
		errno = saved;
		return -1;
	}
	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		c += w;
		n -= (size_t)w;
	}
	if (fsync(fd) < 0 && errno != EINVAL)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	/* rename replaces a symlink or file planted at name, never writes through it */
	if (renameat(dirfd, tmp, dirfd, name) < 0)
		goto fail;
	free(tmp);
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlinkat(dirfd, tmp, 0);
	free(tmp);
	errno = saved;
	return -1;
}

int
file_write_atomic(const char *path, const void *p, size_t n)
{
	return file_write_atomic_at(AT_FDCWD, path, p, n);
}

char *
file_read_all(const char *path, size_t *lenp, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	struct buf b;
	char chunk[65536];

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		errno = EISDIR;
		return NULL;
	}
	buf_init(&b);
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof chunk);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int saved = errno;
			close(fd);
			buf_free(&b);
			errno = saved;
			return NULL;
		}
		if (r == 0)
			break;
		if (b.len + (size_t)r > max) {
			close(fd);
			buf_free(&b);
			errno = EFBIG;
			return NULL;
		}
		buf_add(&b, chunk, (size_t)r);
	}
	close(fd);
	return buf_steal(&b, lenp);
}

char *
b64_encode(const void *p, size_t n)
{
	size_t sz = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *out = xmalloc(sz);
	sodium_bin2base64(out, sz, p, n, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

int
b64_decode(const char *s, unsigned char **outp, size_t *lenp)
{
	size_t slen = strlen(s);
	size_t cap = slen / 4 * 3 + 3;
	unsigned char *out = xmalloc(cap);
	size_t len = 0;

	if (sodium_base642bin(out, cap, s, slen, NULL, &len, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0) {
		free(out);
		return -1;
	}
	*outp = out;
	*lenp = len;
	return 0;
}

char *
hex_encode(const void *p, size_t n)
{
	char *out = xmalloc(n * 2 + 1);
	sodium_bin2hex(out, n * 2 + 1, p, n);
	return out;
}

char *
sha256_hex(const void *p, size_t n)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, p, n);
	return hex_encode(h, sizeof h);
}

int
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		size_t k;
		uint32_t cp;
		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			k = 1; cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			k = 2; cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			k = 3; cp = c & 0x07;
		} else
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if (i + j >= n || (s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) ||
		    (k == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += k + 1;
	}
	return 1;
}

int
file_write_once(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), e;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	e = errno;
	close(fd);
	errno = e;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

int
cap_effective(int cap)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (cap < 0 || cap >= 64 || syscall(SYS_capget, &h, d) != 0)
		return 0;
	return (d[cap / 32].effective >> (cap % 32)) & 1;
}
