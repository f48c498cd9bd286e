/*
 * report-class.c — summary.html, a class's dashboard (report-class.h): the
 * score distribution, each item's pass rate, the students to look at, and a
 * sortable row per student linking to their report.html.
 *
 * It reads the rows summary.csv is written from, through the same grade
 * (report_grade_of, report_needs_review): the two never disagree.  Every
 * string of a row (a student's folder, an item's name, an error) goes
 * through report_esc; links are percent-encoded.  The page's one script
 * (sorting) is allowed by its hash in the Content-Security-Policy, so
 * nothing else could run even if a string slipped through.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "report-class.h"
#include "report-grade-int.h"
#include "report-grade.h"
#include "report-int.h"
#include "util.h"

#define CLASS_BINS	10

/* One item of the class: its name (points into a row) and how the class did. */
struct class_item {
	const char	*name;
	size_t		 first;		/* order of first appearance, as summary.csv's columns */
	int		 graded, passed, failed, undecided;
};

/* One student, as summary.csv has them; pointers into the row. */
struct class_student {
	const char	*name;
	json_t		*res;		/* the results (of the median run), or NULL: not graded */
	json_t		*grade;		/* report_grade_of(res) (ours), or NULL */
	json_t		*byname;	/* item name -> item (ours), or NULL */
	json_t		*runs;		/* runs.json's figures, or NULL */
	const char	*status, *error;
	char		*bare;		/* hosts that ran unsandboxed (ours), or NULL */
	double		 score, max;
	int		 review, unstable;
};

struct class_page {
	struct class_student *st;
	size_t		 nst;
	struct class_item *it;
	size_t		 nit;
	int		 graded, review, unstable, bare;
	double		 max;		/* the largest maximum: the histogram's range */
};

static const char class_css[] =
"*{box-sizing:border-box}"
"body{font-family:'DejaVu Sans',Verdana,system-ui,sans-serif;font-size:13px;color:#212121;margin:0;"
"padding:16px 24px 48px;background:#fafafa}"
"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px;border-bottom:2px solid #cfd8dc;"
"padding-bottom:4px}h2 .muted{font-size:12px;font-weight:normal}"
".facts{display:flex;flex-wrap:wrap;gap:4px 24px;margin:8px 0}.facts b{font-size:16px}"
"table{border-collapse:collapse;background:#fff;font-size:12px}"
"th,td{border:1px solid #e0e0e0;padding:2px 6px;text-align:left;white-space:nowrap}"
"th{background:#eceff1;position:sticky;top:0;z-index:1}"
"td.num{text-align:right;font-variant-numeric:tabular-nums}"
"th button{font:inherit;font-weight:bold;background:none;border:0;padding:0;cursor:pointer;color:inherit}"
"th[aria-sort=ascending] button::after{content:' \\25B2'}th[aria-sort=descending] button::after{content:' \\25BC'}"
"#students tbody tr:nth-child(even) td{background:#f5f7f8}"
"td.it{text-align:center;padding:2px 3px}"
".ok{color:#2e7d32;font-weight:bold}.bad{color:#c62828;font-weight:bold}.err{color:#ef6c00;font-weight:bold}"
".flag{display:inline-block;border-radius:3px;padding:0 5px;margin-right:3px;color:#fff;font-size:11px}"
".flag.review{background:#ef6c00}.flag.nograde{background:#6d4c41}.flag.unstable{background:#8e24aa}"
".flag.bare{background:#c62828}"
".rate{display:inline-block;width:120px;height:10px;background:#ffcdd2;vertical-align:middle;margin-right:6px}"
".rate span{display:block;height:10px;background:#66bb6a}"
".muted{color:#78909c}a{color:#1565c0}"
"svg text{font-family:'DejaVu Sans',Verdana,sans-serif;font-size:11px;fill:#455a64}"
"svg .axis{stroke:#90a4ae}svg .median{stroke:#263238;stroke-dasharray:4 3}"
".attention li{margin:2px 0}"
"footer{margin-top:32px;font-size:12px;color:#90a4ae}";

/* Sorts #students by a column: a click on its header, or #sort=[-]COLUMN in the address. */
static const char class_script[] =
"(function(){var t=document.getElementById('students');if(!t)return;"
"var h=t.tHead.rows[0].cells,body=t.tBodies[0];"
"function key(r,i,num){var c=r.cells[i],v=c.getAttribute('data-v');if(v===null)v=c.textContent;"
"if(!num)return v;return v===''?null:parseFloat(v);}"
"function sortBy(i,desc){var num=h[i].getAttribute('data-kind')==='num';"
"var rows=Array.prototype.slice.call(body.rows);"
"rows.sort(function(a,b){var x=key(a,i,num),y=key(b,i,num);"
"if(x===null||y===null)return x===y?0:(x===null?1:-1);"
"var c=num?x-y:x.localeCompare(y,undefined,{numeric:true});return desc?-c:c;});"
"rows.forEach(function(r){body.appendChild(r);});"
"for(var k=0;k<h.length;k++)h[k].removeAttribute('aria-sort');"
"h[i].setAttribute('aria-sort',desc?'descending':'ascending');}"
"function fromHash(){var m=/^#sort=(-?)([a-z0-9-]+)$/.exec(location.hash);if(!m)return;"
"for(var k=0;k<h.length;k++)if(h[k].getAttribute('data-col')===m[2])sortBy(k,m[1]==='-');}"
"Array.prototype.forEach.call(h,function(th,k){var b=th.querySelector('button');if(!b)return;"
"b.addEventListener('click',function(){var desc=th.getAttribute('aria-sort')==='ascending';sortBy(k,desc);"
"try{history.replaceState(null,'','#sort='+(desc?'-':'')+th.getAttribute('data-col'));}catch(e){}});});"
"window.addEventListener('hashchange',fromHash);fromHash();})();";

/* ---------- the class, from the rows ---------- */

static struct class_item *
class_item_of(struct class_page *p, const char *name)
{
	for (size_t k = 0; k < p->nit; k++)
		if (strcmp(p->it[k].name, name) == 0)
			return &p->it[k];
	p->it = xrealloc(p->it, (p->nit + 1) * sizeof *p->it);
	p->it[p->nit] = (struct class_item){ .name = name, .first = p->nit };
	return &p->it[p->nit++];
}

/* One row: the student's grade as summary.csv reads it, and the items' tallies. */
static void
class_student_of(struct class_page *p, json_t *row, struct class_student *s)
{
	json_t *res = json_object_get(row, "results"), *items;

	memset(s, 0, sizeof *s);
	s->name = rg_jstr(row, "student") ? rg_jstr(row, "student") : "(unnamed)";
	s->runs = json_is_object(json_object_get(row, "runs")) ? json_object_get(row, "runs") : NULL;
	s->unstable = json_is_true(json_object_get(s->runs, "unstable"));
	s->error = rg_jstr(row, "error");
	if (!json_is_object(res)) {
		s->review = 1;	/* as summary.csv: a run that did not start needs the instructor */
		s->status = "error";
		s->error = s->error ? s->error : "the run did not start";
		return;
	}
	s->res = res;
	s->grade = report_grade_of(res);
	s->byname = json_object();
	s->status = rg_jstr(json_object_get(res, "summary"), "status") ?: "error";
	s->error = s->error ? s->error : rg_jstr(json_object_get(res, "summary"), "error");
	s->score = rg_jnum(s->grade, "score", 0);
	s->max = rg_jnum(s->grade, "max_score", 0);
	s->review = report_needs_review(res);
	s->bare = report_unsandboxed_hosts(res);
	p->graded++;
	if (s->max > p->max)
		p->max = s->max;
	items = json_object_get(s->grade, "items");
	for (size_t k = 0; k < json_array_size(items); k++) {
		json_t *it = json_array_get(items, k);
		const char *n = rg_jstr(it, "name"), *st;
		struct class_item *ci;
		if (n == NULL || json_object_get(s->byname, n) != NULL)
			continue;	/* as summary.csv: the first item of a name */
		json_object_set(s->byname, n, it);
		ci = class_item_of(p, n);
		st = rg_item_status(it);
		ci->graded++;
		ci->passed += strcmp(st, "pass") == 0;
		ci->failed += strcmp(st, "fail") == 0;
		ci->undecided += strcmp(st, "error") == 0;
	}
}

/* The items most of the class lost first: by pass rate, then summary.csv's order. */
static int
class_item_cmp(const void *a, const void *b)
{
	const struct class_item *x = a, *y = b;
	double rx = x->graded ? (double)x->passed / x->graded : 2, ry = y->graded ? (double)y->passed / y->graded : 2;

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

static void
class_gather(struct class_page *p, json_t *rows)
{
	p->nst = json_array_size(rows);
	p->st = xcalloc(p->nst ? p->nst : 1, sizeof *p->st);
	for (size_t i = 0; i < p->nst; i++) {
		class_student_of(p, json_array_get(rows, i), &p->st[i]);
		p->review += p->st[i].review;
		p->unstable += p->st[i].unstable;
		p->bare += p->st[i].bare != NULL;
	}
	if (p->nit > 0)
		qsort(p->it, p->nit, sizeof *p->it, class_item_cmp);
}

static void
class_free(struct class_page *p)
{
	for (size_t i = 0; i < p->nst; i++) {
		json_decref(p->st[i].grade);
		json_decref(p->st[i].byname);
		free(p->st[i].bare);
	}
	free(p->st);
	free(p->it);
}

/* ---------- the page ---------- */

/* A number as summary.csv writes it (rg_fmt_num), for data-v. */
static void
class_num(struct buf *b, double v)
{
	char s[32];

	rg_fmt_num(s, sizeof s, v);
	buf_adds(b, s);
}

/* A score as people read it: two decimals at most. */
static void
class_score(struct buf *b, double v)
{
	char s[32];

	report_score_text(s, sizeof s, v);
	buf_adds(b, s);
}

/* The student's page, relative to summary.html, its folder percent-encoded. */
static void
class_href(struct buf *b, const struct class_student *s)
{
	json_t *median = json_object_get(s->runs, "median_run");

	for (const unsigned char *c = (const unsigned char *)s->name; *c; c++) {
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
		    strchr("-._~", *c) != NULL)
			buf_addc(b, *c);
		else
			buf_printf(b, "%%%02X", *c);
	}
	if (s->res == NULL)
		buf_adds(b, ".log");
	else if (json_is_integer(median))
		buf_printf(b, "/run-%lld/report.html", (long long)json_integer_value(median));
	else
		buf_adds(b, "/report.html");
}

static void
class_link(struct buf *b, const struct class_student *s)
{
	buf_adds(b, "<a href=\"");
	class_href(b, s);
	buf_adds(b, "\">");
	report_esc(b, s->name);
	buf_adds(b, "</a>");
}

/* The student's flags, as badges. */
static void
class_flags(struct buf *b, const struct class_student *s)
{
	if (s->res == NULL)
		buf_adds(b, "<span class=\"flag nograde\">not graded</span>");
	else if (s->review)
		buf_adds(b, "<span class=\"flag review\">needs review</span>");
	if (s->unstable)
		buf_adds(b, "<span class=\"flag unstable\">unstable</span>");
	if (s->bare != NULL) {
		buf_adds(b, "<span class=\"flag bare\">not sandboxed: ");
		report_esc(b, s->bare);
		buf_adds(b, "</span>");
	}
}

/* How the flags sort: the worst first when descending. */
static int
class_flag_weight(const struct class_student *s)
{
	return (s->res == NULL) * 8 + s->review * 4 + s->unstable * 2 + (s->bare != NULL);
}

static int
class_double_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The head of the page and the class's figures. */
static void
class_head(struct buf *b, const struct class_page *p, const char *title)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char h64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	double *scores = xcalloc(p->graded ? (size_t)p->graded : 1, sizeof *scores), sum = 0;
	int n = 0;

	crypto_hash_sha256(h, (const unsigned char *)class_script, strlen(class_script));
	sodium_bin2base64(h64, sizeof h64, h, sizeof h, sodium_base64_VARIANT_ORIGINAL);
	buf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
	    "script-src 'sha256-%s'\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"verona\">\n<title>", h64);
	report_esc(b, title);
	buf_printf(b, " — class summary</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", class_css);
	report_esc(b, title);
	buf_adds(b, " — class summary</h1>\n<div class=\"facts\">");
	for (size_t i = 0; i < p->nst; i++)
		if (p->st[i].res != NULL) {
			scores[n++] = p->st[i].score;
			sum += p->st[i].score;
		}
	qsort(scores, (size_t)n, sizeof *scores, class_double_cmp);
	buf_printf(b, "<span><b id=\"n-students\">%zu</b> students</span><span><b>%d</b> graded</span>",
	    p->nst, p->graded);
	if (n > 0) {
		buf_adds(b, "<span>mean <b>");
		class_score(b, sum / n);
		buf_adds(b, "</b></span><span>median <b>");
		class_score(b, n % 2 ? scores[n / 2] : (scores[n / 2 - 1] + scores[n / 2]) / 2);
		buf_adds(b, "</b> of ");
		class_score(b, p->max);
		buf_adds(b, "</span>");
	}
	buf_printf(b, "<span><b id=\"n-review\">%d</b> need review</span><span><b id=\"n-unstable\">%d</b> unstable</span>",
	    p->review, p->unstable);
	if (p->bare > 0)
		buf_printf(b, "<span class=\"bad\"><b>%d</b> not sandboxed</span>", p->bare);
	buf_adds(b, "</div>\n");
	free(scores);
}

/* The score distribution: CLASS_BINS bars over 0 .. the largest maximum, the median dashed. */
static void
class_histogram(struct buf *b, const struct class_page *p)
{
	int count[CLASS_BINS] = { 0 }, top = 1;
	const int W = 640, H = 220, L = 40, R = 16, T = 16, B = 40, pw = W - L - R, ph = H - T - B;
	double max = p->max > 0 ? p->max : 1, bw = (double)pw / CLASS_BINS;

	buf_adds(b, "<h2 id=\"distribution\">Scores</h2>\n");
	if (p->graded == 0) {
		buf_adds(b, "<p class=\"muted\">No submission graded.</p>\n");
		return;
	}
	for (size_t i = 0; i < p->nst; i++)
		if (p->st[i].res != NULL) {
			int k = (int)floor(p->st[i].score / max * CLASS_BINS);
			count[k < 0 ? 0 : k >= CLASS_BINS ? CLASS_BINS - 1 : k]++;
		}
	for (int k = 0; k < CLASS_BINS; k++)
		top = count[k] > top ? count[k] : top;
	buf_printf(b, "<svg id=\"histogram\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
	    "aria-label=\"the score distribution\">\n", W, H, W, H);
	buf_printf(b, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", L, T + ph, L + pw, T + ph);
	buf_printf(b, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", L, T, L, T + ph);
	buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d</text><text x=\"%d\" y=\"%d\" "
	    "text-anchor=\"end\">0</text>\n", L - 4, T + 4, top, L - 4, T + ph + 4);
	for (int k = 0; k < CLASS_BINS; k++) {
		double x = L + k * bw, hgt = (double)count[k] / top * ph;
		/* red for the low scores to green for the high ones */
		int red = 198 - 152 * k / (CLASS_BINS - 1), green = 40 + 85 * k / (CLASS_BINS - 1);
		buf_printf(b, "<rect class=\"bar\" data-count=\"%d\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		    "fill=\"rgb(%d,%d,50)\"><title>%d scored ", count[k], x + 2, T + ph - hgt, bw - 4, hgt,
		    red, green, count[k]);
		class_score(b, max * k / CLASS_BINS);
		buf_adds(b, k == CLASS_BINS - 1 ? " to " : " to under ");
		class_score(b, max * (k + 1) / CLASS_BINS);
		buf_adds(b, "</title></rect>");
		if (count[k] > 0)
			buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>", x + bw / 2,
			    T + ph - hgt - 3, count[k]);
		buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", x, T + ph + 14);
		class_score(b, max * k / CLASS_BINS);
		buf_adds(b, "</text>\n");
	}
	buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">", L + pw, T + ph + 14);
	class_score(b, max);
	buf_printf(b, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"middle\">score (students per bar)</text>\n</svg>\n",
	    L + pw / 2, H - 6);
}

/* Each item's pass rate, the items most of the class lost first. */
static void
class_items_table(struct buf *b, const struct class_page *p)
{
	buf_adds(b, "<h2 id=\"items\">Items, the most lost first</h2>\n");
	if (p->nit == 0) {
		buf_adds(b, "<p class=\"muted\">No graded item.</p>\n");
		return;
	}
	buf_adds(b, "<table id=\"item-rates\">\n<thead><tr><th>#</th><th>item</th><th>passed</th><th>rate</th>"
	    "<th>failed</th><th>undecided</th></tr></thead>\n<tbody>\n");
	for (size_t k = 0; k < p->nit; k++) {
		const struct class_item *it = &p->it[k];
		double rate = it->graded ? 100.0 * it->passed / it->graded : 0;
		buf_printf(b, "<tr class=\"item\" id=\"item-%zu\" data-passed=\"%d\" data-graded=\"%d\"><td class=\"num\">"
		    "%zu</td><td>", k + 1, it->passed, it->graded, k + 1);
		report_esc(b, it->name);
		buf_printf(b, "</td><td class=\"num\">%d of %d</td><td><span class=\"rate\"><span style=\"width:%.0f%%\">"
		    "</span></span>%.0f%%</td><td class=\"num\">%d</td><td class=\"num%s\">%d</td></tr>\n",
		    it->passed, it->graded, rate, rate, it->failed, it->undecided ? " err" : "", it->undecided);
	}
	buf_adds(b, "</tbody>\n</table>\n");
}

/* The students to look at: not graded, needing review, unstable, unsandboxed. */
static void
class_attention(struct buf *b, const struct class_page *p)
{
	int n = 0;

	buf_adds(b, "<h2 id=\"attention\">To look at</h2>\n");
	for (size_t i = 0; i < p->nst; i++) {
		const struct class_student *s = &p->st[i];
		if (class_flag_weight(s) == 0)
			continue;
		if (n++ == 0)
			buf_adds(b, "<ul class=\"attention\">\n");
		buf_adds(b, "<li>");
		class_link(b, s);
		buf_adds(b, " ");
		class_flags(b, s);
		if (s->error != NULL) {
			buf_adds(b, " <span class=\"muted\">");
			report_esc_line(b, s->error, 160);
			buf_adds(b, "</span>");
		}
		buf_adds(b, "</li>\n");
	}
	buf_adds(b, n ? "</ul>\n" : "<p class=\"muted\">Nothing: every submission graded, none needs review.</p>\n");
}

static void
class_th(struct buf *b, const char *col, const char *kind, const char *title, const char *label)
{
	buf_printf(b, "<th data-col=\"%s\" data-kind=\"%s\"", col, kind);
	if (title != NULL) {
		buf_adds(b, " title=\"");
		report_esc(b, title);
		buf_adds(b, "\"");
	}
	buf_adds(b, "><button type=\"button\">");
	report_esc(b, label);
	buf_adds(b, "</button></th>");
}

/* One student's row. */
static void
class_student_row(struct buf *b, const struct class_page *p, const struct class_student *s)
{
	json_t *runs = s->runs;

	buf_adds(b, "<tr class=\"student\"><td class=\"name\" data-v=\"");
	report_esc(b, s->name);
	buf_adds(b, "\">");
	class_link(b, s);
	buf_adds(b, "</td><td class=\"num score\" data-v=\"");
	if (s->res != NULL) {
		class_num(b, s->score);
		buf_adds(b, "\">");
		class_score(b, s->score);
		buf_adds(b, "</td><td class=\"num\" data-v=\"");
		class_num(b, s->max);
		buf_adds(b, "\">");
		class_score(b, s->max);
	} else
		buf_adds(b, "\">—</td><td class=\"num\" data-v=\"\">—");
	buf_adds(b, "</td><td class=\"status\">");
	report_esc(b, s->status);
	buf_printf(b, "</td><td class=\"flags\" data-v=\"%d\">", class_flag_weight(s));
	class_flags(b, s);
	if (json_is_number(json_object_get(runs, "min"))) {
		double lo = rg_jnum(runs, "min", 0), hi = rg_jnum(runs, "max", 0);
		buf_printf(b, "</td><td class=\"num\" data-v=\"%lld\">%lld: ", (long long)rg_jnum(runs, "runs", 0),
		    (long long)rg_jnum(runs, "runs", 0));
		class_score(b, lo);
		buf_adds(b, "–");
		class_score(b, hi);
	} else
		buf_printf(b, "</td><td class=\"num\" data-v=\"%d\">%s", s->res != NULL, s->res != NULL ? "1" : "");
	buf_adds(b, "</td>");
	for (size_t k = 0; k < p->nit; k++) {
		json_t *it = json_object_get(s->byname, p->it[k].name);
		const char *st = it != NULL ? rg_item_status(it) : NULL;
		if (st == NULL)
			buf_adds(b, "<td class=\"it\" data-v=\"\"></td>");
		else if (strcmp(st, "pass") == 0)
			buf_adds(b, "<td class=\"it ok\" data-v=\"1\">✓</td>");
		else if (strcmp(st, "fail") == 0)
			buf_adds(b, "<td class=\"it bad\" data-v=\"0\">✗</td>");
		else
			buf_adds(b, "<td class=\"it err\" data-v=\"-1\">?</td>");
	}
	buf_adds(b, "<td class=\"error\">");
	report_esc_line(b, s->error, 80);
	buf_adds(b, "</td></tr>\n");
}

/* A row per student, in the rows' order; each column sorts. */
static void
class_students_table(struct buf *b, const struct class_page *p)
{
	char col[32], label[32];

	buf_adds(b, "<h2 id=\"students-head\">Students <span class=\"muted\">(click a column to sort; items "
	    "numbered as above: ✓ passed, ✗ failed, ? undecided)</span></h2>\n<table id=\"students\">\n<thead><tr>");
	class_th(b, "student", "text", NULL, "student");
	class_th(b, "score", "num", NULL, "score");
	class_th(b, "max", "num", NULL, "of");
	class_th(b, "status", "text", NULL, "status");
	class_th(b, "flags", "num", "not graded, needs review, unstable, not sandboxed", "flags");
	class_th(b, "runs", "num", "with --runs: how many, and the spread of their scores", "runs");
	for (size_t k = 0; k < p->nit; k++) {
		snprintf(col, sizeof col, "item-%zu", k + 1);
		snprintf(label, sizeof label, "%zu", k + 1);
		class_th(b, col, "num", p->it[k].name, label);
	}
	class_th(b, "error", "text", NULL, "error");
	buf_adds(b, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < p->nst; i++)
		class_student_row(b, p, &p->st[i]);
	buf_adds(b, "</tbody>\n</table>\n");
}

/* The experiment's name, from the first student graded. */
static const char *
class_title(const struct class_page *p)
{
	for (size_t i = 0; i < p->nst; i++)
		if (p->st[i].res != NULL)
			return rg_experiment_name(p->st[i].res);
	return "verona";
}

int
report_class_html(json_t *rows, int dirfd, const char *path, char *err, size_t errlen)
{
	struct class_page p = { 0 };
	struct buf b;
	int rc = 0;

	if (!json_is_array(rows)) {
		snprintf(err, errlen, "summary.html: the rows are not a JSON array");
		return -1;
	}
	class_gather(&p, rows);
	buf_init(&b);
	class_head(&b, &p, class_title(&p));
	class_histogram(&b, &p);
	class_items_table(&b, &p);
	class_attention(&b, &p);
	class_students_table(&b, &p);
	buf_printf(&b, "<footer>verona — made with summary.csv from the same grades; each student's folder "
	    "has their report.html.</footer>\n<script>%s</script>\n</body>\n</html>\n", class_script);
	if (file_write_atomic_at(dirfd, path, b.data, b.len) != 0) {
		snprintf(err, errlen, "summary.html: %s", strerror(errno));
		rc = -1;
	}
	buf_free(&b);
	class_free(&p);
	return rc;
}
