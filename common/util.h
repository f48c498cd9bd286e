/*
 * util.h — small helpers shared by the agent and the controller: allocation
 * that aborts on failure, a growable byte buffer, clocks, atomic file writes.
 * Functions returning char * or buffer contents hand ownership to the caller
 * (free with free()) unless stated otherwise.
 */
#ifndef VERONA_UTIL_H
#define VERONA_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *, va_list);

/* A growable byte buffer; data is always NUL-terminated past len. */
struct buf {
	unsigned char	*data;
	size_t		 len;
	size_t		 cap;
};
void	 buf_init(struct buf *);
void	 buf_free(struct buf *);
void	 buf_reserve(struct buf *, size_t);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_addc(struct buf *, int);
void	 buf_adds(struct buf *, const char *);
void	 buf_printf(struct buf *, const char *, ...) __attribute__((format(printf, 2, 3)));
/* Takes the contents out of the buffer (caller frees), leaving it empty. */
char	*buf_steal(struct buf *, size_t *);

int64_t	 time_realtime_ns(void);
/* Added to time_realtime_ns() and to captured packets' stamps: a test's wrong clock. */
extern int64_t time_shift_ns;
int64_t	 time_mono_ns(void);

/*
 * Writes len bytes to name below the directory dirfd (AT_FDCWD: the current
 * one) through name.tmp.PID, created anew with mode 0600 and never through a
 * symlink (O_CREAT|O_EXCL|O_NOFOLLOW), and renameat(2), so that a crash
 * leaves either the old file or the new one and a symlink planted at name
 * is replaced, not written through.  Returns 0 or -1 (errno).
 */
int	 file_write_atomic_at(int dirfd, const char *name, const void *, size_t);
/* The same with a path (relative to the current directory). */
int	 file_write_atomic(const char *path, const void *, size_t);
/*
 * Creates name below dirfd for writing: a new file (O_EXCL), mode 0600, never
 * through a symlink (O_NOFOLLOW), close-on-exec.  Returns the fd (the caller
 * closes it) or -1 (errno; EEXIST when anything, a symlink too, is there).
 */
int	 file_create_at(int dirfd, const char *name);
/* Reads a whole file; returns NULL and sets errno on failure. Caller frees. */
char	*file_read_all(const char *path, size_t *lenp, size_t max);
/* Writes text to an existing file in one write(2) (a /proc or /sys file): 0, or -1 (errno). */
int	 file_write_once(const char *path, const char *text);
/* 1 when this process has capability cap (CAP_*) in its effective set. */
int	 cap_effective(int cap);

/* Base64 (standard alphabet, padded) and hex, via libsodium. Caller frees. */
char	*b64_encode(const void *, size_t);
/* Returns 0 and a malloc'd buffer, or -1 if the text is not valid base64. */
int	 b64_decode(const char *, unsigned char **, size_t *);
char	*hex_encode(const void *, size_t);
/* SHA-256 of the bytes as 64 lowercase hex digits. Caller frees. */
char	*sha256_hex(const void *, size_t);

/* True if the bytes are valid UTF-8 with no NUL. */
int	 utf8_valid(const unsigned char *, size_t);

#endif
