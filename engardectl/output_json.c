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
static void	 j_counters(json_t *, const struct ctl_counters *);
static void	 j_print(json_t *);
static void	 json_interfaces(const struct ctl_iface *, size_t);
static void	 json_clients(const struct ctl_client *, size_t);
static void	 json_status(const struct ctl_status *);
static int	 json_result(const struct ctl_result *, enum actions);

const struct output json_output = {
	.interfaces = json_interfaces,
	.clients = json_clients,
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

static void
j_counters(json_t *obj, const struct ctl_counters *c)
{
	j_set(obj, "packets_in", j_uint(c->pkts_in));
	j_set(obj, "bytes_in", j_uint(c->bytes_in));
	j_set(obj, "packets_out", j_uint(c->pkts_out));
	j_set(obj, "bytes_out", j_uint(c->bytes_out));
	j_set(obj, "drops", j_uint(c->drops));
	j_set(obj, "errors", j_uint(c->errors));
}

static void
j_print(json_t *obj)
{
	if (json_dumpf(obj, stdout, JSON_PRESERVE_ORDER) == -1)
		errx(1, "cannot write JSON");
	putchar('\n');
	json_decref(obj);
}

static void
json_interfaces(const struct ctl_iface *ci, size_t n)
{
	json_t	*top, *arr, *o;
	size_t	 i;

	top = j_check(json_object());
	arr = j_check(json_array());
	for (i = 0; i < n; i++, ci++) {
		o = j_check(json_object());
		j_set(o, "name", j_string(ci->ifname));
		j_set(o, "label", j_string(ci->label));
		j_set(o, "status", j_string(ci->status));
		j_set(o, "reason", j_string(ci->reason));
		j_set(o, "source", j_host(&ci->local));
		j_set(o, "destination", j_addr(&ci->dst));
		j_set(o, "last_received_ms", j_ms(ci->last_rx_ms));
		j_counters(o, &ci->c);
		if (json_array_append_new(arr, o) == -1)
			errx(1, "out of memory building JSON");
	}
	j_set(top, "interfaces", arr);
	j_print(top);
}

static void
json_clients(const struct ctl_client *cl, size_t n)
{
	json_t	*top, *arr, *o;
	size_t	 i;

	top = j_check(json_object());
	arr = j_check(json_array());
	for (i = 0; i < n; i++, cl++) {
		o = j_check(json_object());
		j_set(o, "address", j_addr(&cl->addr));
		j_set(o, "local", j_addr(&cl->local));
		j_set(o, "last_seen_ms", j_ms(cl->last_rx_ms));
		j_set(o, "age_ms", j_ms(cl->age_ms));
		j_set(o, "own_socket", json_boolean(cl->own_socket != 0));
		j_counters(o, &cl->c);
		if (json_array_append_new(arr, o) == -1)
			errx(1, "out of memory building JSON");
	}
	j_set(top, "clients", arr);
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
	j_set(top, "dropped", o);

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
