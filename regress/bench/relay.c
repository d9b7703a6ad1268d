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

/* The benchmark's floor: the same fan-out as engarded and nothing else. */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

/* The build may add libbsd's overlay headers but never links libbsd. */
#undef getopt

#ifndef __dead
#define __dead		__attribute__((__noreturn__))
#endif

/* As in engarded: batches, the largest datagram, socket buffers. */
#define BATCH		64
#define PKT_MAX		16384
#define SOCKBUF		(4 * 1024 * 1024)
#define PATHS_MAX	64
#define READS_MAX	8		/* batches per socket per wake-up */
#define CLIENTS_MAX	4096		/* a power of two */
#define CLIENT_TIMEOUT	30		/* seconds */
#define INDEX_SIZE	(2 * CLIENTS_MAX)
#define TAG_LISTEN	0		/* epoll tags of the server */
#define TAG_DST		1
#define TAG_CLIENT	2		/* + slot */

struct relay_client {
	struct sockaddr_storage	 addr;
	socklen_t		 len;		/* 0: a free slot */
	time_t			 seen;
	int			 fd;		/* its own socket, or -1 */
};

__dead static void usage(void);
static void	 onsig(int);
static void	 getaddr(const char *, int, struct sockaddr_storage *,
		    socklen_t *);
static int	 opensock(const struct sockaddr_storage *, socklen_t,
		    const char *, int, const struct sockaddr_storage *,
		    socklen_t);
static void	 watch(int, int, uint64_t);
static void	 msgs_init(void);
static int	 recvbatch(int, int, int *);
static void	 sendbatch(int, int, const struct sockaddr_storage *,
		    socklen_t);
static time_t	 seconds(void);
static int	 client_main(int, char *[]);
static int	 client_path(const char *, const struct sockaddr_storage *,
		    socklen_t);
static int	 server_main(int, char *[]);
static uint32_t	 client_hash(const struct sockaddr_storage *);
static int	 client_same(const struct relay_client *,
		    const struct sockaddr_storage *, socklen_t);
static void	 client_seen(const struct sockaddr_storage *, socklen_t,
		    time_t);
static void	 client_expire(time_t);
static void	 server_fanout(int, int, time_t);

static volatile sig_atomic_t	 quit;

/* Received once into pkt, sent from there. */
static unsigned char		 pkt[BATCH][PKT_MAX];
static struct mmsghdr		 rmsg[BATCH], smsg[BATCH];
static struct iovec		 riov[BATCH], siov[BATCH];
static struct sockaddr_storage	 rname[BATCH];

/* Server: the client addresses, and an open-addressing index to them. */
static struct relay_client	 clients[CLIENTS_MAX];
static int			 nclients;			/* slots used */
static int			 cindex[INDEX_SIZE];		/* 1 + slot */
static int			 own, epfd;
static struct sockaddr_storage	 listen_addr;
static socklen_t		 listen_len;

__dead static void
usage(void)
{
	fprintf(stderr,
	    "usage: relay client listen dst ifname:local[:dst] ...\n"
	    "       relay server [-p] listen dst\n");
	exit(EX_USAGE);
}

int
main(int argc, char *argv[])
{
	struct sigaction	sa;

	if (argc < 2)
		usage();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsig;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1)
		err(1, "sigaction");
	signal(SIGPIPE, SIG_IGN);
	msgs_init();
	if (strcmp(argv[1], "client") == 0)
		return client_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "server") == 0)
		return server_main(argc - 1, argv + 1);
	usage();
}

static void
onsig(int sig)
{
	(void)sig;
	quit = 1;
}

/*
 * Parse "host:port" or "[v6addr]:port"; an empty host or "*" is the
 * wildcard, allowed only when passive.  Numeric only.
 */
static void
getaddr(const char *arg, int passive, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct addrinfo	 hints, *res;
	char		 buf[256], *host, *port, *p;
	int		 error;

	if (strlen(arg) >= sizeof(buf))
		errx(EX_USAGE, "address too long: %s", arg);
	memcpy(buf, arg, strlen(arg) + 1);
	if (buf[0] == '[') {
		host = buf + 1;
		if ((p = strchr(host, ']')) == NULL || p[1] != ':')
			errx(EX_USAGE, "expected [address]:port: %s", arg);
		*p = '\0';
		port = p + 2;
	} else {
		if ((p = strrchr(buf, ':')) == NULL || strchr(buf, ':') != p)
			errx(EX_USAGE, "expected host:port: %s", arg);
		*p = '\0';
		host = buf;
		port = p + 1;
	}
	if (*host == '\0' || strcmp(host, "*") == 0) {
		if (!passive)
			errx(EX_USAGE, "missing host: %s", arg);
		host = NULL;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV |
	    (passive ? AI_PASSIVE : 0);
	if ((error = getaddrinfo(host, port, &hints, &res)) != 0)
		errx(EX_USAGE, "%s: %s", arg, gai_strerror(error));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
}

/*
 * A non-blocking UDP socket with engarded's buffers, bound to the device
 * (when named) and the address, sharing the port when asked, connected
 * when dst is given.  Returns -1 with errno set on failure.
 */
static int
opensock(const struct sockaddr_storage *local, socklen_t locallen,
    const char *ifname, int reuseport, const struct sockaddr_storage *dst,
    socklen_t dstlen)
{
	int	fd, sz = SOCKBUF, one = 1, saved;

	if ((fd = socket(local->ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if ((local->ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof(one)) == -1) ||
	    (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
	    sizeof(one)) == -1) ||
	    (ifname != NULL && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE,
	    ifname, strlen(ifname)) == -1) ||
	    bind(fd, (const struct sockaddr *)local, locallen) == -1 ||
	    (dst != NULL && connect(fd, (const struct sockaddr *)dst,
	    dstlen) == -1)) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static void
watch(int ep, int fd, uint64_t tag)
{
	struct epoll_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = tag;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1)
		err(1, "epoll_ctl");
}

/* The send side points at the receive buffers once and for all. */
static void
msgs_init(void)
{
	int	i;

	for (i = 0; i < BATCH; i++) {
		riov[i].iov_base = pkt[i];
		siov[i].iov_base = pkt[i];
		rmsg[i].msg_hdr.msg_iov = &riov[i];
		rmsg[i].msg_hdr.msg_iovlen = 1;
		smsg[i].msg_hdr.msg_iov = &siov[i];
		smsg[i].msg_hdr.msg_iovlen = 1;
	}
}

/*
 * One batch from fd, lined up for sending without the cut and empty
 * datagrams.  Returns how many there are; *more says the batch was full.
 */
static int
recvbatch(int fd, int names, int *more)
{
	int	i, n, k;

	for (i = 0; i < BATCH; i++) {
		riov[i].iov_len = PKT_MAX;
		rmsg[i].msg_hdr.msg_name = names ? &rname[i] : NULL;
		rmsg[i].msg_hdr.msg_namelen = names ? sizeof(rname[i]) : 0;
		rmsg[i].msg_hdr.msg_flags = 0;
	}
	*more = 0;
	/* Empty, or an ICMP error of an earlier send: wait for the next. */
	if ((n = recvmmsg(fd, rmsg, BATCH, MSG_DONTWAIT, NULL)) == -1)
		return 0;
	for (i = k = 0; i < n; i++) {
		if ((rmsg[i].msg_hdr.msg_flags & MSG_TRUNC) ||
		    rmsg[i].msg_len == 0)
			continue;
		siov[k].iov_base = pkt[i];
		siov[k].iov_len = rmsg[i].msg_len;
		if (names && k != i) {
			rname[k] = rname[i];
			rmsg[k].msg_hdr.msg_namelen =
			    rmsg[i].msg_hdr.msg_namelen;
		}
		k++;
	}
	*more = n == BATCH;
	return k;
}

/* Send the lined-up batch, never waiting; what is refused is dropped. */
static void
sendbatch(int fd, int k, const struct sockaddr_storage *to, socklen_t tolen)
{
	int	i, r, off = 0;

	for (i = 0; i < k; i++) {
		smsg[i].msg_hdr.msg_name = (void *)to;
		smsg[i].msg_hdr.msg_namelen = to != NULL ? tolen : 0;
	}
	while (off < k) {
		r = sendmmsg(fd, &smsg[off], k - off, MSG_DONTWAIT);
		if (r > 0)
			off += r;
		else if (r == -1 && errno == EINTR)
			continue;
		else if (r == -1 && (errno == EAGAIN || errno == ENOBUFS))
			break;
		else
			off++;
	}
}

static time_t
seconds(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ts.tv_sec;
}

/* The socket of a path ifname:local[:dst]; local has no port. */
static int
client_path(const char *arg, const struct sockaddr_storage *dflt,
    socklen_t dfltlen)
{
	struct sockaddr_storage	 local, dst;
	socklen_t		 locallen, dstlen;
	char			 ifname[64], addr[300];
	const char		*s, *e;
	int			 fd;

	if ((s = strchr(arg, ':')) == NULL || s == arg ||
	    (size_t)(s - arg) >= sizeof(ifname))
		errx(EX_USAGE, "expected ifname:local[:dst]: %s", arg);
	memcpy(ifname, arg, s - arg);
	ifname[s - arg] = '\0';
	s++;
	if (*s == '[')
		e = strchr(s, ']') != NULL ? strchr(s, ']') + 1 : NULL;
	else
		e = strchr(s, ':') != NULL ? strchr(s, ':') : s + strlen(s);
	if (e == NULL || e == s || (size_t)(e - s) + 3 >= sizeof(addr))
		errx(EX_USAGE, "expected ifname:local[:dst]: %s", arg);
	snprintf(addr, sizeof(addr), "%.*s:0", (int)(e - s), s);
	getaddr(addr, 0, &local, &locallen);
	if (*e == ':')
		getaddr(e + 1, 0, &dst, &dstlen);
	else if (*e == '\0') {
		dst = *dflt;
		dstlen = dfltlen;
	} else
		errx(EX_USAGE, "expected ifname:local[:dst]: %s", arg);
	if (local.ss_family != dst.ss_family)
		errx(EX_USAGE, "%s: local and destination differ in family",
		    arg);
	if ((fd = opensock(&local, locallen, ifname, 0, &dst, dstlen)) == -1)
		err(1, "%s", arg);
	return fd;
}

/*
 * Client: what WireGuard sends goes out once on every path; what a path
 * brings goes back to where WireGuard last sent from.
 */
static int
client_main(int argc, char *argv[])
{
	struct sockaddr_storage	 la, dst, wg;
	struct epoll_event	 evs[PATHS_MAX + 1];
	socklen_t		 lalen, dstlen, wglen = 0;
	int			 paths[PATHS_MAX];
	int			 ep, lfd, fd, npaths, i, j, k, n, r, more;

	if (argc < 4 || argc - 3 > PATHS_MAX)
		usage();
	getaddr(argv[1], 1, &la, &lalen);
	getaddr(argv[2], 0, &dst, &dstlen);
	if ((lfd = opensock(&la, lalen, NULL, 0, NULL, 0)) == -1)
		err(1, "listen on %s", argv[1]);
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		err(1, "epoll_create1");
	watch(ep, lfd, PATHS_MAX);
	npaths = argc - 3;
	for (i = 0; i < npaths; i++) {
		paths[i] = client_path(argv[3 + i], &dst, dstlen);
		watch(ep, paths[i], i);
	}

	while (!quit) {
		if ((n = epoll_wait(ep, evs, PATHS_MAX + 1, 1000)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "epoll_wait");
		}
		for (i = 0; i < n; i++) {
			fd = evs[i].data.u64 == PATHS_MAX ? lfd :
			    paths[evs[i].data.u64];
			r = 0;
			do {
				if ((k = recvbatch(fd, fd == lfd, &more)) == 0)
					continue;
				if (fd != lfd) {
					if (wglen != 0)
						sendbatch(lfd, k, &wg, wglen);
					continue;
				}
				wg = rname[k - 1];
				wglen = rmsg[k - 1].msg_hdr.msg_namelen;
				for (j = 0; j < npaths; j++)
					sendbatch(paths[j], k, NULL, 0);
			} while (more && ++r < READS_MAX);
		}
	}
	return 0;
}

/* FNV-1a over the address and port. */
static uint32_t
client_hash(const struct sockaddr_storage *ss)
{
	const unsigned char	*p;
	size_t			 len, i;
	uint32_t		 h = 2166136261U;

	if (ss->ss_family == AF_INET6) {
		p = (const unsigned char *)
		    &((const struct sockaddr_in6 *)ss)->sin6_addr;
		len = sizeof(struct in6_addr);
	} else {
		p = (const unsigned char *)
		    &((const struct sockaddr_in *)ss)->sin_addr;
		len = sizeof(struct in_addr);
	}
	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619U;
	/* Both families keep the port at the same offset. */
	h = (h ^ ((const struct sockaddr_in *)ss)->sin_port) * 16777619U;
	return h & (INDEX_SIZE - 1);
}

static int
client_same(const struct relay_client *c, const struct sockaddr_storage *ss,
    socklen_t len)
{
	return c->len == len && memcmp(&c->addr, ss, len) == 0;
}

/*
 * Remember a client address.  With own, a new one gets a socket of its
 * own, sharing the listen port and connected to it, so that the kernel
 * queues its datagrams apart; without a descriptor to spare, it goes on
 * through the listen socket.  A full table ignores newcomers.
 */
static void
client_seen(const struct sockaddr_storage *ss, socklen_t len, time_t now)
{
	struct relay_client	*c;
	uint32_t		 h;
	int			 s;

	h = client_hash(ss);
	while ((s = cindex[h]) != 0) {
		if (client_same(&clients[s - 1], ss, len)) {
			clients[s - 1].seen = now;
			return;
		}
		h = (h + 1) & (INDEX_SIZE - 1);
	}
	for (s = 0; s < CLIENTS_MAX && clients[s].len != 0; s++)
		;
	if (s == CLIENTS_MAX)
		return;
	c = &clients[s];
	memset(&c->addr, 0, sizeof(c->addr));
	memcpy(&c->addr, ss, len);
	c->len = len;
	c->seen = now;
	c->fd = -1;
	cindex[h] = s + 1;
	if (s >= nclients)
		nclients = s + 1;
	if (own && (c->fd = opensock(&listen_addr, listen_len, NULL, 1, ss,
	    len)) != -1)
		watch(epfd, c->fd, TAG_CLIENT + s);
}

/* Forget the quiet clients and index the others again. */
static void
client_expire(time_t now)
{
	int		i, gone = 0;
	uint32_t	h;

	for (i = 0; i < nclients; i++) {
		if (clients[i].len == 0 ||
		    now - clients[i].seen < CLIENT_TIMEOUT)
			continue;
		if (clients[i].fd != -1)
			close(clients[i].fd);
		clients[i].len = 0;
		gone = 1;
	}
	if (!gone)
		return;
	while (nclients > 0 && clients[nclients - 1].len == 0)
		nclients--;
	memset(cindex, 0, sizeof(cindex));
	for (i = 0; i < nclients; i++) {
		if (clients[i].len == 0)
			continue;
		h = client_hash(&clients[i].addr);
		while (cindex[h] != 0)
			h = (h + 1) & (INDEX_SIZE - 1);
		cindex[h] = i + 1;
	}
}

/* From WireGuard: a copy to every client heard in the last 30 s. */
static void
server_fanout(int lfd, int k, time_t now)
{
	struct relay_client	*c;
	int			 i;

	for (i = 0; i < nclients; i++) {
		c = &clients[i];
		if (c->len == 0 || now - c->seen >= CLIENT_TIMEOUT)
			continue;
		if (c->fd != -1)
			sendbatch(c->fd, k, NULL, 0);
		else
			sendbatch(lfd, k, &c->addr, c->len);
	}
}

/*
 * Server: what a client sends goes to dst from one connected socket;
 * what dst sends back goes to every client heard in the last 30 s.
 */
static int
server_main(int argc, char *argv[])
{
	struct sockaddr_storage	 dst, any;
	struct epoll_event	 evs[64];
	struct rlimit		 rl;
	socklen_t		 dstlen;
	time_t			 now, expired;
	uint64_t		 tag;
	int			 lfd, dfd, fd, ch, i, j, k, n, r, more;

	while ((ch = getopt(argc, argv, "p")) != -1) {
		switch (ch) {
		case 'p':
			own = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		usage();
	/* Room for a socket per client, as engarded makes. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	getaddr(argv[0], 1, &listen_addr, &listen_len);
	getaddr(argv[1], 0, &dst, &dstlen);
	if ((lfd = opensock(&listen_addr, listen_len, NULL, own, NULL, 0)) ==
	    -1)
		err(1, "listen on %s", argv[0]);
	memset(&any, 0, sizeof(any));
	any.ss_family = dst.ss_family;
	if ((dfd = opensock(&any, dstlen, NULL, 0, &dst, dstlen)) == -1)
		err(1, "socket to %s", argv[1]);
	if ((epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		err(1, "epoll_create1");
	watch(epfd, lfd, TAG_LISTEN);
	watch(epfd, dfd, TAG_DST);

	expired = seconds();
	while (!quit) {
		if ((n = epoll_wait(epfd, evs, 64, 1000)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "epoll_wait");
		}
		now = seconds();
		if (now != expired) {
			client_expire(now);
			expired = now;
		}
		for (i = 0; i < n; i++) {
			tag = evs[i].data.u64;
			if (tag == TAG_LISTEN)
				fd = lfd;
			else if (tag == TAG_DST)
				fd = dfd;
			else if (tag - TAG_CLIENT < (uint64_t)nclients &&
			    clients[tag - TAG_CLIENT].len != 0)
				fd = clients[tag - TAG_CLIENT].fd;
			else
				continue;	/* expired in this round */
			r = 0;
			do {
				if ((k = recvbatch(fd, fd == lfd, &more)) == 0)
					continue;
				if (fd == dfd) {
					server_fanout(lfd, k, now);
					continue;
				}
				if (fd != lfd)
					clients[tag - TAG_CLIENT].seen = now;
				/* Runs from one address are looked up once. */
				for (j = 0; fd == lfd && j < k; j++)
					if (j == 0 ||
					    rmsg[j].msg_hdr.msg_namelen !=
					    rmsg[j - 1].msg_hdr.msg_namelen ||
					    memcmp(&rname[j], &rname[j - 1],
					    rmsg[j].msg_hdr.msg_namelen) != 0)
						client_seen(&rname[j],
						    rmsg[j].msg_hdr.msg_namelen,
						    now);
				sendbatch(dfd, k, NULL, 0);
			} while (more && ++r < READS_MAX);
		}
	}
	return 0;
}
