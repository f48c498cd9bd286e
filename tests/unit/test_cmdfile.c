/*
 * test_cmdfile.c — unit tests for common/cmdfile.c: which words of a
 * program's command line name the files it needs (the program, a Python
 * script), and which command lines are left alone (shell syntax, builtins).
 */
#include <stdlib.h>
#include <string.h>

#include "cmdfile.h"
#include "unit.h"

static char *
script_of(const char *command)
{
	char **w = cmdfile_split(command), *s;
	const char *sc = w ? cmdfile_script(w) : NULL;
	s = sc ? strdup(sc) : NULL;
	cmdfile_free(w);
	return s;
}

UNIT_TEST(simple_command_lines_split)
{
	char **w = cmdfile_split("  PORT=4000 python3\t-u server.py 4000 ");
	CHECK(w != NULL);
	CHECK_STR(w[0], "python3");
	CHECK_STR(w[1], "-u");
	CHECK_STR(w[2], "server.py");
	CHECK_STR(w[3], "4000");
	CHECK(w[4] == NULL);
	cmdfile_free(w);
	/* what a shell reads more into is left alone */
	CHECK(cmdfile_split("python3 a.py | tee log") == NULL);
	CHECK(cmdfile_split("make && ./server") == NULL);
	CHECK(cmdfile_split("python3 \"my server.py\"") == NULL);
	CHECK(cmdfile_split("python3 $PROGRAM") == NULL);
	CHECK(cmdfile_split("./server > out") == NULL);
	CHECK(cmdfile_split("   ") == NULL);
	CHECK(cmdfile_split("A=1") == NULL);
}

UNIT_TEST(the_script_python_runs)
{
	char *s;
	s = script_of("python3 server.py 4000");
	CHECK_STR(s, "server.py");
	free(s);
	s = script_of("/usr/bin/python3.11 -u -W ignore srv/x.py");
	CHECK_STR(s, "srv/x.py");
	free(s);
	s = script_of("python -X dev -- a.py");
	CHECK_STR(s, "a.py");
	free(s);
	CHECK((s = script_of("python3 -c pass")) == NULL);
	CHECK((s = script_of("python3 -m http.server")) == NULL);
	CHECK((s = script_of("python3")) == NULL);
	CHECK((s = script_of("python3 -")) == NULL);
	CHECK((s = script_of("python3x a.py")) == NULL);
	CHECK((s = script_of("./server a.py")) == NULL);
}

UNIT_TEST(shell_builtins_need_no_file)
{
	CHECK(cmdfile_builtin("exit"));
	CHECK(cmdfile_builtin("echo"));
	CHECK(cmdfile_builtin(":"));
	CHECK(!cmdfile_builtin("python3"));
	CHECK(!cmdfile_builtin("./exit"));
}

int
main(void)
{
	UNIT_RUN(simple_command_lines_split);
	UNIT_RUN(the_script_python_runs);
	UNIT_RUN(shell_builtins_need_no_file);
	return UNIT_END();
}
