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

/* Server: client sessions, known by WireGuard's indexes, and who may join. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/tree.h>
#include <netinet/in.h>

#include <event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "util.h"
#include "engine.h"
#include "session.h"
#include "wg.h"

RB_GENERATE(session_tree, session, entry, session_cmp);
RB_GENERATE(index_tree, sess_index, entry, index_cmp);
RB_GENERATE(init_tree, sess_init, entry, init_cmp);

struct session_tree	 sessions = RB_INITIALIZER(&sessions);
int			 nsessions;
static struct index_tree indexes = RB_INITIALIZER(&indexes);
static struct init_tree	 inits = RB_INITIALIZER(&inits);
static uint32_t		 session_ids;

/*
 * The indexes of sessions that expired, for as long as WireGuard may still
 * use their keys: a client quiet past clientTimeout that speaks again on
 * its old keys starts a new session at once instead of waiting for its
 * next handshake.
 */
#define GRAVE_SLOTS	4096
#define GRAVE_SECS	180	/* WireGuard's Reject-After-Time */

struct grave {
	RB_ENTRY(grave)	 entry;
	uint32_t	 index;
	time_t		 when;
	int		 used;
};
RB_HEAD(grave_tree, grave);
int		 grave_cmp(struct grave *, struct grave *);
RB_PROTOTYPE(grave_tree, grave, entry, grave_cmp);
RB_GENERATE(grave_tree, grave, entry, grave_cmp);
static struct grave_tree graves = RB_INITIALIZER(&graves);
static struct grave	 grave_slots[GRAVE_SLOTS];
static unsigned int	 grave_next;


static uint32_t	 get32(const uint8_t *);

int
session_cmp(struct session *a, struct session *b)
{
	return (a->id < b->id ? -1 : a->id > b->id);
}

int
index_cmp(struct sess_index *a, struct sess_index *b)
{
	return (a->index < b->index ? -1 : a->index > b->index);
}

int
init_cmp(struct sess_init *a, struct sess_init *b)
{
	if (a->sender != b->sender)
		return (a->sender < b->sender ? -1 : 1);
	return (memcmp(a->mac1, b->mac1, sizeof(a->mac1)));
}

int
grave_cmp(struct grave *a, struct grave *b)
{
	return (a->index < b->index ? -1 : a->index > b->index);
}

/* An index a session had until when, seconds on the engine's clock. */
void
session_grave(uint32_t index, time_t when)
{
	struct grave	*g = &grave_slots[grave_next], *old;

	grave_next = (grave_next + 1) % GRAVE_SLOTS;
	if (g->used)
		RB_REMOVE(grave_tree, &graves, g);
	g->index = index;
	g->when = when;
	g->used = 1;
	if ((old = RB_INSERT(grave_tree, &graves, g)) != NULL) {
		old->when = when;
		g->used = 0;
	}
}

/* Whether the index was a session's until lately. */
int
session_index_recent(uint32_t index, time_t now)
{
	struct grave	key, *g;

	key.index = index;
	if ((g = RB_FIND(grave_tree, &graves, &key)) == NULL)
		return (0);
	return (now - g->when <= GRAVE_SECS);
}

static uint32_t
get32(const uint8_t *p)
{
	uint32_t	v;

	memcpy(&v, p, sizeof(v));
	return (v);
}

/* A new, empty session; the caller gives it its socket to WireGuard. */
struct session *
session_new(const struct timespec *now)
{
	struct session	*s;
	int		 i;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return (NULL);
	/* Ids are never 0 and never reused while the engine runs. */
	do {
		s->id = ++session_ids;
	} while (s->id == 0 || RB_FIND(session_tree, &sessions, s) != NULL);
	s->wg_fd = -1;
	TAILQ_INIT(&s->addrs);
	for (i = 0; i < SESS_INDEXES; i++)
		s->idx[i].sess = s;
	s->init.sess = s;
	s->first_seen = s->last_rx = *now;
	RB_INSERT(session_tree, &sessions, s);
	nsessions++;
	return (s);
}

/*
 * Forget a session and its indexes.  Its addresses must have left; its
 * socket is the caller's to close.
 */
void
session_free(struct session *s, time_t now)
{
	int	i;

	if (!TAILQ_EMPTY(&s->addrs))
		fatalx("session %u freed with addresses", s->id);
	for (i = 0; i < SESS_INDEXES; i++)
		if (s->idx[i].used) {
			RB_REMOVE(index_tree, &indexes, &s->idx[i]);
			/* Never confirmed by WireGuard: not worth keeping. */
			if (!s->provisional)
				session_grave(s->idx[i].index, now);
		}
	if (s->init.used)
		RB_REMOVE(init_tree, &inits, &s->init);
	RB_REMOVE(session_tree, &sessions, s);
	nsessions--;
	free(s);
}

struct session *
session_find(uint32_t id)
{
	struct session	key;

	key.id = id;
	return (RB_FIND(session_tree, &sessions, &key));
}

/*
 * An index our WireGuard chose for this peer (the sender index of its
 * initiation or response).  The oldest of the session's gives way; an
 * index WireGuard reused from another peer moves here.
 */
int
session_add_index(struct session *s, uint32_t index)
{
	struct sess_index	*x, *old;
	int			 i;

	for (i = 0; i < SESS_INDEXES; i++)
		if (s->idx[i].used && s->idx[i].index == index)
			return (0);
	x = &s->idx[s->nextidx];
	s->nextidx = (s->nextidx + 1) % SESS_INDEXES;
	if (x->used)
		RB_REMOVE(index_tree, &indexes, x);
	x->index = index;
	x->used = 1;
	if ((old = RB_INSERT(index_tree, &indexes, x)) != NULL) {
		RB_REMOVE(index_tree, &indexes, old);
		old->used = 0;
		RB_INSERT(index_tree, &indexes, x);
	}
	return (1);
}

struct session *
session_by_index(uint32_t index)
{
	struct sess_index	key, *x;

	key.index = index;
	x = RB_FIND(index_tree, &indexes, &key);
	return (x != NULL ? x->sess : NULL);
}

int
session_nindexes(const struct session *s)
{
	int	i, n = 0;

	for (i = 0; i < SESS_INDEXES; i++)
		n += s->idx[i].used;
	return (n);
}

/* The initiation this session passed on last: its copies join it. */
void
session_set_init(struct session *s, const uint8_t *msg)
{
	struct sess_init	*old;

	if (s->init.used)
		RB_REMOVE(init_tree, &inits, &s->init);
	s->init.sender = get32(msg + WG_SENDER_OFF);
	memcpy(s->init.mac1, msg + WG_MAC1_OFF, sizeof(s->init.mac1));
	s->init.used = 1;
	if ((old = RB_INSERT(init_tree, &inits, &s->init)) != NULL) {
		/* The same initiation twice: the newest session has it. */
		RB_REMOVE(init_tree, &inits, old);
		old->used = 0;
		RB_INSERT(init_tree, &inits, &s->init);
	}
	s->rekeys++;
}

struct session *
session_by_init(const uint8_t *msg)
{
	struct sess_init	key, *x;

	key.sender = get32(msg + WG_SENDER_OFF);
	memcpy(key.mac1, msg + WG_MAC1_OFF, sizeof(key.mac1));
	x = RB_FIND(init_tree, &inits, &key);
	return (x != NULL ? x->sess : NULL);
}

void
session_addr_add(struct session *s, struct peer *pr)
{
	if (pr->sess != NULL)
		session_addr_del(pr);
	pr->sess = s;
	TAILQ_INSERT_TAIL(&s->addrs, pr, sentry);
	s->naddrs++;
}

void
session_addr_del(struct peer *pr)
{
	struct session	*s = pr->sess;

	if (s == NULL)
		return;
	TAILQ_REMOVE(&s->addrs, pr, sentry);
	s->naddrs--;
	pr->sess = NULL;
}

/* Whether allowedSources lets this address start a session. */
int
session_allowed(const struct conf_prefix *pfx, int n,
    const struct sockaddr_storage *ss)
{
	const struct in6_addr *a6;
	const uint8_t	*a, *p;
	size_t		 alen;
	uint32_t	 bits;
	int		 i, family = ss->ss_family;

	if (n == 0)
		return (1);
	if (ss->ss_family == AF_INET) {
		a = (const uint8_t *)&((const struct sockaddr_in *)ss)->
		    sin_addr;
		alen = 4;
	} else if (ss->ss_family == AF_INET6) {
		a6 = &((const struct sockaddr_in6 *)ss)->sin6_addr;
		a = (const uint8_t *)a6;
		alen = 16;
		/* An IPv4 client of a dual-stack server. */
		if (IN6_IS_ADDR_V4MAPPED(a6)) {
			a += 12;
			alen = 4;
			family = AF_INET;
		}
	} else
		return (0);
	for (i = 0; i < n; i++) {
		if (pfx[i].addr.ss_family != family)
			continue;
		p = family == AF_INET ?
		    (const uint8_t *)&((const struct sockaddr_in *)
		    &pfx[i].addr)->sin_addr :
		    (const uint8_t *)&((const struct sockaddr_in6 *)
		    &pfx[i].addr)->sin6_addr;
		bits = pfx[i].plen;
		if (bits > alen * 8)
			continue;
		if (memcmp(a, p, bits / 8) != 0)
			continue;
		if (bits % 8 != 0 && ((a[bits / 8] ^ p[bits / 8]) &
		    (0xff00 >> (bits % 8))) != 0)
			continue;
		return (1);
	}
	return (0);
}

/*
 * Which session a datagram from address pr (NULL: not yet known) belongs
 * to, by the indexes WireGuard put in clear.  Returns the verdict; with
 * ADMIT_SESSION *sp is the session, with ADMIT_NEW the caller makes one.
 */
enum admit
session_admit(const uint8_t *p, size_t len, struct peer *pr,
    const struct sockaddr_storage *from, const struct session_rules *r,
    struct session **sp)
{
	struct session	*s;
	uint32_t	 index;
	int		 t;

	*sp = NULL;
	switch ((t = wg_type(p, len))) {
	case 0:
		return (ADMIT_NOT_WG);
	case WG_INITIATION:
		if (r->mac1 != NULL && !wg_mac1_ok(r->mac1, p, len))
			return (ADMIT_BAD_MAC1);
		/* A copy of one already passed on: its session. */
		if ((s = session_by_init(p)) != NULL) {
			*sp = s;
			return (ADMIT_SESSION);
		}
		if (pr != NULL && pr->sess != NULL) {
			*sp = pr->sess;
			session_set_init(pr->sess, p);
			return (ADMIT_SESSION);
		}
		if (!session_allowed(r->allowed, r->nallowed, from))
			return (ADMIT_DENIED);
		return (ADMIT_NEW);
	default:
		index = get32(p + (t == WG_RESPONSE ? WG_RECEIVER_OFF_RESP :
		    WG_RECEIVER_OFF));
		if ((s = session_by_index(index)) == NULL) {
			/* Ours may have missed it: WireGuard decides. */
			if (pr != NULL && pr->sess != NULL) {
				*sp = pr->sess;
				return (ADMIT_SESSION);
			}
			/* Lately ours, here or before a restart. */
			if (r->now != 0 && session_index_recent(index,
			    r->now)) {
				if (!session_allowed(r->allowed, r->nallowed,
				    from))
					return (ADMIT_DENIED);
				return (ADMIT_REVIVE);
			}
			return (ADMIT_STRANGER);
		}
		*sp = s;
		return (ADMIT_SESSION);
	}
}

/*
 * What our WireGuard sent through a session teaches us: its indexes.
 * Returns the index when it is new to the session, 0 otherwise.
 */
uint32_t
session_learn(struct session *s, const uint8_t *p, size_t len)
{
	int		t = wg_type(p, len);
	uint32_t	index;

	if (t != WG_INITIATION && t != WG_RESPONSE)
		return (0);
	index = get32(p + WG_SENDER_OFF);
	return (session_add_index(s, index) ? index : 0);
}
