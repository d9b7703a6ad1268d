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

/* engardectl: the -j output, one JSON object per command. */

#include <sys/types.h>
#include <sys/socket.h>

#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util.h"
#include "engardectl.h"

static json_t	*j_check(json_t *);
static void	 j_set(json_t *, const char *, json_t *);
static json_t	*j_string(const char *);
static json_t	*j_uint(uint64_t);
static json_t	*j_ms(int64_t);
static json_t	*j_addr(const struct sockaddr_storage *);
static json_t	*j_host(const struct sockaddr_storage *);
static json_t	*j_ppm(uint32_t, int);
static json_t	*j_pct(uint32_t, int);
static void	 j_counters(json_t *, const struct ctl_counters *);
static json_t	*j_quality(const struct ctl_quality *);
static json_t	*j_iface(const struct ctl_iface *);
static json_t	*j_client(const struct ctl_client *);
static void	 j_append(json_t *, json_t *);
static void	 j_print(json_t *);
static void	 json_interfaces(const struct ctl_iface *, size_t);
static void	 json_clients(const struct ctl_client *, size_t);
static void	 json_sessions(const struct ctl_session *, size_t);
static void	 json_paths(const struct ctl_iface *, size_t,
		    const struct ctl_client *, size_t);
static void	 json_status(const struct ctl_status *);
static int	 json_result(const struct ctl_result *, enum actions);

const struct output json_output = {
	.interfaces = json_interfaces,
	.clients = json_clients,
	.sessions = json_sessions,
	.paths = json_paths,
	.status = json_status,
	.result = json_result
};

/* jansson says NULL only when out of memory. */
static json_t *
j_check(json_t *j)
{
	if (j == NULL)
		errx(1, "out of memory building JSON");
	return (j);
}

static void
j_set(json_t *obj, const char *key, json_t *val)
{
	if (json_object_set_new(obj, key, j_check(val)) == -1)
		errx(1, "out of memory building JSON");
}

/* JSON strings are UTF-8: a stray byte becomes '?', not an error. */
static json_t *
j_string(const char *s)
{
	json_t	*j;
	char	*copy, *p;

	if ((j = json_string(s)) != NULL)
		return (j);
	if ((copy = strdup(s)) == NULL)
		err(1, NULL);
	for (p = copy; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return (j_check(j));
}

/* Counters are unsigned 64 bits, JSON integers here signed. */
static json_t *
j_uint(uint64_t v)
{
	return (json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v));
}

/* Milliseconds ago; -1 means never and is null. */
static json_t *
j_ms(int64_t ms)
{
	return (ms < 0 ? json_null() : json_integer(ms));
}

/* Address and port, or null when unset. */
static json_t *
j_addr(const struct sockaddr_storage *ss)
{
	char	buf[ADDR_STRLEN];

	if (ss->ss_family == AF_UNSPEC)
		return (json_null());
	return (j_string(addr_fmt(ss, buf, sizeof(buf))));
}

/* The address alone, or null when unset. */
static json_t *
j_host(const struct sockaddr_storage *ss)
{
	char	buf[ADDR_STRLEN];

	if (ss->ss_family == AF_UNSPEC)
		return (json_null());
	return (j_string(addr_ntop(ss, buf, sizeof(buf))));
}

/* A figure of the window, null before anything was measured. */
static json_t *
j_ppm(uint32_t v, int measured)
{
	return (measured ? json_integer(v) : json_null());
}

/* Parts per million as a percentage: exact with 7 digits (j_print). */
static json_t *
j_pct(uint32_t ppm, int measured)
{
	return (measured ? json_real(ppm / 10000.0) : json_null());
}

static void
j_counters(json_t *obj, const struct ctl_counters *c)
{
	j_set(obj, "packets_in", j_uint(c->pkts_in));
	j_set(obj, "bytes_in", j_uint(c->bytes_in));
	j_set(obj, "packets_out", j_uint(c->pkts_out));
	j_set(obj, "bytes_out", j_uint(c->bytes_out));
	j_set(obj, "packets_out_gso", j_uint(c->gso_out));
	j_set(obj, "drops", j_uint(c->drops));
	j_set(obj, "errors", j_uint(c->errors));
}

static json_t *
j_quality(const struct ctl_quality *q)
{
	json_t	*o;
	int	 m = q->samples != 0;

	o = j_check(json_object());
	j_set(o, "samples", j_uint(q->samples));
	j_set(o, "loss_ppm", j_ppm(q->loss_ppm, m));
	j_set(o, "loss_pct", j_pct(q->loss_ppm, m));
	j_set(o, "first_ppm", j_ppm(q->first_ppm, m));
	j_set(o, "first_pct", j_pct(q->first_ppm, m));
	j_set(o, "delay_p50_us", j_ppm(q->delay_p50_us, m));
	j_set(o, "delay_p99_us", j_ppm(q->delay_p99_us, m));
	j_set(o, "replay", json_boolean(q->replay != 0));
	j_set(o, "received", j_uint(q->received));
	j_set(o, "first", j_uint(q->first));
	j_set(o, "lost", j_uint(q->lost));
	j_set(o, "late", j_uint(q->late));
	return (o);
}

/*
 * The quality object comes last: scripts may cut the output at each '{'
 * and still find every other member of a record on one piece.
 */
static json_t *
j_iface(const struct ctl_iface *ci)
{
	json_t	*o;

	o = j_check(json_object());
	j_set(o, "name", j_string(ci->ifname));
	j_set(o, "label", j_string(ci->label));
	j_set(o, "status", j_string(ci->status));
	j_set(o, "reason", j_string(ci->reason));
	j_set(o, "source", j_host(&ci->local));
	j_set(o, "destination", j_addr(&ci->dst));
	j_set(o, "last_received_ms", j_ms(ci->last_rx_ms));
	j_counters(o, &ci->c);
	j_set(o, "quality", j_quality(&ci->q));
	return (o);
}

static json_t *
j_client(const struct ctl_client *cl)
{
	json_t	*o;

	o = j_check(json_object());
	j_set(o, "address", j_addr(&cl->addr));
	j_set(o, "local", j_addr(&cl->local));
	j_set(o, "last_seen_ms", j_ms(cl->last_rx_ms));
	j_set(o, "age_ms", j_ms(cl->age_ms));
	j_set(o, "own_socket", json_boolean(cl->own_socket != 0));
	j_set(o, "session", cl->session != 0 ? j_uint(cl->session) :
	    json_null());
	j_counters(o, &cl->c);
	j_set(o, "quality", j_quality(&cl->q));
	return (o);
}

static void
j_append(json_t *arr, json_t *o)
{
	if (json_array_append_new(arr, o) == -1)
		errx(1, "out of memory building JSON");
}

static void
j_print(json_t *obj)
{
	if (json_dumpf(obj, stdout, JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(7)) == -1)
		errx(1, "cannot write JSON");
	putchar('\n');
	json_decref(obj);
}

static void
json_interfaces(const struct ctl_iface *ci, size_t n)
{
	json_t	*top, *arr;
	size_t	 i;

	top = j_check(json_object());
	arr = j_check(json_array());
	for (i = 0; i < n; i++)
		j_append(arr, j_iface(&ci[i]));
	j_set(top, "interfaces", arr);
	j_print(top);
}

static void
json_clients(const struct ctl_client *cl, size_t n)
{
	json_t	*top, *arr;
	size_t	 i;

	top = j_check(json_object());
	arr = j_check(json_array());
	for (i = 0; i < n; i++)
		j_append(arr, j_client(&cl[i]));
	j_set(top, "clients", arr);
	j_print(top);
}

static void
json_sessions(const struct ctl_session *cs, size_t n)
{
	json_t	*top, *arr, *o;
	size_t	 i;

	top = j_check(json_object());
	arr = j_check(json_array());
	for (i = 0; i < n; i++, cs++) {
		o = j_check(json_object());
		j_set(o, "id", j_uint(cs->id));
		j_set(o, "addresses", j_uint(cs->naddrs));
		j_set(o, "indexes", j_uint(cs->nindexes));
		j_set(o, "own_socket", json_boolean(cs->own_socket != 0));
		j_set(o, "wireguard_local", j_addr(&cs->wg_local));
		j_set(o, "age_ms", j_ms(cs->age_ms));
		j_set(o, "last_seen_ms", j_ms(cs->last_rx_ms));
		j_set(o, "initiations", j_uint(cs->initiations));
		j_set(o, "addresses_refused", j_uint(cs->addr_limit));
		j_counters(o, &cs->c);
		j_append(arr, o);
	}
	j_set(top, "sessions", arr);
	j_print(top);
}

/* The records of show interfaces or show clients, whichever came. */
static void
json_paths(const struct ctl_iface *ci, size_t ni,
    const struct ctl_client *cl, size_t nc)
{
	json_t	*top, *arr;
	size_t	 i;

	top = j_check(json_object());
	arr = j_check(json_array());
	for (i = 0; i < ni; i++)
		j_append(arr, j_iface(&ci[i]));
	for (i = 0; i < nc; i++)
		j_append(arr, j_client(&cl[i]));
	j_set(top, "paths", arr);
	j_print(top);
}

static void
json_status(const struct ctl_status *st)
{
	json_t	*top, *o;

	top = j_check(json_object());
	j_set(top, "role", j_string(st->role == 1 ? "client" : "server"));
	j_set(top, "description", j_string(st->description));
	j_set(top, "version", j_string(st->version));
	j_set(top, "uptime_ms", json_integer(st->uptime_ms));
	j_set(top, "listen", j_addr(&st->listen));
	j_set(top, "wireguard", j_addr(&st->wireguard));
	j_set(top, "active_paths", j_uint(st->npaths));
	j_set(top, "clients", j_uint(st->nclients));
	j_set(top, "verbose", j_uint(st->verbose));
	j_set(top, "dedup", json_boolean(st->dedup != 0));

	o = j_check(json_object());
	j_set(o, "packets", j_uint(st->wg.pkts_in));
	j_set(o, "bytes", j_uint(st->wg.bytes_in));
	j_set(top, "from_wireguard", o);

	o = j_check(json_object());
	j_set(o, "packets", j_uint(st->wg.pkts_out));
	j_set(o, "bytes", j_uint(st->wg.bytes_out));
	j_set(o, "packets_gso", j_uint(st->wg.gso_out));
	j_set(o, "drops", j_uint(st->wg.drops));
	j_set(top, "to_wireguard", o);

	o = j_check(json_object());
	j_set(o, "oversized", j_uint(st->oversized));
	j_set(o, "empty", j_uint(st->empty));
	j_set(o, "no_wireguard_peer", j_uint(st->no_wg_peer));
	j_set(o, "no_path", j_uint(st->no_path));
	j_set(o, "client_limit", j_uint(st->peer_limit));
	j_set(o, "handshake_copies", j_uint(st->hs_copies));
	j_set(o, "data_copies", j_uint(st->data_copies));
	j_set(o, "not_wireguard", j_uint(st->role == 1 ? st->not_wg : 0));
	j_set(o, "not_from_wireguard", j_uint(st->not_from_wg));
	j_set(top, "dropped", o);

	j_set(top, "sessions", j_uint(st->nsessions));
	j_set(top, "max_sessions", j_uint(st->max_sessions));
	j_set(top, "max_session_addresses", j_uint(st->max_session_addrs));
	j_set(top, "mac1_checked", json_boolean(st->mac1_checked != 0));
	j_set(top, "allowed_sources", j_uint(st->nallowed));
	j_set(top, "sessions_made", j_uint(st->sessions_made));
	j_set(top, "sessions_expired", j_uint(st->sessions_expired));
	j_set(top, "sessions_revived", j_uint(st->sessions_revived));
	j_set(top, "sessions_unanswered", j_uint(st->sessions_unanswered));

	/* Server admission: datagrams dropped before any session. */
	o = j_check(json_object());
	j_set(o, "not_wireguard", j_uint(st->not_wg));
	j_set(o, "unknown_source", j_uint(st->stranger));
	j_set(o, "denied", j_uint(st->denied));
	j_set(o, "bad_mac1", j_uint(st->bad_mac1));
	j_set(o, "session_limit", j_uint(st->session_limit));
	j_set(o, "address_limit", j_uint(st->addr_limit));
	j_set(o, "no_wg_socket", j_uint(st->no_wg_socket));
	j_set(top, "admission", o);

	j_set(top, "control_errors", j_uint(st->ctl_errors));
	j_print(top);
}

/* The words of Go engarde's web API. */
static int
json_result(const struct ctl_result *res, enum actions action)
{
	json_t		*top;
	const char	*word;
	char		 text[CTL_TEXT_LEN];
	size_t		 len;

	(void)action;
	switch (res->code) {
	case CTL_OK:
		word = "ok";
		break;
	case CTL_ALREADY_EXCLUDED:
		word = "already-excluded";
		break;
	case CTL_ALREADY_INCLUDED:
		word = "already-included";
		break;
	default:
		word = "error";
		break;
	}
	len = strlcpy(text, res->text, sizeof(text));
	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';

	top = j_check(json_object());
	j_set(top, "result", j_string(word));
	j_set(top, "message", j_string(text));
	j_print(top);
	return (res->code == CTL_ERROR ? 1 : 0);
}
