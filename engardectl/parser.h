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

/* The engardectl command parser: token tables linked by next. */

#ifndef PARSER_H
#define PARSER_H

#include <net/if.h>

enum actions {
	NONE,
	SHOW_STATUS,
	SHOW_INTERFACES,
	SHOW_CLIENTS,
	SHOW_SESSIONS,
	SHOW_PATHS,
	EXCLUDE,
	INCLUDE,
	RESET_EXCLUSIONS,
	RELOAD,
	LOG_VERBOSE,
	LOG_BRIEF
};

struct parse_result {
	enum actions	action;
	char		ifname[IFNAMSIZ];
};

struct parse_result	*parse(int, char *[]);

#endif /* PARSER_H */
