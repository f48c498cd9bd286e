/*
 * op-connect_ex.c — n = sock.connect_ex(addr): connect's call (op-connect.c),
 * its failure returned as the errno (0 on success) instead of raised; a
 * socket timeout returns EAGAIN (11), as CPython's does.
 */
#include "agent.h"

const struct op_entry op_connect_ex_entry = {
	.name = "connect_ex", .uses_socket = 1,
	.check = op_connect_check, .run = op_connect_run, .returns_errno = 1,
};
