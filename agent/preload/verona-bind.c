/*
 * verona-bind.so — for programs on the loopback testbed, where every host
 * shares the one network stack and lo: an IPv4 socket that sends before it
 * is bound would take 127.0.0.1 as its source whatever host it runs on, and
 * its packets could not be told from another host's.  Loaded with
 * LD_PRELOAD (the agent sets it, with VERONA_HOST_ADDR, the host's
 * address), it binds such a socket to the host's address, port 0, just
 * before connect(), sendto() or sendmsg() to an address, exactly as the
 * agent does for its own steps.  A socket the program bound itself to an
 * address is left alone; a UDP socket bound to every address (a server's
 * port) sends its datagrams from the host's address (IP_PKTINFO), as the
 * agent does.  Limits: a statically
 * linked program, or one that makes system calls itself, does not go
 * through it (docs/testbeds.md).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

static void
prebind(int fd)
{
	const char *own = getenv("VERONA_HOST_ADDR");
	struct sockaddr_in me, to = { .sin_family = AF_INET };
	socklen_t len = sizeof me;
	int e = errno;

	if (own != NULL && inet_pton(AF_INET, own, &to.sin_addr) == 1 &&
	    getsockname(fd, (struct sockaddr *)&me, &len) == 0 && me.sin_family == AF_INET &&
	    me.sin_addr.s_addr == htonl(INADDR_ANY) && me.sin_port == 0)
		(void)bind(fd, (struct sockaddr *)&to, sizeof to);
	errno = e;
}

int
connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	static int (*real)(int, const struct sockaddr *, socklen_t);
	if (real == NULL)
		real = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "connect");
	if (sa != NULL && sa->sa_family == AF_INET)
		prebind(fd);
	return real(fd, sa, len);
}

static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);

/*
 * A UDP socket bound to every address (a server's port) would send from
 * 127.0.0.1 on lo: the host's address goes with the datagram (IP_PKTINFO),
 * when the program gave no control data of its own.  0: sent as is.
 */
static ssize_t
send_from_own(int fd, const struct msghdr *m, int flags, int *done)
{
	const char *own = getenv("VERONA_HOST_ADDR");
	struct sockaddr_in me;
	socklen_t len = sizeof me;
	int type = 0;
	socklen_t tl = sizeof type;
	struct in_pktinfo pi;
	union { char buf[CMSG_SPACE(sizeof pi)]; struct cmsghdr align; } ctl;
	struct msghdr m2;
	int e = errno;

	*done = 0;
	memset(&pi, 0, sizeof pi);
	if (own == NULL || m->msg_controllen != 0 || inet_pton(AF_INET, own, &pi.ipi_spec_dst) != 1 ||
	    getsockname(fd, (struct sockaddr *)&me, &len) != 0 || me.sin_family != AF_INET ||
	    me.sin_addr.s_addr != htonl(INADDR_ANY) || getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0 ||
	    type != SOCK_DGRAM) {
		errno = e;
		return 0;
	}
	errno = e;
	m2 = *m;
	memset(&ctl, 0, sizeof ctl);
	m2.msg_control = ctl.buf;
	m2.msg_controllen = sizeof ctl.buf;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m2);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof pi);
	memcpy(CMSG_DATA(c), &pi, sizeof pi);
	*done = 1;
	return real_sendmsg(fd, &m2, flags);
}

ssize_t
sendmsg(int fd, const struct msghdr *m, int flags)
{
	ssize_t r;
	int done;

	if (real_sendmsg == NULL)
		real_sendmsg = (ssize_t (*)(int, const struct msghdr *, int))dlsym(RTLD_NEXT, "sendmsg");
	if (m != NULL && m->msg_name != NULL && ((const struct sockaddr *)m->msg_name)->sa_family == AF_INET) {
		prebind(fd);
		if ((r = send_from_own(fd, m, flags, &done)), done)
			return r;
	}
	return real_sendmsg(fd, m, flags);
}

ssize_t
sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *sa, socklen_t len)
{
	static ssize_t (*real)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
	struct iovec iov = { (void *)buf, n };
	struct msghdr m = { .msg_name = (void *)sa, .msg_namelen = len, .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t r;
	int done;

	if (real == NULL)
		real = (ssize_t (*)(int, const void *, size_t, int, const struct sockaddr *, socklen_t))
		    dlsym(RTLD_NEXT, "sendto");
	if (real_sendmsg == NULL)
		real_sendmsg = (ssize_t (*)(int, const struct msghdr *, int))dlsym(RTLD_NEXT, "sendmsg");
	if (sa != NULL && sa->sa_family == AF_INET) {
		prebind(fd);
		if ((r = send_from_own(fd, &m, flags, &done)), done)
			return r;
	}
	return real(fd, buf, n, flags, sa, len);
}
