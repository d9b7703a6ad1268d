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

/* UDP load generator and sink for the engarde tests and benchmarks. */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <endian.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

/*
 * The build may add libbsd's overlay headers but never links libbsd: use
 * the libc getopt, which is all one pass over the arguments needs.
 */
#undef getopt

#ifndef __dead
#define __dead		__attribute__((__noreturn__))
#endif

/*
 * Every datagram carries this header, at its start (after a WireGuard
 * header with send -w, below), in network byte order:
 * magic (4 bytes), sequence number (8), CLOCK_MONOTONIC send time in ns (8).
 */
#define UDPGEN_MAGIC	0x45476731U	/* "EGg1" */
#define HDR_LEN		20
#define OFF_SEQ		4
#define OFF_TS		12

/*
 * With send -w, for a server that admits only WireGuard: each datagram is
 * shaped like a data message, type 4 and three zero bytes, the receiver
 * index and the counter (both little-endian, the counter our sequence
 * number), then our header.  An initiation-shaped datagram goes first,
 * to open the session.
 */
#define WG_INIT		1
#define WG_DATA		4
#define WG_INIT_LEN	148
#define WG_OFF_INDEX	4
#define WG_OFF_COUNTER	8
#define WG_HDR_LEN	16
#define WG_WAIT_MS	50		/* after the initiation, by default */

#define BATCH		64		/* datagrams per sendmmsg/recvmmsg */
#define MAX_DGRAM	65536
#define MAX_PAYLOAD	65507
#define SEQ_MAX		(16ULL * 1024 * 1024)	/* tracked sequence numbers */
#define SOCKBUF		(4 * 1024 * 1024)
#define NSEC		1000000000ULL
#define ECHO_LINGER	NSEC		/* for replies after the last send */

/* Log-linear histogram of nanoseconds, 64 sub-buckets per power of two. */
#define HIST_SUB	64
#define HIST_N		(59 * HIST_SUB)

struct hist {
	uint64_t	 count;
	uint64_t	 max;
	uint64_t	 bucket[HIST_N];
};

/* Sequence number accounting, shared by the sink and the echo sender. */
struct seqstat {
	uint8_t		*seen;		/* bitmap of nbits sequence numbers */
	uint64_t	 nbits;
	uint64_t	 received;
	uint64_t	 unique;
	uint64_t	 dups;
	uint64_t	 reordered;
	uint64_t	 outofrange;
	uint64_t	 bad;
	uint64_t	 handshakes;	/* initiation-shaped, not counted */
	uint64_t	 highest;
	int		 any;
};

/* One batch of datagram buffers for sendmmsg/recvmmsg. */
struct batch {
	struct mmsghdr		 msg[BATCH];
	struct iovec		 iov[BATCH];
	struct sockaddr_storage	 name[BATCH];
	unsigned char		*buf;
	size_t			 buflen;
};

/*
 * How much longer than the sender's own gap the wait between two
 * datagrams was: the increase of the one-way delay from one arrival to
 * the next, kernel arrival time against the send time in the payload.  A
 * stalled sender makes no such increase; a stalled path does.
 */
struct delays {
	int64_t		 prev;		/* the last one-way delay, ns */
	int		 any;
	uint64_t	 maxadd;
	uint64_t	 maxadd_at;	/* its arrival, CLOCK_MONOTONIC */
	int64_t		 rt_off;	/* CLOCK_REALTIME - CLOCK_MONOTONIC */
};

__dead static void usage(void);
static void	 delay_step(const struct msghdr *, uint64_t,
		    struct delays *);
static int	 gen_send(int, char *[]);
static int	 gen_sink(int, char *[]);
static uint64_t	 now_ns(void);
static void	 onsig(int);
static void	 setsignals(void);
static double	 getnum(const char *, double, double, const char *);
static void	 getaddr(const char *, int, struct sockaddr_storage *,
		    socklen_t *);
static const char *fmtaddr(const struct sockaddr_storage *, char *, size_t);
static void	 setsockbufs(int);
static void	 writeready(const char *, int);
static void	 batch_init(struct batch *, size_t, int);
static void	 batch_reset(struct batch *, unsigned int);
static size_t	 batch_send(int, struct batch *, unsigned int, int, uint64_t *,
		    uint64_t *);
static void	 seq_init(struct seqstat *, uint64_t);
static int	 is_magic(const unsigned char *);
static const unsigned char *hdr_find(struct seqstat *, const unsigned char *,
		    size_t);
static int	 seq_add(struct seqstat *, const unsigned char *, size_t,
		    uint64_t *);
static int	 wg_initiation(int, uint64_t *);
static void	 seq_missing(const struct seqstat *, uint64_t, int64_t *,
		    uint64_t *);
static void	 hist_add(struct hist *, uint64_t);
static uint64_t	 hist_pct(const struct hist *, double);
static uint64_t	 us(uint64_t);
static void	 echo_drain(int, struct batch *, struct seqstat *,
		    struct hist *);
static void	 sleep_until(uint64_t);

static volatile sig_atomic_t quit;

__dead static void
usage(void)
{
	fprintf(stderr,
	    "usage: udpgen send [-ew] [-b addr:port] [-n count] [-r rate] "
	    "[-s size]\n"
	    "                   [-t seconds] [-W ms] host:port\n"
	    "       udpgen sink [-e] [-i idle] [-n count] [-r readyfile] "
	    "[-t seconds]\n"
	    "                   addr:port\n");
	exit(EX_USAGE);
}

int
main(int argc, char *argv[])
{
	if (argc < 2)
		usage();
	setsignals();
	if (strcmp(argv[1], "send") == 0)
		return gen_send(argc - 1, argv + 1);
	if (strcmp(argv[1], "sink") == 0)
		return gen_sink(argc - 1, argv + 1);
	usage();
}

static uint64_t
now_ns(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		err(1, "clock_gettime");
	return (uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec;
}

static void
onsig(int sig)
{
	(void)sig;
	quit = 1;
}

/* No SA_RESTART: a signal must interrupt the sleep or poll at once. */
static void
setsignals(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsig;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1)
		err(1, "sigaction");
}

static double
getnum(const char *s, double min, double max, const char *what)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !(v >= min) ||
	    !(v <= max)) {
		warnx("%s must be a number from %g to %g: %s", what, min, max,
		    s);
		usage();
	}
	return v;
}

/*
 * Parse "host:port" or "[v6addr]:port".  An empty host or "*" means the
 * wildcard address, allowed only when passive.
 */
static void
getaddr(const char *arg, int passive, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct addrinfo	 hints, *res;
	char		 buf[256], *host, *port, *p;
	int		 error;

	if (strlen(arg) >= sizeof(buf)) {
		warnx("address too long: %s", arg);
		usage();
	}
	memcpy(buf, arg, strlen(arg) + 1);
	if (buf[0] == '[') {
		host = buf + 1;
		if ((p = strchr(host, ']')) == NULL || p[1] != ':') {
			warnx("expected [address]:port: %s", arg);
			usage();
		}
		*p = '\0';
		port = p + 2;
	} else {
		if ((p = strrchr(buf, ':')) == NULL || strchr(buf, ':') != p) {
			warnx("expected host:port or [address]:port: %s", arg);
			usage();
		}
		*p = '\0';
		host = buf;
		port = p + 1;
	}
	if (*port == '\0') {
		warnx("missing port: %s", arg);
		usage();
	}
	if (*host == '\0' || strcmp(host, "*") == 0) {
		if (!passive) {
			warnx("missing host: %s", arg);
			usage();
		}
		host = NULL;
	}

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
	if ((error = getaddrinfo(host, port, &hints, &res)) != 0) {
		warnx("%s: %s", arg, gai_strerror(error));
		usage();
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
}

static const char *
fmtaddr(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char	host[NI_MAXHOST], serv[NI_MAXSERV];

	if (getnameinfo((const struct sockaddr *)ss, sizeof(*ss), host,
	    sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(buf, len, "?");
	else if (ss->ss_family == AF_INET6)
		snprintf(buf, len, "[%s]:%s", host, serv);
	else
		snprintf(buf, len, "%s:%s", host, serv);
	return buf;
}

/* Large buffers keep bursts from being dropped by the socket itself. */
static void
setsockbufs(int fd)
{
	int	sz = SOCKBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
}

/* Write the bound address to path atomically, so scripts never race it. */
static void
writeready(const char *path, int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	FILE			*fp;
	char			 tmp[4096], addr[NI_MAXHOST + NI_MAXSERV + 4];
	int			 n;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		err(1, "getsockname");
	n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		errx(EX_USAGE, "ready file name too long: %s", path);
	if ((fp = fopen(tmp, "w")) == NULL)
		err(1, "%s", tmp);
	fprintf(fp, "%s\n", fmtaddr(&ss, addr, sizeof(addr)));
	if (fclose(fp) == EOF)
		err(1, "%s", tmp);
	if (rename(tmp, path) == -1)
		err(1, "rename %s", path);
}

static void
batch_init(struct batch *b, size_t buflen, int named)
{
	unsigned int	i;

	memset(b, 0, sizeof(*b));
	b->buflen = buflen;
	if ((b->buf = calloc(BATCH, buflen)) == NULL)
		err(1, "calloc");
	for (i = 0; i < BATCH; i++) {
		b->iov[i].iov_base = b->buf + i * buflen;
		b->iov[i].iov_len = buflen;
		b->msg[i].msg_hdr.msg_iov = &b->iov[i];
		b->msg[i].msg_hdr.msg_iovlen = 1;
		if (named) {
			b->msg[i].msg_hdr.msg_name = &b->name[i];
			b->msg[i].msg_hdr.msg_namelen = sizeof(b->name[i]);
		}
	}
}

/* Restore the lengths a previous recvmmsg or echo changed. */
static void
batch_reset(struct batch *b, unsigned int n)
{
	unsigned int	i;

	for (i = 0; i < n; i++) {
		b->iov[i].iov_len = b->buflen;
		if (b->msg[i].msg_hdr.msg_name != NULL)
			b->msg[i].msg_hdr.msg_namelen = sizeof(b->name[i]);
		b->msg[i].msg_hdr.msg_flags = 0;
		b->msg[i].msg_len = 0;
	}
}

/*
 * Send n datagrams of the batch.  A datagram the kernel refuses is counted
 * as an error and skipped; the others are still sent.  Returns how many
 * were handled, fewer than n only when a signal asked us to stop.
 */
static size_t
batch_send(int fd, struct batch *b, unsigned int n, int flags,
    uint64_t *sent, uint64_t *errors)
{
	static int	 warned;
	unsigned int	 off = 0;
	int		 r;

	while (off < n) {
		r = sendmmsg(fd, b->msg + off, n - off, flags);
		if (r == -1) {
			if (errno == EINTR) {
				if (quit)
					break;
				continue;
			}
			if (!warned) {
				warn("send (further errors only counted)");
				warned = 1;
			}
			(*errors)++;
			off++;
			continue;
		}
		*sent += r;
		off += r;
	}
	return off;
}

static void
seq_init(struct seqstat *s, uint64_t nbits)
{
	memset(s, 0, sizeof(*s));
	if (nbits > SEQ_MAX || nbits == 0)
		nbits = SEQ_MAX;
	s->nbits = nbits;
	if ((s->seen = calloc(1, (nbits + 7) / 8)) == NULL)
		err(1, "calloc");
}

static int
is_magic(const unsigned char *p)
{
	uint32_t	magic;

	memcpy(&magic, p, sizeof(magic));
	return be32toh(magic) == UDPGEN_MAGIC;
}

/*
 * Our header in a datagram of either layout: at the start, or after a
 * WireGuard data header.  NULL for anything else, counted as bad, except
 * an initiation, which only opens a session.
 */
static const unsigned char *
hdr_find(struct seqstat *s, const unsigned char *p, size_t len)
{
	if (len >= HDR_LEN && is_magic(p))
		return p;
	if (len >= 4 && p[1] == 0 && p[2] == 0 && p[3] == 0) {
		if (p[0] == WG_DATA && len >= WG_HDR_LEN + HDR_LEN &&
		    is_magic(p + WG_HDR_LEN))
			return p + WG_HDR_LEN;
		if (p[0] == WG_INIT && len == WG_INIT_LEN) {
			s->handshakes++;
			return NULL;
		}
	}
	s->bad++;
	return NULL;
}

/*
 * Account for one datagram.  Returns 1 and its send time when it is the
 * first copy of a sequence number we track, 0 otherwise.
 */
static int
seq_add(struct seqstat *s, const unsigned char *p, size_t len, uint64_t *ts)
{
	uint64_t	seq;

	if ((p = hdr_find(s, p, len)) == NULL)
		return 0;
	s->received++;
	memcpy(&seq, p + OFF_SEQ, sizeof(seq));
	seq = be64toh(seq);
	memcpy(ts, p + OFF_TS, sizeof(*ts));
	*ts = be64toh(*ts);
	if (seq >= s->nbits) {
		s->outofrange++;
		return 0;
	}
	if (s->seen[seq / 8] & (1U << (seq % 8))) {
		s->dups++;
		return 0;
	}
	s->seen[seq / 8] |= 1U << (seq % 8);
	s->unique++;
	if (s->any && seq < s->highest)
		s->reordered++;
	if (!s->any || seq > s->highest)
		s->highest = seq;
	s->any = 1;
	return 1;
}

/* One more first copy, sent at tx (CLOCK_MONOTONIC), into d. */
static void
delay_step(const struct msghdr *mh, uint64_t tx, struct delays *d)
{
	struct cmsghdr	*cm;
	struct timespec	 ts;
	int64_t		 dl;

	for (cm = CMSG_FIRSTHDR((struct msghdr *)mh); cm != NULL;
	    cm = CMSG_NXTHDR((struct msghdr *)mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_TIMESTAMPNS ||
		    cm->cmsg_len < CMSG_LEN(sizeof(ts)))
			continue;
		memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
		/* Realtime against monotonic: only differences count. */
		dl = (int64_t)((uint64_t)ts.tv_sec * NSEC +
		    (uint64_t)ts.tv_nsec - tx);
		if (d->any && dl > d->prev &&
		    (uint64_t)(dl - d->prev) > d->maxadd) {
			d->maxadd = dl - d->prev;
			d->maxadd_at = tx + (uint64_t)(dl - d->rt_off);
		}
		d->prev = dl;
		d->any = 1;
		return;
	}
}

/*
 * Where the losses are: the first missing sequence number below n (-1 when
 * none is) and how many runs of consecutive losses there are.
 */
static void
seq_missing(const struct seqstat *s, uint64_t n, int64_t *first,
    uint64_t *runs)
{
	uint64_t	i;
	int		prev = 1, have;

	*first = -1;
	*runs = 0;
	if (n > s->nbits)
		n = s->nbits;
	for (i = 0; i < n; i++) {
		have = (s->seen[i / 8] >> (i % 8)) & 1;
		if (!have && prev)
			(*runs)++;
		if (!have && *first == -1)
			*first = (int64_t)i;
		prev = have;
	}
}

static void
hist_add(struct hist *h, uint64_t v)
{
	unsigned int	b, e;

	if (v < HIST_SUB)
		b = v;
	else {
		e = 63 - __builtin_clzll(v);
		b = (e - 5) * HIST_SUB + ((v >> (e - 6)) & (HIST_SUB - 1));
	}
	h->bucket[b]++;
	h->count++;
	if (v > h->max)
		h->max = v;
}

/* The value below which a fraction p of the samples lie, within 1.6%. */
static uint64_t
hist_pct(const struct hist *h, double p)
{
	uint64_t	target, sum = 0, lo, width, v;
	unsigned int	b, e;

	if (h->count == 0)
		return 0;
	target = (uint64_t)(p * (double)h->count + 0.5);
	if (target < 1)
		target = 1;
	for (b = 0; b < HIST_N; b++) {
		sum += h->bucket[b];
		if (sum >= target)
			break;
	}
	if (b < HIST_SUB)
		return b;
	e = b / HIST_SUB + 5;
	width = 1ULL << (e - 6);
	lo = (uint64_t)(HIST_SUB + b % HIST_SUB) << (e - 6);
	v = lo + width / 2;
	return v > h->max ? h->max : v;
}

/* Nanoseconds to whole microseconds, rounded. */
static uint64_t
us(uint64_t ns)
{
	return (ns + 500) / 1000;
}

static void
sleep_until(uint64_t t)
{
	struct timespec	ts;

	ts.tv_sec = t / NSEC;
	ts.tv_nsec = t % NSEC;
	while (!quit && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
	    NULL) == EINTR)
		;
}

/*
 * Open a session at a server that admits only WireGuard: one datagram
 * shaped like an initiation, with a random sender index and body.
 * Returns how many went out.
 */
static int
wg_initiation(int fd, uint64_t *errors)
{
	unsigned char	p[WG_INIT_LEN];

	if (getentropy(p, sizeof(p)) == -1)
		err(1, "getentropy");
	p[0] = WG_INIT;
	p[1] = p[2] = p[3] = 0;
	if (send(fd, p, sizeof(p), 0) == -1) {
		warn("send initiation");
		(*errors)++;
		return 0;
	}
	return 1;
}

/* Read all replies waiting on the socket. */
static void
echo_drain(int fd, struct batch *b, struct seqstat *s, struct hist *rtt)
{
	uint64_t	now, ts;
	int		i, r;

	for (;;) {
		batch_reset(b, BATCH);
		r = recvmmsg(fd, b->msg, BATCH, MSG_DONTWAIT, NULL);
		if (r == -1) {
			/* Refused and unreachable come from ICMP: not fatal. */
			if (errno == EAGAIN || errno == EINTR ||
			    errno == ECONNREFUSED || errno == EHOSTUNREACH ||
			    errno == ENETUNREACH)
				return;
			err(1, "recvmmsg");
		}
		now = now_ns();
		for (i = 0; i < r; i++) {
			if (seq_add(s, b->buf + i * b->buflen,
			    b->msg[i].msg_len, &ts))
				hist_add(rtt, ts <= now ? now - ts : 0);
		}
		if (r < BATCH)
			return;
	}
}

static int
gen_send(int argc, char *argv[])
{
	struct sockaddr_storage	 dst, src;
	socklen_t		 dstlen, srclen = 0;
	struct batch		 b, rb;
	struct seqstat		 rs;
	struct hist		*rtt = NULL;
	struct pollfd		 pfd;
	struct timespec		 tmo;
	double			 rate = 1000, maxsec = 60, interval, secs;
	uint64_t		 count = 10000, size = 64, next = 0, sent = 0;
	uint64_t		 errors = 0, t0, t, now, deadline, due, end;
	uint64_t		 seq, tsbe, ctr, waitms = WG_WAIT_MS, hs = 0;
	unsigned int		 i, n;
	const char		*bindarg = NULL;
	uint32_t		 magic = htobe32(UDPGEN_MAGIC), index;
	size_t			 off = 0;
	unsigned char		*p;
	int			 ch, fd, echo = 0, wg = 0, waitset = 0;

	while ((ch = getopt(argc, argv, "b:en:r:s:t:wW:")) != -1) {
		switch (ch) {
		case 'b':
			getaddr(optarg, 1, &src, &srclen);
			bindarg = optarg;
			break;
		case 'e':
			echo = 1;
			break;
		case 'n':
			count = getnum(optarg, 0, 1e12, "count");
			break;
		case 'r':
			rate = getnum(optarg, 0.001, 1e7, "rate");
			break;
		case 's':
			/* 0: empty datagrams, for testing receivers. */
			size = getnum(optarg, 0, MAX_PAYLOAD, "size");
			break;
		case 't':
			maxsec = getnum(optarg, 0.001, 86400, "seconds");
			break;
		case 'w':
			wg = 1;
			off = WG_HDR_LEN;
			break;
		case 'W':
			waitms = getnum(optarg, 0, 10000, "milliseconds");
			waitset = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();
	if (wg && size < off + HDR_LEN)
		errx(EX_USAGE, "size with -w: %zu to %d", off + HDR_LEN,
		    MAX_PAYLOAD);
	if (size != 0 && size < HDR_LEN)
		errx(EX_USAGE, "size: 0, or %d to %d", HDR_LEN, MAX_PAYLOAD);
	if (waitset && !wg)
		errx(EX_USAGE, "-W needs -w");
	getaddr(argv[0], 0, &dst, &dstlen);
	if (bindarg != NULL && src.ss_family != dst.ss_family)
		errx(EX_USAGE, "-b and destination differ in address family");

	if ((fd = socket(dst.ss_family, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
	setsockbufs(fd);
	if (bindarg != NULL && bind(fd, (struct sockaddr *)&src, srclen) == -1)
		err(1, "bind %s", bindarg);
	if (connect(fd, (struct sockaddr *)&dst, dstlen) == -1)
		err(1, "connect %s", argv[0]);

	batch_init(&b, size < HDR_LEN ? HDR_LEN : size, 0);
	if (getentropy(&index, sizeof(index)) == -1)
		err(1, "getentropy");
	for (i = 0; i < BATCH; i++) {
		p = b.iov[i].iov_base;
		if (wg) {
			p[0] = WG_DATA;
			memcpy(p + WG_OFF_INDEX, &index, sizeof(index));
		}
		memcpy(p + off, &magic, sizeof(magic));
		b.iov[i].iov_len = size;
	}
	if (echo) {
		/* Room for an echoed initiation, which is not a reply. */
		batch_init(&rb, size < WG_INIT_LEN ? WG_INIT_LEN : size, 0);
		seq_init(&rs, count);
		if ((rtt = calloc(1, sizeof(*rtt))) == NULL)
			err(1, "calloc");
	}
	/* The default 50us timer slack would blur the schedule. */
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	if (wg) {
		hs = wg_initiation(fd, &errors);
		sleep_until(now_ns() + waitms * 1000000);
	}

	interval = (double)NSEC / rate;
	t0 = now_ns();
	deadline = t0 + (uint64_t)(maxsec * NSEC);
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!quit && (count == 0 || next < count)) {
		now = now_ns();
		if (now >= deadline)
			break;
		t = t0 + (uint64_t)((double)next * interval);
		if (now < t) {
			if (t > deadline)
				t = deadline;
			if (!echo) {
				sleep_until(t);
				continue;
			}
			tmo.tv_sec = (t - now) / NSEC;
			tmo.tv_nsec = (t - now) % NSEC;
			if (ppoll(&pfd, 1, &tmo, NULL) > 0)
				echo_drain(fd, &rb, &rs, rtt);
			continue;
		}
		/* Everything due by now goes out in one batch. */
		due = (uint64_t)((double)(now - t0) / interval) + 1;
		if (due <= next)
			due = next + 1;
		if (due - next > BATCH)
			due = next + BATCH;
		if (count != 0 && due > count)
			due = count;
		n = due - next;
		tsbe = htobe64(now);
		for (i = 0; i < n; i++) {
			p = (unsigned char *)b.iov[i].iov_base;
			if (wg) {
				ctr = htole64(next + i);
				memcpy(p + WG_OFF_COUNTER, &ctr, sizeof(ctr));
			}
			seq = htobe64(next + i);
			memcpy(p + off + OFF_SEQ, &seq, sizeof(seq));
			memcpy(p + off + OFF_TS, &tsbe, sizeof(tsbe));
		}
		next += batch_send(fd, &b, n, 0, &sent, &errors);
	}
	/* A full run lasts count slots, so that the rate comes out exact. */
	if (!quit && count != 0 && next == count) {
		t = t0 + (uint64_t)((double)count * interval);
		if (t > deadline)
			t = deadline;
		sleep_until(t);
	}
	end = now_ns();
	secs = (double)(end - t0) / NSEC;

	if (echo) {
		t = end + ECHO_LINGER;
		while (!quit && rs.unique < sent && (now = now_ns()) < t) {
			tmo.tv_sec = (t - now) / NSEC;
			tmo.tv_nsec = (t - now) % NSEC;
			if (ppoll(&pfd, 1, &tmo, NULL) > 0)
				echo_drain(fd, &rb, &rs, rtt);
		}
	}

	printf("{\"sent\":%" PRIu64 ",\"errors\":%" PRIu64 ",\"seconds\":%.3f,"
	    "\"rate\":%.1f", sent, errors, secs, secs > 0 ? sent / secs : 0.0);
	if (wg)
		printf(",\"handshakes\":%" PRIu64, hs);
	if (echo)
		printf(",\"replies\":%" PRIu64 ",\"replies_lost\":%" PRIu64
		    ",\"reply_duplicates\":%" PRIu64 ",\"rtt_p50_us\":%" PRIu64
		    ",\"rtt_p99_us\":%" PRIu64 ",\"rtt_max_us\":%" PRIu64,
		    rs.unique, sent > rs.unique ? sent - rs.unique : 0,
		    rs.dups, us(hist_pct(rtt, 0.50)), us(hist_pct(rtt, 0.99)),
		    us(rtt->max));
	printf("}\n");
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	if (echo) {
		free(rb.buf);
		free(rs.seen);
		free(rtt);
	}
	free(b.buf);
	close(fd);
	return 0;
}

static int
gen_sink(int argc, char *argv[])
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	struct batch		 b;
	struct seqstat		 s;
	struct hist		*lat;
	struct pollfd		 pfd;
	struct timespec		 tmo;
	const char		*ready = NULL;
	double			 maxsec = 60, idle = 2;
	uint64_t		 expect = 0, t0, now, deadline, wake, last = 0;
	uint64_t		 maxgap = 0, gapend = 0, idlens, lost, ts;
	uint64_t		 echoed = 0, echoerr = 0, runs, before;
	int64_t			 first;
	struct delays		 dly;
	struct timespec		 rt;
	static union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(struct timespec))];
	}			 rxctl[BATCH];
	int			 ch, fd, i, r, echo = 0, one = 1;

	while ((ch = getopt(argc, argv, "ei:n:r:t:")) != -1) {
		switch (ch) {
		case 'e':
			echo = 1;
			break;
		case 'i':
			idle = getnum(optarg, 0.001, 86400, "idle seconds");
			break;
		case 'n':
			expect = getnum(optarg, 1, 1e12, "count");
			break;
		case 'r':
			ready = optarg;
			break;
		case 't':
			maxsec = getnum(optarg, 0.001, 86400, "seconds");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();
	getaddr(argv[0], 1, &ss, &sslen);

	if ((fd = socket(ss.ss_family, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
	setsockbufs(fd);
	/* Arrival times from the kernel: our own stalls are not the path's. */
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one,
	    sizeof(one)) == -1)
		err(1, "SO_TIMESTAMPNS");
	if (bind(fd, (struct sockaddr *)&ss, sslen) == -1)
		err(1, "bind %s", argv[0]);
	batch_init(&b, MAX_DGRAM, echo);
	seq_init(&s, SEQ_MAX);
	if ((lat = calloc(1, sizeof(*lat))) == NULL)
		err(1, "calloc");
	if (ready != NULL)
		writeready(ready, fd);

	t0 = now_ns();
	memset(&dly, 0, sizeof(dly));
	if (clock_gettime(CLOCK_REALTIME, &rt) == -1)
		err(1, "clock_gettime");
	dly.rt_off = (int64_t)((uint64_t)rt.tv_sec * NSEC +
	    (uint64_t)rt.tv_nsec - now_ns());
	deadline = t0 + (uint64_t)(maxsec * NSEC);
	idlens = (uint64_t)(idle * NSEC);
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!quit) {
		if (expect != 0 && s.unique >= expect)
			break;
		now = now_ns();
		wake = deadline;
		if (s.received + s.bad > 0 && last + idlens < wake)
			wake = last + idlens;
		if (now >= wake)
			break;
		tmo.tv_sec = (wake - now) / NSEC;
		tmo.tv_nsec = (wake - now) % NSEC;
		if ((r = ppoll(&pfd, 1, &tmo, NULL)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "ppoll");
		}
		if (r == 0)
			continue;

		batch_reset(&b, BATCH);
		for (i = 0; i < BATCH; i++) {
			b.msg[i].msg_hdr.msg_control = rxctl[i].buf;
			b.msg[i].msg_hdr.msg_controllen = sizeof(rxctl[i].buf);
		}
		r = recvmmsg(fd, b.msg, BATCH, MSG_DONTWAIT, NULL);
		if (r == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			err(1, "recvmmsg");
		}
		now = now_ns();
		before = s.received + s.bad;
		for (i = 0; i < r; i++) {
			if (seq_add(&s, b.buf + i * b.buflen, b.msg[i].msg_len,
			    &ts)) {
				hist_add(lat, ts <= now ? now - ts : 0);
				delay_step(&b.msg[i].msg_hdr, ts, &dly);
			}
			b.iov[i].iov_len = b.msg[i].msg_len;
			/* An echo carries no ancillary data back. */
			b.msg[i].msg_hdr.msg_control = NULL;
			b.msg[i].msg_hdr.msg_controllen = 0;
		}
		/*
		 * An initiation, sent ahead of the stream, is no part of it.
		 * The longest gap's end is on CLOCK_MONOTONIC, as systemd's
		 * timestamps: the first datagram after an outage.
		 */
		if (s.received + s.bad > before) {
			if (before > 0 && now - last > maxgap) {
				maxgap = now - last;
				gapend = now;
			}
			last = now;
		}
		if (echo)
			(void)batch_send(fd, &b, r, MSG_DONTWAIT, &echoed,
			    &echoerr);
	}

	if (expect != 0)
		lost = expect > s.unique ? expect - s.unique : 0;
	else if (s.any)
		lost = s.highest + 1 - s.unique;
	else
		lost = 0;
	printf("{\"received\":%" PRIu64 ",\"unique\":%" PRIu64
	    ",\"duplicates\":%" PRIu64 ",\"lost\":%" PRIu64
	    ",\"reordered\":%" PRIu64 ",\"lat_p50_us\":%" PRIu64
	    ",\"lat_p99_us\":%" PRIu64 ",\"lat_max_us\":%" PRIu64
	    ",\"max_gap_us\":%" PRIu64 ",\"max_gap_end_ns\":%" PRIu64
	    ",\"max_gap_added_us\":%" PRIu64
	    ",\"max_gap_added_end_ns\":%" PRIu64
	    ",\"bad\":%" PRIu64
	    ",\"out_of_range\":%" PRIu64 ",\"handshakes\":%" PRIu64
	    ",\"seconds\":%.3f",
	    s.received, s.unique, s.dups, lost, s.reordered,
	    us(hist_pct(lat, 0.50)), us(hist_pct(lat, 0.99)), us(lat->max),
	    us(maxgap), gapend, us(dly.maxadd), dly.maxadd_at, s.bad, s.outofrange,
	    s.handshakes,
	    (double)(now_ns() - t0) / NSEC);
	if (echo)
		printf(",\"echoed\":%" PRIu64 ",\"echo_errors\":%" PRIu64,
		    echoed, echoerr);
	seq_missing(&s, expect != 0 ? expect : (s.any ? s.highest + 1 : 0),
	    &first, &runs);
	printf(",\"first_lost\":%" PRId64 ",\"loss_runs\":%" PRIu64 "}\n",
	    first, runs);
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	free(lat);
	free(s.seen);
	free(b.buf);
	close(fd);
	return 0;
}
