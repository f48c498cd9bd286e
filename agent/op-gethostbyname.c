/*
 * op-gethostbyname.c — socket.gethostbyname(name): the first IPv4 address
 * of the name, as CPython's setipaddr() finds it ('' is 0.0.0.0,
 * '<broadcast>' 255.255.255.255, a dotted quad itself, else getaddrinfo
 * for AF_INET); a name that does not resolve raises socket.gaierror.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <string.h>

#include "agent.h"

static int
op_gethostbyname_check(struct agent *a, struct task *t)
{
	const char *name;
	(void)a;
	return task_arg_str(t, "name", &name);
}

static enum op_status
op_gethostbyname_run(struct agent *a, struct task *t)
{
	const char *name = json_string_value(json_object_get(t->args, "name"));
	struct addrinfo hints = { .ai_family = AF_INET }, *res;
	char ip[INET_ADDRSTRLEN];
	struct in_addr in;
	int rc;
	(void)a;

	if (name[0] == '\0' || strcmp(name, "<broadcast>") == 0 || inet_pton(AF_INET, name, &in) == 1) {
		task_ok(t, json_string(name[0] == '\0' ? "0.0.0.0" : name[0] == '<' ? "255.255.255.255" : name));
		return OP_DONE;
	}
	if ((rc = getaddrinfo(name, NULL, &hints, &res)) != 0) {
		task_gaierror(t, rc);
		return OP_DONE;
	}
	inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, ip, sizeof ip);
	freeaddrinfo(res);
	task_ok(t, json_string(ip));
	return OP_DONE;
}

const struct op_entry op_gethostbyname_entry = {
	.name = "gethostbyname", .check = op_gethostbyname_check, .run = op_gethostbyname_run,
};
