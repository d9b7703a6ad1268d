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

/* Fuzzing the dashboard's requests: raw bytes into evhttp and http.c. */

/*
 * The input is what a browser would send on one connection: one request
 * or several.  An evhttp server with the limits of webui.c listens on an
 * abstract AF_UNIX socket (no TLS, no file, no port); its requests go to
 * http_handle, as webui_gencb sends them.  The input is written on a
 * connected socket and the loop runs, without ever waiting, until the
 * server closes or nothing moves for IDLE_PASSES passes; then the client
 * closes and evhttp must let go of the connection (its descriptor is
 * counted).
 *
 * With FUZZ_VERBOSE set in the environment, the answers go to stderr.
 *
 * Each input is served twice: as a client without a password, and as a
 * server whose dashboard wants "admin:secret" (YWRtaW46c2VjcmV0).
 *
 * webui.c's side (the engine's snapshot, actions, authentication) is
 * replaced here by a fixed test double.  An input with "snapshot=edge" in
 * it (a query string, say) gets snapshots at the limits of what the
 * engine sends: strings of full length, multi-byte text, the largest
 * numbers, and an interface name that is not UTF-8, as the kernel allows
 * any byte in one but '/', ':' and white space.  libevent and jansson are not
 * instrumented: the fuzzer is guided by http.c alone.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <event2/event.h>
#include <event2/http.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "proto.h"
#include "engarded.h"
#include "webui.h"

#define WEB_HEADERS_MAX		8192	/* as webui.c */
#define WEB_BODY_MAX		4096
#define WEB_BACKSTOP_SECS	35
#define PASSES_MAX		512
#define IDLE_PASSES		4
#define USERNAME		"admin"
#define PASSWORD		"secret"

int		 LLVMFuzzerInitialize(int *, char ***);
int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 quiet(int, const char *);
static int	 lowest_fd(void);
static void	 set_addr(struct sockaddr_storage *, int, const char *, int);
static void	 make_snapshot(void);
static void	 make_edge(void);
static void	 serve(const uint8_t *, size_t);

static struct event_base	*base;
static struct evhttp		*http;
static struct sockaddr_un	 sun;
static socklen_t		 sunlen;
static int			 fd_base;
static int			 verbose;	/* FUZZ_VERBOSE: show answers */
static int			 role = ROLE_CLIENT, auth;
static int			 edge;		/* "snapshot=edge" in input */
static struct snapshot		 snaps[4];	/* client, server; at limits */
static struct ctl_iface		 ifaces[3], edge_ifaces[2];
static struct ctl_client	 clients[2], edge_clients[1];
static char			 rbuf[65536];

/* The test double of webui.c. */

const struct snapshot *
webui_snapshot(void)
{
	return (&snaps[(role == ROLE_CLIENT ? 0 : 1) + (edge ? 2 : 0)]);
}

/* Answers as control_exclusion would, changing nothing. */
int
webui_action(uint32_t type, const char *ifname, struct ctl_result *res)
{
	size_t	 len, i;

	memset(res, 0, sizeof(*res));
	if (type == IMSG_CTL_RESET_EXCLUSIONS) {
		if (ifname != NULL)
			abort();
	} else {
		if (type != IMSG_CTL_EXCLUDE && type != IMSG_CTL_INCLUDE &&
		    type != IMSG_CTL_SWAP)
			abort();
		/* webui_ctl_send would cut anything longer. */
		if (ifname == NULL || (len = strlen(ifname)) == 0 ||
		    len >= IFNAMSIZ) {
			fprintf(stderr, "webui_action: bad interface name\n");
			abort();
		}
	}
	if (role != ROLE_CLIENT) {
		res->code = CTL_ERROR;
		strlcpy(res->text, "exclusions apply to a client",
		    sizeof(res->text));
		return (-1);
	}
	if (type == IMSG_CTL_RESET_EXCLUSIONS) {
		strlcpy(res->text, "exclusions reset", sizeof(res->text));
		return (0);
	}
	for (i = 0; i < sizeof(ifaces) / sizeof(ifaces[0]); i++)
		if (strcmp(ifaces[i].ifname, ifname) == 0)
			break;
	if (i == sizeof(ifaces) / sizeof(ifaces[0])) {
		res->code = CTL_ERROR;
		snprintf(res->text, sizeof(res->text), "no interface %s",
		    ifname);
		return (-1);
	}
	if (type == IMSG_CTL_EXCLUDE &&
	    strcmp(ifaces[i].status, "excluded") == 0) {
		res->code = CTL_ALREADY_EXCLUDED;
		snprintf(res->text, sizeof(res->text), "%s already excluded",
		    ifname);
	} else if (type == IMSG_CTL_INCLUDE &&
	    strcmp(ifaces[i].status, "excluded") != 0) {
		res->code = CTL_ALREADY_INCLUDED;
		snprintf(res->text, sizeof(res->text), "%s already included",
		    ifname);
	} else
		snprintf(res->text, sizeof(res->text), "%s swapped", ifname);
	return (0);
}

int
webui_auth_required(void)
{
	return (auth);
}

int
webui_auth_check(const char *user, size_t ulen, const char *pass,
    size_t plen)
{
	if (ulen > CONF_CRED_LEN || plen > CONF_CRED_LEN)
		return (0);
	return (ulen == strlen(USERNAME) && memcmp(user, USERNAME, ulen) == 0 &&
	    plen == strlen(PASSWORD) && memcmp(pass, PASSWORD, plen) == 0);
}

int
webui_tls(void)
{
	return (auth);
}

static void
set_addr(struct sockaddr_storage *ss, int af, const char *a, int port)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	ss->ss_family = af;
	if (af == AF_INET) {
		inet_pton(AF_INET, a, &sin->sin_addr);
		sin->sin_port = htons(port);
	} else {
		inet_pton(AF_INET6, a, &sin6->sin6_addr);
		sin6->sin6_port = htons(port);
	}
}

/* A client with three links, and a server with two client addresses. */
static void
make_snapshot(void)
{
	struct snapshot	*s;
	size_t		 i;

	s = &snaps[0];
	strlcpy(s->st.version, ENGARDED_VERSION, sizeof(s->st.version));
	strlcpy(s->st.description, "outside broadcast \"van\" \\ é",
	    sizeof(s->st.description));
	s->st.role = ROLE_CLIENT;
	s->st.uptime_ms = 123456;
	set_addr(&s->st.listen, AF_INET, "127.0.0.1", 59401);
	set_addr(&s->st.wireguard, AF_INET, "127.0.0.1", 51820);
	s->st.npaths = 2;
	s->st.wg.pkts_in = 1000;
	s->st.wg.bytes_in = 1000000;

	strlcpy(ifaces[0].ifname, "eth0", sizeof(ifaces[0].ifname));
	strlcpy(ifaces[0].label, "DSL", sizeof(ifaces[0].label));
	strlcpy(ifaces[0].status, "active", sizeof(ifaces[0].status));
	set_addr(&ifaces[0].local, AF_INET, "192.0.2.2", 0);
	set_addr(&ifaces[0].dst, AF_INET, "203.0.113.10", 59501);
	ifaces[0].last_rx_ms = 20;
	strlcpy(ifaces[1].ifname, "wwan0", sizeof(ifaces[1].ifname));
	strlcpy(ifaces[1].label, "LTE \"5G\"\n\\", sizeof(ifaces[1].label));
	strlcpy(ifaces[1].status, "excluded", sizeof(ifaces[1].status));
	strlcpy(ifaces[1].reason, "by engardectl", sizeof(ifaces[1].reason));
	set_addr(&ifaces[1].local, AF_INET6, "2001:db8::2", 0);
	set_addr(&ifaces[1].dst, AF_INET6, "2001:db8::10", 59501);
	ifaces[1].last_rx_ms = 99999;
	strlcpy(ifaces[2].ifname, "eth2", sizeof(ifaces[2].ifname));
	strlcpy(ifaces[2].status, "idle", sizeof(ifaces[2].status));
	strlcpy(ifaces[2].reason, "no carrier", sizeof(ifaces[2].reason));
	ifaces[2].last_rx_ms = -1;
	for (i = 0; i < 3; i++) {
		ifaces[i].c.pkts_in = 10 * i;
		ifaces[i].c.bytes_out = UINT64_MAX - i;
	}
	s->ifaces = ifaces;
	s->nifaces = 3;

	s = &snaps[1];
	strlcpy(s->st.version, ENGARDED_VERSION, sizeof(s->st.version));
	s->st.role = ROLE_SERVER;
	s->st.uptime_ms = INT64_MAX;
	set_addr(&s->st.listen, AF_INET6, "::", 59501);
	s->st.nclients = 2;
	set_addr(&clients[0].addr, AF_INET, "198.51.100.7", 40000);
	set_addr(&clients[0].local, AF_INET, "203.0.113.10", 59501);
	clients[0].last_rx_ms = 5;
	clients[0].own_socket = 1;
	set_addr(&clients[1].addr, AF_INET6, "2001:db8::7", 40001);
	clients[1].last_rx_ms = -1;
	s->clients = clients;
	s->nclients = 2;
}

/* What the engine may send at its limits. */
static void
make_edge(void)
{
	struct snapshot		*s;
	struct sockaddr_in6	*sin6;
	size_t			 i;

	s = &snaps[2];
	memset(s->st.version, '9', sizeof(s->st.version) - 1);
	/* 255 bytes of UTF-8, two-byte characters first. */
	for (i = 0; i < 85; i++)
		memcpy(s->st.description + 2 * i, "\xc3\xa9", 2);
	memset(s->st.description + 170, 'x', 85);
	s->st.role = ROLE_CLIENT;
	s->st.uptime_ms = INT64_MAX;
	s->st.wg.pkts_in = s->st.wg.pkts_out = UINT64_MAX;
	s->st.oversized = s->st.peer_limit = UINT64_MAX;
	set_addr(&s->st.listen, AF_INET6, "fe80::1", 65535);
	((struct sockaddr_in6 *)&s->st.listen)->sin6_scope_id = 1;

	strlcpy(edge_ifaces[0].ifname, "lte\xff\xfe",
	    sizeof(edge_ifaces[0].ifname));
	strlcpy(edge_ifaces[0].status, "active",
	    sizeof(edge_ifaces[0].status));
	edge_ifaces[0].last_rx_ms = INT64_MAX;
	memset(edge_ifaces[1].ifname, 'i', IFNAMSIZ - 1);
	for (i = 0; i < 21; i++)
		memcpy(edge_ifaces[1].label + 3 * i, "\xe2\x82\xac", 3);
	strlcpy(edge_ifaces[1].status, "excluded",
	    sizeof(edge_ifaces[1].status));
	memset(edge_ifaces[1].reason, 'r', sizeof(edge_ifaces[1].reason) - 1);
	set_addr(&edge_ifaces[1].dst, AF_INET6, "ffff::ffff", 65535);
	edge_ifaces[1].last_rx_ms = 0;
	for (i = 0; i < 2; i++) {
		edge_ifaces[i].c.pkts_in = UINT64_MAX;
		edge_ifaces[i].c.bytes_in = UINT64_MAX;
		edge_ifaces[i].c.drops = UINT64_MAX;
		edge_ifaces[i].c.errors = UINT64_MAX;
	}
	s->ifaces = edge_ifaces;
	s->nifaces = 2;

	s = &snaps[3];
	s->st = snaps[2].st;
	s->st.role = ROLE_SERVER;
	sin6 = (struct sockaddr_in6 *)&edge_clients[0].addr;
	set_addr(&edge_clients[0].addr, AF_INET6, "fe80::ffff", 65535);
	sin6->sin6_scope_id = UINT32_MAX;
	edge_clients[0].last_rx_ms = INT64_MAX;
	edge_clients[0].age_ms = INT64_MAX;
	edge_clients[0].c.bytes_out = UINT64_MAX;
	s->clients = edge_clients;
	s->nclients = 1;
}

static void
quiet(int pri, const char *line)
{
	(void)pri;
	(void)line;
}

static int
lowest_fd(void)
{
	int	 fd;

	if ((fd = fcntl(0, F_DUPFD_CLOEXEC, 0)) == -1 &&
	    (fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		abort();
	close(fd);
	return (fd);
}

/* One connection: the input in, whatever comes out read and dropped. */
static void
serve(const uint8_t *data, size_t size)
{
	ssize_t	 n;
	size_t	 off = 0;
	int	 s, pass, idle = 0, closed = 0, moved;

	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		abort();
	if (connect(s, (struct sockaddr *)&sun, sunlen) == -1) {
		perror("connect");
		abort();
	}
	for (pass = 0; pass < PASSES_MAX && !closed && idle < IDLE_PASSES;
	    pass++) {
		moved = 0;
		if (off < size) {
			n = send(s, data + off, size - off,
			    MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n > 0) {
				off += n;
				moved = 1;
			} else if (n == -1 && errno != EAGAIN)
				off = size;	/* the server hung up */
		}
		event_base_loop(base, EVLOOP_NONBLOCK);
		while ((n = recv(s, rbuf, sizeof(rbuf), MSG_DONTWAIT)) > 0) {
			moved = 1;
			if (verbose)
				fwrite(rbuf, 1, n, stderr);
		}
		if (n == 0 || (n == -1 && errno != EAGAIN))
			closed = 1;
		idle = moved || off < size ? 0 : idle + 1;
	}
	close(s);

	/* The server sees the end and must free the connection. */
	for (pass = 0; pass < PASSES_MAX && lowest_fd() != fd_base; pass++)
		event_base_loop(base, EVLOOP_NONBLOCK);
	if (lowest_fd() != fd_base) {
		fprintf(stderr, "the connection was not freed\n");
		abort();
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int	 fd;

	(void)argc;
	(void)argv;
	log_sethook(quiet);
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	make_snapshot();
	make_edge();
	if ((base = event_base_new()) == NULL ||
	    (http = evhttp_new(base)) == NULL)
		abort();
	evhttp_set_max_headers_size(http, WEB_HEADERS_MAX);
	evhttp_set_max_body_size(http, WEB_BODY_MAX);
	evhttp_set_timeout(http, WEB_BACKSTOP_SECS);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD);
	evhttp_set_gencb(http, http_handle, NULL);

	/* An abstract name, ours alone: nothing on disk, no port. */
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1,
	    "engarde-fuzz-http-%ld", (long)getpid());
	sunlen = offsetof(struct sockaddr_un, sun_path) + 1 +
	    strlen(sun.sun_path + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1 || bind(fd, (struct sockaddr *)&sun, sunlen) == -1 ||
	    listen(fd, 16) == -1) {
		perror("listen");
		abort();
	}
	if (evhttp_accept_socket_with_handle(http, fd) == NULL)
		abort();
	fd_base = lowest_fd();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	edge = memmem(data, size, "snapshot=edge", 13) != NULL;
	role = ROLE_CLIENT;
	auth = 0;
	serve(data, size);
	role = ROLE_SERVER;
	auth = 1;
	serve(data, size);
	return (0);
}
