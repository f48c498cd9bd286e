/*
 * test_errnames.c — unit tests for common/errnames.c.  The table was made
 * with CPython 3.11.7 on Linux: errno's names (the kernel's canonical one
 * where Python lists an alias) and str() of OSError(n, os.strerror(n)) with
 * its class name.  Python 3.11 has no errno.EHWPOISON; its row was written
 * by hand with os.strerror(133).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "errnames.h"
#include "unit.h"

static const struct {
	int		 err;
	const char	*name;
	const char	*cls;
	const char	*text;
} errtab[] = {
	{ 1, "EPERM", "PermissionError", "PermissionError: [Errno 1] Operation not permitted" },
	{ 2, "ENOENT", "FileNotFoundError", "FileNotFoundError: [Errno 2] No such file or directory" },
	{ 3, "ESRCH", "ProcessLookupError", "ProcessLookupError: [Errno 3] No such process" },
	{ 4, "EINTR", "InterruptedError", "InterruptedError: [Errno 4] Interrupted system call" },
	{ 5, "EIO", "OSError", "OSError: [Errno 5] Input/output error" },
	{ 6, "ENXIO", "OSError", "OSError: [Errno 6] No such device or address" },
	{ 7, "E2BIG", "OSError", "OSError: [Errno 7] Argument list too long" },
	{ 8, "ENOEXEC", "OSError", "OSError: [Errno 8] Exec format error" },
	{ 9, "EBADF", "OSError", "OSError: [Errno 9] Bad file descriptor" },
	{ 10, "ECHILD", "ChildProcessError", "ChildProcessError: [Errno 10] No child processes" },
	{ 11, "EAGAIN", "BlockingIOError", "BlockingIOError: [Errno 11] Resource temporarily unavailable" },
	{ 12, "ENOMEM", "OSError", "OSError: [Errno 12] Cannot allocate memory" },
	{ 13, "EACCES", "PermissionError", "PermissionError: [Errno 13] Permission denied" },
	{ 14, "EFAULT", "OSError", "OSError: [Errno 14] Bad address" },
	{ 15, "ENOTBLK", "OSError", "OSError: [Errno 15] Block device required" },
	{ 16, "EBUSY", "OSError", "OSError: [Errno 16] Device or resource busy" },
	{ 17, "EEXIST", "FileExistsError", "FileExistsError: [Errno 17] File exists" },
	{ 18, "EXDEV", "OSError", "OSError: [Errno 18] Invalid cross-device link" },
	{ 19, "ENODEV", "OSError", "OSError: [Errno 19] No such device" },
	{ 20, "ENOTDIR", "NotADirectoryError", "NotADirectoryError: [Errno 20] Not a directory" },
	{ 21, "EISDIR", "IsADirectoryError", "IsADirectoryError: [Errno 21] Is a directory" },
	{ 22, "EINVAL", "OSError", "OSError: [Errno 22] Invalid argument" },
	{ 23, "ENFILE", "OSError", "OSError: [Errno 23] Too many open files in system" },
	{ 24, "EMFILE", "OSError", "OSError: [Errno 24] Too many open files" },
	{ 25, "ENOTTY", "OSError", "OSError: [Errno 25] Inappropriate ioctl for device" },
	{ 26, "ETXTBSY", "OSError", "OSError: [Errno 26] Text file busy" },
	{ 27, "EFBIG", "OSError", "OSError: [Errno 27] File too large" },
	{ 28, "ENOSPC", "OSError", "OSError: [Errno 28] No space left on device" },
	{ 29, "ESPIPE", "OSError", "OSError: [Errno 29] Illegal seek" },
	{ 30, "EROFS", "OSError", "OSError: [Errno 30] Read-only file system" },
	{ 31, "EMLINK", "OSError", "OSError: [Errno 31] Too many links" },
	{ 32, "EPIPE", "BrokenPipeError", "BrokenPipeError: [Errno 32] Broken pipe" },
	{ 33, "EDOM", "OSError", "OSError: [Errno 33] Numerical argument out of domain" },
	{ 34, "ERANGE", "OSError", "OSError: [Errno 34] Numerical result out of range" },
	{ 35, "EDEADLK", "OSError", "OSError: [Errno 35] Resource deadlock avoided" },
	{ 36, "ENAMETOOLONG", "OSError", "OSError: [Errno 36] File name too long" },
	{ 37, "ENOLCK", "OSError", "OSError: [Errno 37] No locks available" },
	{ 38, "ENOSYS", "OSError", "OSError: [Errno 38] Function not implemented" },
	{ 39, "ENOTEMPTY", "OSError", "OSError: [Errno 39] Directory not empty" },
	{ 40, "ELOOP", "OSError", "OSError: [Errno 40] Too many levels of symbolic links" },
	{ 42, "ENOMSG", "OSError", "OSError: [Errno 42] No message of desired type" },
	{ 43, "EIDRM", "OSError", "OSError: [Errno 43] Identifier removed" },
	{ 44, "ECHRNG", "OSError", "OSError: [Errno 44] Channel number out of range" },
	{ 45, "EL2NSYNC", "OSError", "OSError: [Errno 45] Level 2 not synchronized" },
	{ 46, "EL3HLT", "OSError", "OSError: [Errno 46] Level 3 halted" },
	{ 47, "EL3RST", "OSError", "OSError: [Errno 47] Level 3 reset" },
	{ 48, "ELNRNG", "OSError", "OSError: [Errno 48] Link number out of range" },
	{ 49, "EUNATCH", "OSError", "OSError: [Errno 49] Protocol driver not attached" },
	{ 50, "ENOCSI", "OSError", "OSError: [Errno 50] No CSI structure available" },
	{ 51, "EL2HLT", "OSError", "OSError: [Errno 51] Level 2 halted" },
	{ 52, "EBADE", "OSError", "OSError: [Errno 52] Invalid exchange" },
	{ 53, "EBADR", "OSError", "OSError: [Errno 53] Invalid request descriptor" },
	{ 54, "EXFULL", "OSError", "OSError: [Errno 54] Exchange full" },
	{ 55, "ENOANO", "OSError", "OSError: [Errno 55] No anode" },
	{ 56, "EBADRQC", "OSError", "OSError: [Errno 56] Invalid request code" },
	{ 57, "EBADSLT", "OSError", "OSError: [Errno 57] Invalid slot" },
	{ 59, "EBFONT", "OSError", "OSError: [Errno 59] Bad font file format" },
	{ 60, "ENOSTR", "OSError", "OSError: [Errno 60] Device not a stream" },
	{ 61, "ENODATA", "OSError", "OSError: [Errno 61] No data available" },
	{ 62, "ETIME", "OSError", "OSError: [Errno 62] Timer expired" },
	{ 63, "ENOSR", "OSError", "OSError: [Errno 63] Out of streams resources" },
	{ 64, "ENONET", "OSError", "OSError: [Errno 64] Machine is not on the network" },
	{ 65, "ENOPKG", "OSError", "OSError: [Errno 65] Package not installed" },
	{ 66, "EREMOTE", "OSError", "OSError: [Errno 66] Object is remote" },
	{ 67, "ENOLINK", "OSError", "OSError: [Errno 67] Link has been severed" },
	{ 68, "EADV", "OSError", "OSError: [Errno 68] Advertise error" },
	{ 69, "ESRMNT", "OSError", "OSError: [Errno 69] Srmount error" },
	{ 70, "ECOMM", "OSError", "OSError: [Errno 70] Communication error on send" },
	{ 71, "EPROTO", "OSError", "OSError: [Errno 71] Protocol error" },
	{ 72, "EMULTIHOP", "OSError", "OSError: [Errno 72] Multihop attempted" },
	{ 73, "EDOTDOT", "OSError", "OSError: [Errno 73] RFS specific error" },
	{ 74, "EBADMSG", "OSError", "OSError: [Errno 74] Bad message" },
	{ 75, "EOVERFLOW", "OSError", "OSError: [Errno 75] Value too large for defined data type" },
	{ 76, "ENOTUNIQ", "OSError", "OSError: [Errno 76] Name not unique on network" },
	{ 77, "EBADFD", "OSError", "OSError: [Errno 77] File descriptor in bad state" },
	{ 78, "EREMCHG", "OSError", "OSError: [Errno 78] Remote address changed" },
	{ 79, "ELIBACC", "OSError", "OSError: [Errno 79] Can not access a needed shared library" },
	{ 80, "ELIBBAD", "OSError", "OSError: [Errno 80] Accessing a corrupted shared library" },
	{ 81, "ELIBSCN", "OSError", "OSError: [Errno 81] .lib section in a.out corrupted" },
	{ 82, "ELIBMAX", "OSError", "OSError: [Errno 82] Attempting to link in too many shared libraries" },
	{ 83, "ELIBEXEC", "OSError", "OSError: [Errno 83] Cannot exec a shared library directly" },
	{ 84, "EILSEQ", "OSError", "OSError: [Errno 84] Invalid or incomplete multibyte or wide character" },
	{ 85, "ERESTART", "OSError", "OSError: [Errno 85] Interrupted system call should be restarted" },
	{ 86, "ESTRPIPE", "OSError", "OSError: [Errno 86] Streams pipe error" },
	{ 87, "EUSERS", "OSError", "OSError: [Errno 87] Too many users" },
	{ 88, "ENOTSOCK", "OSError", "OSError: [Errno 88] Socket operation on non-socket" },
	{ 89, "EDESTADDRREQ", "OSError", "OSError: [Errno 89] Destination address required" },
	{ 90, "EMSGSIZE", "OSError", "OSError: [Errno 90] Message too long" },
	{ 91, "EPROTOTYPE", "OSError", "OSError: [Errno 91] Protocol wrong type for socket" },
	{ 92, "ENOPROTOOPT", "OSError", "OSError: [Errno 92] Protocol not available" },
	{ 93, "EPROTONOSUPPORT", "OSError", "OSError: [Errno 93] Protocol not supported" },
	{ 94, "ESOCKTNOSUPPORT", "OSError", "OSError: [Errno 94] Socket type not supported" },
	{ 95, "EOPNOTSUPP", "OSError", "OSError: [Errno 95] Operation not supported" },
	{ 96, "EPFNOSUPPORT", "OSError", "OSError: [Errno 96] Protocol family not supported" },
	{ 97, "EAFNOSUPPORT", "OSError", "OSError: [Errno 97] Address family not supported by protocol" },
	{ 98, "EADDRINUSE", "OSError", "OSError: [Errno 98] Address already in use" },
	{ 99, "EADDRNOTAVAIL", "OSError", "OSError: [Errno 99] Cannot assign requested address" },
	{ 100, "ENETDOWN", "OSError", "OSError: [Errno 100] Network is down" },
	{ 101, "ENETUNREACH", "OSError", "OSError: [Errno 101] Network is unreachable" },
	{ 102, "ENETRESET", "OSError", "OSError: [Errno 102] Network dropped connection on reset" },
	{ 103, "ECONNABORTED", "ConnectionAbortedError", "ConnectionAbortedError: [Errno 103] Software caused connection abort" },
	{ 104, "ECONNRESET", "ConnectionResetError", "ConnectionResetError: [Errno 104] Connection reset by peer" },
	{ 105, "ENOBUFS", "OSError", "OSError: [Errno 105] No buffer space available" },
	{ 106, "EISCONN", "OSError", "OSError: [Errno 106] Transport endpoint is already connected" },
	{ 107, "ENOTCONN", "OSError", "OSError: [Errno 107] Transport endpoint is not connected" },
	{ 108, "ESHUTDOWN", "BrokenPipeError", "BrokenPipeError: [Errno 108] Cannot send after transport endpoint shutdown" },
	{ 109, "ETOOMANYREFS", "OSError", "OSError: [Errno 109] Too many references: cannot splice" },
	{ 110, "ETIMEDOUT", "TimeoutError", "TimeoutError: [Errno 110] Connection timed out" },
	{ 111, "ECONNREFUSED", "ConnectionRefusedError", "ConnectionRefusedError: [Errno 111] Connection refused" },
	{ 112, "EHOSTDOWN", "OSError", "OSError: [Errno 112] Host is down" },
	{ 113, "EHOSTUNREACH", "OSError", "OSError: [Errno 113] No route to host" },
	{ 114, "EALREADY", "BlockingIOError", "BlockingIOError: [Errno 114] Operation already in progress" },
	{ 115, "EINPROGRESS", "BlockingIOError", "BlockingIOError: [Errno 115] Operation now in progress" },
	{ 116, "ESTALE", "OSError", "OSError: [Errno 116] Stale file handle" },
	{ 117, "EUCLEAN", "OSError", "OSError: [Errno 117] Structure needs cleaning" },
	{ 118, "ENOTNAM", "OSError", "OSError: [Errno 118] Not a XENIX named type file" },
	{ 119, "ENAVAIL", "OSError", "OSError: [Errno 119] No XENIX semaphores available" },
	{ 120, "EISNAM", "OSError", "OSError: [Errno 120] Is a named type file" },
	{ 121, "EREMOTEIO", "OSError", "OSError: [Errno 121] Remote I/O error" },
	{ 122, "EDQUOT", "OSError", "OSError: [Errno 122] Disk quota exceeded" },
	{ 123, "ENOMEDIUM", "OSError", "OSError: [Errno 123] No medium found" },
	{ 124, "EMEDIUMTYPE", "OSError", "OSError: [Errno 124] Wrong medium type" },
	{ 125, "ECANCELED", "OSError", "OSError: [Errno 125] Operation canceled" },
	{ 126, "ENOKEY", "OSError", "OSError: [Errno 126] Required key not available" },
	{ 127, "EKEYEXPIRED", "OSError", "OSError: [Errno 127] Key has expired" },
	{ 128, "EKEYREVOKED", "OSError", "OSError: [Errno 128] Key has been revoked" },
	{ 129, "EKEYREJECTED", "OSError", "OSError: [Errno 129] Key was rejected by service" },
	{ 130, "EOWNERDEAD", "OSError", "OSError: [Errno 130] Owner died" },
	{ 131, "ENOTRECOVERABLE", "OSError", "OSError: [Errno 131] State not recoverable" },
	{ 132, "ERFKILL", "OSError", "OSError: [Errno 132] Operation not possible due to RF-kill" },
	{ 133, "EHWPOISON", "OSError", "OSError: [Errno 133] Memory page has hardware error" },
};

#define NERRTAB	(sizeof errtab / sizeof errtab[0])

UNIT_TEST(test_table)
{
	char buf[256];
	size_t i;

	for (i = 0; i < NERRTAB; i++) {
		CHECK_STR(errname_name(errtab[i].err), errtab[i].name);
		CHECK_INT(errname_lookup(errtab[i].name), errtab[i].err);
		CHECK_STR(errname_pyclass(errtab[i].err), errtab[i].cls);
		errname_pyformat(errtab[i].err, buf, sizeof buf);
		CHECK_STR(buf, errtab[i].text);
	}
}

UNIT_TEST(test_examples)
{
	char buf[256];

	CHECK_STR(errname_name(EAGAIN), "EAGAIN");
	CHECK_STR(errname_name(EADDRINUSE), "EADDRINUSE");
	CHECK_INT(errname_lookup("ECONNREFUSED"), 111);
	errname_pyformat(ECONNREFUSED, buf, sizeof buf);
	CHECK_STR(buf, "ConnectionRefusedError: [Errno 111] Connection refused");
	errname_pyformat(EADDRINUSE, buf, sizeof buf);
	CHECK_STR(buf, "OSError: [Errno 98] Address already in use");
	errname_pyformat(ENOTCONN, buf, sizeof buf);
	CHECK_STR(buf, "OSError: [Errno 107] Transport endpoint is not connected");
	errname_pyformat(EAGAIN, buf, sizeof buf);
	CHECK_STR(buf, "BlockingIOError: [Errno 11] Resource temporarily unavailable");
}

UNIT_TEST(test_aliases)
{
	CHECK_INT(errname_lookup("EWOULDBLOCK"), EAGAIN);
	CHECK_INT(errname_lookup("EDEADLOCK"), EDEADLK);
	CHECK_INT(errname_lookup("ENOTSUP"), EOPNOTSUPP);
	CHECK_STR(errname_name(EWOULDBLOCK), "EAGAIN");
	CHECK_STR(errname_name(EDEADLOCK), "EDEADLK");
	CHECK_STR(errname_name(ENOTSUP), "EOPNOTSUPP");
	CHECK_STR(errname_pyclass(EWOULDBLOCK), "BlockingIOError");
}

UNIT_TEST(test_pseudo)
{
	char buf[64];

	CHECK_INT(errname_lookup("timeout"), ERR_TIMEOUT);
	CHECK_INT(errname_lookup("eof"), ERR_EOF);
	CHECK_STR(errname_name(ERR_TIMEOUT), "timeout");
	CHECK_STR(errname_name(ERR_EOF), "eof");
	CHECK_STR(errname_pyclass(ERR_TIMEOUT), "TimeoutError");
	CHECK_STR(errname_pyclass(ERR_EOF), "EOFError");
	errname_pyformat(ERR_TIMEOUT, buf, sizeof buf);
	CHECK_STR(buf, "TimeoutError: timed out");
	errname_pyformat(ERR_EOF, buf, sizeof buf);
	CHECK_STR(buf, "EOFError: socket closed");
}

UNIT_TEST(test_unknown)
{
	char buf[64];

	CHECK(errname_name(0) == NULL);
	CHECK(errname_name(41) == NULL);
	CHECK(errname_name(9999) == NULL);
	CHECK(errname_name(-1) == NULL);
	CHECK_INT(errname_lookup("ENOPE"), 0);
	CHECK_INT(errname_lookup("econnrefused"), 0);
	CHECK_INT(errname_lookup("Timeout"), 0);
	CHECK_INT(errname_lookup(""), 0);
	CHECK_STR(errname_pyclass(9999), "OSError");
	/* str(OSError(9999, os.strerror(9999))) */
	errname_pyformat(9999, buf, sizeof buf);
	CHECK_STR(buf, "OSError: [Errno 9999] Unknown error 9999");
	/* a short buffer is truncated, not overrun */
	errname_pyformat(ECONNREFUSED, buf, 8);
	CHECK_STR(buf, "Connect");
}

int
main(void)
{
	UNIT_RUN(test_table);
	UNIT_RUN(test_examples);
	UNIT_RUN(test_aliases);
	UNIT_RUN(test_pseudo);
	UNIT_RUN(test_unknown);
	return UNIT_END();
}
