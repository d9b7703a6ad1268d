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


/* Interfaces and their addresses, kept current from rtnetlink events. */

#ifndef IFWATCH_H
#define IFWATCH_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>

#include <event.h>
#include <stdint.h>

/* linux/if.h has it; net/if.h, which the rest includes, has not. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP	0x10000
#endif

struct ifw_addr {
	TAILQ_ENTRY(ifw_addr)	entry;
	int			family;
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
	}			a;
	uint8_t			prefixlen;
	uint32_t		flags;		/* IFA_F_* */
};

struct ifw_iface {
	TAILQ_ENTRY(ifw_iface)	entry;
	uint32_t		index;
	char			name[IFNAMSIZ];
	uint32_t		flags;		/* IFF_* */
	char			kind[16];	/* IFLA_INFO_KIND */
	TAILQ_HEAD(, ifw_addr)	addrs;
};

TAILQ_HEAD(ifw_list, ifw_iface);

void			 ifwatch_init(struct event_base *,
			    void (*)(void *), void *);
const struct ifw_list	*ifwatch_ifaces(void);
int			 ifwatch_pick_addr(const struct ifw_iface *, int,
			    struct sockaddr_storage *);

#endif /* IFWATCH_H */
