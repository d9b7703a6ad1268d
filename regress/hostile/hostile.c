/*
 * Copyright (c) 2026 The engarde authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */


/*
 * Bad input for the hostile-input table: control frames as the options make
 * them, crowds of control connections, datagrams from many ports, and HTTP
 * requests written as they are, fast, slow or not at all.
 */

#include <sys/types.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <tls.h>
#include <unistd.h>

#include "ipc.h"
#include "proto.h"

#define FRAME_MAX	65535		/* what a 16-bit length can claim */
#define REPLY_MAX	(IPC_MAXSIZE * 4)
#define CLOSE_WAIT_MS	300		/* for the hang-up after an answer */
#define FORGED_ID	77		/* the peer id we claim, in vain */
#define CONNS_MAX	256
#define PORTS_MAX	1024
#define DGRAM_MAX	65507
#define COUNT_MAX	100000
#define REQUEST_MAX	(4 * 1024 * 1024)

__attribute__((__noreturn__)) static void usage(void);
static long	number(const char *, long, long, const char *);
static double	now(void);
static int	ctl_connect(const char *);
static int	ctl_send(int, const void *, size_t, int);
static int	ctl_replies(int, double);
static int	ctl_frame(int, char *[]);
static int	ctl_conns(int, char *[]);
static void	udp_fill(unsigned char *, size_t, const char *);
static int	udp_flood(int, char *[]);
static int	tcp_connect(const char *);
static ssize_t	http_io(int, struct tls *, void *, size_t, int, double);
static int	http_request(int, char *[]);

static void
usage(void)
{
	fprintf(stderr,
	    "usage: hostile ctl [-F] [-a arg] [-c bytes] [-f flags] "
	    "[-i ifname] [-l len]\n"
	    "                   [-n size] [-t type] [-V version] "
	    "[-w seconds] socket\n"
	    "       hostile conns [-n count] [-w seconds] socket\n"
	    "       hostile http [-DHP] [-f file] [-w seconds] host:port\n"
	    "       hostile udp [-b addr] [-k kind] [-n count] [-p ports] "
	    "[-r rate]\n"
	    "                   [-s size] host:port\n");
	exit(EX_USAGE);
}

static long
number(const char *s, long min, long max, const char *what)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		errx(EX_USAGE, "%s: %s: must be %ld to %ld", what, s, min,
		    max);
	return (v);
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

static int
ctl_connect(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		errx(EX_USAGE, "%s: path too long", path);
	strncpy(sun.sun_path, path, sizeof(sun.sun_path) - 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		err(EX_OSERR, "socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(EX_UNAVAILABLE, "connect %s", path);
	return (fd);
}

/* Write all of buf, with a descriptor alongside when passfd is set. */
static int
ctl_send(int fd, const void *buf, size_t len, int passfd)
{
	struct msghdr	 msg;
	struct iovec	 iov;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cmsgbuf;
	struct cmsghdr	*cmsg;
	ssize_t		 n;
	size_t		 off = 0;
	int		 nullfd = -1;

	if (passfd && (nullfd = open("/dev/null", O_RDONLY)) == -1)
		err(EX_OSERR, "/dev/null");
	while (off < len || nullfd != -1) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = (char *)buf + off;
		iov.iov_len = len - off;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		if (nullfd != -1) {
			memset(&cmsgbuf, 0, sizeof(cmsgbuf));
			msg.msg_control = cmsgbuf.buf;
			msg.msg_controllen = sizeof(cmsgbuf.buf);
			cmsg = CMSG_FIRSTHDR(&msg);
			cmsg->cmsg_len = CMSG_LEN(sizeof(int));
			cmsg->cmsg_level = SOL_SOCKET;
			cmsg->cmsg_type = SCM_RIGHTS;
			memcpy(CMSG_DATA(cmsg), &nullfd, sizeof(int));
		}
		if ((n = sendmsg(fd, &msg, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			/* The far side hung up: what it read is its answer. */
			printf("write %s\n", strerror(errno));
			break;
		}
		if (nullfd != -1) {
			close(nullfd);
			nullfd = -1;
		}
		off += n;
	}
	return (0);
}

/*
 * Print every message that comes back, one line each, until an answer is
 * complete (a RESULT or an END), the far side hangs up, or the time is
 * up; then say whether the connection is still open.
 */
static int
ctl_replies(int fd, double secs)
{
	static unsigned char	 buf[REPLY_MAX];
	struct pollfd		 pfd;
	struct ipc_hdr		 hdr;
	struct ctl_result	 res;
	struct ctl_iface	 ci;
	size_t			 len = 0;
	double			 t0 = now(), end = t0 + secs;
	ssize_t			 n;
	int			 answered = 0, ms;

	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		ms = (int)((end - now()) * 1000);
		if (ms <= 0) {
			printf("open %.1f\n", now() - t0);
			return (0);
		}
		if (poll(&pfd, 1, ms) == -1) {
			if (errno == EINTR)
				continue;
			err(EX_OSERR, "poll");
		}
		if (pfd.revents == 0)
			continue;
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			printf("closed %.1f\n", now() - t0);
			return (0);
		}
		len += n;
		while (len >= sizeof(hdr)) {
			memcpy(&hdr, buf, sizeof(hdr));
			if (hdr.len < sizeof(hdr)) {
				printf("garbage\n");
				return (0);
			}
			if (len < hdr.len)
				break;
			/* The engine stamps its own id on what it sends. */
			if (hdr.peerid == FORGED_ID)
				printf("FORGED peer id came back\n");
			switch (hdr.type) {
			case IMSG_CTL_RESULT:
				if (hdr.len != sizeof(hdr) + sizeof(res)) {
					printf("RESULT of %u bytes\n", hdr.len);
					break;
				}
				memcpy(&res, buf + sizeof(hdr), sizeof(res));
				res.text[sizeof(res.text) - 1] = '\0';
				printf("RESULT %u %s\n", res.code, res.text);
				answered = 1;
				break;
			case IMSG_CTL_END:
				printf("END\n");
				answered = 1;
				break;
			case IMSG_CTL_STATUS:
				printf("STATUS\n");
				break;
			case IMSG_CTL_INTERFACE:
				memset(&ci, 0, sizeof(ci));
				if (hdr.len == sizeof(hdr) + sizeof(ci))
					memcpy(&ci, buf + sizeof(hdr),
					    sizeof(ci));
				ci.ifname[sizeof(ci.ifname) - 1] = '\0';
				printf("INTERFACE %s\n", ci.ifname);
				break;
			case IMSG_CTL_CLIENT:
				printf("CLIENT\n");
				break;
			default:
				printf("OTHER %u %u\n", hdr.type, hdr.len);
				break;
			}
			memmove(buf, buf + hdr.len, len - hdr.len);
			len -= hdr.len;
		}
		if (len == sizeof(buf)) {
			printf("garbage\n");
			return (0);
		}
		/* Answered: a hang-up, if one comes, comes now. */
		if (answered && now() + CLOSE_WAIT_MS / 1000.0 < end)
			end = now() + CLOSE_WAIT_MS / 1000.0;
	}
}

/*
 * One frame as the options describe it: a header whose length is the
 * payload's unless -l says otherwise, and a payload that starts with a
 * struct ctl_request, cut or padded with 'A' to -n bytes.
 */
static int
ctl_frame(int argc, char *argv[])
{
	static unsigned char	 frame[FRAME_MAX];
	struct ipc_hdr		 hdr;
	struct ctl_request	 req;
	const char		*ifname = "";
	double			 secs = 2;
	long			 size = sizeof(req), len = -1, cut = -1;
	int			 ch, fd, passfd = 0;

	memset(&hdr, 0, sizeof(hdr));
	memset(&req, 0, sizeof(req));
	hdr.type = IMSG_CTL_SHOW_STATUS;
	req.version = CTL_VERSION;
	while ((ch = getopt(argc, argv, "Fa:c:f:i:l:n:t:V:w:")) != -1) {
		switch (ch) {
		case 'F':
			passfd = 1;
			break;
		case 'a':
			req.arg = number(optarg, INT32_MIN, INT32_MAX, "arg");
			break;
		case 'c':
			cut = number(optarg, 0, FRAME_MAX, "bytes");
			break;
		case 'f':
			hdr.flags = number(optarg, 0, UINT16_MAX, "flags");
			break;
		case 'i':
			ifname = optarg;
			break;
		case 'l':
			len = number(optarg, 0, UINT16_MAX, "len");
			break;
		case 'n':
			size = number(optarg, 0, FRAME_MAX - sizeof(hdr),
			    "size");
			break;
		case 't':
			hdr.type = number(optarg, 0, UINT32_MAX, "type");
			break;
		case 'V':
			req.version = number(optarg, 0, UINT32_MAX,
			    "version");
			break;
		case 'w':
			secs = number(optarg, 0, 600, "seconds");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();

	/* Sixteen characters fill the name with no NUL at its end. */
	memcpy(req.ifname, ifname, strnlen(ifname, sizeof(req.ifname)));
	if (len >= 0)
		hdr.len = len;
	else if ((long)sizeof(hdr) + size > UINT16_MAX)
		hdr.len = UINT16_MAX;
	else
		hdr.len = sizeof(hdr) + size;
	hdr.pid = 4242;
	hdr.peerid = FORGED_ID;
	memcpy(frame, &hdr, sizeof(hdr));
	memset(frame + sizeof(hdr), 'A', size);
	memcpy(frame + sizeof(hdr), &req, (size_t)size < sizeof(req) ?
	    (size_t)size : sizeof(req));
	size += sizeof(hdr);
	if (cut >= 0 && cut < size)
		size = cut;

	fd = ctl_connect(argv[0]);
	ctl_send(fd, frame, size, passfd);
	ctl_replies(fd, secs);
	close(fd);
	return (0);
}

/* Many connections at once: how many the far side keeps, how many it ends. */
static int
ctl_conns(int argc, char *argv[])
{
	struct pollfd	pfd[CONNS_MAX];
	char		c;
	double		end, secs = 1;
	long		count = 40;
	int		ch, i, kept = 0, ended = 0, ms;

	while ((ch = getopt(argc, argv, "n:w:")) != -1) {
		switch (ch) {
		case 'n':
			count = number(optarg, 1, CONNS_MAX, "count");
			break;
		case 'w':
			secs = number(optarg, 0, 600, "seconds");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();
	for (i = 0; i < count; i++) {
		pfd[i].fd = ctl_connect(argv[0]);
		pfd[i].events = POLLIN;
	}
	/* Time for the far side to take them all, and end what it refuses. */
	end = now() + secs;
	while ((ms = (int)((end - now()) * 1000)) > 0)
		(void)poll(NULL, 0, ms);
	for (i = 0; i < count; i++) {
		pfd[i].revents = 0;
		(void)poll(&pfd[i], 1, 0);
		if ((pfd[i].revents & (POLLIN | POLLHUP)) &&
		    read(pfd[i].fd, &c, 1) <= 0)
			ended++;
		else
			kept++;
		close(pfd[i].fd);
	}
	printf("kept %d ended %d\n", kept, ended);
	return (0);
}

/*
 * What a datagram holds: zero (all zero bytes), junk (random bytes), or
 * wgN: the first byte N, three zero bytes, then random bytes, which is
 * WireGuard's framing with nothing valid in it.
 */
static void
udp_fill(unsigned char *p, size_t len, const char *kind)
{
	size_t	off = 0;
	ssize_t	n;

	if (strcmp(kind, "zero") == 0) {
		memset(p, 0, len);
		return;
	}
	while (off < len) {
		if ((n = getrandom(p + off, len - off, 0)) == -1) {
			if (errno == EINTR)
				continue;
			err(EX_OSERR, "getrandom");
		}
		off += n;
	}
	if (strncmp(kind, "wg", 2) == 0 && len >= 4) {
		p[0] = number(kind + 2, 0, 255, "WireGuard type");
		p[1] = p[2] = p[3] = 0;
	} else if (strcmp(kind, "junk") != 0 && strncmp(kind, "wg", 2) != 0)
		errx(EX_USAGE, "%s: kind must be zero, junk or wgN", kind);
}

/*
 * count datagrams of size bytes to host:port, from ports sockets in turn
 * (each its own source port), at most rate a second.
 */
static int
udp_flood(int argc, char *argv[])
{
	static unsigned char	 buf[DGRAM_MAX];
	struct addrinfo		 hints, *dst, *src = NULL;
	struct timespec		 ts;
	const char		*kind = "junk", *bind_addr = NULL;
	char			*host, *port;
	int			 fds[PORTS_MAX];
	long			 count = 1, nports = 1, rate = 20000;
	long			 size = -1, i, sent = 0, errors = 0;
	int			 ch, r, first_errno = 0;
	double			 t0;

	while ((ch = getopt(argc, argv, "b:k:n:p:r:s:")) != -1) {
		switch (ch) {
		case 'b':
			bind_addr = optarg;
			break;
		case 'k':
			kind = optarg;
			break;
		case 'n':
			count = number(optarg, 1, COUNT_MAX, "count");
			break;
		case 'p':
			nports = number(optarg, 1, PORTS_MAX, "ports");
			break;
		case 'r':
			rate = number(optarg, 1, 1000000, "rate");
			break;
		case 's':
			size = number(optarg, 0, DGRAM_MAX, "size");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();
	/* WireGuard's own sizes unless told otherwise. */
	if (size == -1) {
		if (strcmp(kind, "wg1") == 0)
			size = 148;
		else if (strcmp(kind, "wg2") == 0)
			size = 92;
		else if (strcmp(kind, "wg3") == 0)
			size = 64;
		else if (strcmp(kind, "wg4") == 0)
			size = 48;
		else
			size = 100;
	}

	if ((host = strdup(argv[0])) == NULL)
		err(EX_OSERR, NULL);
	if ((port = strrchr(host, ':')) == NULL)
		errx(EX_USAGE, "%s: expected host:port", argv[0]);
	*port++ = '\0';
	if (host[0] == '[' && port - host >= 3 && port[-2] == ']') {
		port[-2] = '\0';
		host++;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((r = getaddrinfo(host, port, &hints, &dst)) != 0)
		errx(EX_USAGE, "%s: %s", argv[0], gai_strerror(r));
	if (bind_addr != NULL) {
		hints.ai_family = dst->ai_family;
		hints.ai_flags |= AI_PASSIVE;
		if ((r = getaddrinfo(bind_addr, "0", &hints, &src)) != 0)
			errx(EX_USAGE, "%s: %s", bind_addr, gai_strerror(r));
	}
	for (i = 0; i < nports; i++) {
		if ((fds[i] = socket(dst->ai_family, SOCK_DGRAM | SOCK_CLOEXEC,
		    0)) == -1)
			err(EX_OSERR, "socket");
		if (src != NULL && bind(fds[i], src->ai_addr,
		    src->ai_addrlen) == -1)
			err(EX_OSERR, "bind %s", bind_addr);
	}

	t0 = now();
	for (i = 0; i < count; i++) {
		/* Paced against the clock, never faster than rate. */
		while (now() < t0 + (double)i / rate) {
			ts.tv_sec = 0;
			ts.tv_nsec = 200000;
			nanosleep(&ts, NULL);
		}
		udp_fill(buf, size, kind);
		if (sendto(fds[i % nports], buf, size, 0, dst->ai_addr,
		    dst->ai_addrlen) == -1) {
			if (errors++ == 0)
				first_errno = errno;
		} else
			sent++;
	}
	for (i = 0; i < nports; i++)
		close(fds[i]);
	printf("{\"sent\":%ld,\"errors\":%ld,\"first_error\":\"%s\"}\n",
	    sent, errors, first_errno ? strerror(first_errno) : "");
	freeaddrinfo(dst);
	if (src != NULL)
		freeaddrinfo(src);
	return (0);
}

static int
tcp_connect(const char *hostport)
{
	struct addrinfo	 hints, *ai;
	char		*host, *port;
	int		 fd, r;

	if ((host = strdup(hostport)) == NULL)
		err(EX_OSERR, NULL);
	if ((port = strrchr(host, ':')) == NULL)
		errx(EX_USAGE, "%s: expected host:port", hostport);
	*port++ = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((r = getaddrinfo(host, port, &hints, &ai)) != 0)
		errx(EX_USAGE, "%s: %s", hostport, gai_strerror(r));
	if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		err(EX_OSERR, "socket");
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1)
		err(EX_UNAVAILABLE, "connect %s", hostport);
	freeaddrinfo(ai);
	free(host);
	return (fd);
}

/*
 * Read or write (wr) some bytes, over TLS when tls is set, waiting until
 * the time end at most.  Returns the bytes moved, 0 when the far side
 * closed, -1 on an error and -2 when the time is up.
 */
static ssize_t
http_io(int fd, struct tls *tls, void *buf, size_t len, int wr, double end)
{
	struct pollfd	pfd;
	ssize_t		n;
	int		ms;

	pfd.fd = fd;
	pfd.events = wr ? POLLOUT : POLLIN;
	for (;;) {
		if (tls != NULL) {
			n = wr ? tls_write(tls, buf, len) :
			    tls_read(tls, buf, len);
			if (n == TLS_WANT_POLLIN)
				pfd.events = POLLIN;
			else if (n == TLS_WANT_POLLOUT)
				pfd.events = POLLOUT;
			else
				return (n);
		} else {
			n = wr ? send(fd, buf, len, MSG_NOSIGNAL |
			    MSG_DONTWAIT) : recv(fd, buf, len, MSG_DONTWAIT);
			if (n >= 0)
				return (n);
			if (errno != EAGAIN && errno != EINTR)
				return (-1);
		}
		if ((ms = (int)((end - now()) * 1000)) <= 0)
			return (-2);
		if (poll(&pfd, 1, ms) == -1 && errno != EINTR)
			err(EX_OSERR, "poll");
	}
}

/*
 * Send a request as it is written in a file (-f, default empty), over TLS
 * unless -P, one byte a second with -D.  Print "status CODE SECONDS" when
 * a status line comes back, then, unless -H holds the connection until the
 * far side ends it, stop; "closed SECONDS" when it hangs up, "open
 * SECONDS" when -w seconds pass first.  A TLS failure is a hang-up.
 */
static int
http_request(int argc, char *argv[])
{
	static char		 req[REQUEST_MAX], resp[65536];
	struct tls_config	*cfg;
	struct tls		*tls = NULL;
	const char		*file = NULL;
	double			 t0, end, secs = 5;
	size_t			 len = 0, off = 0, rlen = 0, chunk;
	ssize_t			 n;
	char			*eol;
	int			 ch, fd, rfd, plain = 0, drip = 0, hold = 0;
	int			 status = 0;

	while ((ch = getopt(argc, argv, "DHPf:w:")) != -1) {
		switch (ch) {
		case 'D':
			drip = 1;
			break;
		case 'H':
			hold = 1;
			break;
		case 'P':
			plain = 1;
			break;
		case 'f':
			file = optarg;
			break;
		case 'w':
			secs = number(optarg, 1, 600, "seconds");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();
	if (file != NULL) {
		if ((rfd = open(file, O_RDONLY)) == -1)
			err(EX_NOINPUT, "%s", file);
		while (len < sizeof(req) && (n = read(rfd, req + len,
		    sizeof(req) - len)) > 0)
			len += n;
		close(rfd);
	}

	t0 = now();
	end = t0 + secs;
	fd = tcp_connect(argv[0]);
	if (fcntl(fd, F_SETFL, O_NONBLOCK) == -1)
		err(EX_OSERR, "fcntl");
	if (!plain) {
		if ((cfg = tls_config_new()) == NULL ||
		    (tls = tls_client()) == NULL)
			errx(EX_OSERR, "libtls");
		tls_config_insecure_noverifycert(cfg);
		tls_config_insecure_noverifyname(cfg);
		if (tls_configure(tls, cfg) == -1 ||
		    tls_connect_socket(tls, fd, "engarde") == -1)
			errx(EX_OSERR, "tls: %s", tls_error(tls));
		tls_config_free(cfg);
	}

	while (off < len) {
		chunk = drip ? 1 : len - off;
		if ((n = http_io(fd, tls, req + off, chunk, 1, end)) == -2)
			goto out;
		if (n <= 0)
			goto closed;
		off += n;
		if (drip && off < len)
			(void)poll(NULL, 0, 1000);
	}
	for (;;) {
		if (rlen == sizeof(resp) - 1)
			rlen = 0;	/* the status line is all we look at */
		n = http_io(fd, tls, resp + rlen, sizeof(resp) - 1 - rlen, 0,
		    end);
		if (n == -2)
			goto out;
		if (n <= 0)
			goto closed;
		rlen += n;
		resp[rlen] = '\0';
		if (!status && (eol = strstr(resp, "\r\n")) != NULL) {
			status = 1;
			*eol = '\0';
			if (strncmp(resp, "HTTP/1.", 7) == 0 &&
			    strlen(resp) >= 12)
				printf("status %.3s %.1f\n", resp + 9,
				    now() - t0);
			else
				printf("garbage %.1f\n", now() - t0);
			if (!hold)
				goto done;
		}
	}
 closed:
	printf("closed %.1f\n", now() - t0);
	goto done;
 out:
	printf("open %.1f\n", now() - t0);
 done:
	if (tls != NULL)
		tls_free(tls);
	close(fd);
	return (0);
}

int
main(int argc, char *argv[])
{
	if (argc < 2)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* A far side that hangs up is an outcome, not the end of us. */
	signal(SIGPIPE, SIG_IGN);
	argc--;
	argv++;
	if (strcmp(argv[0], "ctl") == 0)
		return (ctl_frame(argc, argv));
	if (strcmp(argv[0], "conns") == 0)
		return (ctl_conns(argc, argv));
	if (strcmp(argv[0], "udp") == 0)
		return (udp_flood(argc, argv));
	if (strcmp(argv[0], "http") == 0)
		return (http_request(argc, argv));
	usage();
}
