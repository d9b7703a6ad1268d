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


/* libevent glue for framed message channels. */

#ifndef IPCEV_H
#define IPCEV_H

#include <event.h>

#include "ipc.h"

struct ipcev {
	struct ipcbuf	  ibuf;
	struct event	  ev;
	struct event_base *base;
	void		(*handler)(int, short, void *);
	void		 *arg;
	short		  events;
	int		  added;
	int		  rdoff;	/* not reading for now */
};

void	ipcev_init(struct ipcev *, struct event_base *, int,
	    void (*)(int, short, void *), void *);
void	ipcev_add(struct ipcev *);
int	ipcev_compose(struct ipcev *, uint32_t, uint32_t, int, const void *,
	    size_t);
int	ipcev_io(struct ipcev *, short);
void	ipcev_close(struct ipcev *);

#endif /* IPCEV_H */
