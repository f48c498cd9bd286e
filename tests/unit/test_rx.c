/*
 * test_rx.c — unit tests for common/rx.c: the POSIX extended patterns the
 * experiments use mean the same through PCRE2 (. across lines and $ at the
 * very end in RX_TEXT, per line in RX_LINES, [[:cntrl:]], {m,n}, NUL bytes
 * in the subject), and a catastrophic pattern on 256 KiB and 1 MiB of
 * output ends each match within RX_BUDGET_S, as "too costly" (-1), never
 * as a match or a miss.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rx.h"
#include "unit.h"

static int
m(const char *re, enum rx_mode mode, const char *subject, size_t len)
{
	char err[300];
	struct rx *r = rx_compile(re, mode, err, sizeof err, NULL);
	int rc;
	if (r == NULL) {
		fprintf(stderr, "compile %s: %s\n", re, err);
		return -2;
	}
	rc = rx_match(r, subject, len, err, sizeof err);
	rx_free(r);
	return rc;
}

#define M(re, mode, s) m((re), (mode), (s), strlen(s))

UNIT_TEST(test_posix_meanings_kept)
{
	/* the balcony's stdout_regex: across lines */
	CHECK_INT(M("She speaks:.*air\\..*O Romeo.*Capulet", RX_TEXT,
	    "sent: She speaks:\nsent: air.\nreceived: O Romeo\nreceived: a Capulet.\n"), 1);
	CHECK_INT(M("She.*Capulet", RX_LINES, "She\nCapulet"), 0);	/* REG_NEWLINE: . stops at a line's end */
	/* name-server's data_regex: $ is the very end of the data */
	CHECK_INT(M("(^|[[:cntrl:]])hi you[[:cntrl:]]{1,2}$", RX_TEXT, "hi you\r\n"), 1);
	CHECK_INT(M("^hi$", RX_TEXT, "hi\n"), 0);
	CHECK_INT(M("^hi$", RX_LINES, "x\nhi\ny"), 1);
	CHECK_INT(M("^(7\n){3}$", RX_TEXT, "7\n7\n7\n"), 1);
	CHECK_INT(M("^(7\n){3}$", RX_TEXT, "7\n7\n"), 0);
	CHECK_INT(M("a[^0-9]+b", RX_TEXT, "a -- b"), 1);
	/* the whole subject, NUL bytes included */
	CHECK_INT(m("after", RX_TEXT, "nul\0after", 9), 1);
	/* bytes, not UTF-8: any byte is a character */
	CHECK_INT(m("^.$", RX_TEXT, "\xff", 1), 1);
}

UNIT_TEST(test_compile_errors_say_where)
{
	char err[300];
	size_t off = 0;
	CHECK(rx_compile("a(b", RX_TEXT, err, sizeof err, &off) == NULL);
	CHECK(strstr(err, "missing closing parenthesis") != NULL);
	CHECK_INT(off, 3);
	CHECK(rx_compile("(*UTF)a", RX_TEXT, err, sizeof err, NULL) == NULL);
}

static double
now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

UNIT_TEST(test_catastrophic_patterns_stop_within_the_budget)
{
	static const char *const pats[] = { "(a+)+$", "(a|aa)*$", "(a|a)*(b|c)", "(.*a){12}!", "([a-z]+)*$",
	    "(a+)+!", NULL };
	static const size_t sizes[] = { 256 * 1024, 1024 * 1024 };
	double worst = 0;

	for (size_t k = 0; k < 2; k++) {
		char *s = malloc(sizes[k]);
		memset(s, 'a', sizes[k]);
		memcpy(s + sizes[k] - 2, "b!", 2);
		for (int mode = RX_TEXT; mode <= RX_LINES; mode++)
			for (size_t i = 0; pats[i] != NULL; i++) {
				char err[300];
				struct rx *r = rx_compile(pats[i], (enum rx_mode)mode, err, sizeof err, NULL);
				double t0 = now_s(), took;
				int rc;
				CHECK(r != NULL);
				if (r == NULL)
					continue;
				rc = rx_match(r, s, sizes[k], err, sizeof err);
				took = now_s() - t0;
				worst = took > worst ? took : worst;
				if (rc != -1 || took >= RX_BUDGET_S || strstr(err, "costs too much") == NULL) {
					fprintf(stderr, "%s on %zu bytes: rc %d in %.3f s (%s)\n", pats[i], sizes[k], rc, took,
					    rc < 0 ? err : "");
					CHECK(0);
				}
				rx_free(r);
			}
		free(s);
	}
	printf("test_rx: the costliest match took %.3f s\n", worst);
}

int
main(void)
{
	UNIT_RUN(test_posix_meanings_kept);
	UNIT_RUN(test_compile_errors_say_where);
	UNIT_RUN(test_catastrophic_patterns_stop_within_the_budget);
	return UNIT_END();
}
