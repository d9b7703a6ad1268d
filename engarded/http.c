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
 * The dashboard's requests: the page, Go engarde's JSON API and the
 * Prometheus metrics, each answered from what the engine says.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "log.h"
#include "proto.h"
#include "util.h"
#include "engarded.h"
#include "webui.h"

#define WEB_BODY_LIMIT	4096
#define HTTP_CODES	600		/* status codes counted: 100 to 599 */

#define CSP	"default-src 'none'; script-src 'self'; style-src 'self'; " \
		"img-src 'self' data:; connect-src 'self'; base-uri 'none'; " \
		"form-action 'none'; frame-ancestors 'none'"

struct route {
	const char	*path;
	int		 methods;
	void		(*handler)(struct evhttp_request *, const char *);
	const char	*arg;
};

static void	http_headers(struct evhttp_request *, const char *, int);
static void	http_reply(struct evhttp_request *, int, const char *,
		    struct evbuffer *);
static void	http_json(struct evhttp_request *, int, json_t *);
static void	http_error(struct evhttp_request *, int, const char *);
static int	http_authorized(struct evhttp_request *);
static void	http_page(struct evhttp_request *, const char *);
static void	http_get_list(struct evhttp_request *, const char *);
static void	http_action(struct evhttp_request *, const char *);
static void	http_metrics(struct evhttp_request *, const char *);
static json_t	*http_addr(const struct sockaddr_storage *, int);
static json_t	*http_last(int64_t);
static json_t	*http_counters(json_t *, const struct ctl_counters *);
static json_t	*http_quality(const struct ctl_quality *);
static json_t	*http_window(const struct ctl_quality *, uint32_t);
static json_t	*http_session(const struct ctl_session *);
static void	 http_server_list(json_t *, const struct snapshot *);
static json_t	*http_string(const char *);
static json_t	*http_uint(uint64_t);
static int	 http_utf8(const char *);
static void	 http_metric_head(struct evbuffer *, const char *,
		    const char *, const char *);
static void	 http_label(struct evbuffer *, const char *);
static void	 http_path(struct evbuffer *, const char *,
		    const struct snapshot *, size_t, int);
static const struct ctl_quality *http_path_quality(const struct snapshot *,
		    size_t);
static void	 http_metrics_quality(struct evbuffer *,
		    const struct snapshot *, size_t);
static void	 http_metrics_sessions(struct evbuffer *,
		    const struct snapshot *);

/* Every answer by status code, evhttp's own refusals included. */
static uint64_t	http_answers[HTTP_CODES];
static uint64_t	http_cuts[HTTP_CUT_MAX];

static const struct route routes[] = {
	{ "/",				EVHTTP_REQ_GET | EVHTTP_REQ_HEAD,
	    http_page,		"/index.html" },
	{ "/index.html",		EVHTTP_REQ_GET | EVHTTP_REQ_HEAD,
	    http_page,		"/index.html" },
	{ "/app.js",			EVHTTP_REQ_GET | EVHTTP_REQ_HEAD,
	    http_page,		"/app.js" },
	{ "/style.css",			EVHTTP_REQ_GET | EVHTTP_REQ_HEAD,
	    http_page,		"/style.css" },
	{ "/api/v1/get-list",		EVHTTP_REQ_GET, http_get_list, NULL },
	{ "/api/v1/include",		EVHTTP_REQ_POST, http_action,
	    "include" },
	{ "/api/v1/exclude",		EVHTTP_REQ_POST, http_action,
	    "exclude" },
	{ "/api/v1/swap-exclusion",	EVHTTP_REQ_POST, http_action,
	    "swap" },
	{ "/api/v1/reset-exclusions",	EVHTTP_REQ_POST, http_action,
	    "reset" },
	/* The paths of Go engarde's first versions. */
	{ "/get-list",			EVHTTP_REQ_GET, http_get_list, NULL },
	{ "/swap-exclusion",		EVHTTP_REQ_POST, http_action, "swap" },
	{ "/reset-exclusions",		EVHTTP_REQ_POST, http_action,
	    "reset" },
	{ "/metrics",			EVHTTP_REQ_GET, http_metrics, NULL },
};

/* An answer went out with this status code. */
void
http_count_answer(int code)
{
	if (code >= 100 && code < HTTP_CODES)
		http_answers[code]++;
}

/* A connection was cut without an answer. */
void
http_count_cut(enum http_cut why)
{
	if (why < HTTP_CUT_MAX)
		http_cuts[why]++;
}

void
http_handle(struct evhttp_request *req, void *arg)
{
	const struct evhttp_uri	*uri;
	const char		*path;
	size_t			 i;
	int			 method;

	(void)arg;
	method = evhttp_request_get_command(req);
	if ((uri = evhttp_request_get_evhttp_uri(req)) == NULL ||
	    (path = evhttp_uri_get_path(uri)) == NULL || *path != '/') {
		http_error(req, HTTP_BADREQUEST, "bad request target");
		return;
	}
	if (!http_authorized(req))
		return;
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (strcmp(routes[i].path, path) != 0)
			continue;
		if ((routes[i].methods & method) == 0) {
			evhttp_add_header(evhttp_request_get_output_headers(
			    req), "Allow", routes[i].methods & EVHTTP_REQ_POST ?
			    "POST" : "GET, HEAD");
			http_error(req, 405, "method not allowed");
			return;
		}
		routes[i].handler(req, routes[i].arg);
		return;
	}
	http_error(req, HTTP_NOTFOUND, "not found");
}

/* What every answer says about itself. */
static void
http_headers(struct evhttp_request *req, const char *type, int nocache)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Content-Security-Policy", CSP);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	if (webui_tls())
		evhttp_add_header(h, "Strict-Transport-Security",
		    "max-age=31536000");
	evhttp_add_header(h, "Cache-Control", nocache ? "no-store" :
	    "no-cache");
}

static void
http_reply(struct evhttp_request *req, int code, const char *type,
    struct evbuffer *body)
{
	http_headers(req, type, 1);
	evhttp_send_reply(req, code, NULL, body);
}

static void
http_json(struct evhttp_request *req, int code, json_t *o)
{
	struct evbuffer	*b;
	char		*s;

	if (o == NULL || (s = json_dumps(o, JSON_COMPACT)) == NULL)
		fatalx("json");
	json_decref(o);
	if ((b = evbuffer_new()) == NULL)
		fatal(NULL);
	evbuffer_add(b, s, strlen(s));
	evbuffer_add(b, "\n", 1);
	free(s);
	http_reply(req, code, "application/json", b);
	evbuffer_free(b);
}

static void
http_error(struct evhttp_request *req, int code, const char *msg)
{
	http_json(req, code, json_pack("{s:s, s:o}", "status", "error",
	    "message", http_string(msg)));
}

/*
 * Basic authentication when a username is set, for the page too, as Go
 * engarde did; the comparison takes the same time whatever was sent.
 */
static int
http_authorized(struct evhttp_request *req)
{
	const char	*h, *colon;
	unsigned char	 dec[512];
	size_t		 len;
	int		 n;

	if (!webui_auth_required())
		return (1);
	h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	if (h == NULL || strncasecmp(h, "Basic ", 6) != 0)
		goto deny;
	h += 6;
	len = strlen(h);
	if (len == 0 || len > 4 * ((sizeof(dec) - 1) / 3))
		goto deny;
	if ((n = EVP_DecodeBlock(dec, (const unsigned char *)h, len)) < 0)
		goto deny;
	/* EVP_DecodeBlock counts the padding: take it off again. */
	while (len > 0 && h[len - 1] == '=' && n > 0) {
		len--;
		n--;
	}
	dec[n] = '\0';
	if ((colon = memchr(dec, ':', n)) == NULL)
		goto deny;
	if (webui_auth_check((const char *)dec, colon - (char *)dec,
	    colon + 1, n - (colon + 1 - (char *)dec))) {
		explicit_bzero(dec, sizeof(dec));
		return (1);
	}
 deny:
	explicit_bzero(dec, sizeof(dec));
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "WWW-Authenticate", "Basic realm=\"engarde\", charset=\"UTF-8\"");
	http_error(req, 401, "authentication required");
	return (0);
}

const struct asset *
http_asset(const char *path)
{
	size_t	i;

	for (i = 0; i < nassets; i++)
		if (strcmp(assets[i].path, path) == 0)
			return (&assets[i]);
	return (NULL);
}

static void
http_page(struct evhttp_request *req, const char *path)
{
	const struct asset	*a;
	struct evbuffer		*b;

	if ((a = http_asset(path)) == NULL) {
		http_error(req, HTTP_NOTFOUND, "not found");
		return;
	}
	if ((b = evbuffer_new()) == NULL)
		fatal(NULL);
	evbuffer_add_reference(b, a->data, a->len, NULL, NULL);
	http_headers(req, a->type, 0);
	evhttp_send_reply(req, HTTP_OK, NULL, b);
	evbuffer_free(b);
}

static json_t *
http_addr(const struct sockaddr_storage *ss, int port)
{
	char	a[ADDR_STRLEN];

	if (ss->ss_family == AF_UNSPEC)
		return (json_null());
	return (json_string(port ? addr_fmt(ss, a, sizeof(a)) :
	    addr_ntop(ss, a, sizeof(a))));
}

/*
 * A string for JSON.  Interface names are bytes to the kernel, not always
 * UTF-8: the bytes JSON cannot carry become '?', never an error.
 */
static json_t *
http_string(const char *s)
{
	json_t	*j;
	char	*c, *p;

	if ((j = json_string(s)) != NULL)
		return (j);
	if ((c = strdup(s)) == NULL)
		fatal(NULL);
	for (p = c; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80 || (unsigned char)*p < 0x20)
			*p = '?';
	j = json_string(c);
	free(c);
	if (j == NULL)
		fatalx("json");
	return (j);
}

/* JSON integers are signed: a counter past that is shown at the limit. */
static json_t *
http_uint(uint64_t v)
{
	return (json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v));
}

static int
http_utf8(const char *s)
{
	json_t	*j;

	if ((j = json_string(s)) == NULL)
		return (0);
	json_decref(j);
	return (1);
}

/* Whole seconds since the last packet, as Go engarde gives it. */
static json_t *
http_last(int64_t ms)
{
	return (ms < 0 ? json_null() : json_integer(ms / 1000));
}

static json_t *
http_counters(json_t *o, const struct ctl_counters *c)
{
	json_object_set_new(o, "packets_in", http_uint(c->pkts_in));
	json_object_set_new(o, "bytes_in", http_uint(c->bytes_in));
	json_object_set_new(o, "packets_out", http_uint(c->pkts_out));
	json_object_set_new(o, "bytes_out", http_uint(c->bytes_out));
	json_object_set_new(o, "packets_out_gso", http_uint(c->gso_out));
	json_object_set_new(o, "drops", http_uint(c->drops));
	return (o);
}

/* A figure of the last seconds: null until something was measured. */
static json_t *
http_window(const struct ctl_quality *q, uint32_t v)
{
	return (q->samples == 0 ? json_null() : json_integer(v));
}

/*
 * A path's quality as the engine gives it: parts per million and
 * microseconds, the figures of the last 10 to 20 seconds null while
 * samples is 0; the totals since the path appeared.
 */
static json_t *
http_quality(const struct ctl_quality *q)
{
	json_t	*o;

	o = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "samples", (json_int_t)q->samples,
	    "loss_ppm", http_window(q, q->loss_ppm),
	    "first_ppm", http_window(q, q->first_ppm),
	    "delay_p50_us", http_window(q, q->delay_p50_us),
	    "delay_p99_us", http_window(q, q->delay_p99_us),
	    "replay", q->samples == 0 ? json_null() :
	    json_boolean(q->replay != 0),
	    "received", http_uint(q->received),
	    "first", http_uint(q->first),
	    "lost", http_uint(q->lost),
	    "late", http_uint(q->late));
	if (o == NULL)
		fatalx("json");
	return (o);
}

/* Server: one WireGuard peer, the addresses' "session" naming it. */
static json_t *
http_session(const struct ctl_session *cs)
{
	json_t	*o;

	o = json_pack("{s:I, s:I, s:I, s:b, s:o, s:I, s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)cs->id,
	    "address_count", (json_int_t)cs->naddrs,
	    "index_count", (json_int_t)cs->nindexes,
	    "own_socket", cs->own_socket != 0,
	    "wireguard_local", http_addr(&cs->wg_local, 1),
	    "age_ms", (json_int_t)cs->age_ms,
	    "last", http_last(cs->last_rx_ms),
	    "last_ms", cs->last_rx_ms < 0 ? json_null() :
	    json_integer(cs->last_rx_ms),
	    "handshake_initiations", http_uint(cs->initiations),
	    "addresses_refused", http_uint(cs->addr_limit));
	if (o == NULL)
		fatalx("json");
	return (http_counters(o, &cs->c));
}

/* Server: the sessions, their limits and what admission turned away. */
static void
http_server_list(json_t *o, const struct snapshot *s)
{
	json_t	*list, *adm;
	size_t	 i;

	list = json_array();
	for (i = 0; i < s->nsessions; i++)
		json_array_append_new(list, http_session(&s->sessions[i]));
	json_object_set_new(o, "sessions", list);
	json_object_set_new(o, "sessions_max",
	    json_integer(s->st.max_sessions));
	json_object_set_new(o, "session_addresses_max",
	    json_integer(s->st.max_session_addrs));
	json_object_set_new(o, "sessions_created",
	    http_uint(s->st.sessions_made));
	json_object_set_new(o, "sessions_expired",
	    http_uint(s->st.sessions_expired));
	adm = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "not_wireguard", http_uint(s->st.not_wg),
	    "unknown_source", http_uint(s->st.stranger),
	    "denied", http_uint(s->st.denied),
	    "bad_mac1", http_uint(s->st.bad_mac1),
	    "session_limit", http_uint(s->st.session_limit),
	    "address_limit", http_uint(s->st.addr_limit),
	    "no_socket", http_uint(s->st.no_wg_socket));
	if (adm == NULL)
		fatalx("json");
	json_object_set_new(o, "admission_dropped", adm);
}

/*
 * Go engarde's list: {"type", "interfaces": [{name, status, address,
 * last}]} or {"type", "sockets": [{address, last}]}, with our additions.
 */
static void
http_get_list(struct evhttp_request *req, const char *arg)
{
	const struct snapshot	*s;
	const struct ctl_iface	*ci;
	const struct ctl_client	*cl;
	json_t			*o, *list, *e;
	size_t			 i;

	(void)arg;
	s = webui_snapshot();
	o = json_pack("{s:s, s:o, s:o, s:I, s:o}",
	    "type", s->st.role == ROLE_CLIENT ? "client" : "server",
	    "description", http_string(s->st.description),
	    "version", http_string(s->st.version),
	    "uptime_ms", (json_int_t)s->st.uptime_ms,
	    "listen", http_addr(&s->st.listen, 1));
	if (o == NULL)
		fatalx("json");
	list = json_array();
	if (s->st.role == ROLE_CLIENT) {
		for (i = 0; i < s->nifaces; i++) {
			ci = &s->ifaces[i];
			e = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
			    "s:o}", "name", http_string(ci->ifname),
			    "status", http_string(ci->status),
			    "address", http_addr(&ci->local, 0),
			    "last", http_last(ci->last_rx_ms),
			    "last_ms", ci->last_rx_ms < 0 ? json_null() :
			    json_integer(ci->last_rx_ms),
			    "label", http_string(ci->label),
			    "reason", http_string(ci->reason),
			    "destination", http_addr(&ci->dst, 1));
			if (e == NULL)
				fatalx("json");
			json_object_set_new(e, "quality",
			    http_quality(&ci->q));
			json_array_append_new(list, http_counters(e, &ci->c));
		}
		json_object_set_new(o, "interfaces", list);
	} else {
		for (i = 0; i < s->nclients; i++) {
			cl = &s->clients[i];
			e = json_pack("{s:o, s:o, s:o, s:o, s:b}",
			    "address", http_addr(&cl->addr, 1),
			    "last", http_last(cl->last_rx_ms),
			    "last_ms", cl->last_rx_ms < 0 ? json_null() :
			    json_integer(cl->last_rx_ms),
			    "local", http_addr(&cl->local, 1),
			    "own_socket", cl->own_socket != 0);
			if (e == NULL)
				fatalx("json");
			json_object_set_new(e, "session", cl->session == 0 ?
			    json_null() : json_integer(cl->session));
			json_object_set_new(e, "quality",
			    http_quality(&cl->q));
			json_array_append_new(list, http_counters(e, &cl->c));
		}
		json_object_set_new(o, "sockets", list);
		http_server_list(o, s);
	}
	http_json(req, HTTP_OK, o);
}

/*
 * A change: POST with a JSON body {"interface": "eth0"} (reset needs none),
 * answered as Go engarde does: {"status": "ok"}, "already-excluded" or
 * "already-included".
 */
static void
http_action(struct evhttp_request *req, const char *what)
{
	struct evbuffer		*in;
	const char		*ct, *ifname = NULL;
	struct ctl_result	 res;
	json_t			*body = NULL, *v;
	json_error_t		 jerr;
	char			 buf[WEB_BODY_LIMIT + 1];
	uint32_t		 type;
	size_t			 len;

	memset(&res, 0, sizeof(res));
	ct = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Content-Type");
	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] != '\0' && ct[16] != ';')) {
		http_error(req, 415, "the body must be application/json");
		return;
	}
	in = evhttp_request_get_input_buffer(req);
	if ((len = evbuffer_get_length(in)) > WEB_BODY_LIMIT) {
		http_error(req, 413, "body too large");
		return;
	}
	evbuffer_copyout(in, buf, len);
	buf[len] = '\0';

	if (strcmp(what, "reset") == 0)
		type = IMSG_CTL_RESET_EXCLUSIONS;
	else {
		if ((body = json_loadb(buf, len, JSON_REJECT_DUPLICATES,
		    &jerr)) == NULL || !json_is_object(body)) {
			json_decref(body);
			http_error(req, HTTP_BADREQUEST, "malformed JSON");
			return;
		}
		if ((v = json_object_get(body, "interface")) == NULL ||
		    !json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) >= IFNAMSIZ) {
			json_decref(body);
			http_error(req, HTTP_BADREQUEST,
			    "expected {\"interface\": \"name\"}");
			return;
		}
		ifname = json_string_value(v);
		if (strcmp(what, "include") == 0)
			type = IMSG_CTL_INCLUDE;
		else if (strcmp(what, "exclude") == 0)
			type = IMSG_CTL_EXCLUDE;
		else
			type = IMSG_CTL_SWAP;
	}

	if (webui_action(type, ifname, &res) == -1) {
		json_decref(body);
		http_error(req, strncmp(res.text, "no interface", 12) == 0 ?
		    HTTP_NOTFOUND : HTTP_BADREQUEST, res.text);
		return;
	}
	json_decref(body);
	http_json(req, HTTP_OK, json_pack("{s:s}", "status",
	    res.code == CTL_ALREADY_EXCLUDED ? "already-excluded" :
	    res.code == CTL_ALREADY_INCLUDED ? "already-included" : "ok"));
}

static void
http_metric_head(struct evbuffer *b, const char *name, const char *type,
    const char *help)
{
	evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type);
}

/* A label value, escaped as the exposition format wants. */
static void
http_label(struct evbuffer *b, const char *v)
{
	int	utf8 = http_utf8(v);

	for (; *v != '\0'; v++) {
		if (!utf8 && (unsigned char)*v >= 0x80)
			evbuffer_add(b, "?", 1);
		else if (*v == '\\' || *v == '"')
			evbuffer_add_printf(b, "\\%c", *v);
		else if (*v == '\n')
			evbuffer_add(b, "\\n", 2);
		else
			evbuffer_add(b, v, 1);
	}
}

/*
 * A series of path i up to its value: {interface, label} on a client,
 * {address} on a server, with its session when asked and it has one.
 */
static void
http_path(struct evbuffer *b, const char *name, const struct snapshot *s,
    size_t i, int session)
{
	char	a[ADDR_STRLEN];

	if (s->st.role == ROLE_CLIENT) {
		evbuffer_add_printf(b, "%s{interface=\"", name);
		http_label(b, s->ifaces[i].ifname);
		evbuffer_add_printf(b, "\",label=\"");
		http_label(b, s->ifaces[i].label);
		evbuffer_add_printf(b, "\"} ");
		return;
	}
	evbuffer_add_printf(b, "%s{address=\"", name);
	http_label(b, addr_fmt(&s->clients[i].addr, a, sizeof(a)));
	if (session && s->clients[i].session != 0)
		evbuffer_add_printf(b, "\",session=\"%u",
		    s->clients[i].session);
	evbuffer_add_printf(b, "\"} ");
}

static const struct ctl_quality *
http_path_quality(const struct snapshot *s, size_t i)
{
	return (s->st.role == ROLE_CLIENT ? &s->ifaces[i].q :
	    &s->clients[i].q);
}

/*
 * The quality of each of the n paths.  The gauges cover the last 10 to 20
 * seconds and a path without samples has none; the totals are always
 * there.
 */
static void
http_metrics_quality(struct evbuffer *b, const struct snapshot *s, size_t n)
{
	static const struct gauge {
		const char	*name;
		const char	*help;
		size_t		 off;
		double		 scale;
	} gauges[] = {
		{ "engarde_path_loss_ratio", "Share of the WireGuard data "
		    "messages the path was expected to carry that it lost or "
		    "brought too late, over the last 10 to 20 s.",
		    offsetof(struct ctl_quality, loss_ppm), 1e6 },
		{ "engarde_path_first_ratio", "Share of the WireGuard data "
		    "messages the path was expected to carry that it brought "
		    "first, over the last 10 to 20 s.",
		    offsetof(struct ctl_quality, first_ppm), 1e6 },
		{ "engarde_path_delay_p50_seconds", "Median delay of the "
		    "path's copies behind the fastest path's, over the last "
		    "10 to 20 s.",
		    offsetof(struct ctl_quality, delay_p50_us), 1e6 },
		{ "engarde_path_delay_p99_seconds", "99th percentile of the "
		    "delay of the path's copies behind the fastest path's, "
		    "over the last 10 to 20 s.",
		    offsetof(struct ctl_quality, delay_p99_us), 1e6 },
		{ "engarde_path_replay_risk", "1 when copies on the path lag "
		    "beyond WireGuard's replay window, which refuses them.",
		    offsetof(struct ctl_quality, replay), 0 },
	};
	static const struct counter {
		const char	*name;
		const char	*help;
		size_t		 off;
	} counters[] = {
		{ "engarde_path_copies_received_total", "Copies of WireGuard "
		    "data messages the path delivered.",
		    offsetof(struct ctl_quality, received) },
		{ "engarde_path_copies_first_total", "WireGuard data messages "
		    "the path delivered before any other path.",
		    offsetof(struct ctl_quality, first) },
		{ "engarde_path_copies_lost_total", "WireGuard data messages "
		    "the path was expected to carry and lost or brought too "
		    "late.", offsetof(struct ctl_quality, lost) },
		{ "engarde_path_copies_late_total", "Copies that came after "
		    "their message was settled or beyond the replay window.",
		    offsetof(struct ctl_quality, late) },
	};
	const struct ctl_quality	*q;
	uint32_t			 v;
	size_t				 f, i;

	for (f = 0; f < sizeof(gauges) / sizeof(gauges[0]); f++) {
		http_metric_head(b, gauges[f].name, "gauge", gauges[f].help);
		for (i = 0; i < n; i++) {
			q = http_path_quality(s, i);
			if (q->samples == 0)
				continue;
			v = *(const uint32_t *)((const char *)q +
			    gauges[f].off);
			http_path(b, gauges[f].name, s, i, 1);
			if (gauges[f].scale == 0)
				evbuffer_add_printf(b, "%d\n", v != 0);
			else
				evbuffer_add_printf(b, "%.6f\n",
				    v / gauges[f].scale);
		}
	}
	for (f = 0; f < sizeof(counters) / sizeof(counters[0]); f++) {
		http_metric_head(b, counters[f].name, "counter",
		    counters[f].help);
		for (i = 0; i < n; i++) {
			q = http_path_quality(s, i);
			http_path(b, counters[f].name, s, i, 1);
			evbuffer_add_printf(b, "%llu\n", (unsigned long long)
			    *(const uint64_t *)((const char *)q +
			    counters[f].off));
		}
	}
}

/* Server: its sessions and what admission turned away. */
static void
http_metrics_sessions(struct evbuffer *b, const struct snapshot *s)
{
	const struct ctl_status	*st = &s->st;

	http_metric_head(b, "engarde_sessions", "gauge",
	    "WireGuard peers with a session now.");
	evbuffer_add_printf(b, "engarde_sessions %u\n", st->nsessions);
	http_metric_head(b, "engarde_sessions_max", "gauge",
	    "Sessions allowed at once.");
	evbuffer_add_printf(b, "engarde_sessions_max %u\n", st->max_sessions);
	http_metric_head(b, "engarde_session_addresses_max", "gauge",
	    "Addresses allowed to one session.");
	evbuffer_add_printf(b, "engarde_session_addresses_max %u\n",
	    st->max_session_addrs);
	http_metric_head(b, "engarde_sessions_created_total", "counter",
	    "Sessions created.");
	evbuffer_add_printf(b, "engarde_sessions_created_total %llu\n",
	    (unsigned long long)st->sessions_made);
	http_metric_head(b, "engarde_sessions_expired_total", "counter",
	    "Sessions ended for silence.");
	evbuffer_add_printf(b, "engarde_sessions_expired_total %llu\n",
	    (unsigned long long)st->sessions_expired);
	http_metric_head(b, "engarde_admission_dropped_total", "counter",
	    "Datagrams from addresses of no session, not admitted, by "
	    "reason.");
	evbuffer_add_printf(b,
	    "engarde_admission_dropped_total{reason=\"not_wireguard\"} %llu\n"
	    "engarde_admission_dropped_total{reason=\"unknown_source\"} "
	    "%llu\n"
	    "engarde_admission_dropped_total{reason=\"denied\"} %llu\n"
	    "engarde_admission_dropped_total{reason=\"bad_mac1\"} %llu\n"
	    "engarde_admission_dropped_total{reason=\"session_limit\"} "
	    "%llu\n"
	    "engarde_admission_dropped_total{reason=\"address_limit\"} "
	    "%llu\n"
	    "engarde_admission_dropped_total{reason=\"no_socket\"} %llu\n",
	    (unsigned long long)st->not_wg,
	    (unsigned long long)st->stranger,
	    (unsigned long long)st->denied,
	    (unsigned long long)st->bad_mac1,
	    (unsigned long long)st->session_limit,
	    (unsigned long long)st->addr_limit,
	    (unsigned long long)st->no_wg_socket);
}

/* The Prometheus text format: one family at a time, every series in it. */
static void
http_metrics(struct evhttp_request *req, const char *arg)
{
	static const struct family {
		const char	*name;
		const char	*help;
		size_t		 off;
	} fams[] = {
		{ "packets_received_total", "Packets received from the far "
		    "side.", offsetof(struct ctl_counters, pkts_in) },
		{ "bytes_received_total", "Bytes received from the far side.",
		    offsetof(struct ctl_counters, bytes_in) },
		{ "packets_sent_total", "Packets sent toward the far side.",
		    offsetof(struct ctl_counters, pkts_out) },
		{ "bytes_sent_total", "Bytes sent toward the far side.",
		    offsetof(struct ctl_counters, bytes_out) },
		{ "packets_sent_gso_total", "Of the packets sent, those sent "
		    "in GSO messages of several.",
		    offsetof(struct ctl_counters, gso_out) },
		{ "drops_total", "Copies the socket would not take.",
		    offsetof(struct ctl_counters, drops) },
		{ "errors_total", "Other send and receive errors.",
		    offsetof(struct ctl_counters, errors) },
	};
	const struct snapshot	*s;
	const struct ctl_counters *c;
	struct evbuffer		*b;
	const char		*kind;
	char			 name[96];
	size_t			 f, i, n;
	int64_t			 ms;

	(void)arg;
	s = webui_snapshot();
	if ((b = evbuffer_new()) == NULL)
		fatal(NULL);

	http_metric_head(b, "engarde_info", "gauge", "Version and role.");
	evbuffer_add_printf(b, "engarde_info{version=\"");
	http_label(b, s->st.version);
	evbuffer_add_printf(b, "\",role=\"%s\"} 1\n",
	    s->st.role == ROLE_CLIENT ? "client" : "server");
	http_metric_head(b, "engarde_uptime_seconds", "gauge",
	    "Seconds since engarded started.");
	evbuffer_add_printf(b, "engarde_uptime_seconds %.3f\n",
	    s->st.uptime_ms / 1000.0);
	http_metric_head(b, "engarde_wireguard_packets_received_total",
	    "counter", "Packets received from WireGuard.");
	evbuffer_add_printf(b, "engarde_wireguard_packets_received_total "
	    "%llu\n", (unsigned long long)s->st.wg.pkts_in);
	http_metric_head(b, "engarde_wireguard_packets_sent_total",
	    "counter", "Packets handed to WireGuard.");
	evbuffer_add_printf(b, "engarde_wireguard_packets_sent_total %llu\n",
	    (unsigned long long)s->st.wg.pkts_out);
	http_metric_head(b, "engarde_dropped_total", "counter",
	    "Datagrams dropped before forwarding, by reason.");
	evbuffer_add_printf(b,
	    "engarde_dropped_total{reason=\"oversized\"} %llu\n"
	    "engarde_dropped_total{reason=\"empty\"} %llu\n"
	    "engarde_dropped_total{reason=\"no_wireguard_peer\"} %llu\n"
	    "engarde_dropped_total{reason=\"no_path\"} %llu\n"
	    "engarde_dropped_total{reason=\"client_limit\"} %llu\n",
	    (unsigned long long)s->st.oversized,
	    (unsigned long long)s->st.empty,
	    (unsigned long long)s->st.no_wg_peer,
	    (unsigned long long)s->st.no_path,
	    (unsigned long long)s->st.peer_limit);

	http_metric_head(b, "engarde_dashboard_responses_total", "counter",
	    "Answers of the dashboard, by status code.");
	for (i = 100; i < HTTP_CODES; i++)
		if (http_answers[i] > 0)
			evbuffer_add_printf(b, "engarde_dashboard_responses_total"
			    "{code=\"%zu\"} %llu\n", i,
			    (unsigned long long)http_answers[i]);
	http_metric_head(b, "engarde_dashboard_cut_total", "counter",
	    "Connections the dashboard cut without an answer, by reason.");
	evbuffer_add_printf(b,
	    "engarde_dashboard_cut_total{reason=\"timeout\"} %llu\n"
	    "engarde_dashboard_cut_total{reason=\"tls\"} %llu\n",
	    (unsigned long long)http_cuts[HTTP_CUT_TIMEOUT],
	    (unsigned long long)http_cuts[HTTP_CUT_TLS]);

	kind = s->st.role == ROLE_CLIENT ? "interface" : "client";
	n = s->st.role == ROLE_CLIENT ? s->nifaces : s->nclients;
	for (f = 0; f < sizeof(fams) / sizeof(fams[0]); f++) {
		snprintf(name, sizeof(name), "engarde_%s_%s", kind,
		    fams[f].name);
		http_metric_head(b, name, "counter", fams[f].help);
		for (i = 0; i < n; i++) {
			c = s->st.role == ROLE_CLIENT ? &s->ifaces[i].c :
			    &s->clients[i].c;
			http_path(b, name, s, i, 0);
			evbuffer_add_printf(b, "%llu\n",
			    (unsigned long long)*(const uint64_t *)
			    ((const char *)c + fams[f].off));
		}
	}
	snprintf(name, sizeof(name), "engarde_%s_last_receive_seconds", kind);
	http_metric_head(b, name, "gauge",
	    "Seconds since the last packet from the far side.");
	for (i = 0; i < n; i++) {
		ms = s->st.role == ROLE_CLIENT ? s->ifaces[i].last_rx_ms :
		    s->clients[i].last_rx_ms;
		if (ms < 0)
			continue;
		http_path(b, name, s, i, 0);
		evbuffer_add_printf(b, "%.3f\n", ms / 1000.0);
	}
	if (s->st.role == ROLE_CLIENT) {
		http_metric_head(b, "engarde_interface_up", "gauge",
		    "1 while the interface carries copies.");
		for (i = 0; i < n; i++) {
			http_path(b, "engarde_interface_up", s, i, 0);
			evbuffer_add_printf(b, "%d\n",
			    strcmp(s->ifaces[i].status, "active") == 0);
		}
	}
	http_metrics_quality(b, s, n);
	if (s->st.role == ROLE_SERVER)
		http_metrics_sessions(b, s);
	http_reply(req, HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
	    b);
	evbuffer_free(b);
}
