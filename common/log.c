/* log.c — see log.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static char	log_prog[64] = "verona";
static char	log_tag[64];
static int	log_verbose;

void
log_init(const char *progname)
{
	const char *slash = strrchr(progname, '/');
	snprintf(log_prog, sizeof log_prog, "%s", slash ? slash + 1 : progname);
}

void log_set_tag(const char *tag) { snprintf(log_tag, sizeof log_tag, "%s", tag ? tag : ""); }
void log_set_verbose(int v) { log_verbose = v; }

static void
log_vprint(const char *fmt, va_list ap)
{
	char msg[2048];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (log_tag[0])
		fprintf(stderr, "%s[%s]: %s\n", log_prog, log_tag, msg);
	else
		fprintf(stderr, "%s: %s\n", log_prog, msg);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vprint(fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vprint(fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;
	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_vprint(fmt, ap);
	va_end(ap);
}
