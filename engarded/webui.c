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
 * The dashboard process: HTTPS with libevent's evhttp over libtls, and the
 * control protocol to the engine.  It holds no packet socket and reads no
 * file once it runs.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <event.h>
#include <event2/bufferevent.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <tls.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "log.h"
#include "ipcev.h"
#include "proto.h"
#include "engarded.h"
#include "proc.h"
#include "sandbox.h"
#include "webui.h"

#define WEB_CONNS_MAX		32	/* connections at once */
#define WEB_REQUEST_SECS	10	/* to send a whole request */
#define WEB_IDLE_SECS		30	/* between requests */
#define WEB_BACKSTOP_SECS	(WEB_IDLE_SECS + 5)	/* evhttp's, never first */
#define WEB_HEADERS_MAX		8192
#define WEB_BODY_MAX		4096
#define WEB_SNAPSHOT_MS		250	/* the engine is asked at most so often */
#define WEB_CTL_TIMEOUT_MS	2000

struct web_conn {
	TAILQ_ENTRY(web_conn)	 entry;
	struct bufferevent	*bev;		/* the filter evhttp uses */
	struct bufferevent	*under;		/* the socket */
	struct tls		*tls;		/* NULL: plain HTTP */
	struct event		 deadline;
	struct event		 kick;		/* push queued output */
	int			 handshaken;
	int			 cut;		/* shut, counted once */
};

static void	webui_dispatch_parent(int, short, void *);
static void	webui_go(void);
static struct bufferevent *webui_bevcb(struct event_base *, void *);
static void	webui_conn_free(void *);
static void	webui_deadline(int, short, void *);
static void	webui_cut(struct web_conn *, enum http_cut);
static void	webui_kick(int, short, void *);
static void	webui_push(struct web_conn *);
static void	webui_output_added(struct evbuffer *,
		    const struct evbuffer_cb_info *, void *);
static void	webui_gencb(struct evhttp_request *, void *);
static enum bufferevent_filter_result webui_filter_in(struct evbuffer *,
		    struct evbuffer *, ev_ssize_t, enum bufferevent_flush_mode,
		    void *);
static enum bufferevent_filter_result webui_filter_out(struct evbuffer *,
		    struct evbuffer *, ev_ssize_t, enum bufferevent_flush_mode,
		    void *);
static ssize_t	webui_tls_read(struct tls *, void *, size_t, void *);
static ssize_t	webui_tls_write(struct tls *, const void *, size_t, void *);
static int	webui_ctl_call(uint32_t, const char *, struct ctl_result *,
		    struct snapshot *);
static int	webui_ctl_send(uint32_t, const char *);
static int	webui_ctl_next(struct ipc_msg *);
static uint32_t	webui_ctl_record(uint32_t);
static void	*webui_grow(void *, size_t, size_t *, size_t);
static void	webui_quality(struct ctl_quality *);

static struct event_base	*base;
static struct ipcev		 iev_parent;
static struct ipcbuf		 ctl;		/* to the engine */
static int			 ctl_fd = -1;
static struct evhttp		*http;
static struct evconnlistener	*listener;
static int			 listen_fd = -1;
static struct tls		*tls_srv;
static struct webui_conf	 wconf, nwconf;
static uint8_t			 pem[2][WEBUI_PEM_MAX];
static size_t			 pemlen[2];
static TAILQ_HEAD(, web_conn)	 conns = TAILQ_HEAD_INITIALIZER(conns);
static int			 nconns;
static struct snapshot		 snap;
static struct timespec		 snap_time;
static uint8_t			 auth_digest[SHA256_DIGEST_LENGTH];

void
webui_main(int debug, int verbose, const char *user, const char *root,
    int seccomp_log)
{
	log_init(debug, LOG_DAEMON);
	log_setverbose(verbose);
	log_procinit("webui");

	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);

	/* libtls reads OpenSSL's configuration now, not in the chroot. */
	if (tls_init() == -1)
		fatalx("tls_init");
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new");
	if ((http = evhttp_new(base)) == NULL)
		fatalx("evhttp_new");
	if (fcntl(PARENT_FD, F_SETFL, O_NONBLOCK) == -1)
		fatal("fcntl");
	sandbox_drop(user, root, "webui");
	sandbox_seccomp(SANDBOX_WEBUI, seccomp_log);

	evhttp_set_max_headers_size(http, WEB_HEADERS_MAX);
	evhttp_set_max_body_size(http, WEB_BODY_MAX);
	/*
	 * Our deadlines cut slow and idle clients, counted; evhttp's own
	 * timeout, which would close them first and uncounted, only backs
	 * them up.
	 */
	evhttp_set_timeout(http, WEB_BACKSTOP_SECS);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD);
	evhttp_set_bevcb(http, webui_bevcb, NULL);
	evhttp_set_gencb(http, webui_gencb, NULL);

	ipcev_init(&iev_parent, base, PARENT_FD, webui_dispatch_parent, NULL);
	ipcev_add(&iev_parent);
	if (!debug)
		proc_log_to_parent(&iev_parent);

	event_base_dispatch(base);
	exit(0);
}

static void
webui_dispatch_parent(int fd, short event, void *arg)
{
	struct ipc_msg		msg;
	struct webui_pem	wp;
	int			n;

	(void)fd;
	(void)arg;
	if ((n = ipcev_io(&iev_parent, event)) == -1)
		fatal("parent pipe");
	if (n == 0)
		exit(0);
	for (;;) {
		if ((n = ipc_get(&iev_parent.ibuf, &msg)) == -1)
			fatal("parent pipe: bad message");
		if (n == 0)
			break;
		switch (msg.hdr.type) {
		case IMSG_WEBUI_CONF:
			if (ipc_data(&msg, &nwconf, sizeof(nwconf)) == -1 ||
			    memchr(nwconf.username, '\0',
			    sizeof(nwconf.username)) == NULL ||
			    memchr(nwconf.password, '\0',
			    sizeof(nwconf.password)) == NULL)
				fatalx("bad IMSG_WEBUI_CONF");
			pemlen[PEM_CERT] = pemlen[PEM_KEY] = 0;
			break;
		case IMSG_WEBUI_PEM:
			/* Parts come in order; only whole files are used. */
			if (ipc_data(&msg, &wp, sizeof(wp)) == -1 ||
			    wp.kind > PEM_KEY || wp.total > WEBUI_PEM_MAX ||
			    wp.len > WEBUI_PEM_PART ||
			    wp.off != pemlen[wp.kind] ||
			    wp.off + wp.len > wp.total)
				fatalx("bad IMSG_WEBUI_PEM");
			memcpy(pem[wp.kind] + wp.off, wp.data, wp.len);
			pemlen[wp.kind] += wp.len;
			explicit_bzero(&wp, sizeof(wp));
			break;
		case IMSG_WEBUI_LISTEN:
			if (msg.fd == -1 || listen_fd != -1)
				fatalx("bad IMSG_WEBUI_LISTEN");
			listen_fd = msg.fd;
			msg.fd = -1;
			break;
		case IMSG_WEBUI_CONTROL:
			if (msg.fd == -1 || ctl_fd != -1)
				fatalx("bad IMSG_WEBUI_CONTROL");
			ctl_fd = msg.fd;
			msg.fd = -1;
			ipc_init(&ctl, ctl_fd);
			ipc_refuse_fds(&ctl);
			break;
		case IMSG_WEBUI_GO:
			webui_go();
			break;
		default:
			fatalx("parent pipe: unexpected message %u",
			    msg.hdr.type);
		}
		if (msg.fd != -1)
			close(msg.fd);
	}
	ipcev_add(&iev_parent);
}

/*
 * Everything arrived: take the new credentials and certificate; the first
 * time, start listening.  Connections already open keep the old keys.
 */
static void
webui_go(void)
{
	struct tls_config	*cfg;
	struct tls		*ctx = NULL;
	char			 cred[2 * CONF_CRED_LEN + 2];

	if (listen_fd == -1 || ctl_fd == -1)
		fatalx("webui started without its sockets");
	if (nwconf.tls) {
		if (pemlen[PEM_CERT] == 0 || pemlen[PEM_KEY] == 0)
			fatalx("webui: no certificate or key");
		if ((cfg = tls_config_new()) == NULL)
			fatalx("tls_config_new");
		if (tls_config_set_protocols(cfg, TLS_PROTOCOL_TLSv1_2 |
		    TLS_PROTOCOL_TLSv1_3) == -1 ||
		    tls_config_set_keypair_mem(cfg, pem[PEM_CERT],
		    pemlen[PEM_CERT], pem[PEM_KEY], pemlen[PEM_KEY]) == -1)
			fatalx("webui: certificate: %s",
			    tls_config_error(cfg));
		if ((ctx = tls_server()) == NULL)
			fatalx("tls_srv");
		if (tls_configure(ctx, cfg) == -1)
			fatalx("webui: %s", tls_error(ctx));
		tls_config_free(cfg);
	}
	explicit_bzero(pem, sizeof(pem));
	/* Accepted connections hold their own reference to the old keys. */
	if (tls_srv != NULL)
		tls_free(tls_srv);
	tls_srv = ctx;

	/* Compare digests, so that neither length nor content leaks. */
	snprintf(cred, sizeof(cred), "%s:%s", nwconf.username,
	    nwconf.password);
	if (EVP_Digest(cred, strlen(cred), auth_digest, NULL, EVP_sha256(),
	    NULL) != 1)
		fatalx("EVP_Digest");
	explicit_bzero(cred, sizeof(cred));
	wconf = nwconf;
	explicit_bzero(&nwconf, sizeof(nwconf));

	if (listener != NULL)
		return;
	if ((listener = evconnlistener_new(base, NULL, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0,
	    listen_fd)) == NULL)
		fatalx("evconnlistener_new");
	if (evhttp_bind_listener(http, listener) == NULL)
		fatalx("evhttp_bind_listener");
	log_debug("dashboard serving %s", wconf.tls ? "HTTPS" : "HTTP");
}

int
webui_tls(void)
{
	return (wconf.tls != 0);
}

int
webui_auth_required(void)
{
	return (wconf.auth != 0);
}

/* user:password as the client sent it, against the configured pair. */
int
webui_auth_check(const char *user, size_t ulen, const char *pass,
    size_t plen)
{
	char		buf[2 * CONF_CRED_LEN + 2];
	uint8_t		d[SHA256_DIGEST_LENGTH];
	unsigned int	dlen;

	if (ulen > CONF_CRED_LEN || plen > CONF_CRED_LEN)
		return (0);
	memcpy(buf, user, ulen);
	buf[ulen] = ':';
	memcpy(buf + ulen + 1, pass, plen);
	if (EVP_Digest(buf, ulen + 1 + plen, d, &dlen, EVP_sha256(),
	    NULL) != 1)
		fatalx("EVP_Digest");
	explicit_bzero(buf, sizeof(buf));
	return (CRYPTO_memcmp(d, auth_digest, sizeof(d)) == 0);
}

/*
 * Every connection goes through a filter: TLS, or a plain copy, so that
 * each can be counted, capped and given a deadline.
 */
static struct bufferevent *
webui_bevcb(struct event_base *b, void *arg)
{
	struct web_conn	*c;
	struct timeval	 tv = { WEB_REQUEST_SECS, 0 };

	(void)arg;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal(NULL);
	if ((c->under = bufferevent_socket_new(b, -1,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		fatalx("bufferevent_socket_new");
	if (tls_srv != NULL && tls_accept_cbs(tls_srv, &c->tls,
	    webui_tls_read, webui_tls_write, c) == -1)
		fatalx("tls_accept_cbs: %s", tls_error(tls_srv));
	if ((c->bev = bufferevent_filter_new(c->under, webui_filter_in,
	    webui_filter_out, BEV_OPT_CLOSE_ON_FREE, webui_conn_free,
	    c)) == NULL)
		fatalx("bufferevent_filter_new");
	evtimer_assign(&c->deadline, b, webui_deadline, c);
	evtimer_add(&c->deadline, &tv);
	event_assign(&c->kick, b, -1, 0, webui_kick, c);
	evbuffer_add_cb(bufferevent_get_output(c->bev), webui_output_added, c);
	TAILQ_INSERT_TAIL(&conns, c, entry);
	/* At the cap, new connections wait in the kernel's queue. */
	if (++nconns >= WEB_CONNS_MAX)
		evconnlistener_disable(listener);
	return (c->bev);
}

static void
webui_conn_free(void *arg)
{
	struct web_conn	*c = arg;

	evtimer_del(&c->deadline);
	event_del(&c->kick);
	if (c->tls != NULL)
		tls_free(c->tls);
	TAILQ_REMOVE(&conns, c, entry);
	free(c);
	if (nconns-- == WEB_CONNS_MAX)
		evconnlistener_enable(listener);
}

/*
 * Hand what the filter made to the kernel now: evhttp counts an answer as
 * sent once the filter took it, and may shut the socket right after.
 */
static void
webui_push(struct web_conn *c)
{
	evutil_socket_t	 s;
	struct evbuffer	*out = bufferevent_get_output(c->under);

	/* The socket's bufferevent keeps its buffer's start frozen. */
	if ((s = bufferevent_getfd(c->under)) != -1 &&
	    evbuffer_get_length(out) > 0) {
		evbuffer_unfreeze(out, 1);
		(void)evbuffer_write(out, s);
		evbuffer_freeze(out, 1);
	}
}

/* A request that does not arrive whole in time, or an idle connection. */
static void
webui_deadline(int fd, short event, void *arg)
{
	(void)fd;
	(void)event;
	log_debug("dashboard connection timed out");
	webui_cut(arg, HTTP_CUT_TIMEOUT);
}

/*
 * Shut the socket and let evhttp find out and clean up: a filter's error
 * alone would leave the connection open until its deadline.
 */
static void
webui_cut(struct web_conn *c, enum http_cut why)
{
	evutil_socket_t	s;

	if (c->cut || (s = bufferevent_getfd(c->under)) == -1)
		return;
	c->cut = 1;
	http_count_cut(why);
	shutdown(s, SHUT_RDWR);
}

/*
 * A filter does not look at its output again when writing is enabled after
 * the output was queued, as evhttp does: whatever evhttp queues, push it
 * through, from the loop rather than from inside evhttp.
 *
 * evhttp writes an answer's status line in one piece before anything else
 * of it, its own refusals (oversized headers, bad framing) included: each
 * answer is counted here by its code.
 */
static void
webui_output_added(struct evbuffer *b, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct web_conn		*c = arg;
	struct evbuffer_ptr	 pos;
	char			 line[13];

	if (info->n_added == 0)
		return;
	event_active(&c->kick, 0, 0);
	if (info->n_added >= sizeof(line) - 1 &&
	    evbuffer_ptr_set(b, &pos, info->orig_size,
	    EVBUFFER_PTR_SET) == 0 &&
	    evbuffer_copyout_from(b, &pos, line, sizeof(line) - 1) ==
	    (ev_ssize_t)sizeof(line) - 1) {
		line[sizeof(line) - 1] = '\0';
		if (strncmp(line, "HTTP/1.", 7) == 0 && line[8] == ' ')
			http_count_answer((int)strtol(line + 9, NULL, 10));
	}
}

static void
webui_kick(int fd, short event, void *arg)
{
	struct web_conn	*c = arg;

	(void)fd;
	(void)event;
	bufferevent_flush(c->bev, EV_WRITE, BEV_FLUSH);
}

/* A whole request: the next one has until the idle time to come. */
static void
webui_gencb(struct evhttp_request *req, void *arg)
{
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;
	struct web_conn			*c;
	struct timeval			 tv = { WEB_IDLE_SECS, 0 };

	evcon = evhttp_request_get_connection(req);
	bev = evcon != NULL ? evhttp_connection_get_bufferevent(evcon) : NULL;
	TAILQ_FOREACH(c, &conns, entry)
		if (c->bev == bev) {
			evtimer_add(&c->deadline, &tv);
			break;
		}
	http_handle(req, arg);
}

static ssize_t
webui_tls_read(struct tls *ctx, void *buf, size_t len, void *arg)
{
	struct web_conn	*c = arg;
	int		 n;

	(void)ctx;
	n = evbuffer_remove(bufferevent_get_input(c->under), buf, len);
	if (n <= 0)
		return (TLS_WANT_POLLIN);
	return (n);
}

static ssize_t
webui_tls_write(struct tls *ctx, const void *buf, size_t len, void *arg)
{
	struct web_conn	*c = arg;

	(void)ctx;
	if (evbuffer_add(bufferevent_get_output(c->under), buf, len) == -1)
		return (-1);
	return (len);
}

/* Ciphertext from the socket in, plaintext to evhttp out. */
static enum bufferevent_filter_result
webui_filter_in(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t limit,
    enum bufferevent_flush_mode mode, void *arg)
{
	struct web_conn	*c = arg;
	char		 buf[16384];
	ssize_t		 n;
	int		 got = 0;

	(void)limit;
	(void)mode;
	if (c->tls == NULL) {
		evbuffer_add_buffer(dst, src);
		return (BEV_OK);
	}
	if (!c->handshaken) {
		n = tls_handshake(c->tls);
		if (n == TLS_WANT_POLLIN || n == TLS_WANT_POLLOUT)
			return (BEV_NEED_MORE);
		if (n == -1) {
			log_debug("dashboard TLS handshake: %s",
			    tls_error(c->tls));
			webui_cut(c, HTTP_CUT_TLS);
			return (BEV_ERROR);
		}
		c->handshaken = 1;
	}
	for (;;) {
		n = tls_read(c->tls, buf, sizeof(buf));
		if (n == TLS_WANT_POLLIN || n == TLS_WANT_POLLOUT)
			break;
		if (n == -1) {
			log_debug("dashboard TLS: %s", tls_error(c->tls));
			webui_cut(c, HTTP_CUT_TLS);
			return (BEV_ERROR);
		}
		if (n == 0)
			break;
		evbuffer_add(dst, buf, n);
		got = 1;
	}
	return (got ? BEV_OK : BEV_NEED_MORE);
}

/* Plaintext from evhttp in, ciphertext to the socket out. */
static enum bufferevent_filter_result
webui_filter_out(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t limit,
    enum bufferevent_flush_mode mode, void *arg)
{
	struct web_conn	*c = arg;
	unsigned char	*p;
	size_t		 len;
	ssize_t		 n;

	(void)limit;
	(void)mode;
	if (c->tls == NULL) {
		evbuffer_add_buffer(dst, src);
		webui_push(c);
		return (BEV_OK);
	}
	if (!c->handshaken)
		return (BEV_NEED_MORE);
	while ((len = evbuffer_get_length(src)) > 0) {
		if (len > 16384)
			len = 16384;
		if ((p = evbuffer_pullup(src, len)) == NULL)
			return (BEV_ERROR);
		n = tls_write(c->tls, p, len);
		if (n == TLS_WANT_POLLIN || n == TLS_WANT_POLLOUT)
			break;
		if (n == -1) {
			log_debug("dashboard TLS: %s", tls_error(c->tls));
			return (BEV_ERROR);
		}
		evbuffer_drain(src, n);
	}
	webui_push(c);
	return (BEV_OK);
}

/*
 * The engine, asked and answered in one go: it answers in microseconds,
 * so an engine silent for seconds is a broken one, and we stop.
 */
static int
webui_ctl_send(uint32_t type, const char *ifname)
{
	struct ctl_request	req;

	memset(&req, 0, sizeof(req));
	req.version = CTL_VERSION;
	if (ifname != NULL)
		strlcpy(req.ifname, ifname, sizeof(req.ifname));
	if (ipc_compose(&ctl, type, 0, -1, &req, sizeof(req)) == -1)
		fatal("control compose");
	return (0);
}

/* The next message from the engine, waiting for it if need be. */
static int
webui_ctl_next(struct ipc_msg *msg)
{
	struct pollfd	pfd;
	struct timespec	t0, t;
	int		n, r, ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if ((n = ipc_get(&ctl, msg)) == -1)
			fatal("control: bad message from the engine");
		if (n == 1)
			return (0);
		clock_gettime(CLOCK_MONOTONIC, &t);
		ms = WEB_CTL_TIMEOUT_MS - ((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (ms <= 0)
			fatalx("the engine does not answer");
		pfd.fd = ctl.fd;
		pfd.events = POLLIN | (ipc_pending(&ctl) ? POLLOUT : 0);
		if ((r = poll(&pfd, 1, ms)) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (r == 0)
			continue;
		if ((pfd.revents & POLLOUT) && ipc_flush(&ctl) == -1)
			fatal("control write");
		if (pfd.revents & (POLLIN | POLLHUP)) {
			if ((n = ipc_read(&ctl)) == 0)
				fatalx("the engine closed the control "
				    "connection");
			if (n == -1 && errno != EAGAIN)
				fatal("control read");
		}
	}
}

/* The record a show request is answered with, or 0. */
static uint32_t
webui_ctl_record(uint32_t type)
{
	switch (type) {
	case IMSG_CTL_SHOW_STATUS:
		return (IMSG_CTL_STATUS);
	case IMSG_CTL_SHOW_INTERFACES:
		return (IMSG_CTL_INTERFACE);
	case IMSG_CTL_SHOW_CLIENTS:
		return (IMSG_CTL_CLIENT);
	case IMSG_CTL_SHOW_SESSIONS:
		return (IMSG_CTL_SESSION);
	default:
		return (0);
	}
}

/* Room for record n of a list that has room for *cap. */
static void *
webui_grow(void *p, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return (p);
	*cap = *cap ? 2 * *cap : 16;
	if ((p = reallocarray(p, *cap, size)) == NULL)
		fatal(NULL);
	return (p);
}

/*
 * One request; a show request fills snap's lists, any other gives res.
 * Only the records the request asks for are taken, at most
 * CTL_RECORDS_MAX of them.  Returns 0, or -1 when the engine answered with
 * an error result.
 */
static int
webui_ctl_call(uint32_t type, const char *ifname, struct ctl_result *res,
    struct snapshot *s)
{
	struct ipc_msg	 msg;
	struct ctl_result r;
	size_t		 n = 0, cap = 0;
	uint32_t	 want;

	want = s != NULL ? webui_ctl_record(type) : 0;
	webui_ctl_send(type, ifname);
	for (;;) {
		webui_ctl_next(&msg);
		switch (msg.hdr.type) {
		case IMSG_CTL_RESULT:
			if (ipc_data(&msg, &r, sizeof(r)) == -1)
				fatalx("control: bad result");
			r.text[sizeof(r.text) - 1] = '\0';
			if (res != NULL)
				*res = r;
			return (r.code == CTL_ERROR ? -1 : 0);
		case IMSG_CTL_END:
			return (0);
		case IMSG_CTL_STATUS:
		case IMSG_CTL_INTERFACE:
		case IMSG_CTL_CLIENT:
		case IMSG_CTL_SESSION:
			if (msg.hdr.type != want || n >= CTL_RECORDS_MAX)
				fatalx("control: unexpected records");
			break;
		default:
			fatalx("control: unexpected message %u",
			    msg.hdr.type);
		}
		switch (msg.hdr.type) {
		case IMSG_CTL_STATUS:
			if (ipc_data(&msg, &s->st, sizeof(s->st)) == -1)
				fatalx("control: bad status");
			break;
		case IMSG_CTL_INTERFACE:
			s->ifaces = webui_grow(s->ifaces, n, &cap,
			    sizeof(*s->ifaces));
			if (ipc_data(&msg, &s->ifaces[n],
			    sizeof(s->ifaces[n])) == -1)
				fatalx("control: bad interface");
			s->nifaces = ++n;
			break;
		case IMSG_CTL_CLIENT:
			s->clients = webui_grow(s->clients, n, &cap,
			    sizeof(*s->clients));
			if (ipc_data(&msg, &s->clients[n],
			    sizeof(s->clients[n])) == -1)
				fatalx("control: bad client");
			s->nclients = ++n;
			break;
		case IMSG_CTL_SESSION:
			s->sessions = webui_grow(s->sessions, n, &cap,
			    sizeof(*s->sessions));
			if (ipc_data(&msg, &s->sessions[n],
			    sizeof(s->sessions[n])) == -1)
				fatalx("control: bad session");
			s->nsessions = ++n;
			break;
		}
	}
}

/* Shares above the whole are shown as the whole. */
static void
webui_quality(struct ctl_quality *q)
{
	if (q->loss_ppm > 1000000)
		q->loss_ppm = 1000000;
	if (q->first_ppm > 1000000)
		q->first_ppm = 1000000;
}

/* The engine's state, asked anew unless a fresh copy is at hand. */
const struct snapshot *
webui_snapshot(void)
{
	struct timespec	 t;
	struct ctl_iface *ci;
	size_t		 i;

	clock_gettime(CLOCK_MONOTONIC, &t);
	if (snap_time.tv_sec != 0 && (t.tv_sec - snap_time.tv_sec) * 1000 +
	    (t.tv_nsec - snap_time.tv_nsec) / 1000000 < WEB_SNAPSHOT_MS)
		return (&snap);

	snap.nifaces = snap.nclients = snap.nsessions = 0;
	webui_ctl_call(IMSG_CTL_SHOW_STATUS, NULL, NULL, &snap);
	if (snap.st.role == ROLE_CLIENT)
		webui_ctl_call(IMSG_CTL_SHOW_INTERFACES, NULL, NULL, &snap);
	else {
		webui_ctl_call(IMSG_CTL_SHOW_CLIENTS, NULL, NULL, &snap);
		webui_ctl_call(IMSG_CTL_SHOW_SESSIONS, NULL, NULL, &snap);
	}
	/* Strings from the engine are ended where they must be. */
	snap.st.version[sizeof(snap.st.version) - 1] = '\0';
	snap.st.description[sizeof(snap.st.description) - 1] = '\0';
	for (i = 0; i < snap.nifaces; i++) {
		ci = &snap.ifaces[i];
		ci->ifname[sizeof(ci->ifname) - 1] = '\0';
		ci->label[sizeof(ci->label) - 1] = '\0';
		ci->status[sizeof(ci->status) - 1] = '\0';
		ci->reason[sizeof(ci->reason) - 1] = '\0';
		webui_quality(&ci->q);
	}
	for (i = 0; i < snap.nclients; i++)
		webui_quality(&snap.clients[i].q);
	snap_time = t;
	return (&snap);
}

/* exclude, include, swap or reset; the engine's answer in res. */
int
webui_action(uint32_t type, const char *ifname, struct ctl_result *res)
{
	int	r;

	r = webui_ctl_call(type, ifname, res, NULL);
	snap_time.tv_sec = snap_time.tv_nsec = 0;
	return (r);
}
