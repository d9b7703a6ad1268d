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

/* engardectl: the command-line client of the engarded control socket. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipc.h"
#include "proto.h"
#include "engardectl.h"

#define DASH	"\xe2\x80\x94"	/* an em dash in UTF-8 */

/* What the daemon answered. */
struct reply {
	struct ctl_iface	*ifaces;
	size_t			 nifaces;
	struct ctl_client	*clients;
	size_t			 nclients;
	struct ctl_session	*sessions;
	size_t			 nsessions;
	struct ctl_status	 status;
	int			 havestatus;
	struct ctl_result	 result;
	int			 haveresult;
};

__attribute__((__noreturn__)) static void usage(void);
__attribute__((__noreturn__)) static void malformed(void);
static int	ctl_connect(const char *);
static void	ctl_request(struct ipcbuf *, const struct parse_result *);
static void	ctl_wait(int, short, const struct timespec *);
static void	ctl_exchange(struct ipcbuf *, struct reply *, enum actions);
static int	ctl_reply(struct reply *, struct ipc_msg *, enum actions);
static void	*ctl_append(void *, size_t *, size_t, const void *);
static int	str_ok(const char *, size_t);
static int	addr_ok(const struct sockaddr_storage *);
static int	iface_ok(const struct ctl_iface *);
static int	client_ok(const struct ctl_client *);
static int	quality_ok(const struct ctl_quality *);
static int	session_ok(const struct ctl_session *);
static int	status_ok(const struct ctl_status *);

static const char	*sockpath = ENGARDECTL_SOCKET;

static void
usage(void)
{
	extern char	*__progname;

	fprintf(stderr, "usage: %s [-j] [-s socket] command [argument ...]\n",
	    __progname);
	exit(ENGARDECTL_EX_USAGE);
}

static void
malformed(void)
{
	errx(1, "malformed reply from engarded");
}

int
main(int argc, char *argv[])
{
	const struct output	*out = &text_output;
	struct parse_result	*res;
	struct ipcbuf		*ibuf;
	struct reply		 r;
	int			 ch, fd, rv;

	/* Column widths count characters, not bytes. */
	setlocale(LC_CTYPE, "");

	/* Options end at the command: an interface may begin with '-'. */
	while ((ch = getopt(argc, argv, "+js:")) != -1) {
		switch (ch) {
		case 'j':
			out = &json_output;
			break;
		case 's':
			sockpath = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage();
	if ((res = parse(argc, argv)) == NULL)
		exit(ENGARDECTL_EX_USAGE);

	fd = ctl_connect(sockpath);
	if ((ibuf = malloc(sizeof(*ibuf))) == NULL)
		err(1, NULL);
	ipc_init(ibuf, fd);
	ctl_request(ibuf, res);

	memset(&r, 0, sizeof(r));
	ctl_exchange(ibuf, &r, res->action);
	ipc_clear(ibuf);
	free(ibuf);
	close(fd);

	if (r.haveresult)
		rv = out->result(&r.result, res->action);
	else {
		rv = 0;
		switch (res->action) {
		case SHOW_INTERFACES:
			out->interfaces(r.ifaces, r.nifaces);
			break;
		case SHOW_CLIENTS:
			out->clients(r.clients, r.nclients);
			break;
		case SHOW_SESSIONS:
			out->sessions(r.sessions, r.nsessions);
			break;
		case SHOW_PATHS:
			out->paths(r.ifaces, r.nifaces, r.clients, r.nclients);
			break;
		case SHOW_STATUS:
			out->status(&r.status);
			break;
		default:
			/* ctl_reply takes nothing else. */
			malformed();
		}
	}
	free(r.ifaces);
	free(r.clients);
	free(r.sessions);

	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "stdout");
	return (rv);
}

static int
ctl_connect(const char *path)
{
	struct sockaddr_un	 sun;
	struct timeval		 tv = { ENGARDECTL_TIMEOUT, 0 };
	int			 fd, flags;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		errx(ENGARDECTL_EX_USAGE, "socket path too long: %s", path);

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	/* A full backlog makes connect wait: no longer than the rest. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		err(1, "setsockopt");
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		switch (errno) {
		case ENOENT:
		case ECONNREFUSED:
			errx(1, "connect %s: %s " DASH " is engarded running?",
			    path, strerror(errno));
		case EACCES:
		case EPERM:
			errx(1, "connect %s: %s " DASH " are you root or in "
			    "the daemon's group?", path, strerror(errno));
		case EAGAIN:
			errx(1, "timeout waiting for engarded");
		default:
			err(1, "connect %s", path);
		}
	}
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		err(1, "fcntl");
	return (fd);
}

static void
ctl_request(struct ipcbuf *ibuf, const struct parse_result *res)
{
	struct ctl_request	req;
	uint32_t		type;

	memset(&req, 0, sizeof(req));
	req.version = CTL_VERSION;
	switch (res->action) {
	case SHOW_STATUS:
		type = IMSG_CTL_SHOW_STATUS;
		break;
	case SHOW_INTERFACES:
		type = IMSG_CTL_SHOW_INTERFACES;
		break;
	case SHOW_CLIENTS:
		type = IMSG_CTL_SHOW_CLIENTS;
		break;
	case SHOW_SESSIONS:
		type = IMSG_CTL_SHOW_SESSIONS;
		break;
	case SHOW_PATHS:
		type = IMSG_CTL_SHOW_PATHS;
		break;
	case EXCLUDE:
		type = IMSG_CTL_EXCLUDE;
		strlcpy(req.ifname, res->ifname, sizeof(req.ifname));
		break;
	case INCLUDE:
		type = IMSG_CTL_INCLUDE;
		strlcpy(req.ifname, res->ifname, sizeof(req.ifname));
		break;
	case RESET_EXCLUSIONS:
		type = IMSG_CTL_RESET_EXCLUSIONS;
		break;
	case RELOAD:
		type = IMSG_CTL_RELOAD;
		break;
	case LOG_VERBOSE:
		type = IMSG_CTL_LOG_VERBOSE;
		req.arg = 1;
		break;
	case LOG_BRIEF:
		type = IMSG_CTL_LOG_VERBOSE;
		req.arg = 0;
		break;
	default:
		errx(1, "no request for action %d", res->action);
	}
	if (ipc_compose(ibuf, type, 0, -1, &req, sizeof(req)) == -1)
		err(1, "ipc_compose");
}

/* Wait for events on fd until the deadline, which ends the program. */
static void
ctl_wait(int fd, short events, const struct timespec *deadline)
{
	struct pollfd	pfd;
	struct timespec	now;
	long long	ms;
	int		n;

	for (;;) {
		if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
			err(1, "clock_gettime");
		ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
		    (deadline->tv_nsec - now.tv_nsec) / 1000000;
		if (ms <= 0)
			errx(1, "timeout waiting for engarded");
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		if ((n = poll(&pfd, 1, (int)ms)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		if (n == 0)
			errx(1, "timeout waiting for engarded");
		return;
	}
}

/* Send the request and collect the reply, all within the timeout. */
static void
ctl_exchange(struct ipcbuf *ibuf, struct reply *r, enum actions action)
{
	struct timespec	deadline;
	struct ipc_msg	msg;
	ssize_t		nr;
	int		n;

	if (clock_gettime(CLOCK_MONOTONIC, &deadline) == -1)
		err(1, "clock_gettime");
	deadline.tv_sec += ENGARDECTL_TIMEOUT;

	while ((n = ipc_flush(ibuf)) != 1) {
		if (n == -1) {
			if (errno == EPIPE || errno == ECONNRESET)
				errx(1, "engarded closed the connection");
			err(1, "write to %s", sockpath);
		}
		ctl_wait(ibuf->fd, POLLOUT, &deadline);
	}

	for (;;) {
		while ((n = ipc_get(ibuf, &msg)) == 1) {
			if (msg.fd != -1) {
				/* Nothing on a control socket carries one. */
				close(msg.fd);
				malformed();
			}
			if (ctl_reply(r, &msg, action) == 1)
				return;
		}
		if (n == -1)
			malformed();
		ctl_wait(ibuf->fd, POLLIN, &deadline);
		if ((nr = ipc_read(ibuf)) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			if (errno == ECONNRESET)
				errx(1, "engarded closed the connection");
			if (errno == EMSGSIZE)
				malformed();
			err(1, "read from %s", sockpath);
		}
		if (nr == 0)
			errx(1, "engarded closed the connection");
	}
}

/*
 * Take one message of the reply.  Returns 1 when the reply is complete,
 * 0 when more is to come; anything out of place is malformed.
 */
static int
ctl_reply(struct reply *r, struct ipc_msg *msg, enum actions action)
{
	struct ctl_iface	ci;
	struct ctl_client	cl;
	struct ctl_session	cs;

	switch (msg->hdr.type) {
	case IMSG_CTL_RESULT:
		/* A result replaces the whole answer, never ends a list. */
		if (r->nifaces > 0 || r->nclients > 0 || r->nsessions > 0 ||
		    r->havestatus)
			malformed();
		if (ipc_data(msg, &r->result, sizeof(r->result)) == -1 ||
		    r->result.code > CTL_ERROR ||
		    !str_ok(r->result.text, sizeof(r->result.text)))
			malformed();
		r->haveresult = 1;
		return (1);
	case IMSG_CTL_END:
		if (msg->datalen != 0)
			malformed();
		switch (action) {
		case SHOW_INTERFACES:
		case SHOW_CLIENTS:
		case SHOW_SESSIONS:
		case SHOW_PATHS:
			return (1);
		case SHOW_STATUS:
			if (!r->havestatus)
				malformed();
			return (1);
		default:
			malformed();
		}
	case IMSG_CTL_INTERFACE:
		/* Paths are a client's interfaces or a server's clients. */
		if ((action != SHOW_INTERFACES && action != SHOW_PATHS) ||
		    r->nclients > 0 ||
		    ipc_data(msg, &ci, sizeof(ci)) == -1 || !iface_ok(&ci))
			malformed();
		r->ifaces = ctl_append(r->ifaces, &r->nifaces, sizeof(ci),
		    &ci);
		return (0);
	case IMSG_CTL_CLIENT:
		if ((action != SHOW_CLIENTS && action != SHOW_PATHS) ||
		    r->nifaces > 0 ||
		    ipc_data(msg, &cl, sizeof(cl)) == -1 || !client_ok(&cl))
			malformed();
		r->clients = ctl_append(r->clients, &r->nclients, sizeof(cl),
		    &cl);
		return (0);
	case IMSG_CTL_SESSION:
		if (action != SHOW_SESSIONS ||
		    ipc_data(msg, &cs, sizeof(cs)) == -1 || !session_ok(&cs))
			malformed();
		r->sessions = ctl_append(r->sessions, &r->nsessions,
		    sizeof(cs), &cs);
		return (0);
	case IMSG_CTL_STATUS:
		if (action != SHOW_STATUS || r->havestatus ||
		    ipc_data(msg, &r->status, sizeof(r->status)) == -1 ||
		    !status_ok(&r->status))
			malformed();
		r->havestatus = 1;
		return (0);
	default:
		malformed();
	}
}

/* Append one record of size bytes to the array a of *n records. */
static void *
ctl_append(void *a, size_t *n, size_t size, const void *rec)
{
	unsigned char	*na;

	if (*n >= ENGARDECTL_MAX_RECORDS)
		malformed();
	if ((na = reallocarray(a, *n + 1, size)) == NULL)
		err(1, NULL);
	memcpy(na + *n * size, rec, size);
	(*n)++;
	return (na);
}

static int
str_ok(const char *s, size_t len)
{
	return (memchr(s, '\0', len) != NULL);
}

static int
addr_ok(const struct sockaddr_storage *ss)
{
	return (ss->ss_family == AF_UNSPEC || ss->ss_family == AF_INET ||
	    ss->ss_family == AF_INET6);
}

static int
iface_ok(const struct ctl_iface *ci)
{
	return (str_ok(ci->ifname, sizeof(ci->ifname)) &&
	    str_ok(ci->label, sizeof(ci->label)) &&
	    str_ok(ci->status, sizeof(ci->status)) &&
	    str_ok(ci->reason, sizeof(ci->reason)) &&
	    addr_ok(&ci->local) && addr_ok(&ci->dst) &&
	    ci->last_rx_ms >= -1 && quality_ok(&ci->q));
}

static int
client_ok(const struct ctl_client *cl)
{
	return (addr_ok(&cl->addr) && addr_ok(&cl->local) &&
	    cl->last_rx_ms >= -1 && cl->age_ms >= -1 && quality_ok(&cl->q));
}

/* Shares are parts of a million, of the messages in the window. */
static int
quality_ok(const struct ctl_quality *q)
{
	return (q->loss_ppm <= 1000000 && q->first_ppm <= 1000000);
}

static int
session_ok(const struct ctl_session *cs)
{
	return (addr_ok(&cs->wg_local) && cs->age_ms >= -1 &&
	    cs->last_rx_ms >= -1);
}

static int
status_ok(const struct ctl_status *st)
{
	return (str_ok(st->version, sizeof(st->version)) &&
	    str_ok(st->description, sizeof(st->description)) &&
	    (st->role == 1 || st->role == 2) && st->uptime_ms >= 0 &&
	    addr_ok(&st->listen) && addr_ok(&st->wireguard));
}
