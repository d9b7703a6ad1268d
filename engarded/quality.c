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


/* Passive per-path loss and delay, from the copies of WireGuard data. */

#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "quality.h"

#define QE_FREE		0
#define QE_PENDING	1	/* copies still counted */
#define QE_DONE		2	/* finalised: later copies are late */

#define QUAL_NOBIT	0xff	/* the first path has left */
#define QUAL_MIX	0x9e3779b1U	/* spreads key pairs over the ring */

struct qual_entry {
	uint64_t	counter;
	uint64_t	first_us;
	uint64_t	seen;		/* paths that brought a copy */
	uint64_t	expect;		/* paths charged when it is lost */
	uint32_t	index;
	uint8_t		first;		/* bit of the first copy */
	uint8_t		state;
};

static void		 inc32(uint32_t *);
static uint32_t		 sat32(uint64_t);
static uint32_t		 qual_slot(const struct qual_group *, uint32_t,
			    uint64_t);
static struct qual_track *qual_track(struct qual_group *, uint32_t, uint64_t);
static void		 qual_sample(struct qual_epoch *, uint64_t);
static void		 qual_finalise(struct qual_group *,
			    struct qual_entry *);
static uint32_t		 qual_ppm(uint64_t, uint64_t);
static uint32_t		 qual_percentile(const struct qual_path *, uint64_t,
			    unsigned int);

int
qual_group_init(struct qual_group *g, uint32_t nslots)
{
	memset(g, 0, sizeof(*g));
	if (nslots == 0 || nslots > QUAL_SLOTS_MAX ||
	    (nslots & (nslots - 1)) != 0) {
		errno = EINVAL;
		return (-1);
	}
	if ((g->ring = calloc(nslots, sizeof(*g->ring))) == NULL)
		return (-1);
	g->nslots = nslots;
	return (0);
}

void
qual_group_free(struct qual_group *g)
{
	free(g->ring);
	memset(g, 0, sizeof(*g));
}

/* The lowest free bit, or -1; the path starts from nothing, inactive. */
int
qual_member_add(struct qual_group *g, struct qual_path *p)
{
	int	bit;

	for (bit = 0; bit < QUAL_MEMBERS; bit++)
		if ((g->present & (1ULL << bit)) == 0)
			break;
	if (bit == QUAL_MEMBERS)
		return (-1);
	memset(p, 0, sizeof(*p));
	g->member[bit] = p;
	g->present |= 1ULL << bit;
	return (bit);
}

/* Pending messages forget the path: it is never charged once gone. */
void
qual_member_del(struct qual_group *g, int bit)
{
	struct qual_entry	*e;
	uint64_t		 m;
	uint32_t		 i;

	if (bit < 0 || bit >= QUAL_MEMBERS || g->member[bit] == NULL)
		return;
	m = 1ULL << bit;
	for (i = 0; i < g->nslots; i++) {
		e = &g->ring[i];
		if (e->state == QE_FREE)
			continue;
		e->seen &= ~m;
		e->expect &= ~m;
		if (e->first == bit)
			e->first = QUAL_NOBIT;
	}
	g->member[bit] = NULL;
	g->present &= ~m;
	g->active &= ~m;
}

/* Whether messages from now on should come over this path too. */
void
qual_set_active(struct qual_group *g, int bit, int on)
{
	if (bit < 0 || bit >= QUAL_MEMBERS || g->member[bit] == NULL)
		return;
	if (on)
		g->active |= 1ULL << bit;
	else
		g->active &= ~(1ULL << bit);
}

/*
 * One copy of a data message (at least QUAL_DATA_MIN bytes; shorter
 * ones are ignored) arrived over the path of this bit at now_us, from a
 * clock that only goes forward.
 */
void
qual_copy(struct qual_group *g, int bit, const uint8_t *msg, size_t len,
    uint64_t now_us)
{
	struct qual_path	*p;
	struct qual_epoch	*ep;
	struct qual_entry	*e;
	struct qual_track	*t;
	uint64_t		 counter, lag = 0, m;
	uint32_t		 index;
	int			 late;

	if (bit < 0 || bit >= QUAL_MEMBERS || (p = g->member[bit]) == NULL ||
	    len < QUAL_DATA_MIN || g->ring == NULL)
		return;
	m = 1ULL << bit;
	ep = &p->ep[0];
	memcpy(&index, msg + 4, sizeof(index));
	memcpy(&counter, msg + 8, sizeof(counter));
	index = le32toh(index);
	counter = le64toh(counter);

	e = &g->ring[qual_slot(g, index, counter)];
	if (e->state != QE_FREE && e->index == index &&
	    e->counter == counter && (e->seen & m))
		return;		/* the same path's own duplicate */

	p->received++;
	if ((t = qual_track(g, index, counter)) == NULL)
		return;
	if (counter > t->max)
		t->max = counter;
	else
		lag = t->max - counter;
	if (lag > ep->max_lag)
		ep->max_lag = lag;
	if (lag > QUAL_REPLAY_WINDOW)
		inc32(&ep->replay);

	if (e->state != QE_FREE && e->index == index &&
	    e->counter == counter) {
		if (e->state == QE_DONE || lag > QUAL_REPLAY_WINDOW) {
			/* A pending one still charges the path's loss. */
			if (e->state == QE_DONE)
				e->seen |= m;
			p->late++;
			return;
		}
		e->seen |= m;
		qual_sample(ep, now_us > e->first_us ?
		    now_us - e->first_us : 0);
		return;
	}

	/* Its entry is gone, or the ring has moved past it. */
	late = lag >= g->nslots || lag > QUAL_REPLAY_WINDOW;
	/* The old key pair's stragglers do not push out the new one's. */
	if (e->state == QE_PENDING && e->index != index &&
	    e->index == g->cur.index && g->cur.used)
		late = 1;
	if (late) {
		p->late++;
		return;
	}

	if (e->state == QE_PENDING)
		qual_finalise(g, e);
	e->state = QE_PENDING;
	e->index = index;
	e->counter = counter;
	e->first_us = now_us;
	e->seen = m;
	e->expect = g->active | m;
	e->first = bit;
	p->first++;
	qual_sample(ep, 0);
}

/*
 * Finalise the messages first seen at least age_us ago, so that figures
 * come in when traffic is slow or stops; copies after that are late.
 * Walks the whole ring: call it every few seconds, not per packet.
 */
void
qual_expire(struct qual_group *g, uint64_t now_us, uint64_t age_us)
{
	struct qual_entry	*e;
	uint32_t		 i;

	for (i = 0; i < g->nslots; i++) {
		e = &g->ring[i];
		if (e->state == QE_PENDING &&
		    (now_us < e->first_us || now_us - e->first_us >= age_us))
			qual_finalise(g, e);
	}
}

/* A new epoch; the previous one's figures are dropped. */
void
qual_rotate(struct qual_path *p)
{
	p->ep[1] = p->ep[0];
	memset(&p->ep[0], 0, sizeof(p->ep[0]));
}

void
qual_report(const struct qual_path *p, struct qual_report *r)
{
	const struct qual_epoch	*a = &p->ep[0], *b = &p->ep[1];
	uint64_t		 expected, n = 0;
	unsigned int		 i;

	memset(r, 0, sizeof(*r));
	expected = (uint64_t)a->expected + b->expected;
	r->samples = sat32(expected);
	r->loss_ppm = qual_ppm((uint64_t)a->lost + b->lost, expected);
	r->first_ppm = qual_ppm((uint64_t)a->first + b->first, expected);
	for (i = 0; i < QUAL_BUCKETS; i++)
		n += (uint64_t)a->hist[i] + b->hist[i];
	r->delay_samples = sat32(n);
	r->delay_p50_us = qual_percentile(p, n, 50);
	r->delay_p99_us = qual_percentile(p, n, 99);
	r->replay = sat32((uint64_t)a->replay + b->replay);
	r->max_lag = sat32(a->max_lag > b->max_lag ? a->max_lag : b->max_lag);
}

/* 0 for no delay, then four buckets per power of two of microseconds. */
unsigned int
qual_bucket(uint64_t d)
{
	unsigned int	k, sub, b;

	if (d == 0)
		return (0);
	k = 63 - __builtin_clzll(d);
	if (k >= 2)
		sub = (d >> (k - 2)) & 3;
	else
		sub = (d << (2 - k)) & 3;
	b = 4 * k + sub + 1;
	return (b < QUAL_BUCKETS ? b : QUAL_BUCKETS - 1);
}

/* The largest delay of a bucket; the last, open-ended, gives its least. */
uint32_t
qual_bucket_us(unsigned int b)
{
	unsigned int	k, sub;

	if (b == 0)
		return (0);
	if (b >= QUAL_BUCKETS - 1) {
		b = QUAL_BUCKETS - 1;
		k = (b - 1) / 4;
		sub = (b - 1) % 4;
		return ((((uint64_t)4 + sub) << k) / 4);
	}
	k = (b - 1) / 4;
	sub = (b - 1) % 4;
	return (((((uint64_t)5 + sub) << k) + 3) / 4 - 1);
}

static void
inc32(uint32_t *v)
{
	if (*v != UINT32_MAX)
		(*v)++;
}

static uint32_t
sat32(uint64_t v)
{
	return (v > UINT32_MAX ? UINT32_MAX : v);
}

/* Consecutive counters of one key pair take consecutive slots. */
static uint32_t
qual_slot(const struct qual_group *g, uint32_t index, uint64_t counter)
{
	return ((counter + (uint64_t)index * QUAL_MIX) & (g->nslots - 1));
}

/*
 * The key pair of a copy, or NULL when its copy goes unmeasured.  The
 * latest two receiver indexes are followed, for the old one's stragglers
 * after a rekey.  A new key pair counts from 0, so an index with a small
 * counter is followed at once.  Any other (engarde started mid-stream,
 * a start lost) only once nslots of its copies came and none of the
 * latest index, so that strays and forgeries do not easily move it; its
 * messages up to then stay unmeasured, lest a path whose copy was
 * ignored be charged for it.
 */
static struct qual_track *
qual_track(struct qual_group *g, uint32_t index, uint64_t counter)
{
	struct qual_track	*t;

	if (g->cur.used && g->cur.index == index) {
		g->stray = 0;
		t = &g->cur;
	} else if (g->prev.used && g->prev.index == index)
		t = &g->prev;
	else if (!g->cur.used || counter < g->nslots) {
		g->prev = g->cur;
		memset(&g->cur, 0, sizeof(g->cur));
		g->cur.used = 1;
		g->cur.index = index;
		g->cur.max = counter;
		g->cand.used = 0;
		g->stray = 0;
		t = &g->cur;
	} else {
		if (!g->cand.used || g->cand.index != index) {
			memset(&g->cand, 0, sizeof(g->cand));
			g->cand.used = 1;
			g->cand.index = index;
			g->stray = 0;
		}
		if (counter > g->cand.max)
			g->cand.max = counter;
		if (++g->stray < g->nslots)
			return (NULL);
		g->prev = g->cur;
		g->cur = g->cand;
		g->cur.floor = g->cand.max + 1;
		g->cand.used = 0;
		g->stray = 0;
		return (NULL);
	}
	return (counter < t->floor ? NULL : t);
}

static void
qual_sample(struct qual_epoch *ep, uint64_t d)
{
	inc32(&ep->hist[qual_bucket(d)]);
	inc32(&ep->samples);
}

/* Charge every path that was expected and brought no copy in time. */
static void
qual_finalise(struct qual_group *g, struct qual_entry *e)
{
	struct qual_path	*p;
	struct qual_epoch	*ep;
	uint64_t		 bits;
	int			 b;

	bits = e->expect & g->present;
	while (bits != 0) {
		b = __builtin_ctzll(bits);
		bits &= bits - 1;
		if ((p = g->member[b]) == NULL)
			continue;
		ep = &p->ep[0];
		inc32(&ep->expected);
		if ((e->seen & (1ULL << b)) == 0) {
			inc32(&ep->lost);
			p->lost++;
		} else if (e->first == b)
			inc32(&ep->first);
	}
	e->state = QE_DONE;
}

static uint32_t
qual_ppm(uint64_t part, uint64_t whole)
{
	if (whole == 0)
		return (0);
	return (sat32(part * 1000000 / whole));
}

/* The bucket where the pct-th percentile of both epochs' delays falls. */
static uint32_t
qual_percentile(const struct qual_path *p, uint64_t n, unsigned int pct)
{
	uint64_t	rank, sum = 0;
	unsigned int	i;

	if (n == 0)
		return (0);
	rank = (n * pct + 99) / 100;
	for (i = 0; i < QUAL_BUCKETS; i++) {
		sum += (uint64_t)p->ep[0].hist[i] + p->ep[1].hist[i];
		if (sum >= rank)
			return (qual_bucket_us(i));
	}
	return (qual_bucket_us(QUAL_BUCKETS - 1));
}
