/*
 * checks.h — a check's verdict as verona run and verona check print it:
 * "check FILE:LINE:COL NAME       pass|FAIL|ERROR message".
 */
#ifndef VERONA_CHECKS_H
#define VERONA_CHECKS_H
#include <stdio.h>
#include <jansson.h>

/* v: a verdict of pcap/check.c (check, status, message, line, col); color: ANSI colours. */
void	checks_print_verdict(FILE *, const char *file, json_t *v, int color);
#endif
