/*
 * test_autograder.c — unit tests for controller/autograder-tmpl.c: the
 * templates' @NAME@ marks filled, other @s kept, sh quoting of -D values, and
 * every mark each script uses is one cmd-autograder.c fills.
 */
#include <stdlib.h>
#include <string.h>

#include "autograder.h"
#include "unit.h"

static const struct autograder_mark marks[] = {
	{ "PLATFORM", "gradescope" }, { "VERSION", "0.1.0" }, { "PACKAGES", "a b" }, { "EXPERIMENT", "e.yaml" },
	{ "NAME", "balcony" }, { "ROOT", "/r" }, { "DEFINES", "-D 'x=1'" }, { "SUBMISSION", "'/s'" },
	{ "RESULTS", "'/r.json'" }, { "EXPFILE", "e.yaml" },
};
#define NMARKS (sizeof marks / sizeof marks[0])

UNIT_TEST(marks_are_filled_and_other_ats_kept)
{
	char *s = autograder_fill("a @ROOT@/b @NAME@@NAME@ me@host @NOPE@ @", marks, NMARKS);
	CHECK_STR(s, "a /r/b balconybalcony me@host @NOPE@ @");
	free(s);
	s = autograder_fill("", marks, NMARKS);
	CHECK_STR(s, "");
	free(s);
	/* a mark's name is whole: @ROOTS@ is not @ROOT@ followed by S@ */
	s = autograder_fill("@ROOTS@", marks, NMARKS);
	CHECK_STR(s, "@ROOTS@");
	free(s);
}

UNIT_TEST(values_are_quoted_for_sh)
{
	char *s = autograder_shell_quote("l1=it's $HOME `x` \"y\"");
	CHECK_STR(s, "'l1=it'\\''s $HOME `x` \"y\"'");
	free(s);
	s = autograder_shell_quote("");
	CHECK_STR(s, "''");
	free(s);
}

/* After filling, no @WORD@ is left in a script: each mark it uses is filled. */
static void
check_filled(const char *tmpl)
{
	char *s = autograder_fill(tmpl, marks, NMARKS), *p = s;
	while ((p = strchr(p, '@')) != NULL) {
		size_t n = strspn(p + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
		CHECK(!(n > 0 && p[1 + n] == '@'));
		p++;
	}
	free(s);
}

UNIT_TEST(every_mark_of_the_scripts_is_filled)
{
	check_filled(autograder_setup_sh);
	check_filled(autograder_run_head);
	check_filled(autograder_gradescope_tail);
	check_filled(autograder_prairielearn_tail);
	check_filled(autograder_dockerfile);
	check_filled(autograder_prairielearn_readme);
	/* setup.sh builds without -Werror and installs only what is missing */
	CHECK(strstr(autograder_setup_sh, "WERROR= all") != NULL);
	CHECK(strstr(autograder_setup_sh, "if [ -n \"$missing\" ]") != NULL);
	/* and leaves verona-bind.so readable to the students' programs (their own uids) */
	CHECK(strstr(autograder_setup_sh, "chmod a+r \"$here/verona/bin/verona-bind.so\"") != NULL);
}

int
main(void)
{
	UNIT_RUN(marks_are_filled_and_other_ats_kept);
	UNIT_RUN(values_are_quoted_for_sh);
	UNIT_RUN(every_mark_of_the_scripts_is_filled);
	return UNIT_END();
}
