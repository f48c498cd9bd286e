/*
 * unit.h — a minimal C unit-test harness.  Each test_*.c defines tests with
 * UNIT_TEST(name) and lists them in main() with UNIT_RUN(name); UNIT_END()
 * prints "N passed, N failed" and returns the exit status.
 */
#ifndef VERONA_UNIT_H
#define VERONA_UNIT_H
#include <stdio.h>
#include <string.h>

static int unit_failed_checks;
static int unit_passed, unit_failed;

#define UNIT_TEST(name) static void name(void)
#define CHECK(cond) do { if (!(cond)) { unit_failed_checks++; \
	fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_STR(got, want) do { const char *g_ = (got), *w_ = (want); \
	if (g_ == NULL || strcmp(g_, w_) != 0) { unit_failed_checks++; \
	fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, g_ ? g_ : "(null)", w_); } } while (0)
#define CHECK_INT(got, want) do { long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ != w_) { unit_failed_checks++; \
	fprintf(stderr, "%s:%d: %s is %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_); } } while (0)
#define CHECK_MEM(got, gotlen, want, wantlen) do { if ((gotlen) != (wantlen) || \
	memcmp((got), (want), (wantlen)) != 0) { unit_failed_checks++; \
	fprintf(stderr, "%s:%d: bytes differ (len %zu vs %zu)\n", __FILE__, __LINE__, (size_t)(gotlen), (size_t)(wantlen)); } } while (0)
#define UNIT_RUN(name) do { int before_ = unit_failed_checks; name(); \
	if (unit_failed_checks == before_) unit_passed++; \
	else { unit_failed++; fprintf(stderr, "FAIL %s\n", #name); } } while (0)
#define UNIT_END() (printf("%s: %d passed, %d failed\n", __FILE__, unit_passed, unit_failed), unit_failed ? 1 : 0)
#endif
