/*
 * rx.c — regular expressions with a bounded cost on PCRE2; see rx.h.
 * The interpreter, not the JIT: its match and depth limits are what bound
 * the time of a match, and the JIT ignores the depth limit.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rx.h"

struct rx {
	pcre2_code		*code;
	pcre2_match_context	*mctx;
};

static const uint32_t rx_options[] = {
	[RX_TEXT] = PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY,
	[RX_LINES] = PCRE2_MULTILINE,
};

struct rx *
rx_compile(const char *pattern, enum rx_mode mode, char *err, size_t errlen, size_t *erroff)
{
	struct rx *r;
	int code;
	PCRE2_SIZE off = 0;
	PCRE2_UCHAR msg[256];

	if ((r = calloc(1, sizeof *r)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* bytes, never UTF (a pattern's (*UTF) is refused): output need not be valid UTF-8 */
	r->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    rx_options[mode] | PCRE2_NEVER_UTF | PCRE2_NEVER_UCP, &code, &off, NULL);
	if (r->code == NULL) {
		if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
			snprintf((char *)msg, sizeof msg, "error %d", code);
		snprintf(err, errlen, "%s (at byte %zu of the pattern)", (char *)msg, (size_t)off + 1);
		if (erroff != NULL)
			*erroff = (size_t)off;
		free(r);
		return NULL;
	}
	if ((r->mctx = pcre2_match_context_create(NULL)) == NULL) {
		pcre2_code_free(r->code);
		free(r);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pcre2_set_match_limit(r->mctx, RX_MATCH_LIMIT);
	pcre2_set_depth_limit(r->mctx, RX_DEPTH_LIMIT);
	pcre2_set_heap_limit(r->mctx, RX_HEAP_LIMIT_KIB);
	return r;
}

int
rx_match(const struct rx *r, const void *subject, size_t len, char *err, size_t errlen)
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	PCRE2_UCHAR msg[256];
	int rc;

	if (md == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = pcre2_match(r->code, (PCRE2_SPTR)(subject != NULL ? subject : ""), len, 0, 0, md, r->mctx);
	pcre2_match_data_free(md);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	switch (rc) {
	case PCRE2_ERROR_MATCHLIMIT:
	case PCRE2_ERROR_DEPTHLIMIT:
	case PCRE2_ERROR_HEAPLIMIT:
		if (pcre2_get_error_message(rc, msg, sizeof msg) < 0)
			snprintf((char *)msg, sizeof msg, "a limit was reached");
		snprintf(err, errlen, "the pattern costs too much on these %zu bytes (%s): "
		    "the match was stopped, not decided", len, (char *)msg);
		break;
	default:
		if (pcre2_get_error_message(rc, msg, sizeof msg) < 0)
			snprintf((char *)msg, sizeof msg, "error %d", rc);
		snprintf(err, errlen, "the match failed: %s", (char *)msg);
	}
	return -1;
}

void
rx_free(struct rx *r)
{
	if (r == NULL)
		return;
	pcre2_match_context_free(r->mctx);
	pcre2_code_free(r->code);
	free(r);
}
