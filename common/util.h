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


/* Small helpers shared by all programs: socket addresses. */

#ifndef UTIL_H
#define UTIL_H

#include <sys/socket.h>
#include <stddef.h>

#define ADDR_STRLEN	64	/* "[ipv6%scope]:port" and NUL */

int		 addr_parse(const char *, struct sockaddr_storage *, int);
const char	*addr_fmt(const struct sockaddr_storage *, char *, size_t);
const char	*addr_ntop(const struct sockaddr_storage *, char *, size_t);
socklen_t	 addr_len(const struct sockaddr_storage *);
int		 addr_cmp(const struct sockaddr_storage *,
		    const struct sockaddr_storage *);
int		 addr_port(const struct sockaddr_storage *);
int		 addr_is_loopback(const struct sockaddr_storage *);
int		 addr_is_any(const struct sockaddr_storage *);

#endif /* UTIL_H */
