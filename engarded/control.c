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


/* The engine's side of the control sockets: one request, one answer. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <sys/syscall.h>

#include <errno.h>
#include <event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "ipcev.h"
#include "proto.h"
#include "util.h"
#include "engarded.h"
#include "engine.h"
#include "control.h"
#include "session.h"

#define CONTROL_IDLE	30		/* seconds a client may say nothing */

struct ctl_listener {
	struct event		 ev;
	struct event		 ev_pause;
	int			 fd;
	int			 readonly;
	int			 nconns;
};

struct ctl_conn {
	TAILQ_ENTRY(ctl_conn)	 entry;
	struct ipcev		 iev;
	struct event		 ev_idle;
	struct ctl_listener	*l;
	uint32_t		 id;
	uid_t			 uid;
	pid_t			 pid;
	int			 closing;	/* answer, then hang up */
	int			 waiting;	/* for the parent's answer */
};

static void	control_accept(int, short, void *);
static void	control_resume(int, short, void *);
static void	control_add(int, struct ctl_listener *);
static void	control_dispatch_client(int, short, void *);
static void	control_idle(int, short, void *);
static void	control_close(struct ctl_conn *);
static void	control_request(struct ctl_conn *, struct ipc_msg *);
static void	control_result(struct ctl_conn *, enum ctl_code, const char *,
		    ...) __attribute__((__format__ (printf, 3, 4)));
static void	control_compose(struct ctl_conn *, uint32_t, const void *,
		    size_t);
static void	control_show_interfaces(struct ctl_conn *);
static void	control_show_clients(struct ctl_conn *);
static void	control_show_sessions(struct ctl_conn *);
static void	control_quality(struct ctl_quality *,
		    const struct qual_path *);
static void	control_show_status(struct ctl_conn *);
static void	control_exclusion(struct ctl_conn *, uint32_t, const char *);
static void	control_counters(struct ctl_counters *,
		    const struct counters *);

static TAILQ_HEAD(, ctl_conn)	conns = TAILQ_HEAD_INITIALIZER(conns);
static struct ctl_listener	listeners[2];
static struct ctl_listener	attached;	/* made by the parent */
static int			nlisteners;
static uint32_t			next_id = 1;
static struct event_base	*cbase;

void
control_init(struct event_base *base)
{
	cbase = base;
}

/* A listening socket from the parent. */
void
control_listen(int fd, int readonly)
{
	struct ctl_listener	*l;

	if (nlisteners >= 2)
		fatalx("too many control listeners");
	l = &listeners[nlisteners++];
	l->fd = fd;
	l->readonly = readonly;
	event_assign(&l->ev, cbase, fd, EV_READ | EV_PERSIST, control_accept,
	    l);
	event_add(&l->ev, NULL);
	evtimer_assign(&l->ev_pause, cbase, control_resume, l);
}

/*
 * A connection made for us by the parent: the dashboard's.  It counts
 * against a share of its own, never against the sockets' shares.
 */
void
control_attach(int fd)
{
	control_add(fd, &attached);
}

static void
control_resume(int fd, short event, void *arg)
{
	struct ctl_listener	*l = arg;

	(void)fd;
	(void)event;
	event_add(&l->ev, NULL);
}

static void
control_accept(int fd, short event, void *arg)
{
	struct ctl_listener	*l = arg;
	int			 cfd;

	struct timeval		 tv = { 1, 0 };

	(void)event;
	if ((cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) == -1) {
		if (errno == EMFILE || errno == ENFILE) {
			/* Out of descriptors: listen again in a second. */
			log_warn("control accept");
			event_del(&l->ev);
			evtimer_add(&l->ev_pause, &tv);
		} else if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("control accept");
		return;
	}
	/* Each socket its own share: strangers never lock out root. */
	if (l->nconns >= CTL_MAX_CONNS / 2) {
		log_warnx("control: too many connections on the %s socket, "
		    "refusing one", l->readonly ? "read-only" : "control");
		stats.ctl_errors++;
		close(cfd);
		return;
	}
	control_add(cfd, l);
}

static void
control_add(int fd, struct ctl_listener *l)
{
	struct ctl_conn	*c;
	struct ucred	 cred;
	socklen_t	 len = sizeof(cred);
	struct timeval	 tv = { CONTROL_IDLE, 0 };

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("control");
		close(fd);
		return;
	}
	/* Remembered for the log of every change a client makes. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
		c->uid = cred.uid;
		c->pid = cred.pid;
	} else
		c->uid = (uid_t)-1;
	c->id = next_id++;
	c->l = l;
	l->nconns++;
	ipcev_init(&c->iev, cbase, fd, control_dispatch_client, c);
	ipc_refuse_fds(&c->iev.ibuf);
	ipcev_add(&c->iev);
	evtimer_assign(&c->ev_idle, cbase, control_idle, c);
	/* The dashboard's connection is ours for good: it may be quiet. */
	if (l != &attached)
		evtimer_add(&c->ev_idle, &tv);
	TAILQ_INSERT_TAIL(&conns, c, entry);
}

/* A client that sends nothing, or never a whole request, is cut. */
static void
control_idle(int fd, short event, void *arg)
{
	(void)fd;
	(void)event;
	log_debug("control client %u idle, closing", ((struct ctl_conn *)
	    arg)->id);
	stats.ctl_errors++;
	control_close(arg);
}

static void
control_close(struct ctl_conn *c)
{
	evtimer_del(&c->ev_idle);
	ipcev_close(&c->iev);
	TAILQ_REMOVE(&conns, c, entry);
	c->l->nconns--;
	free(c);
}

/*
 * One request at a time: a connection is not read while its answer is
 * queued, so that pipelined requests cannot pile up answers in memory.
 */
static void
control_dispatch_client(int fd, short event, void *arg)
{
	struct ctl_conn	*c = arg;
	struct ipc_msg	 msg;
	int		 n;

	(void)fd;
	if ((n = ipcev_io(&c->iev, event)) == -1) {
		control_close(c);
		return;
	}
	/* A client may send its request and shut its side at once. */
	if (n == 0)
		c->closing = 1;
	while (!c->closing && !c->waiting && !ipc_pending(&c->iev.ibuf)) {
		if ((n = ipc_get(&c->iev.ibuf, &msg)) == -1) {
			/* Garbage: say so if it listens, then hang up. */
			log_debug("control client %u: malformed message",
			    c->id);
			stats.ctl_errors++;
			control_result(c, CTL_ERROR, "malformed message");
			c->closing = 1;
			break;
		}
		if (n == 0)
			break;
		control_request(c, &msg);
	}
	if (c->closing && !c->waiting && !ipc_pending(&c->iev.ibuf)) {
		control_close(c);
		return;
	}
	c->iev.rdoff = c->closing || c->waiting || ipc_pending(&c->iev.ibuf);
	ipcev_add(&c->iev);
}

static void
control_compose(struct ctl_conn *c, uint32_t type, const void *data,
    size_t len)
{
	/* The peer id is ours, whatever the client wrote. */
	if (ipc_compose(&c->iev.ibuf, type, c->id, -1, data, len) == -1)
		log_warn("control compose");
}

static void
control_result(struct ctl_conn *c, enum ctl_code code, const char *fmt, ...)
{
	struct ctl_result	res;
	va_list			ap;

	memset(&res, 0, sizeof(res));
	res.code = code;
	va_start(ap, fmt);
	vsnprintf(res.text, sizeof(res.text), fmt, ap);
	va_end(ap);
	control_compose(c, IMSG_CTL_RESULT, &res, sizeof(res));
}

static void
control_request(struct ctl_conn *c, struct ipc_msg *msg)
{
	struct ctl_request	req;

	if (ipc_data(msg, &req, sizeof(req)) == -1) {
		stats.ctl_errors++;
		control_result(c, CTL_ERROR, "request of %zu bytes, "
		    "expected %zu", msg->datalen, sizeof(req));
		return;
	}
	if (req.version != CTL_VERSION) {
		stats.ctl_errors++;
		control_result(c, CTL_ERROR, "control protocol version %u, "
		    "engarded speaks %u: use the engardectl of this engarded",
		    req.version, CTL_VERSION);
		return;
	}
	if (memchr(req.ifname, '\0', sizeof(req.ifname)) == NULL) {
		stats.ctl_errors++;
		control_result(c, CTL_ERROR, "interface name too long");
		return;
	}

	switch (msg->hdr.type) {
	case IMSG_CTL_SHOW_STATUS:
		control_show_status(c);
		return;
	case IMSG_CTL_SHOW_INTERFACES:
		control_show_interfaces(c);
		return;
	case IMSG_CTL_SHOW_CLIENTS:
		control_show_clients(c);
		return;
	case IMSG_CTL_SHOW_SESSIONS:
		control_show_sessions(c);
		return;
	case IMSG_CTL_SHOW_PATHS:
		/* The same records: the detail is engardectl's to show. */
		if (ec.role == ROLE_SERVER)
			control_show_clients(c);
		else
			control_show_interfaces(c);
		return;
	case IMSG_CTL_EXCLUDE:
	case IMSG_CTL_INCLUDE:
	case IMSG_CTL_SWAP:
	case IMSG_CTL_RESET_EXCLUSIONS:
	case IMSG_CTL_RELOAD:
	case IMSG_CTL_LOG_VERBOSE:
#ifdef ENGARDED_TEST
	case IMSG_CTL_TEST_FORBIDDEN:
#endif
		break;
	default:
		stats.ctl_errors++;
		control_result(c, CTL_ERROR, "unknown request %u",
		    msg->hdr.type);
		return;
	}

	if (c->l->readonly) {
		stats.ctl_errors++;
		control_result(c, CTL_ERROR, "read-only control socket: "
		    "only show commands are allowed");
		return;
	}
	switch (msg->hdr.type) {
	case IMSG_CTL_RELOAD:
		log_info("reload requested by uid %d", (int)c->uid);
		c->waiting = 1;
		engine_reload_request(c->id);
		break;
#ifdef ENGARDED_TEST
	case IMSG_CTL_TEST_FORBIDDEN:
		/* Test builds only: a call the allowlist lacks must kill us. */
		log_warnx("test: calling ptrace, which seccomp forbids");
		(void)syscall(SYS_ptrace, 0, 0, NULL, NULL);
		control_result(c, CTL_ERROR, "still alive: seccomp let "
		    "ptrace through");
		break;
#endif
	case IMSG_CTL_LOG_VERBOSE:
		/* engardectl sends 0 or 1: anything else was made by hand. */
		if (req.arg < 0 || req.arg > 3) {
			stats.ctl_errors++;
			control_result(c, CTL_ERROR, "bad log level %d",
			    req.arg);
			break;
		}
		engine_log_verbose(req.arg);
		control_result(c, CTL_OK, "logging %s",
		    req.arg ? "verbose" : "brief");
		break;
	default:
		control_exclusion(c, msg->hdr.type, req.ifname);
		break;
	}
}

static void
control_exclusion(struct ctl_conn *c, uint32_t type, const char *ifname)
{
	struct path	*p;
	int		 excl;

	if (ec.role != ROLE_CLIENT) {
		control_result(c, CTL_ERROR, "exclusions apply to a client");
		return;
	}
	if (type == IMSG_CTL_RESET_EXCLUSIONS) {
		engine_reset_swaps();
		log_info("exclusions reset by uid %d", (int)c->uid);
		control_result(c, CTL_OK, "exclusions reset");
		return;
	}
	if ((p = path_find(&paths, ifname, NULL)) == NULL) {
		control_result(c, CTL_ERROR, "no interface %s", ifname);
		return;
	}
	excl = path_excluded(p);
	if (type == IMSG_CTL_EXCLUDE && excl) {
		control_result(c, CTL_ALREADY_EXCLUDED, "%s already excluded",
		    ifname);
		return;
	}
	if (type == IMSG_CTL_INCLUDE && !excl) {
		control_result(c, CTL_ALREADY_INCLUDED, "%s already included",
		    ifname);
		return;
	}
	/* Takes effect now: the next batch already goes without it. */
	engine_swap(p);
	log_info("interface %s %s by uid %d", ifname,
	    path_excluded(p) ? "excluded" : "included", (int)c->uid);
	control_result(c, CTL_OK, "%s %s", ifname,
	    path_excluded(p) ? "excluded" : "included");
}

/* The answer to a reload the parent did for connection id. */
void
control_reload_done(uint32_t id, int ok, const char *text)
{
	struct ctl_conn	*c;

	TAILQ_FOREACH(c, &conns, entry)
		if (c->id == id)
			break;
	if (c == NULL)
		return;
	c->waiting = 0;
	control_result(c, ok ? CTL_OK : CTL_ERROR, "%s", text);
	c->iev.rdoff = 1;
	ipcev_add(&c->iev);
}

static void
control_counters(struct ctl_counters *cc, const struct counters *c)
{
	cc->pkts_in = c->pkts_in;
	cc->bytes_in = c->bytes_in;
	cc->pkts_out = c->pkts_out;
	cc->bytes_out = c->bytes_out;
	cc->drops = c->drops_out;
	cc->errors = c->errors;
	cc->gso_out = c->gso_out;
}

static void
control_show_interfaces(struct ctl_conn *c)
{
	struct ctl_iface	 ci;
	struct path		*p;
	size_t			 n = 0;

	TAILQ_FOREACH(p, &paths, entry) {
		if (n++ == CTL_RECORDS_MAX)
			break;
		memset(&ci, 0, sizeof(ci));
		strlcpy(ci.ifname, p->ifname, sizeof(ci.ifname));
		strlcpy(ci.label, p->label, sizeof(ci.label));
		path_describe(p, ci.status, sizeof(ci.status), ci.reason,
		    sizeof(ci.reason));
		ci.local = p->local;
		ci.dst = p->dst;
		ci.last_rx_ms = engine_age_ms(&p->last_rx);
		control_counters(&ci.c, &p->c);
		if (p->qbit != -1)
			control_quality(&ci.q, &p->q);
		control_compose(c, IMSG_CTL_INTERFACE, &ci, sizeof(ci));
	}
	control_compose(c, IMSG_CTL_END, NULL, 0);
}

static void
control_show_clients(struct ctl_conn *c)
{
	struct ctl_client	 cl;
	struct peer		*pr;
	size_t			 n = 0;

	RB_FOREACH(pr, peer_tree, &peers) {
		if (n++ == CTL_RECORDS_MAX)
			break;
		memset(&cl, 0, sizeof(cl));
		cl.addr = pr->addr;
		cl.local = pr->local;
		cl.last_rx_ms = engine_age_ms(&pr->last_rx);
		cl.age_ms = engine_age_ms(&pr->first_seen);
		cl.own_socket = pr->fd != -1;
		cl.session = pr->sess != NULL ? pr->sess->id : 0;
		control_counters(&cl.c, &pr->c);
		if (pr->q != NULL)
			control_quality(&cl.q, pr->q);
		control_compose(c, IMSG_CTL_CLIENT, &cl, sizeof(cl));
	}
	control_compose(c, IMSG_CTL_END, NULL, 0);
}

static void
control_quality(struct ctl_quality *cq, const struct qual_path *q)
{
	struct qual_report	r;

	qual_report(q, &r);
	cq->samples = r.samples;
	cq->loss_ppm = r.loss_ppm;
	cq->first_ppm = r.first_ppm;
	cq->delay_p50_us = r.delay_p50_us;
	cq->delay_p99_us = r.delay_p99_us;
	cq->replay = r.replay != 0;
	cq->received = q->received;
	cq->first = q->first;
	cq->lost = q->lost;
	cq->late = q->late;
}

static void
control_show_sessions(struct ctl_conn *c)
{
	struct ctl_session	 cs;
	struct session		*s;
	size_t			 n = 0;

	RB_FOREACH(s, session_tree, &sessions) {
		if (n++ == CTL_RECORDS_MAX)
			break;
		memset(&cs, 0, sizeof(cs));
		cs.id = s->id;
		cs.naddrs = s->naddrs;
		cs.nindexes = session_nindexes(s);
		cs.own_socket = s->wg_fd != -1;
		cs.wg_local = s->wg_local;
		cs.age_ms = engine_age_ms(&s->first_seen);
		cs.last_rx_ms = engine_age_ms(&s->last_rx);
		cs.initiations = s->rekeys;
		cs.addr_limit = s->addr_limit;
		control_counters(&cs.c, &s->c);
		control_compose(c, IMSG_CTL_SESSION, &cs, sizeof(cs));
	}
	control_compose(c, IMSG_CTL_END, NULL, 0);
}

static void
control_show_status(struct ctl_conn *c)
{
	struct ctl_status	 st;
	struct path		*p;

	memset(&st, 0, sizeof(st));
	strlcpy(st.version, ENGARDED_VERSION, sizeof(st.version));
	strlcpy(st.description, ec.description, sizeof(st.description));
	st.role = ec.role;
	st.verbose = log_getverbose();
	st.uptime_ms = engine_age_ms(&engine_start);
	st.listen = ec.listen;
	st.wireguard = ec.role == ROLE_CLIENT ? wg_peer : ec.dst;
	TAILQ_FOREACH(p, &paths, entry)
		if (path_sending(p))
			st.npaths++;
	st.nclients = npeers;
	control_counters(&st.wg, &stats.wg);
	st.oversized = stats.oversized;
	st.empty = stats.empty;
	st.no_wg_peer = stats.no_wg_peer;
	st.no_path = stats.no_path;
	st.peer_limit = stats.peer_limit;
	st.hs_copies = stats.hs_copies;
	st.data_copies = stats.data_copies;
	st.dedup = ec.dedup;
	st.ctl_errors = stats.ctl_errors;
	st.nsessions = nsessions;
	st.not_wg = stats.not_wg;
	st.stranger = stats.stranger;
	st.denied = stats.denied;
	st.bad_mac1 = stats.bad_mac1;
	st.session_limit = stats.session_limit;
	st.addr_limit = stats.addr_limit;
	st.no_wg_socket = stats.no_wg_socket;
	st.sessions_made = stats.sessions_made;
	st.sessions_expired = stats.sessions_expired;
	st.sessions_revived = stats.sessions_revived;
	st.sessions_unanswered = stats.sessions_unanswered;
	st.not_from_wg = stats.not_from_wg;
	st.max_sessions = ec.max_sessions;
	st.max_session_addrs = ec.max_session_addrs;
	st.mac1_checked = engine_mac1_checked();
	st.nallowed = ec.nallowed;
	control_compose(c, IMSG_CTL_STATUS, &st, sizeof(st));
	control_compose(c, IMSG_CTL_END, NULL, 0);
}
