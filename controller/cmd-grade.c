/*
 * cmd-grade.c — verona grade EXPERIMENT --submission DIR | --submissions DIR:
 * runs a graded experiment with a student's files (the variable
 * `submission` names their folder, so the experiment's put steps copy
 * them), and writes results.json, gradescope.json, junit.xml, report.html
 * and the traces.  With --submissions, every sub-folder is a student,
 * graded in fresh namespaces, -j at a time; summary.csv lists them all,
 * summary.html shows the class.
 * One broken submission never stops the class.
 */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "expt.h"
#include "grade.h"
#include "outdir.h"
#include "limitspec.h"
#include "report-class.h"
#include "report-grade.h"
#include "run.h"
#include "tbfile.h"
#include "testbed.h"
#include "util.h"

static const struct tbfile *grade_testbed;	/* --testbed: real hosts */
static int grade_force;				/* --force: the out folder may be one verona wrote before */
static json_t *grade_limits;			/* --limits, parsed */
static const char *grade_sandbox;		/* --sandbox, --unsandboxed */

static int grade_nruns = 1;			/* --runs: how many times each submission is graded */

/* One run of a submission (abs: its folder) into out; out_fd as for grade_one. */
static int
grade_run_once(const char *experiment, json_t *defines, const char *abs, const char *out, int out_fd, int quiet)
{
	json_t *d = json_deep_copy(defines);
	struct experiment *x;
	struct run_opts o = { .out = out, .out_fd = out_fd, .force = grade_force, .quiet = quiet,
	    .color = !quiet && isatty(1) };
	int rc;

	json_object_set_new(d, "submission", json_string(abs));
	x = cmd_load(experiment, d);
	json_decref(d);
	if (x == NULL) {
		if (out_fd > 2)
			close(out_fd);
		return 2;
	}
	o.submission = abs;
	o.testbed = grade_testbed;
	o.limits = grade_limits;
	o.sandbox = grade_sandbox;
	rc = run_experiment(x, &o);
	expt_free(x);
	return rc;
}

/* A JSON file below dirfd (never through a symlink at its last name), or NULL. */
static json_t *
grade_read_json(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	json_t *j = fd < 0 ? NULL : json_loadfd(fd, 0, NULL);

	if (fd >= 0)
		close(fd);
	return j;
}

/* The end of a submission's grading: its score and each item it lost. */
static void
grade_print_end(json_t *results)
{
	struct buf b;

	buf_init(&b);
	report_grade_text(&b, results);
	if (b.len > 0)
		fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	fflush(stdout);
}

/*
 * grade --runs N: the submission run N times, each into dfd's run-K
 * folder; then runs.json and gradescope.json (the median run's) in dfd.
 * Returns the median run's exit status, or 3 when a run had a harness
 * error or none graded.
 */
static int
grade_repeated(const char *experiment, json_t *defines, const char *abs, const char *out, int dfd, int quiet)
{
	json_t *grades = json_array(), *results = json_array(), *runs, *median;
	char err[512];
	int harness = 0, *codes = xcalloc((size_t)grade_nruns, sizeof *codes), rc;

	for (int k = 1; k <= grade_nruns; k++) {
		char *name = xasprintf("run-%d", k), *shown = xasprintf("%s/%s", out, name), *rp;
		int rfd;

		printf("verona: run %d of %d: %s\n", k, grade_nruns, shown);
		fflush(stdout);
		rfd = run_interrupted() ? OUTDIR_FAILED : outdir_fresh(dfd, name, OUTDIR_REPLACE, shown, err, sizeof err);
		if (rfd < 0 && !run_interrupted())
			fprintf(stderr, "verona: %s\n", err);
		codes[k - 1] = rfd < 0 ? 3 : grade_run_once(experiment, defines, abs, shown, rfd, quiet);
		if (codes[k - 1] == 2) {	/* the experiment or the command line: no run can do better */
			free(shown);
			free(name);
			json_decref(grades);
			json_decref(results);
			free(codes);
			return 2;
		}
		harness |= codes[k - 1] >= 2;
		rp = xasprintf("%s/results.json", name);
		json_t *res = rfd < 0 ? NULL : grade_read_json(dfd, rp);
		json_array_append_new(grades, json_incref(json_object_get(res, "grading") ?: json_null()));
		json_array_append_new(results, res ? res : json_null());
		free(rp);
		free(shown);
		free(name);
	}
	runs = grade_of_runs(grades);
	json_object_set_new(runs, "exits", json_array());
	for (int k = 0; k < grade_nruns; k++)
		json_array_append_new(json_object_get(runs, "exits"), json_integer(codes[k]));
	median = json_is_integer(json_object_get(runs, "median_run")) ?
	    json_array_get(results, (size_t)json_integer_value(json_object_get(runs, "median_run")) - 1) : NULL;
	rc = median == NULL || harness ? 3 :
	    codes[json_integer_value(json_object_get(runs, "median_run")) - 1];
	if (report_runs(runs, median, dfd, err, sizeof err) != 0) {
		fprintf(stderr, "verona: %s (in %s)\n", err, out);
		rc = 3;
	}
	{
		struct buf b;
		buf_init(&b);
		buf_printf(&b, "verona: %s ", abs);
		report_runs_text(&b, runs, json_object_get(runs, "max_score"));
		buf_printf(&b, " — %s/runs.json\n", out);
		fwrite(b.data, 1, b.len, stdout);
		buf_free(&b);
	}
	if (median != NULL) {
		printf("verona: the median run (%s/run-%lld):\n", out, (long long)json_integer_value(json_object_get(runs, "median_run")));
		grade_print_end(median);
	}
	json_decref(runs);
	json_decref(grades);
	json_decref(results);
	free(codes);
	return rc;
}

/* out_fd: a student's folder outdir_fresh made in the class folder (closed here), or 0: open out. */
static int
grade_one(const char *experiment, json_t *defines, const char *submission, const char *out, int out_fd, int quiet)
{
	char abs[PATH_MAX], err[512];
	int rc, dfd = out_fd;

	if (realpath(submission, abs) == NULL) {
		fprintf(stderr, "verona: %s: %s\n", submission, strerror(errno));
		if (out_fd > 2)
			close(out_fd);
		return 2;
	}
	if (grade_nruns == 1) {
		rc = grade_run_once(experiment, defines, abs, out, out_fd, quiet);
		if (rc != 2) {	/* also with --quiet: the score and what was lost */
			char *rp = xasprintf("%s/results.json", out);
			json_t *res = grade_read_json(AT_FDCWD, rp);
			grade_print_end(res);
			json_decref(res);
			free(rp);
		}
		return rc;
	}
	if (dfd <= 2 && (dfd = outdir_open(out, grade_force ? OUTDIR_FORCE : 0, err, sizeof err)) < 0) {
		fprintf(stderr, "verona: %s\n", err);
		return dfd == OUTDIR_REFUSED ? 2 : 3;
	}
	rc = grade_repeated(experiment, defines, abs, out, dfd, quiet);
	close(dfd);
	return rc;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The class's students: its sub-folders, sorted; *n of them (0 and a message when none or unreadable). */
static char **
grade_students(const char *dir, size_t *np)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **students = NULL;
	size_t n = 0;

	*np = 0;
	if (d == NULL) {
		fprintf(stderr, "verona: %s: %s\n", dir, strerror(errno));
		return NULL;
	}
	while ((e = readdir(d)) != NULL) {
		struct stat sb;
		char *p;
		if (e->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", dir, e->d_name);
		if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			students = xrealloc(students, (n + 1) * sizeof *students);
			students[n++] = xstrdup(e->d_name);
		}
		free(p);
	}
	closedir(d);
	if (n == 0) {
		fprintf(stderr, "verona: %s has no sub-folders (one per student)\n", dir);
		free(students);
		return NULL;
	}
	qsort(students, n, sizeof *students, name_cmp);
	*np = n;
	return students;
}

/*
 * A student's run has ended with wait status st: prints the class line, adds
 * the summary row, and returns the exit code it counts as (0, 1 or 3).
 */
static int
grade_collect(const char *student, int classfd, const char *out, int st, json_t *rows, int *review)
{
	char *rp = xasprintf("%s/runs.json", student);
	json_t *runs = grade_read_json(classfd, rp), *res;
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : 3;
	char score[32], max[32];

	free(rp);
	/* graded several times: the median run's results stand for the student */
	if (json_is_integer(json_object_get(runs, "median_run")))
		rp = xasprintf("%s/run-%lld/results.json", student, (long long)json_integer_value(json_object_get(runs, "median_run")));
	else
		rp = xasprintf("%s/results.json", student);
	res = runs != NULL && !json_is_integer(json_object_get(runs, "median_run")) ? NULL : grade_read_json(classfd, rp);
	json_t *g = res ? json_object_get(res, "grading") : NULL;
	char *bare = res ? report_unsandboxed_hosts(res) : NULL;
	if (g != NULL) {
		report_score_text(score, sizeof score, json_number_value(json_object_get(g, "score")));
		report_score_text(max, sizeof max, json_number_value(json_object_get(g, "max_score")));
		printf("  %-20s %6s / %-6s %s%s%s", student, score, max,
		    report_needs_review(res) ? "needs review (undecided items score 0)" :
		    code == 0 ? "" : code == 1 ? "(points lost)" : "(harness error: regrade)",
		    bare ? " WARNING: not sandboxed on " : "", bare ? bare : "");
		if (runs != NULL) {
			report_score_text(score, sizeof score, json_number_value(json_object_get(runs, "min")));
			report_score_text(max, sizeof max, json_number_value(json_object_get(runs, "max")));
			printf(" median of %lld runs, spread %s..%s%s", (long long)json_integer_value(json_object_get(runs, "runs")),
			    score, max, json_is_true(json_object_get(runs, "unstable")) ? " UNSTABLE" : "");
		}
		printf("\n");
	} else
		printf("  %-20s not graded (exit %d): see %s/%s.log\n", student, code, out, student);
	free(bare);
	*review += res == NULL || report_needs_review(res);
	fflush(stdout);
	json_array_append_new(rows, json_pack("{s:s, s:o, s:o, s:o}", "student", student,
	    "results", res ? res : json_null(),
	    "error", res ? json_null() : json_sprintf("the run did not finish (exit %d)", code),
	    "runs", runs ? runs : json_null()));
	free(rp);
	return code >= 2 ? 3 : code;
}

/* summary.csv and summary.html of the class's rows (in student order) in classfd; 0, or -1 when one failed (said). */
static int
grade_write_summaries(json_t *rows, int classfd, const char *out)
{
	char err[512];
	int rc = 0;

	if (report_summary_csv(rows, classfd, "summary.csv", err, sizeof err) != 0) {
		fprintf(stderr, "verona: %s (in the class folder %s)\n", err, out);
		rc = -1;
	} else
		printf("verona: %s/summary.csv\n", out);
	/* the dashboard: the same rows, so the same scores */
	if (report_class_html(rows, classfd, "summary.html", err, sizeof err) != 0) {
		fprintf(stderr, "verona: %s (in the class folder %s)\n", err, out);
		rc = -1;
	} else
		printf("verona: %s/summary.html\n", out);
	return rc;
}

/* The class: every sub-folder, -j at a time, each in a child process with its own testbed. */
static int
grade_class(const char *experiment, json_t *defines, const char *dir, const char *out, int jobs)
{
	char **students;
	pid_t *pids;
	size_t n = 0, next = 0, running = 0;
	json_t *rows;
	char err[512];
	int status = 0, classfd, review = 0;

	if ((students = grade_students(dir, &n)) == NULL)
		return 2;
	rows = json_array();
	/* the class folder is ours and private; each student's folder is made fresh in it */
	if ((classfd = outdir_open(out, grade_force ? OUTDIR_FORCE : 0, err, sizeof err)) < 0) {
		fprintf(stderr, "verona: %s\n", err);
		for (size_t i = 0; i < n; i++)
			free(students[i]);
		free(students);
		json_decref(rows);
		return classfd == OUTDIR_REFUSED ? 2 : 3;
	}
	pids = xcalloc(n, sizeof *pids);
	printf("verona: grading %zu submissions of %s, %d at a time, into %s\n", n, experiment, jobs, out);
	fflush(stdout);
	while (next < n || running > 0) {
		/* after Ctrl-C no student starts; those running tear down their testbeds and end */
		while (next < n && running < (size_t)jobs && !run_interrupted()) {
			char *sub = xasprintf("%s/%s", dir, students[next]), *o = xasprintf("%s/%s", out, students[next]);
			int sfd = outdir_fresh(classfd, students[next], OUTDIR_REPLACE, o, err, sizeof err);
			pid_t pid = sfd < 0 ? -1 : fork();
			if (sfd >= 0 && pid < 0)
				snprintf(err, sizeof err, "cannot start grading %s: %s", students[next], strerror(errno));
			if (pid < 0) {
				/* the class goes on; this student is a harness error in summary.csv */
				fprintf(stderr, "verona: %s\n", err);
				json_array_append_new(rows, json_pack("{s:s, s:n, s:s}", "student", students[next],
				    "results", "error", err));
				status = 3;
			}
			if (pid == 0) {
				int logfd;
				char *log = xasprintf("%s.log", students[next]);
				/* a child's own output goes to OUT/STUDENT.log */
				if ((logfd = outdir_file(classfd, log)) >= 0) {
					dup2(logfd, 1);
					dup2(logfd, 2);
				}
				_exit(grade_one(experiment, defines, sub, o, sfd, 0));
			}
			pids[next] = pid;
			if (sfd >= 0)
				close(sfd);
			free(sub);
			free(o);
			next++;
			running += pid > 0;
		}
		int st;
		if (running == 0)
			continue;	/* every student so far failed to start */
		pid_t done = wait(&st);
		if (done < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		running--;
		for (size_t i = 0; i < n; i++)
			if (pids[i] == done) {
				int code = grade_collect(students[i], classfd, out, st, rows, &review);
				if (code > status)
					status = code;
			}
	}
	if (run_interrupted()) {
		fprintf(stderr, "verona: interrupted by signal %d: %zu of %zu submissions not graded\n",
		    run_interrupted(), n - next, n);
		status = 3;
	}
	/* rows in student order */
	json_t *sorted = json_array();
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < json_array_size(rows); k++)
			if (strcmp(json_string_value(json_object_get(json_array_get(rows, k), "student")), students[i]) == 0)
				json_array_append(sorted, json_array_get(rows, k));
	if (grade_write_summaries(sorted, classfd, out) != 0)
		status = 3;
	if (review > 0)
		printf("verona: %d of %zu submissions need review (the needs_review column of summary.csv)\n",
		    review, n);
	json_decref(sorted);
	json_decref(rows);
	for (size_t i = 0; i < n; i++)
		free(students[i]);
	free(students);
	free(pids);
	close(classfd);
	return status;
}

static int
cmd_grade_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "define", required_argument, NULL, 'D' },
		{ "submission", required_argument, NULL, 's' },
		{ "submissions", required_argument, NULL, 'S' },
		{ "out", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "testbed", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'f' },
		{ "limits", required_argument, NULL, 'L' },
		{ "sandbox", required_argument, NULL, 'B' },
		{ "unsandboxed", no_argument, NULL, 'N' },
		{ "runs", required_argument, NULL, 'R' },
		{ "local", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	json_t *defines = json_object();
	const char *one = NULL, *class = NULL, *out = NULL, *tbpath = NULL, *limits = NULL;
	char err[256];
	struct tbfile *tb = NULL;
	int c, jobs = 1, quiet = 0, rc, place = TESTBED_PLACE_AUTO;
	char *defout = NULL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hD:s:S:o:j:qt:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_usage(&cmd_grade_entry, stdout, 1);
			json_decref(defines);
			return 0;
		case 'D':
			if (cmd_define(defines, optarg) != 0) {
				json_decref(defines);
				return 2;
			}
			break;
		case 's': one = optarg; break;
		case 'S': class = optarg; break;
		case 'o': out = optarg; break;
		case 'q': quiet = 1; break;
		case 't': tbpath = optarg; break;
		case 'l':
			if ((place = cmd_local_place(optarg)) < 0) {
				json_decref(defines);
				return 2;
			}
			break;
		case 'f': grade_force = 1; break;
		case 'L': limits = optarg; break;
		case 'B':
		case 'N':
			if ((grade_sandbox = cmd_sandbox_level(c == 'N' ? "none" : optarg)) == NULL) {
				json_decref(defines);
				return 2;
			}
			break;
		case 'R': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || n < 1 || n > 99) {
				fprintf(stderr, "verona: --runs wants a whole number of runs, 1..99, not '%s'\n", optarg);
				json_decref(defines);
				return 2;
			}
			grade_nruns = (int)n;
			break;
		}
		case 'j':
			jobs = atoi(optarg);
			if (jobs < 1 || jobs > 64) {
				fprintf(stderr, "verona: -j wants 1..64, not '%s'\n", optarg);
				json_decref(defines);
				return 2;
			}
			break;
		default:
			cmd_usage(&cmd_grade_entry, stderr, 0);
			json_decref(defines);
			return 2;
		}
	}
	if (optind != argc - 1 || (one == NULL) == (class == NULL)) {
		cmd_usage(&cmd_grade_entry, stderr, 0);
		json_decref(defines);
		return 2;
	}
	if (tbpath != NULL && jobs > 1) {
		fprintf(stderr, "verona: a testbed file's agents serve one run at a time: grade with -j 1 "
		    "(or one testbed file per pair of hosts, as ansible/run.yml does)\n");
		json_decref(defines);
		return 2;
	}
	if (tbpath != NULL) {
		if ((tb = cmd_load_testbed(tbpath)) == NULL) {
			json_decref(defines);
			return 2;
		}
		grade_testbed = tb;
	} else if (testbed_place_enter(place, err, sizeof err) != 0 || !testbed_can_run(err, sizeof err)) {
		fprintf(stderr, "verona: %s\n", err);
		json_decref(defines);
		return 2;
	} else if (testbed_place() == TESTBED_PLACE_LOOPBACK && jobs > 1) {
		fprintf(stderr, "verona: on the loopback testbed every student's programs share one network stack, and "
		    "one could reach another's: grade one at a time (-j 1), or on netns or userns\n");
		json_decref(defines);
		return 2;
	} else if (testbed_place() == TESTBED_PLACE_LOOPBACK && grade_sandbox == NULL)
		grade_sandbox = "uid";	/* no namespace for programs either: a user id of their own */
	if ((grade_limits = limitspec_parse(limits, err, sizeof err)) == NULL) {
		fprintf(stderr, "verona: %s\n", err);
		json_decref(defines);
		tbfile_free(tb);
		return 2;
	}
	if (out == NULL) {
		const char *base = strrchr(one ? one : class, '/');
		defout = xasprintf("grades-%s", base && base[1] ? base + 1 : one ? one : class);
		out = defout;
	}
	{
		/* Ctrl-C, kill, a closed terminal: every run tears its testbed down (the
		 * students' children take the handler with them) */
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = run_interrupt;	/* no SA_RESTART: poll returns EINTR */
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
	}
	signal(SIGPIPE, SIG_IGN);
	rc = one ? grade_one(argv[optind], defines, one, out, 0, quiet) :
	    grade_class(argv[optind], defines, class, out, jobs);
	free(defout);
	json_decref(defines);
	json_decref(grade_limits);
	grade_limits = NULL;
	tbfile_free(tb);
	return rc;
}

const struct cmd_entry cmd_grade_entry = {
	.name = "grade",
	.usage = "[-D name=value]... (--submission DIR | --submissions DIR [-j N]) [--testbed HOSTS.yaml | --local netns|userns|loopback] [--limits LIST] [--sandbox full|uid|none] [--runs N] [--out DIR [--force]] EXPERIMENT",
	.summary = "grade students' programs: run a graded experiment with each submission",
	.help =
	"  -s, --submission DIR      one student's folder (the experiment's ${submission})\n"
	"  -S, --submissions DIR     a class: every sub-folder of DIR is one student\n"
	"  -j, --jobs N              grade N students at once (each in its own testbed)\n"
	"  -o, --out DIR             where the results go (default grades-NAME); for a class,\n"
	"                            DIR/STUDENT/ per student, DIR/summary.csv and the class's\n"
	"                            page DIR/summary.html; DIR must be new, or an empty\n"
	"                            folder of yours (never a symlink)\n"
	"      --force               DIR may be a folder verona wrote before (a regrade):\n"
	"                            its contents are replaced\n"
	"  -D, --define name=value   adjust the contract (program name, port, ...)\n"
	"  -q, --quiet               only what failed\n"
	"  -t, --testbed HOSTS.yaml  grade on the hosts of a testbed file (one at a time)\n"
	"      --local PLACE         netns, userns or loopback (see verona run --help)\n"
	"      --limits LIST         per student and host, for everything the programs start\n"
	"                            (a cgroup): memory=1G,processes=256,cpus=1,disk=256M\n"
	"                            (the defaults; each run gets an equal CPU share)\n"
	"  --sandbox full|uid|none   where programs run (default full: namespaces of their own)\n"
	"  --unsandboxed             the same as --sandbox none\n"
	"      --runs N              grade each submission N times (default 1): DIR/run-1 ..\n"
	"                            DIR/run-N, and DIR/runs.json with the median score, the\n"
	"                            spread and \"unstable\" when the runs differ; the median\n"
	"                            run's gradescope.json in DIR\n"
	"  -h, --help                this help\n"
	"Writes results.json, gradescope.json, junit.xml, report.html and the traces per\n"
	"student.  Exit 0 full marks, 1 points lost, 2 bad input, 3 a harness error or a submission\n"
	"that needs review (an item verona could not decide: it scores 0 until reviewed).\n",
	.exec = cmd_grade_exec,
};
