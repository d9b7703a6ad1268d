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
 * http.c on plain HTTP at 127.0.0.1, answering from a made-up engine
 * state: the figures of mock.mjs, hostile names besides, and counters that
 * grow.  offline.sh checks its JSON and /metrics and runs the browser test
 * against it, without a daemon.
 *
 *	fakesnap [-s] -p port
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <event2/event.h>
#include <event2/http.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "proto.h"
#include "util.h"
#include "engarded.h"
#include "webui.h"

#define PPS	150

struct fake_path {
	const char	*name;		/* client: ifname; server: address */
	const char	*label;
	const char	*local;
	const char	*dst;
	const char	*status;
	const char	*reason;
	uint32_t	 session;
	uint32_t	 samples;
	uint32_t	 loss_ppm, first_ppm, p50_us, p99_us, replay;
};

static const struct fake_path client_paths[] = {
	{ "egl1", "fibre", "192.0.2.1", "192.0.2.2:59501", "active", "", 0,
	    1800, 0, 620000, 0, 1200, 0 },
	{ "egl2", "lte", "198.51.100.1", "198.51.100.2:59501", "active", "",
	    0, 1800, 100000, 250000, 18000, 65000, 0 },
	{ "wwan1", "starlink", "203.0.113.7", "192.0.2.2:59501", "active",
	    "", 0, 1800, 5000, 130000, 25000, 180000, 1 },
	{ "wg0", "", "100.64.0.1", "192.0.2.2:59501", "excluded",
	    "by configuration", 0, 0, 0, 0, 0, 0, 0 },
	/* A name that is no UTF-8, a label with what must be escaped. */
	{ "wl\xff" "0", "say \"hi\\\"\nnow", NULL, "192.0.2.2:59501", "idle",
	    "down", 0, 0, 0, 0, 0, 0, 0 },
};

static const struct fake_path server_paths[] = {
	{ "192.0.2.1:40000", NULL, "192.0.2.2:59501", NULL, NULL, NULL, 1,
	    1800, 2000, 700000, 0, 800, 0 },
	{ "198.51.100.1:40001", NULL, "192.0.2.2:59501", NULL, NULL, NULL, 1,
	    1800, 30000, 300000, 12000, 40000, 0 },
	{ "[2001:db8:1::10]:40002", NULL, "[2001:db8::2]:59501", NULL, NULL,
	    NULL, 2, 0, 0, 0, 0, 0, 0 },
	{ "203.0.113.9:40003", NULL, "192.0.2.2:59501", NULL, NULL, NULL, 0,
	    0, 0, 0, 0, 0, 0 },
};

static struct snapshot	 snap;
static struct timespec	 t0;
static int		 server;

static void	fake_init(void);
static void	fake_addr(const char *, struct sockaddr_storage *);
static void	fake_quality(struct ctl_quality *, const struct fake_path *,
		    uint64_t);
static void	fake_stop(int, short, void *);

const struct snapshot *
webui_snapshot(void)
{
	struct timespec	 t;
	uint64_t	 n;
	size_t		 i;

	clock_gettime(CLOCK_MONOTONIC, &t);
	n = ((t.tv_sec - t0.tv_sec) * 1000 +
	    (t.tv_nsec - t0.tv_nsec) / 1000000) * PPS / 1000;
	snap.st.uptime_ms = 3723000 + (t.tv_sec - t0.tv_sec) * 1000;
	for (i = 0; i < snap.nifaces; i++) {
		if (strcmp(snap.ifaces[i].status, "active") != 0)
			continue;
		snap.ifaces[i].c.pkts_in = snap.ifaces[i].c.pkts_out = n;
		snap.ifaces[i].c.bytes_in = n * 148;
		snap.ifaces[i].c.bytes_out = n * 1180;
		snap.ifaces[i].last_rx_ms = 100;
		fake_quality(&snap.ifaces[i].q, &client_paths[i], n);
	}
	for (i = 0; i < snap.nclients && i < 2; i++) {
		snap.clients[i].c.pkts_in = snap.clients[i].c.pkts_out = n;
		snap.clients[i].c.bytes_in = n * 1180;
		snap.clients[i].c.bytes_out = n * 148;
		snap.clients[i].last_rx_ms = 100;
		fake_quality(&snap.clients[i].q, &server_paths[i], n);
	}
	if (snap.nsessions > 0)
		snap.sessions[0].last_rx_ms = 100;
	return (&snap);
}

/* exclude, include, swap and reset, on the interfaces' status words. */
int
webui_action(uint32_t type, const char *ifname, struct ctl_result *res)
{
	struct ctl_iface	*ci = NULL;
	size_t			 i;
	int			 ex;

	memset(res, 0, sizeof(*res));
	if (type == IMSG_CTL_RESET_EXCLUSIONS) {
		for (i = 0; i < snap.nifaces; i++) {
			ci = &snap.ifaces[i];
			if (strcmp(ci->reason, "at run time") != 0)
				continue;
			strlcpy(ci->status, "active", sizeof(ci->status));
			ci->reason[0] = '\0';
		}
		return (0);
	}
	for (i = 0; i < snap.nifaces && ci == NULL; i++)
		if (strcmp(snap.ifaces[i].ifname, ifname) == 0)
			ci = &snap.ifaces[i];
	if (ci == NULL) {
		res->code = CTL_ERROR;
		snprintf(res->text, sizeof(res->text), "no interface %s",
		    ifname);
		return (-1);
	}
	ex = strcmp(ci->status, "excluded") == 0;
	if ((type == IMSG_CTL_EXCLUDE && ex) ||
	    (type == IMSG_CTL_INCLUDE && !ex)) {
		res->code = ex ? CTL_ALREADY_EXCLUDED : CTL_ALREADY_INCLUDED;
		return (0);
	}
	strlcpy(ci->status, ex ? "active" : "excluded", sizeof(ci->status));
	strlcpy(ci->reason, ex ? "" : "at run time", sizeof(ci->reason));
	return (0);
}

int
webui_auth_required(void)
{
	return (0);
}

int
webui_auth_check(const char *u, size_t ulen, const char *p, size_t plen)
{
	(void)u;
	(void)ulen;
	(void)p;
	(void)plen;
	return (0);
}

int
webui_tls(void)
{
	return (0);
}

/* "address:port", or an IPv4 address alone. */
static void
fake_addr(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (s == NULL || addr_parse(s, ss, 0) == 0)
		return;
	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, s, &sin->sin_addr) != 1)
		errx(1, "bad address %s", s);
}

static void
fake_quality(struct ctl_quality *q, const struct fake_path *p, uint64_t n)
{
	memset(q, 0, sizeof(*q));
	q->received = n;
	if (p->samples == 0)
		return;
	q->samples = p->samples;
	q->loss_ppm = p->loss_ppm;
	q->first_ppm = p->first_ppm;
	q->delay_p50_us = p->p50_us;
	q->delay_p99_us = p->p99_us;
	q->replay = p->replay;
	q->first = n * p->first_ppm / 1000000;
	q->lost = n * p->loss_ppm / 1000000;
	q->late = p->replay ? 3 : 0;
}

static void
fake_init(void)
{
	const struct fake_path	*p;
	size_t			 i, n;

	snap.st.role = server ? ROLE_SERVER : ROLE_CLIENT;
	strlcpy(snap.st.version, "0.1.0", sizeof(snap.st.version));
	strlcpy(snap.st.description, server ? "studio rack" :
	    "outside broadcast van", sizeof(snap.st.description));
	fake_addr(server ? "0.0.0.0:59501" : "127.0.0.1:59401",
	    &snap.st.listen);
	if (!server) {
		n = sizeof(client_paths) / sizeof(client_paths[0]);
		if ((snap.ifaces = calloc(n, sizeof(*snap.ifaces))) == NULL)
			err(1, NULL);
		for (i = 0; i < n; i++) {
			p = &client_paths[i];
			strlcpy(snap.ifaces[i].ifname, p->name,
			    sizeof(snap.ifaces[i].ifname));
			strlcpy(snap.ifaces[i].label, p->label,
			    sizeof(snap.ifaces[i].label));
			strlcpy(snap.ifaces[i].status, p->status,
			    sizeof(snap.ifaces[i].status));
			strlcpy(snap.ifaces[i].reason, p->reason,
			    sizeof(snap.ifaces[i].reason));
			fake_addr(p->local, &snap.ifaces[i].local);
			fake_addr(p->dst, &snap.ifaces[i].dst);
			snap.ifaces[i].last_rx_ms = -1;
		}
		snap.nifaces = n;
		return;
	}
	n = sizeof(server_paths) / sizeof(server_paths[0]);
	if ((snap.clients = calloc(n, sizeof(*snap.clients))) == NULL ||
	    (snap.sessions = calloc(2, sizeof(*snap.sessions))) == NULL)
		err(1, NULL);
	for (i = 0; i < n; i++) {
		p = &server_paths[i];
		fake_addr(p->name, &snap.clients[i].addr);
		fake_addr(p->local, &snap.clients[i].local);
		snap.clients[i].session = p->session;
		snap.clients[i].last_rx_ms = 20000;
		snap.clients[i].age_ms = 60000;
	}
	snap.nclients = n;
	for (i = 0; i < 2; i++) {
		snap.sessions[i].id = i + 1;
		snap.sessions[i].naddrs = i == 0 ? 2 : 1;
		snap.sessions[i].nindexes = 2;
		snap.sessions[i].own_socket = 1;
		fake_addr(i == 0 ? "127.0.0.1:41001" : "127.0.0.1:41002",
		    &snap.sessions[i].wg_local);
		snap.sessions[i].age_ms = 60000;
		snap.sessions[i].last_rx_ms = 20000;
		snap.sessions[i].initiations = 1;
	}
	snap.nsessions = 2;
	snap.st.nsessions = 2;
	snap.st.max_sessions = 64;
	snap.st.max_session_addrs = 8;
	snap.st.sessions_made = 3;
	snap.st.sessions_expired = 1;
	snap.st.not_wg = 12;
	snap.st.stranger = 4;
	snap.st.bad_mac1 = 2;
}

static void
fake_stop(int sig, short event, void *arg)
{
	(void)sig;
	(void)event;
	event_base_loopbreak(arg);
}

int
main(int argc, char *argv[])
{
	struct event_base	*base;
	struct evhttp		*http;
	struct event		*ev;
	const char		*errstr;
	int			 ch, port = 0;

	while ((ch = getopt(argc, argv, "p:s")) != -1) {
		switch (ch) {
		case 'p':
			port = strtonum(optarg, 1, 65535, &errstr);
			if (errstr != NULL)
				errx(1, "port %s: %s", optarg, errstr);
			break;
		case 's':
			server = 1;
			break;
		default:
			fprintf(stderr, "usage: fakesnap [-s] -p port\n");
			return (1);
		}
	}
	if (port == 0) {
		fprintf(stderr, "usage: fakesnap [-s] -p port\n");
		return (1);
	}
	log_init(1, LOG_DAEMON);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fake_init();
	if ((base = event_base_new()) == NULL ||
	    (http = evhttp_new(base)) == NULL)
		errx(1, "libevent");
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD);
	evhttp_set_gencb(http, http_handle, NULL);
	if (evhttp_bind_socket(http, "127.0.0.1", port) == -1)
		errx(1, "cannot listen on 127.0.0.1:%d", port);
	ev = evsignal_new(base, SIGTERM, fake_stop, base);
	event_add(ev, NULL);
	printf("fakesnap: http://127.0.0.1:%d/\n", port);
	fflush(stdout);
	event_base_dispatch(base);
	event_free(ev);
	evhttp_free(http);
	event_base_free(base);
	return (0);
}
