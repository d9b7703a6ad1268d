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


/* The dashboard process: what webui.c offers http.c. */

#ifndef WEBUI_H
#define WEBUI_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* What the engine said, at one moment. */
struct snapshot {
	struct ctl_status	 st;
	struct ctl_iface	*ifaces;
	size_t			 nifaces;
	struct ctl_client	*clients;
	size_t			 nclients;
	struct ctl_session	*sessions;	/* server */
	size_t			 nsessions;
};

/* One embedded file of webui/ (assets.c, generated). */
struct asset {
	const char		*path;
	const char		*type;
	const unsigned char	*data;
	size_t			 len;
};

extern const struct asset	assets[];
extern const size_t		nassets;

/* webui.c */
const struct snapshot	*webui_snapshot(void);
int			 webui_action(uint32_t, const char *,
			    struct ctl_result *);
int			 webui_auth_required(void);
int			 webui_auth_check(const char *, size_t, const char *,
			    size_t);
int			 webui_tls(void);

/* Why the dashboard cut a connection, for /metrics. */
enum http_cut {
	HTTP_CUT_TIMEOUT,		/* request not whole in time, or idle */
	HTTP_CUT_TLS,			/* a failed handshake or TLS record */
	HTTP_CUT_MAX
};

/* http.c */
struct evhttp_request;
void			 http_handle(struct evhttp_request *, void *);
const struct asset	*http_asset(const char *);
void			 http_count_answer(int);
void			 http_count_cut(enum http_cut);

#endif /* WEBUI_H */
