/* outdir.c — safe output folders; see outdir.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outdir.h"
#include "util.h"

#define OUTDIR_DEPTH_MAX	32	/* folders verona writes are two deep; deeper is not ours */

static const char outdir_marker_text[] =
    "This folder was made by verona. `verona run --force` or `verona grade --force`\n"
    "may remove everything in it and write a new run here.\n";

/* "uid 65534 (nobody)" */
static void
outdir_owner(uid_t uid, char *s, size_t len)
{
	struct passwd *pw = getpwuid(uid);
	if (pw != NULL)
		snprintf(s, len, "uid %ld (%s)", (long)uid, pw->pw_name);
	else
		snprintf(s, len, "uid %ld", (long)uid);
}

/* Moves fd above 2, so that no prepared folder is ever taken for stdin, stdout or stderr. */
static int
outdir_high(int fd)
{
	int hi;
	if (fd < 0 || fd > 2)
		return fd;
	hi = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return hi;
}

/* 1 empty, 0 not, -1 error (errno). */
static int
outdir_is_empty(int fd)
{
	int d = dup(fd);
	DIR *dir;
	struct dirent *e;
	int empty = 1;

	if (d < 0)
		return -1;
	if ((dir = fdopendir(d)) == NULL) {
		close(d);
		return -1;
	}
	rewinddir(dir);
	while ((e = readdir(dir)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	closedir(dir);
	return empty;
}

/* Removes everything below fd without following a symlink (each is removed itself). 0 or -1 (errno). */
static int
outdir_empty(int fd, int depth)
{
	int d, rc = 0;
	DIR *dir;
	struct dirent *e;

	if (depth > OUTDIR_DEPTH_MAX) {
		errno = ELOOP;
		return -1;
	}
	if ((d = dup(fd)) < 0)
		return -1;
	if ((dir = fdopendir(d)) == NULL) {
		close(d);
		return -1;
	}
	rewinddir(dir);
	while (rc == 0 && (e = readdir(dir)) != NULL) {
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			rc = errno == ENOENT ? 0 : -1;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				rc = -1;
				break;
			}
			rc = outdir_empty(sub, depth + 1);
			close(sub);
			if (rc == 0 && unlinkat(fd, e->d_name, AT_REMOVEDIR) != 0)
				rc = -1;
		} else if (unlinkat(fd, e->d_name, 0) != 0 && errno != ENOENT)
			rc = -1;
	}
	{
		int saved = errno;
		closedir(dir);
		errno = saved;
	}
	return rc;
}

static int
outdir_mark(int fd, const char *shown, char *err, size_t errlen)
{
	if (file_write_atomic_at(fd, OUTDIR_MARKER, outdir_marker_text, sizeof outdir_marker_text - 1) != 0) {
		snprintf(err, errlen, "cannot write %s/%s: %s", shown, OUTDIR_MARKER, strerror(errno));
		return -1;
	}
	return 0;
}

/* Checks an opened folder is ours; with private, makes it 0700. OUTDIR_REFUSED, OUTDIR_FAILED or 0. */
static int
outdir_take(int fd, const char *shown, int private, char *err, size_t errlen)
{
	struct stat st;
	char who[128], me[128];

	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "cannot look at %s: %s", shown, strerror(errno));
		return OUTDIR_FAILED;
	}
	if (st.st_uid != geteuid()) {
		outdir_owner(st.st_uid, who, sizeof who);
		outdir_owner(geteuid(), me, sizeof me);
		snprintf(err, errlen, "%s belongs to %s, not to %s who runs verona: its owner could change what "
		    "verona writes there; give a path that does not exist yet", shown, who, me);
		return OUTDIR_REFUSED;
	}
	/* from here on nobody else can create anything in it */
	if (private && (st.st_mode & 07777) != 0700 && fchmod(fd, 0700) != 0) {
		snprintf(err, errlen, "cannot make %s private (mode 0700): %s", shown, strerror(errno));
		return OUTDIR_FAILED;
	}
	return 0;
}

/* Removes whatever is at name below dirfd (a symlink itself, a folder with everything in it). 0 or -1. */
static int
outdir_remove(int dirfd, const char *name)
{
	struct stat st;
	int sub, rc;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0) == 0 || errno == ENOENT ? 0 : -1;
	if ((sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -1;
	rc = outdir_empty(sub, 1);
	close(sub);
	return rc == 0 && unlinkat(dirfd, name, AT_REMOVEDIR) == 0 ? 0 : -1;
}

int
outdir_file(int dirfd, const char *name)
{
	int fd = -1;
	for (int tries = 0; tries < 3 && fd < 0; tries++)
		if ((fd = file_create_at(dirfd, name)) < 0 && (errno != EEXIST || outdir_remove(dirfd, name) != 0))
			break;
	return fd;
}

int
outdir_fresh(int parentfd, const char *name, int flags, const char *shown, char *err, size_t errlen)
{
	int fd, rc, empty, made;

	made = mkdirat(parentfd, name, 0700) == 0;
	for (int tries = 0; !made && (flags & OUTDIR_REPLACE) && errno == EEXIST && tries < 3; tries++)
		made = outdir_remove(parentfd, name) == 0 && mkdirat(parentfd, name, 0700) == 0;
	if (!made) {
		int saved = errno;
		snprintf(err, errlen, "cannot create the folder %s: %s", shown, strerror(errno));
		errno = saved;
		return OUTDIR_FAILED;
	}
	if ((fd = outdir_high(openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC))) < 0) {
		snprintf(err, errlen, "cannot open the folder %s verona just made (%s): was it replaced?", shown,
		    strerror(errno));
		return OUTDIR_REFUSED;
	}
	if ((rc = outdir_take(fd, shown, 1, err, errlen)) != 0) {
		close(fd);
		return rc;
	}
	if ((empty = outdir_is_empty(fd)) != 1) {
		if (empty < 0)
			snprintf(err, errlen, "cannot read the folder %s: %s", shown, strerror(errno));
		else
			snprintf(err, errlen, "the folder %s verona just made is not empty: something else writes there; "
			    "choose another place", shown);
		close(fd);
		return empty < 0 ? OUTDIR_FAILED : OUTDIR_REFUSED;
	}
	if (outdir_mark(fd, shown, err, errlen) != 0) {
		close(fd);
		return OUTDIR_FAILED;
	}
	return fd;
}

/* lstat: a missing path, a symlink, something else than a folder. 0 when a folder. */
static int
outdir_lstat(const char *path, struct stat *st, char *err, size_t errlen)
{
	if (lstat(path, st) != 0) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "cannot look at %s: %s", path, strerror(errno));
		return OUTDIR_FAILED;
	}
	if (S_ISLNK(st->st_mode)) {
		snprintf(err, errlen, "%s is a symbolic link: verona writes only into a real folder, never through a "
		    "link someone could point elsewhere; give a path that does not exist yet", path);
		return OUTDIR_REFUSED;
	}
	if (!S_ISDIR(st->st_mode)) {
		snprintf(err, errlen, "%s exists and is not a folder; give a path that does not exist yet", path);
		return OUTDIR_REFUSED;
	}
	return 0;
}

/* Opens a folder lstat saw, and checks it is still the same one. */
static int
outdir_reopen(const char *path, const struct stat *seen, char *err, size_t errlen)
{
	struct stat st;
	int fd = outdir_high(open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));

	if (fd < 0) {
		snprintf(err, errlen, "cannot open the folder %s: %s", path, strerror(errno));
		return errno == ELOOP || errno == ENOTDIR ? OUTDIR_REFUSED : OUTDIR_FAILED;
	}
	if (fstat(fd, &st) != 0 || st.st_dev != seen->st_dev || st.st_ino != seen->st_ino) {
		snprintf(err, errlen, "%s was replaced while verona looked at it; try again with a new path", path);
		close(fd);
		return OUTDIR_REFUSED;
	}
	return fd;
}

int
outdir_open(const char *path, int flags, char *err, size_t errlen)
{
	struct stat st, mk;
	int fd, rc, empty;

	if ((rc = outdir_lstat(path, &st, err, errlen)) == 1)
		return outdir_fresh(AT_FDCWD, path, 0, path, err, errlen);
	if (rc != 0)
		return rc;
	if ((fd = outdir_reopen(path, &st, err, errlen)) < 0)
		return fd;
	if ((rc = outdir_take(fd, path, 0, err, errlen)) != 0) {
		close(fd);
		return rc;
	}
	if ((empty = outdir_is_empty(fd)) < 0) {
		snprintf(err, errlen, "cannot read the folder %s: %s", path, strerror(errno));
		close(fd);
		return OUTDIR_FAILED;
	}
	if (empty && ((rc = outdir_take(fd, path, 1, err, errlen)) != 0 || (empty = outdir_is_empty(fd)) != 1)) {
		/* made private, it must still be empty: nothing slipped in before */
		if (rc == 0)
			snprintf(err, errlen, "%s was written to by someone else while verona took it; give a path "
			    "that does not exist yet", path);
		close(fd);
		return rc != 0 ? rc : OUTDIR_REFUSED;
	}
	if (!empty && !(flags & OUTDIR_FORCE)) {
		snprintf(err, errlen, "%s is not empty: verona writes only into a new or empty folder; give a path that "
		    "does not exist yet, or add --force to replace a run folder verona wrote before", path);
		close(fd);
		return OUTDIR_REFUSED;
	}
	if (!empty) {
		if (fstatat(fd, OUTDIR_MARKER, &mk, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(mk.st_mode) ||
		    mk.st_uid != geteuid()) {
			snprintf(err, errlen, "%s was not made by verona (it has no %s file of verona's own): --force "
			    "replaces only a folder verona wrote before; give a path that does not exist yet", path,
			    OUTDIR_MARKER);
			close(fd);
			return OUTDIR_REFUSED;
		}
		if ((rc = outdir_take(fd, path, 1, err, errlen)) != 0) {
			close(fd);
			return rc;
		}
		if (outdir_empty(fd, 0) != 0) {
			snprintf(err, errlen, "cannot empty %s for --force: %s", path, strerror(errno));
			close(fd);
			return OUTDIR_FAILED;
		}
	}
	if (outdir_mark(fd, path, err, errlen) != 0) {
		close(fd);
		return OUTDIR_FAILED;
	}
	return fd;
}

int
outdir_parent(const char *path, char *err, size_t errlen)
{
	struct stat st, now;
	char who[128], me[128];
	int fd, rc;

	if ((rc = outdir_lstat(path, &st, err, errlen)) == 1) {
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create the folder %s: %s", path, strerror(errno));
			return OUTDIR_FAILED;
		}
		if ((rc = outdir_lstat(path, &st, err, errlen)) == 1) {
			snprintf(err, errlen, "the folder %s vanished as verona made it", path);
			return OUTDIR_FAILED;
		}
	}
	if (rc != 0)
		return rc;
	if ((fd = outdir_reopen(path, &st, err, errlen)) < 0)
		return fd;
	if (fstat(fd, &now) != 0) {
		snprintf(err, errlen, "cannot look at %s: %s", path, strerror(errno));
		close(fd);
		return OUTDIR_FAILED;
	}
	if (now.st_uid != geteuid()) {
		outdir_owner(now.st_uid, who, sizeof who);
		outdir_owner(geteuid(), me, sizeof me);
		snprintf(err, errlen, "%s belongs to %s, not to %s who runs verona: its owner could change what "
		    "verona writes there; remove it or give --out a path that does not exist yet", path, who, me);
		close(fd);
		return OUTDIR_REFUSED;
	}
	return fd;
}
