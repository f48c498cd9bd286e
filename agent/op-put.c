/*
 * op-put.c — writes a file the controller sent into the session's work
 * directory.  The destination is a relative path that must stay inside it:
 * no absolute path, no "..", and no symbolic link followed on the way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "agent.h"

static int
op_put_check(struct agent *a, struct task *t)
{
	const char *dst;
	char *copy, *save = NULL;

	if (a->workdir == NULL) {
		task_agent_error(t, "put: this agent has no work directory (start it with --allow-exec)");
		return -1;
	}
	if (task_arg_str(t, "dst", &dst) != 0 || task_arg_data(t, "data") != 0)
		return -1;
	if (dst[0] == '\0' || dst[0] == '/') {
		task_agent_error(t, "put: '%s' must be a relative path inside the work directory", dst);
		return -1;
	}
	copy = xstrdup(dst);
	for (char *c = strtok_r(copy, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save))
		if (strcmp(c, "..") == 0) {
			task_agent_error(t, "put: '%s' leaves the work directory", dst);
			free(copy);
			return -1;
		}
	free(copy);
	return 0;
}

static enum op_status
op_put_run(struct agent *a, struct task *t)
{
	const char *dst = json_string_value(json_object_get(t->args, "dst"));
	json_int_t mode = json_integer_value(json_object_get(t->args, "mode"));
	char *path = xstrdup(dst), *slash, *comp, *save = NULL, *leaf, tmp[64];
	int dfd = dup(a->workdir_fd), fd, err;
	size_t off = 0;

	slash = strrchr(path, '/');
	if (slash != NULL) {
		*slash = '\0';
		for (comp = strtok_r(path, "/", &save); comp != NULL; comp = strtok_r(NULL, "/", &save)) {
			int next;
			if (strcmp(comp, ".") == 0)
				continue;
			if (mkdirat(dfd, comp, 0755) == 0 && getuid() == 0)
				(void)fchownat(dfd, comp, a->exec_uid, a->exec_gid, AT_SYMLINK_NOFOLLOW);
			next = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (next < 0) {
				err = errno;
				close(dfd);
				free(path);
				task_agent_error(t, "put: '%s': %s", dst, err == ELOOP || err == ENOTDIR ?
				    "a component is a symbolic link or not a directory" : strerror(err));
				return OP_DONE;
			}
			close(dfd);
			dfd = next;
		}
	}
	/*
	 * A new file, renamed over the name at the end: a program of the session
	 * may have left there a hard link to a file of its own (the put would
	 * write into that one too) or a FIFO (the open would block the agent);
	 * the rename replaces the name.  A symbolic link there is refused (the
	 * rename would not follow it either).
	 */
	leaf = slash ? slash + 1 : path;
	struct stat sb;
	if (fstatat(dfd, leaf, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(sb.st_mode)) {
		close(dfd);
		task_agent_error(t, "put: '%s': is a symbolic link", dst);
		free(path);
		return OP_DONE;
	}
	unsigned char rnd[8];
	randombytes_buf(rnd, sizeof rnd);
	snprintf(tmp, sizeof tmp, ".verona-put-%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3],
	    rnd[4], rnd[5], rnd[6], rnd[7]);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    mode > 0 ? (mode_t)(mode & 0777) : 0644);
	if (fd < 0) {
		err = errno;
		close(dfd);
		task_agent_error(t, "put: '%s': cannot create it: %s", dst, strerror(err));
		free(path);
		return OP_DONE;
	}
	while (off < t->payload_len) {
		ssize_t n = write(fd, t->payload + off, t->payload_len - off);
		if (n < 0) {
			err = errno;
			close(fd);
			unlinkat(dfd, tmp, 0);
			close(dfd);
			free(path);
			task_errno(t, err);
			return OP_DONE;
		}
		off += (size_t)n;
	}
	if (getuid() == 0)
		(void)fchown(fd, a->exec_uid, a->exec_gid);
	close(fd);
	if (renameat(dfd, tmp, dfd, leaf) != 0) {
		err = errno;
		unlinkat(dfd, tmp, 0);
		close(dfd);
		task_agent_error(t, "put: '%s': %s", dst, err == EISDIR || err == ENOTEMPTY || err == EEXIST ?
		    "is a directory" : strerror(err));
		free(path);
		return OP_DONE;
	}
	close(dfd);
	free(path);
	json_object_set_new(t->result, "bytes", json_integer((json_int_t)off));
	task_ok(t, NULL);
	return OP_DONE;
}

const struct op_entry op_put_entry = {
	.name = "put", .uses_socket = 0, .check = op_put_check, .run = op_put_run,
};
