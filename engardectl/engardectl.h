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

/* engardectl: shared definitions of the client and its two outputs. */

#ifndef ENGARDECTL_H
#define ENGARDECTL_H

#include <stddef.h>

#include "proto.h"
#include "parser.h"

#define ENGARDECTL_SOCKET	"/run/engarded.sock"
#define ENGARDECTL_TIMEOUT	10	/* seconds for the whole exchange */
#define ENGARDECTL_MAX_RECORDS	(1024 * 1024)	/* in one list */

/* The exit status of a usage error, as sysexits(3) EX_USAGE. */
#define ENGARDECTL_EX_USAGE	64

/* One output format: text (output.c) or JSON (output_json.c). */
struct output {
	void	(*interfaces)(const struct ctl_iface *, size_t);
	void	(*clients)(const struct ctl_client *, size_t);
	void	(*sessions)(const struct ctl_session *, size_t);
	/* A client's interfaces or a server's addresses, one of them. */
	void	(*paths)(const struct ctl_iface *, size_t,
		    const struct ctl_client *, size_t);
	void	(*status)(const struct ctl_status *);
	/* Returns the exit status. */
	int	(*result)(const struct ctl_result *, enum actions);
};

extern const struct output	text_output;
extern const struct output	json_output;

#endif /* ENGARDECTL_H */
