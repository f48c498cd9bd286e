/*
 * report-text.c — the text of report.html's pages: every string taken from
 * the results HTML-escaped (control characters and bytes that are not
 * UTF-8 shown as \xNN, as Python would), fields of the results read
 * with a default, points and times as the page writes them.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "report-grade.h"
#include "report-int.h"
#include "util.h"

/* The length of the valid UTF-8 sequence at s, or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t k;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0) {
		k = 1; cp = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		k = 2; cp = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		k = 3; cp = c & 0x07;
	} else
		return 0;
	if (k >= n)
		return 0;
	for (size_t j = 1; j <= k; j++) {
		if ((s[j] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[j] & 0x3f);
	}
	if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k + 1;
}

/*
 * Appends n bytes as HTML text, at most max characters of them (0: all),
 * then "…" if cut.  Keeps newlines and tabs when keep_nl, else shows them
 * as pictures too.
 */
void
report_esc_n(struct buf *b, const char *p, size_t n, size_t max, int keep_nl)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, chars = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k;
		if (max > 0 && chars == max) {
			buf_adds(b, "…");
			return;
		}
		chars++;
		switch (c) {
		case '&': buf_adds(b, "&amp;"); i++; continue;
		case '<': buf_adds(b, "&lt;"); i++; continue;
		case '>': buf_adds(b, "&gt;"); i++; continue;
		case '"': buf_adds(b, "&quot;"); i++; continue;
		case '\'': buf_adds(b, "&#39;"); i++; continue;
		default: break;
		}
		if ((c == '\n' || c == '\t') && keep_nl) {
			buf_addc(b, c);
			i++;
		} else if (c == '\r' && keep_nl && i + 1 < n && s[i + 1] == '\n') {
			i++;	/* CRLF: the newline is enough */
			chars--;
		} else if (c < 0x20 || c == 0x7f) {
			buf_printf(b, "\\x%02x", c);	/* as Python shows it; fonts lack the control pictures */
			i++;
		} else if ((k = utf8_seq(s + i, n - i)) > 0) {
			buf_add(b, s + i, k);
			i += k;
		} else {
			buf_printf(b, "\\x%02x", c);
			i++;
		}
	}
}

void
report_esc(struct buf *b, const char *s)
{
	if (s != NULL)
		report_esc_n(b, s, strlen(s), 0, 1);
}

/* Escaped, or dash when absent. */
void
report_esc_or(struct buf *b, const char *s, const char *dflt)
{
	if (s != NULL && *s != '\0')
		report_esc(b, s);
	else
		buf_adds(b, dflt);
}

/* Escaped on one line, at most max characters. */
void
report_esc_line(struct buf *b, const char *s, size_t max)
{
	if (s != NULL)
		report_esc_n(b, s, strlen(s), max, 0);
}

const char *
report_jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int64_t
report_jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) :
	    json_is_real(v) ? (int64_t)json_real_value(v) : 0;
}

/* A number of points as people read them, two decimals at most: 1, 0.5, 8.89. */
void
report_points(struct buf *b, json_t *v)
{
	char s[32];

	if (json_is_number(v)) {
		report_score_text(s, sizeof s, json_number_value(v));
		buf_adds(b, s);
	} else
		buf_adds(b, "—");
}

/* A time since the start of the diagram. */
void
report_reltime(struct buf *b, int64_t ns)
{
	if (ns < 1000000000LL)
		buf_printf(b, "%.3f ms", (double)ns / 1e6);
	else
		buf_printf(b, "%.3f s", (double)ns / 1e9);
}
