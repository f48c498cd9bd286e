/*
 * put.c — a put step: files from the controller's side (a file, or a folder
 * and everything in it, symbolic links left out) copied into a host's work
 * directory, one agent put frame per file.  See run-int.h.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run-int.h"
#include "util.h"

struct put_state {
	int		 files;
	json_int_t	 bytes;
	char		*error;
};

static void
put_one(struct runner *r, struct agentconn *a, const char *path, const char *dst, struct put_state *ps)
{
	size_t len;
	char *data = file_read_all(path, &len, 16u << 20), *b64, what[600];
	struct stat sb;
	json_t *msg, *f, *res;

	if (data == NULL) {
		ps->error = xasprintf("cannot read %s: %s", path, errno == EFBIG ? "larger than 16 MiB" : strerror(errno));
		return;
	}
	b64 = b64_encode(data, len);
	free(data);
	msg = json_pack("{s:s, s:I, s:s, s:{s:s, s:s, s:i}, s:b, s:f}", "type", proto_type_name(MSG_STEP), "seq", (json_int_t)++r->seq,
	    "op", "put", "args", "dst", dst, "data", b64, "mode", stat(path, &sb) == 0 ? (int)(sb.st_mode & 0777) : 0644,
	    "background", 0, "timeout", 30.0);
	free(b64);
	snprintf(what, sizeof what, "copying %s to %s", path, a->host->name);
	if (agent_send(a, msg) != 0) {
		json_decref(msg);
		runner_fail(r, 3, "the agent on %s was lost while %s", a->host->name, what);
		return;
	}
	json_decref(msg);
	if ((f = await_frame(r, a, MSG_BIT(MSG_RESULT), r->seq, 30 + GRACE_S, what)) == NULL)
		return;
	res = json_object_get(f, "result");
	if (!json_is_true(json_object_get(res, "ok")))
		ps->error = xasprintf("%s: %s", dst, json_string_value(json_object_get(res, "agent_error")) ?:
		    json_string_value(json_object_get(res, "message")) ?: "refused");
	else {
		ps->files++;
		ps->bytes += (json_int_t)len;
	}
	json_decref(f);
}

static int
put_name_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

#define PUT_LISTED_MAX	20

/*
 * A source that is not there, as CPython says it, with what its folder
 * holds (the submission's files: a misnamed one is among them), at most
 * PUT_LISTED_MAX names, sorted, what is not printable as '?'.  Caller frees.
 */
static char *
put_missing(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash == NULL ? xstrdup(".") : slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "FileNotFoundError: [Errno 2] No such file or directory: '%s' (%s ", slash ? slash + 1 : path, dir);
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || (e->d_name[1] == '.' && e->d_name[2] == '\0')))
			continue;
		if (n == cap)
			names = xrealloc(names, (cap = cap ? cap * 2 : 32) * sizeof *names);
		names[n++] = xasprintf("%s%s", e->d_name, e->d_type == DT_DIR ? "/" : "");
	}
	if (d != NULL)
		closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, put_name_cmp);
	buf_adds(&b, d == NULL ? "is not there either" : n == 0 ? "is empty" : "holds: ");
	for (size_t i = 0; i < n; i++) {
		if (i < PUT_LISTED_MAX) {
			if (i > 0)
				buf_adds(&b, ", ");
			for (const unsigned char *c = (const unsigned char *)names[i]; *c; c++)
				buf_addc(&b, *c < 0x20 || *c == 0x7f ? '?' : *c);
		}
		free(names[i]);
	}
	if (n > PUT_LISTED_MAX)
		buf_printf(&b, " and %zu more", n - PUT_LISTED_MAX);
	buf_addc(&b, ')');
	free(names);
	free(dir);
	return buf_steal(&b, NULL);
}

/* A file, or a folder and everything in it (symbolic links are left out). */
static void
put_tree(struct runner *r, struct agentconn *a, const char *path, const char *dst, struct put_state *ps)
{
	struct stat sb;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &sb) != 0) {
		ps->error = errno == ENOENT ? put_missing(path) : xasprintf("cannot read %s: %s", path, strerror(errno));
		return;
	}
	if (!S_ISDIR(sb.st_mode)) {
		if (S_ISREG(sb.st_mode))
			put_one(r, a, path, dst[0] ? dst : strrchr(path, '/') ? strrchr(path, '/') + 1 : path, ps);
		return;
	}
	if ((d = opendir(path)) == NULL) {
		ps->error = xasprintf("cannot read %s: %s", path, strerror(errno));
		return;
	}
	while ((e = readdir(d)) != NULL && ps->error == NULL && r->error == NULL) {
		char *child, *cdst;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		child = xasprintf("%s/%s", path, e->d_name);
		cdst = dst[0] ? xasprintf("%s/%s", dst, e->d_name) : xstrdup(e->d_name);
		put_tree(r, a, child, cdst, ps);
		free(child);
		free(cdst);
	}
	closedir(d);
}

json_t *
put_step(struct runner *r, struct agentconn *a, const char *src, const char *dst)
{
	struct put_state ps = { 0, 0, NULL };
	int64_t start = time_realtime_ns();
	char *path = src[0] == '/' ? xstrdup(src) : xasprintf("%s/%s", r->x->dir, src);
	json_t *res;

	put_tree(r, a, path, dst ? dst : "", &ps);
	free(path);
	res = json_pack("{s:b, s:n, s:i, s:I, s:I, s:I}", "ok", ps.error == NULL, "ret", "files", ps.files,
	    "bytes", ps.bytes, "start_ns", (json_int_t)start, "end_ns", (json_int_t)time_realtime_ns());
	if (ps.error != NULL)
		json_object_set_new(res, "agent_error", json_string(ps.error));
	free(ps.error);
	return res;
}
