/*
 * autograder.h — the scripts `verona autograder` writes into a bundle
 * (autograder-tmpl.c), as templates whose @NAME@ marks autograder_fill
 * replaces.  cmd-autograder.c assembles the bundle.
 */
#ifndef VERONA_AUTOGRADER_H
#define VERONA_AUTOGRADER_H
#include <stddef.h>

/* setup.sh: installs the missing packages of @PACKAGES@ with apt-get, builds ./verona without -Werror */
extern const char autograder_setup_sh[];
/* run_autograder's start: grades @SUBMISSION@ with @DEFINES@ into $out/grade, $rc its exit status */
extern const char autograder_run_head[];
/* run_autograder's end, per platform: from verona's outputs to the platform's results.json */
extern const char autograder_gradescope_tail[], autograder_prairielearn_tail[];
/* PrairieLearn's image: its Dockerfile and a README saying how to build, push and use it */
extern const char autograder_dockerfile[], autograder_prairielearn_readme[];

struct autograder_mark {
	const char	*name;		/* "ROOT" replaces @ROOT@ */
	const char	*value;
};

/* The template with each @NAME@ of marks (n of them) replaced by its value; a new string, the caller's. */
char	*autograder_fill(const char *tmpl, const struct autograder_mark *marks, size_t n);
/* s quoted for sh (in single quotes); a new string, the caller's. */
char	*autograder_shell_quote(const char *s);
#endif
