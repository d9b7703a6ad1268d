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

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "util.h"

/*
 * Parse "host:port" or "[v6host]:port" into ss.  With resolve, a host name
 * is looked up; otherwise only numeric addresses are taken.  The port must be
 * 1 to 65535.  Returns 0, or -1 with errno EINVAL (syntax), ERANGE (port) or
 * ENOENT (name did not resolve).
 */
int
addr_parse(const char *s, struct sockaddr_storage *ss, int resolve)
{
	char		 host[256], *end;
	const char	*colon, *port;
	struct addrinfo	 hints, *res;
	long		 p;
	size_t		 hlen;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		if ((end = strchr(s, ']')) == NULL || end[1] != ':')
			goto inval;
		hlen = end - s - 1;
		if (hlen == 0 || hlen >= sizeof(host))
			goto inval;
		memcpy(host, s + 1, hlen);
		port = end + 2;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			goto inval;
		/* A bare IPv6 address needs brackets. */
		if (memchr(s, ':', colon - s) != NULL)
			goto inval;
		hlen = colon - s;
		if (hlen >= sizeof(host))
			goto inval;
		memcpy(host, s, hlen);
		port = colon + 1;
	}
	host[hlen] = '\0';

	if (*port == '\0' || strspn(port, "0123456789") != strlen(port))
		goto inval;
	errno = 0;
	p = strtol(port, &end, 10);
	if (errno != 0 || p < 1 || p > 65535) {
		errno = ERANGE;
		return (-1);
	}

	/* An empty host is the wildcard, as in Go's ":59501". */
	if (hlen == 0)
		strlcpy(host, "0.0.0.0", sizeof(host));

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = resolve ? 0 : AI_NUMERICHOST;
	if (getaddrinfo(host, NULL, &hints, &res) != 0 || res == NULL) {
		errno = resolve ? ENOENT : EINVAL;
		return (-1);
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);

	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(p);
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(p);
	else
		goto inval;
	return (0);
 inval:
	errno = EINVAL;
	return (-1);
}

/* The address alone, without port. */
const char *
addr_ntop(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)ss;

	switch (ss->ss_family) {
	case AF_INET:
		if (inet_ntop(AF_INET, &sin->sin_addr, buf, len) != NULL)
			return (buf);
		break;
	case AF_INET6:
		if (inet_ntop(AF_INET6, &sin6->sin6_addr, buf, len) != NULL)
			return (buf);
		break;
	}
	strlcpy(buf, "-", len);
	return (buf);
}

const char *
addr_fmt(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char	a[INET6_ADDRSTRLEN];

	switch (ss->ss_family) {
	case AF_INET:
		snprintf(buf, len, "%s:%d", addr_ntop(ss, a, sizeof(a)),
		    addr_port(ss));
		break;
	case AF_INET6:
		snprintf(buf, len, "[%s]:%d", addr_ntop(ss, a, sizeof(a)),
		    addr_port(ss));
		break;
	default:
		strlcpy(buf, "-", len);
	}
	return (buf);
}

socklen_t
addr_len(const struct sockaddr_storage *ss)
{
	switch (ss->ss_family) {
	case AF_INET:
		return (sizeof(struct sockaddr_in));
	case AF_INET6:
		return (sizeof(struct sockaddr_in6));
	}
	return (0);
}

int
addr_port(const struct sockaddr_storage *ss)
{
	switch (ss->ss_family) {
	case AF_INET:
		return (ntohs(((const struct sockaddr_in *)ss)->sin_port));
	case AF_INET6:
		return (ntohs(((const struct sockaddr_in6 *)ss)->sin6_port));
	}
	return (0);
}

/* Total order on family, address and port; 0 when equal. */
int
addr_cmp(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in	*a4, *b4;
	const struct sockaddr_in6	*a6, *b6;
	int				 r;

	if (a->ss_family != b->ss_family)
		return (a->ss_family < b->ss_family ? -1 : 1);
	switch (a->ss_family) {
	case AF_INET:
		a4 = (const struct sockaddr_in *)a;
		b4 = (const struct sockaddr_in *)b;
		if ((r = memcmp(&a4->sin_addr, &b4->sin_addr, 4)) != 0)
			return (r);
		break;
	case AF_INET6:
		a6 = (const struct sockaddr_in6 *)a;
		b6 = (const struct sockaddr_in6 *)b;
		if ((r = memcmp(&a6->sin6_addr, &b6->sin6_addr, 16)) != 0)
			return (r);
		if (a6->sin6_scope_id != b6->sin6_scope_id)
			return (a6->sin6_scope_id < b6->sin6_scope_id ?
			    -1 : 1);
		break;
	default:
		return (0);
	}
	return (addr_port(a) - addr_port(b));
}

int
addr_is_loopback(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET)
		return ((ntohl(sin->sin_addr.s_addr) >> 24) == 127);
	if (ss->ss_family == AF_INET6)
		return (IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr));
	return (0);
}

int
addr_is_any(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET)
		return (sin->sin_addr.s_addr == htonl(INADDR_ANY));
	if (ss->ss_family == AF_INET6)
		return (IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr));
	return (0);
}
