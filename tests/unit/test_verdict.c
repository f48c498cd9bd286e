/*
 * test_verdict.c — unit tests for controller/checks.c's verdict printer, the
 * one verona run and verona check share: the line's layout, the word for
 * each status, colours only when asked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "checks.h"
#include "util.h"
#include "unit.h"

static char *
printed(const char *verdict_json, int color)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	json_t *v = json_loads(verdict_json, 0, NULL);
	checks_print_verdict(f, "t.yaml", v, color);
	fclose(f);
	json_decref(v);
	return s;
}

UNIT_TEST(each_status_in_its_word)
{
	char *s = printed("{\"check\": \"handshake\", \"status\": \"pass\", \"message\": \"SYN, SYN-ACK, ACK\", "
	    "\"line\": 40, \"col\": 5}", 0);
	CHECK_STR(s, "check t.yaml:40:5 handshake  pass  SYN, SYN-ACK, ACK\n");
	free(s);
	s = printed("{\"check\": \"closed\", \"status\": \"fail\", \"message\": \"no FIN\", \"line\": 41, \"col\": 5}", 0);
	CHECK_STR(s, "check t.yaml:41:5 closed     FAIL  no FIN\n");
	free(s);
	s = printed("{\"check\": \"stream\", \"status\": \"error\", \"message\": \"lost\", \"line\": 42, \"col\": 5}", 0);
	CHECK_STR(s, "check t.yaml:42:5 stream     ERROR lost\n");
	free(s);
}

UNIT_TEST(colours_only_when_asked)
{
	char *s = printed("{\"check\": \"closed\", \"status\": \"fail\", \"message\": \"no FIN\", \"line\": 1, \"col\": 1}", 1);
	CHECK_STR(s, "check t.yaml:1:1 closed     \033[31mFAIL \033[0m no FIN\n");
	free(s);
	s = printed("{\"check\": \"closed\", \"status\": \"pass\", \"message\": \"ok\", \"line\": 1, \"col\": 1}", 1);
	CHECK(strstr(s, "\033[32mpass ") != NULL);
	free(s);
}

int
main(void)
{
	UNIT_RUN(each_status_in_its_word);
	UNIT_RUN(colours_only_when_asked);
	return UNIT_END();
}
