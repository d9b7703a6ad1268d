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

#include <sys/types.h>
#include <sys/queue.h>

#include <errno.h>
#include <event.h>
#include <string.h>
#include <unistd.h>

#include "ipcev.h"

void
ipcev_init(struct ipcev *iev, struct event_base *base, int fd,
    void (*handler)(int, short, void *), void *arg)
{
	memset(iev, 0, sizeof(*iev));
	ipc_init(&iev->ibuf, fd);
	iev->base = base;
	iev->handler = handler;
	iev->arg = arg;
}

/*
 * Wait for reading unless told not to, for writing while anything is
 * queued.
 */
void
ipcev_add(struct ipcev *iev)
{
	short	events = iev->rdoff ? 0 : EV_READ;

	if (ipc_pending(&iev->ibuf))
		events |= EV_WRITE;
	if (iev->added && events == iev->events)
		return;
	if (iev->added)
		event_del(&iev->ev);
	iev->added = 0;
	iev->events = events;
	if (events == 0)
		return;
	event_assign(&iev->ev, iev->base, iev->ibuf.fd, events | EV_PERSIST,
	    iev->handler, iev->arg);
	event_add(&iev->ev, NULL);
	iev->added = 1;
}

int
ipcev_compose(struct ipcev *iev, uint32_t type, uint32_t peerid, int fd,
    const void *data, size_t len)
{
	if (ipc_compose(&iev->ibuf, type, peerid, fd, data, len) == -1)
		return (-1);
	ipcev_add(iev);
	return (0);
}

/*
 * Do the reading and writing an event asks for.  Returns 1 while the
 * channel lives, 0 when the peer closed it, -1 on error.
 */
int
ipcev_io(struct ipcev *iev, short event)
{
	ssize_t	n;

	if (event & EV_READ) {
		n = ipc_read(&iev->ibuf);
		if (n == 0)
			return (0);
		if (n == -1 && errno != EAGAIN)
			return (-1);
	}
	if (event & EV_WRITE) {
		if (ipc_flush(&iev->ibuf) == -1)
			return (errno == EPIPE || errno == ECONNRESET ? 0 : -1);
	}
	return (1);
}

void
ipcev_close(struct ipcev *iev)
{
	if (iev->added)
		event_del(&iev->ev);
	iev->added = 0;
	ipc_clear(&iev->ibuf);
	if (iev->ibuf.fd != -1)
		close(iev->ibuf.fd);
	iev->ibuf.fd = -1;
}
