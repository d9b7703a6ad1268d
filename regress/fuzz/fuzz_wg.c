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

/* Fuzzing engarded/wg.c: message types and the caches of copies. */

/*
 * The input:
 *
 *	4 bytes		the clock at the start, seconds, big-endian (the
 *			engine's CLOCK_MONOTONIC tv_sec)
 *	then, again and again:
 *	1 byte		seconds the clock moves on before this datagram
 *	2 bytes		the datagram's length, big-endian
 *	length bytes	the datagram (cut short by the end of the input)
 *
 * Each datagram, in a buffer of its own exact size, goes through wg_type,
 * checked against the sizes of the WireGuard protocol written out again
 * here, then as engine_hs_filter sends it: handshake messages through
 * wg_hs_duplicate, data messages through wg_data_duplicate (dedup on).
 * Every non-empty datagram also goes through a second handshake cache, to
 * try its bounds (the engine drops empty datagrams before).
 *
 * The answers are checked against plain models.  Handshakes: a copy is a
 * message equal to one of the last WG_HS_SEEN remembered, remembered at
 * most WG_HS_SECS seconds ago.  Data: a copy must be a message passed on
 * before with the same receiver index, counter and tag (a forgery never
 * hides the genuine message); and while no more than WG_DEDUP_INDEXES
 * indexes were seen, a message passed on before is a copy unless a later
 * one of its index took its place in the window.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wg.h"

#define MAX_DGRAMS	4096

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A message remembered, pointing into the input. */
struct seen {
	const uint8_t	*p;
	size_t		 len;
	time_t		 when;
};

struct model {
	struct seen	 s[MAX_DGRAMS];
	size_t		 n;
};

static int	 model_type(const uint8_t *, size_t);
static int	 model_hs(struct model *, const uint8_t *, size_t, time_t);
static void	 check_hs(const char *, struct wg_hs_cache *, struct model *,
		    const uint8_t *, const uint8_t *, size_t, time_t);
static int	 same_data(const struct seen *, const uint8_t *, size_t);
static uint64_t	 counter(const uint8_t *);
static void	 check_data(struct wg_dedup *, struct model *,
		    const uint8_t *, const uint8_t *, size_t, time_t);

static uint32_t	 indexes[WG_DEDUP_INDEXES + 1];	/* seen, up to one more */
static size_t	 nindexes;

/* The types of the WireGuard protocol, from its message formats. */
static int
model_type(const uint8_t *p, size_t len)
{
	static const struct {
		uint8_t	 type;
		size_t	 len;		/* exact, or 0 */
	} msgs[] = {
		{ 1, 148 },		/* handshake initiation */
		{ 2, 92 },		/* handshake response */
		{ 3, 64 },		/* cookie reply */
		{ 4, 0 },		/* transport data */
	};
	size_t	 i;

	if (len < 4 || p[1] != 0 || p[2] != 0 || p[3] != 0)
		return (0);
	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		if (p[0] != msgs[i].type)
			continue;
		if (msgs[i].len != 0)
			return (len == msgs[i].len ? p[0] : 0);
		/*
		 * 16 bytes of header and a 16-byte tag; the padding to 16
		 * stops at the MTU, so any length above will do.
		 */
		return (len >= 32 ? p[0] : 0);
	}
	return (0);
}

/* Whether it is a copy; if not, and it fits, it is remembered. */
static int
model_hs(struct model *m, const uint8_t *p, size_t len, time_t now)
{
	size_t	 i, first;

	if (len > WG_INITIATION_LEN)
		return (0);
	first = m->n > WG_HS_SEEN ? m->n - WG_HS_SEEN : 0;
	for (i = first; i < m->n; i++)
		if (m->s[i].len == len && now - m->s[i].when <= WG_HS_SECS &&
		    memcmp(m->s[i].p, p, len) == 0)
			return (1);
	if (m->n == MAX_DGRAMS)
		abort();
	m->s[m->n].p = p;
	m->s[m->n].len = len;
	m->s[m->n].when = now;
	m->n++;
	return (0);
}

/* The model keeps the input's bytes, wg.c gets a copy. */
static void
check_hs(const char *what, struct wg_hs_cache *c, struct model *m,
    const uint8_t *orig, const uint8_t *p, size_t len, time_t now)
{
	int	 got, want;

	want = model_hs(m, orig, len, now);
	got = wg_hs_duplicate(c, p, len, now);
	if (got != want) {
		fprintf(stderr, "%s: wg_hs_duplicate says %d, expected %d, "
		    "for %zu bytes of type %u at %lld\n", what, got, want, len,
		    len > 0 ? p[0] : 0, (long long)now);
		abort();
	}
}

static uint64_t
counter(const uint8_t *p)
{
	uint64_t	 c;

	memcpy(&c, p + 8, sizeof(c));
	return (c);
}

/* Receiver index, counter and tag all equal. */
static int
same_data(const struct seen *s, const uint8_t *p, size_t len)
{
	return (memcmp(s->p + 4, p + 4, 12) == 0 &&
	    memcmp(s->p + s->len - WG_TAG_LEN, p + len - WG_TAG_LEN,
	    WG_TAG_LEN) == 0);
}

static void
check_data(struct wg_dedup *d, struct model *m, const uint8_t *orig,
    const uint8_t *p, size_t len, time_t now)
{
	uint32_t	 index;
	size_t		 i;
	int		 got, ever = 0, want = 0, sure;

	memcpy(&index, orig + 4, sizeof(index));
	for (i = 0; i < nindexes && indexes[i] != index; i++)
		;
	if (i == nindexes && nindexes <= WG_DEDUP_INDEXES)
		indexes[nindexes++] = index;
	sure = nindexes <= WG_DEDUP_INDEXES;

	/* The latest message passed on in this slot decides. */
	for (i = m->n; i > 0; i--) {
		if (memcmp(m->s[i - 1].p + 4, orig + 4, 4) != 0 ||
		    counter(m->s[i - 1].p) % WG_DEDUP_WINDOW !=
		    counter(orig) % WG_DEDUP_WINDOW)
			continue;
		want = same_data(&m->s[i - 1], orig, len);
		break;
	}
	for (i = 0; i < m->n && !ever; i++)
		ever = same_data(&m->s[i], orig, len);

	got = wg_data_duplicate(d, p, len, now);
	if ((got && !ever) || (sure && got != want)) {
		fprintf(stderr, "wg_data_duplicate says %d, expected %d (%s "
		    "passed on before), index %08x counter %llu, %zu indexes "
		    "seen\n", got, want, ever ? "one" : "none", index,
		    (unsigned long long)counter(orig), nindexes);
		abort();
	}
	if (got)
		return;
	if (m->n == MAX_DGRAMS)
		abort();
	m->s[m->n].p = orig;
	m->s[m->n].len = len;
	m->s[m->n].when = now;
	m->n++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wg_hs_cache	 hs, any;
	static struct wg_dedup		 dedup;
	static struct model		 mhs, many, mdata;
	uint8_t				*p;
	size_t				 off, len;
	time_t				 now;
	int				 t, want;

	if (size < 4)
		return (0);
	memset(&hs, 0, sizeof(hs));
	memset(&any, 0, sizeof(any));
	mhs.n = many.n = mdata.n = 0;
	nindexes = 0;
	now = (time_t)data[0] << 24 | (time_t)data[1] << 16 |
	    (time_t)data[2] << 8 | data[3];

	for (off = 4; off + 3 <= size; off += len) {
		now += data[off];
		len = (size_t)data[off + 1] << 8 | data[off + 2];
		off += 3;
		if (len > size - off)
			len = size - off;

		/* A buffer of exactly len bytes, so that overreads show. */
		if ((p = malloc(len)) == NULL && len > 0)
			abort();
		if (len > 0)
			memcpy(p, data + off, len);
		t = wg_type(p, len);
		want = model_type(data + off, len);
		if (t != want) {
			fprintf(stderr, "wg_type says %d, expected %d, for "
			    "%zu bytes\n", t, want, len);
			abort();
		}
		if (t >= WG_INITIATION && t <= WG_COOKIE)
			check_hs("handshakes", &hs, &mhs, data + off, p, len,
			    now);
		else if (t == WG_DATA)
			check_data(&dedup, &mdata, data + off, p, len, now);
		if (len > 0)
			check_hs("any", &any, &many, data + off, p, len, now);
		free(p);
	}
	wg_dedup_free(&dedup);
	return (0);
}
