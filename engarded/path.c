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


/* Per-path (client) and per-peer (server) state of the engine. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "util.h"
#include "engine.h"

RB_GENERATE(peer_tree, peer, entry, peer_cmp);

/* The path of an interface to a destination; any of its paths: dst NULL. */
struct path *
path_find(struct path_list *pl, const char *ifname,
    const struct sockaddr_storage *dst)
{
	struct path	*p;

	TAILQ_FOREACH(p, pl, entry)
		if (strcmp(p->ifname, ifname) == 0 &&
		    (dst == NULL || addr_cmp(&p->dst, dst) == 0))
			return (p);
	return (NULL);
}

/* The path of that interface and destination, made when new. */
struct path *
path_get(struct path_list *pl, const char *ifname,
    const struct sockaddr_storage *dst)
{
	struct path	*p;

	if ((p = path_find(pl, ifname, dst)) != NULL)
		return (p);
	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal(NULL);
	strlcpy(p->ifname, ifname, sizeof(p->ifname));
	p->dst = *dst;
	p->fd = -1;
	p->status = LINK_GONE;
	TAILQ_INSERT_TAIL(pl, p, entry);
	return (p);
}

void
path_close(struct path *p)
{
	if (p->fd == -1)
		return;
	event_del(&p->ev);
	close(p->fd);
	p->fd = -1;
}

/* Excluded by the file, unless swapped at run time, and the other way. */
int
path_excluded(const struct path *p)
{
	return (p->conf_excluded != p->swapped);
}

int
path_sending(const struct path *p)
{
	return (p->fd != -1 && !path_excluded(p));
}

/* The status word of a path and, unless it is active, why. */
void
path_describe(const struct path *p, char *status, size_t slen, char *reason,
    size_t rlen)
{
	const char	*r = "";

	if (path_excluded(p)) {
		strlcpy(status, "excluded", slen);
		strlcpy(reason, p->swapped ? "at run time" :
		    "by configuration", rlen);
		return;
	}
	if (p->fd != -1) {
		strlcpy(status, "active", slen);
		strlcpy(reason, "", rlen);
		return;
	}
	strlcpy(status, "idle", slen);
	switch (p->status) {
	case LINK_DOWN:
		r = "down";
		break;
	case LINK_NOADDR:
		r = "no address";
		break;
	case LINK_NOSOCK:
		r = "no socket";
		break;
	case LINK_SELF:
		r = "WireGuard interface";
		break;
	default:
		r = "absent";
		break;
	}
	strlcpy(reason, r, rlen);
}

int
peer_cmp(struct peer *a, struct peer *b)
{
	return (addr_cmp(&a->addr, &b->addr));
}

struct peer *
peer_find(struct peer_tree *pt, const struct sockaddr_storage *ss)
{
	struct peer	key;

	key.addr = *ss;
	return (RB_FIND(peer_tree, pt, &key));
}

void
peer_close(struct peer *pr)
{
	if (pr->fd == -1)
		return;
	event_del(&pr->ev);
	close(pr->fd);
	pr->fd = -1;
}
