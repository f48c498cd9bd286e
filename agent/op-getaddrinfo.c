/*
 * op-getaddrinfo.c — socket.getaddrinfo(name, port): every (family, type,
 * proto, canonname, sockaddr) the resolver gives, in its order, as CPython
 * asks for them (no family, type or flags); a name that does not resolve
 * raises socket.gaierror.
 */
#include <netdb.h>
#include <stdio.h>

#include "agent.h"
#include "addr.h"

static int
op_getaddrinfo_check(struct agent *a, struct task *t)
{
	const char *name;
	long long port;
	(void)a;
	if (task_arg_str(t, "name", &name) != 0 || task_arg_int(t, "port", &port, 1, 0) != 0)
		return -1;
	return 0;
}

static enum op_status
op_getaddrinfo_run(struct agent *a, struct task *t)
{
	const char *name = json_string_value(json_object_get(t->args, "name"));
	struct addrinfo hints = { .ai_family = AF_UNSPEC }, *res;
	long long port;
	char serv[32];
	json_t *list;
	int rc;
	(void)a;

	task_arg_int(t, "port", &port, 1, 0);
	snprintf(serv, sizeof serv, "%lld", port);
	if ((rc = getaddrinfo(name, serv, &hints, &res)) != 0) {
		task_gaierror(t, rc);
		return OP_DONE;
	}
	list = json_array();
	for (struct addrinfo *r = res; r != NULL; r = r->ai_next)
		json_array_append_new(list, json_pack("{s:i, s:i, s:i, s:s, s:o}", "family", r->ai_family,
		    "type", r->ai_socktype, "proto", r->ai_protocol, "canonname", r->ai_canonname ? r->ai_canonname : "",
		    "addr", addr_to_json(r->ai_addr, r->ai_addrlen)));
	freeaddrinfo(res);
	task_ok(t, list);
	return OP_DONE;
}

const struct op_entry op_getaddrinfo_entry = {
	.name = "getaddrinfo", .check = op_getaddrinfo_check, .run = op_getaddrinfo_run,
};
