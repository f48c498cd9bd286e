/*
 * cmd-autograder.c — verona autograder gradescope|prairielearn EXPERIMENT
 * [-D name=value]... -o OUT: a bundle that grades one submission on the
 * platform: setup.sh (packages, then verona built from its source), run_autograder
 * (verona grade, then the platform's results.json), the source verona was
 * built from, the experiment and the instructor's files it puts.  Gradescope
 * takes a zip (libzip); PrairieLearn an image folder (its Dockerfile).
 * The scripts are autograder-tmpl.c's templates.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include "autograder.h"
#include "cmd.h"
#include "expt.h"
#include "ops.h"
#include "testbed.h"
#include "util.h"

#ifndef VERONA_RUN_PKGS
#error "VERONA_RUN_PKGS: the Makefile's RUN_PKGS (make defines it for this file)"
#endif
/* what building and running verona needs, and the students' interpreter (the seed experiments run python3) */
#define AUTOGRADER_PACKAGES VERONA_RUN_PKGS " python3"
/* the largest file a bundle carries */
#define AUTOGRADER_FILE_MAX (64u << 20)
/* stands for the student's folder while the experiment is loaded: puts below it are the student's files */
#define AUTOGRADER_SUBMISSION "/verona-autograder-submission"

/* Where a bundle goes: a zip, or a folder (zip NULL). */
struct autograder_out {
	zip_t		*zip;
	int		 dirfd;
	const char	*path;
	size_t		 files;
};

struct autograder_script {
	const char	*name;			/* in the bundle */
	const char	*const *parts;		/* templates, concatenated; NULL-terminated */
	mode_t		 mode;
};

struct autograder_platform {
	const char	*name;
	int		 zip;			/* a zip; else a folder */
	const char	*root;			/* where run_autograder finds the bundle (sh) */
	const char	*submission, *results;	/* the platform's folders and file */
	const struct autograder_script *scripts;	/* NULL name ends */
	const char	*next;			/* what the instructor does with it, printed */
};

static const char *const gs_setup[] = { autograder_setup_sh, NULL };
static const char *const gs_run[] = { autograder_run_head, autograder_gradescope_tail, NULL };
static const char *const pl_run[] = { autograder_run_head, autograder_prairielearn_tail, NULL };
static const char *const pl_docker[] = { autograder_dockerfile, NULL };
static const char *const pl_readme[] = { autograder_prairielearn_readme, NULL };

static const struct autograder_script gs_scripts[] = {
	{ "setup.sh", gs_setup, 0755 }, { "run_autograder", gs_run, 0755 }, { NULL, NULL, 0 },
};
static const struct autograder_script pl_scripts[] = {
	{ "setup.sh", gs_setup, 0755 }, { "run_autograder", pl_run, 0755 },
	{ "Dockerfile", pl_docker, 0644 }, { "README.md", pl_readme, 0644 }, { NULL, NULL, 0 },
};

static const struct autograder_platform autograder_platforms[] = {
	{ "gradescope", 1, "/autograder/source", "/autograder/submission", "/autograder/results/results.json",
	  gs_scripts, "upload it in the assignment's Configure Autograder page (Zip file upload, Ubuntu 22.04)" },
	{ "prairielearn", 0, "\"$(cd \"$(dirname \"$0\")\" && pwd)\"", "/grade/student", "/grade/results/results.json",
	  pl_scripts, "build and push its image (docker build, see its README.md), then name it in the "
	  "question's info.json" },
};

/* The folders of the source the build needs (their .c and .h, agent/preload/ too), and its files. */
static const char *const autograder_src_dirs[] = { "common", "pcap", "agent", "controller" };
static const struct { const char *name; int required; } autograder_src_files[] = {
	{ "Makefile", 1 }, { "README.md", 0 }, { "LICENSE", 0 },
};

/* Adds data (taken: freed here) as name with mode; 0, or -1 after a message. */
static int
autograder_add(struct autograder_out *o, const char *name, char *data, size_t len, mode_t mode)
{
	if (o->zip != NULL) {
		zip_source_t *s = zip_source_buffer(o->zip, data, len, 1);
		zip_int64_t i = s == NULL ? -1 : zip_file_add(o->zip, name, s, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8);
		if (i < 0 || zip_file_set_external_attributes(o->zip, (zip_uint64_t)i, 0, ZIP_OPSYS_UNIX,
		    (zip_uint32_t)(S_IFREG | mode) << 16) != 0) {
			fprintf(stderr, "verona autograder: %s: cannot add %s: %s\n", o->path, name, zip_strerror(o->zip));
			if (s == NULL)
				free(data);
			else if (i < 0)
				zip_source_free(s);
			return -1;
		}
		o->files++;
		return 0;
	}
	char *dir = xstrdup(name);
	int fd, rc = 0;
	for (char *p = strchr(dir, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdirat(o->dirfd, dir, 0755) != 0 && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	free(dir);
	fd = rc != 0 ? -1 : openat(o->dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len || fchmod(fd, mode) != 0) {
		fprintf(stderr, "verona autograder: cannot write %s/%s: %s\n", o->path, name, strerror(errno));
		rc = -1;
	}
	if (fd >= 0 && close(fd) != 0)
		rc = -1;
	free(data);
	o->files += rc == 0;
	return rc;
}

static int
autograder_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
autograder_wanted(const char *name, int sources_only)
{
	size_t n = strlen(name);
	return !sources_only || (n > 2 && name[n - 2] == '.' && (name[n - 1] == 'c' || name[n - 1] == 'h'));
}

/* Adds the file or folder at path as name (a folder's files in name order); 0, or -1 after a message. */
static int
autograder_add_tree(struct autograder_out *o, const char *path, const char *name, int sources_only)
{
	struct stat sb;
	char **names = NULL, *data;
	size_t n = 0, cap = 0, len;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (stat(path, &sb) != 0) {
		fprintf(stderr, "verona autograder: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(sb.st_mode)) {
		if ((data = file_read_all(path, &len, AUTOGRADER_FILE_MAX)) == NULL) {
			fprintf(stderr, "verona autograder: cannot read %s: %s\n", path, strerror(errno));
			return -1;
		}
		return autograder_add(o, name, data, len, sb.st_mode & 0755);
	}
	if (!S_ISDIR(sb.st_mode) || (d = opendir(path)) == NULL) {
		fprintf(stderr, "verona autograder: %s is neither a file nor a folder it can read\n", path);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap)
			names = xrealloc(names, (cap = cap ? cap * 2 : 32) * sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, autograder_name_cmp);
	for (size_t i = 0; i < n; i++) {
		char *child = xasprintf("%s/%s", path, names[i]), *cname = xasprintf("%s/%s", name, names[i]);
		struct stat cs, ls;
		/* a linked folder is not followed (a link to . or above would never end); a linked file is */
		if (rc == 0 && lstat(child, &ls) == 0 && stat(child, &cs) == 0 &&
		    (S_ISDIR(cs.st_mode) ? !S_ISLNK(ls.st_mode) : autograder_wanted(names[i], sources_only)))
			rc = autograder_add_tree(o, child, cname, sources_only);
		free(child);
		free(cname);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* The source tree this verona was built from (bin/..), or NULL after a message; the caller frees. */
static char *
autograder_source_root(void)
{
	char exe[PATH_MAX], *slash, *mk, *ctl;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	struct stat sb;
	int ok;

	if (n <= 0) {
		fprintf(stderr, "verona autograder: cannot read /proc/self/exe: %s\n", strerror(errno));
		return NULL;
	}
	exe[n] = '\0';
	for (int up = 0; up < 2; up++)			/* .../bin/verona -> ... */
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
	mk = xasprintf("%s/Makefile", exe);
	ctl = xasprintf("%s/controller", exe);
	ok = stat(mk, &sb) == 0 && S_ISREG(sb.st_mode) && stat(ctl, &sb) == 0 && S_ISDIR(sb.st_mode);
	free(mk);
	free(ctl);
	if (!ok) {
		fprintf(stderr, "verona autograder: the bundle carries the source verona was built from, and %s "
		    "(where this verona is, bin/..) has no Makefile and controller/: run the verona of a source "
		    "tree (bin/verona after make), not an installed copy\n", exe[0] ? exe : "/");
		return NULL;
	}
	return xstrdup(exe);
}

/* verona's source below verona/; 0, or -1 after a message. */
static int
autograder_add_source(struct autograder_out *o, const char *root)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof autograder_src_dirs / sizeof autograder_src_dirs[0]; i++) {
		char *path = xasprintf("%s/%s", root, autograder_src_dirs[i]);
		char *name = xasprintf("verona/%s", autograder_src_dirs[i]);
		rc = autograder_add_tree(o, path, name, 1);
		free(path);
		free(name);
	}
	for (size_t i = 0; rc == 0 && i < sizeof autograder_src_files / sizeof autograder_src_files[0]; i++) {
		char *path = xasprintf("%s/%s", root, autograder_src_files[i].name);
		char *name = xasprintf("verona/%s", autograder_src_files[i].name);
		if (autograder_src_files[i].required || access(path, F_OK) == 0)
			rc = autograder_add_tree(o, path, name, 0);
		free(path);
		free(name);
	}
	return rc;
}

/* A put's source that stays below the experiment's folder: relative, no ".." */
static int
autograder_below(const char *src)
{
	if (src[0] == '/' || src[0] == '\0')
		return 0;
	for (const char *p = src; p != NULL; p = strchr(p, '/'), p = p ? p + 1 : NULL)
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
			return 0;
	return 1;
}

/*
 * The experiment as experiment/NAME and the instructor's files it puts
 * (those not below ${submission}) at their paths below it; *student says
 * whether any put takes the student's files.  0, or -1 after a message.
 */
static int
autograder_add_experiment(struct autograder_out *o, const struct experiment *x, const char *expfile, int *student)
{
	const char *base = strrchr(x->file, '/') ? strrchr(x->file, '/') + 1 : x->file;
	size_t sl = strlen(AUTOGRADER_SUBMISSION);
	char *name = xasprintf("experiment/%s", base);
	int rc = autograder_add_tree(o, expfile, name, 0);

	free(name);
	*student = 0;
	for (size_t i = 0; rc == 0 && i < x->nsteps; i++) {
		const struct step *st = &x->steps[i];
		const char *src = json_string_value(json_object_get(st->args, "src"));
		char *path;
		if (st->def->site != OP_SITE_PUT || src == NULL)
			continue;
		if (strncmp(src, AUTOGRADER_SUBMISSION, sl) == 0 && (src[sl] == '/' || src[sl] == '\0')) {
			*student = 1;
			continue;
		}
		if (!autograder_below(src)) {
			fprintf(stderr, "verona autograder: %s:%d:%d: put %s: the autograder carries only files below "
			    "the experiment's folder (%s); copy it there and put it by a relative path\n",
			    x->file, st->pos.line, st->pos.col, src, x->dir);
			return -1;
		}
		path = xasprintf("%s/%s", x->dir, src);
		name = xasprintf("experiment/%s", src);
		rc = autograder_add_tree(o, path, name, 0);
		free(path);
		free(name);
	}
	return rc;
}

/* -D values as sh words: -D 'name=value' ...; a new string, the caller's. */
static char *
autograder_defines_words(json_t *defines)
{
	struct buf b;
	const char *k;
	json_t *v;

	buf_init(&b);
	json_object_foreach(defines, k, v) {
		char *kv = xasprintf("%s=%s", k, json_string_value(v)), *q = autograder_shell_quote(kv);
		buf_printf(&b, "%s-D %s", b.len ? " " : "", q);
		free(kv);
		free(q);
	}
	return buf_steal(&b, NULL);
}

/* The platform's scripts, filled; 0, or -1 after a message. */
static int
autograder_add_scripts(struct autograder_out *o, const struct autograder_platform *p, const struct experiment *x,
    json_t *defines)
{
	const char *base = strrchr(x->file, '/') ? strrchr(x->file, '/') + 1 : x->file;
	char *words = autograder_defines_words(defines), *qsub = autograder_shell_quote(p->submission);
	char *qres = autograder_shell_quote(p->results);
	const struct autograder_mark marks[] = {
		{ "PLATFORM", p->name }, { "VERSION", VERONA_VERSION }, { "PACKAGES", AUTOGRADER_PACKAGES },
		{ "EXPERIMENT", x->file }, { "NAME", x->name }, { "ROOT", p->root }, { "DEFINES", words },
		{ "SUBMISSION", qsub }, { "RESULTS", qres }, { "EXPFILE", base },
	};
	int rc = 0;

	/* EXPFILE goes inside a double-quoted word */
	for (const char *c = base; *c; c++)
		if (*c == '"' || *c == '$' || *c == '`' || *c == '\\' || *c == '\n') {
			fprintf(stderr, "verona autograder: %s: the experiment's file name has a character the "
			    "scripts cannot quote (\", $, `, \\ or a newline): rename it\n", x->file);
			rc = -1;
			break;
		}
	for (const struct autograder_script *s = p->scripts; rc == 0 && s->name != NULL; s++) {
		struct buf b;
		buf_init(&b);
		for (const char *const *t = s->parts; *t != NULL; t++) {
			char *f = autograder_fill(*t, marks, sizeof marks / sizeof marks[0]);
			buf_adds(&b, f);
			free(f);
		}
		size_t len = b.len;
		rc = autograder_add(o, s->name, buf_steal(&b, NULL), len, s->mode);
	}
	free(words);
	free(qsub);
	free(qres);
	return rc;
}

/* Opens the bundle at path: a new zip, or a folder that is new or empty; 0, or -1 after a message. */
static int
autograder_open(struct autograder_out *o, const struct autograder_platform *p, const char *path)
{
	int err = 0;
	DIR *d;
	struct dirent *de;

	memset(o, 0, sizeof *o);
	o->path = path;
	o->dirfd = -1;
	if (p->zip) {
		if ((o->zip = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err)) == NULL) {
			zip_error_t ze;
			zip_error_init_with_code(&ze, err);
			fprintf(stderr, "verona autograder: cannot create %s: %s\n", path, zip_error_strerror(&ze));
			zip_error_fini(&ze);
			return -1;
		}
		return 0;
	}
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "verona autograder: cannot make the folder %s: %s\n", path, strerror(errno));
		return -1;
	}
	if ((o->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || (d = fdopendir(dup(o->dirfd))) == NULL) {
		fprintf(stderr, "verona autograder: cannot open the folder %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL && (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0))
		;
	closedir(d);
	if (de != NULL) {
		fprintf(stderr, "verona autograder: %s is not empty: give -o a new folder (or an empty one)\n", path);
		return -1;
	}
	return 0;
}

/* Finishes the bundle (ok) or drops it; 0, or -1 after a message. */
static int
autograder_close(struct autograder_out *o, int ok)
{
	int rc = 0;

	if (o->zip != NULL) {
		if (!ok)
			zip_discard(o->zip);
		else if (zip_close(o->zip) != 0) {
			fprintf(stderr, "verona autograder: cannot write %s: %s\n", o->path, zip_strerror(o->zip));
			zip_discard(o->zip);
			rc = -1;
		}
	}
	if (o->dirfd >= 0)
		close(o->dirfd);
	return rc;
}

static const struct autograder_platform *
autograder_platform_named(const char *name)
{
	for (size_t i = 0; i < sizeof autograder_platforms / sizeof autograder_platforms[0]; i++)
		if (strcmp(autograder_platforms[i].name, name) == 0)
			return &autograder_platforms[i];
	fprintf(stderr, "verona autograder: no platform '%s': gradescope or prairielearn\n", name);
	return NULL;
}

/* Loads the experiment as the bundle will grade it, ${submission} a stand-in; NULL after a message. */
static struct experiment *
autograder_load(const char *path, json_t *defines)
{
	json_t *d;
	struct experiment *x;

	if (json_object_get(defines, "submission") != NULL) {
		fprintf(stderr, "verona autograder: -D submission: verona grade sets it to each student's folder\n");
		return NULL;
	}
	d = json_deep_copy(defines);
	json_object_set_new(d, "submission", json_string(AUTOGRADER_SUBMISSION));
	x = cmd_load(path, d);
	json_decref(d);
	/* the platforms' containers allow no namespace: verona grades there on the loopback testbed */
	if (x != NULL && testbed_loopback_usable(x) != 0) {
		fprintf(stderr, "verona autograder: %s cannot run in the platform's container, which allows no "
		    "namespace (verona's loopback testbed, see docs/testbeds.md): the reasons above\n", path);
		expt_free(x);
		return NULL;
	}
	return x;
}

static int
autograder_build(const struct autograder_platform *p, const char *expfile, json_t *defines, const char *out)
{
	struct experiment *x = autograder_load(expfile, defines);
	char *root = x == NULL ? NULL : autograder_source_root();
	struct autograder_out o;
	int student = 0, rc;

	if (root == NULL || autograder_open(&o, p, out) != 0) {
		expt_free(x);
		free(root);
		return 2;
	}
	rc = autograder_add_scripts(&o, p, x, defines);
	if (rc == 0)
		rc = autograder_add_experiment(&o, x, expfile, &student);
	if (rc == 0)
		rc = autograder_add_source(&o, root);
	if (autograder_close(&o, rc == 0) != 0)
		rc = -1;
	if (rc == 0) {
		printf("verona autograder: wrote %s (%zu files: setup.sh, run_autograder, verona's source, %s and the "
		    "files it puts); %s\n", out, o.files, x->file, p->next);
		if (!student)
			fprintf(stderr, "verona autograder: warning: %s puts no file of ${submission}: the students' "
			    "files would not reach the hosts\n", x->file);
	}
	expt_free(x);
	free(root);
	return rc == 0 ? 0 : 2;
}

static int
cmd_autograder_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "define", required_argument, NULL, 'D' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct autograder_platform *p;
	json_t *defines = json_object();
	const char *out = NULL;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "D:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'D':
			if (cmd_define(defines, optarg) != 0) {
				json_decref(defines);
				return 2;
			}
			break;
		case 'o': out = optarg; break;
		case 'h':
			json_decref(defines);
			cmd_usage(&cmd_autograder_entry, stdout, 1);
			return 0;
		default:
			json_decref(defines);
			cmd_usage(&cmd_autograder_entry, stderr, 0);
			return 2;
		}
	}
	if (argc - optind != 2 || out == NULL) {
		if (argc - optind == 2)
			fprintf(stderr, "verona autograder: -o: where to write the %s\n",
			    strcmp(argv[optind], "gradescope") == 0 ? "zip" : "image folder");
		json_decref(defines);
		cmd_usage(&cmd_autograder_entry, stderr, 0);
		return 2;
	}
	p = autograder_platform_named(argv[optind]);
	rc = p == NULL ? 2 : autograder_build(p, argv[optind + 1], defines, out);
	json_decref(defines);
	return rc;
}

const struct cmd_entry cmd_autograder_entry = {
	.name = "autograder",
	.usage = "gradescope|prairielearn EXPERIMENT [-D name=value]... -o OUT",
	.summary = "make a Gradescope or PrairieLearn autograder that grades with EXPERIMENT",
	.help =
	"  -D, --define NAME=VALUE   set a variable of the experiment, frozen in the autograder\n"
	"  -o, --out OUT             gradescope: the zip to write; prairielearn: the image folder\n"
	"                            (new or empty)\n"
	"  -h, --help                this help\n"
	"gradescope writes a zip to upload as the assignment's autograder: setup.sh installs\n"
	"the packages verona needs (apt-get; each exists on Ubuntu 22.04 and Debian 12) and\n"
	"builds verona from the source in the zip (the tree this verona was built from);\n"
	"run_autograder grades /autograder/submission with verona grade and writes\n"
	"/autograder/results/results.json.  prairielearn writes an external grader's image\n"
	"folder (Dockerfile, setup.sh, run_autograder grading /grade/student into\n"
	"/grade/results/results.json, README.md).  Both carry the experiment, its -D values\n"
	"and the instructor's files it puts (not the student's: those below ${submission}).\n"
	"The students' programs run under user ids of their own (verona's sandbox), not root.\n",
	.exec = cmd_autograder_exec,
};
