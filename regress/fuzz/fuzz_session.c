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

/* Fuzzing engarded/session.c and quality.c: the server's session table. */

/*
 * The input:
 *
 *	4 bytes		the clock at the start, seconds, big-endian (the
 *			engine's CLOCK_MONOTONIC tv_sec)
 *	1 byte		flags: 0x01 initiations must carry our mac1;
 *			0x06 the quality ring of a session has
 *			1024 >> 3 * ((flags >> 1) & 3) slots; 0x08 two
 *			sessions at most are measured instead of 64
 *	1 byte		maxSessions, 1 + byte % 16
 *	1 byte		maxSessionAddresses, 1 + byte % 16
 *	1 byte		clientTimeout, 1 + byte % 64 seconds
 *	1 byte		allowedSources: byte % 5 prefixes follow, each
 *	  1 byte	  family, byte % 3: IPv4, IPv6, neither
 *	  1 byte	  length (longer than the address: matches nothing)
 *	  16 bytes	  address (IPv4: the first 4)
 *	then records, at most MAX_RECORDS:
 *	1 byte		op, byte % 9, below
 *	1 byte		sel
 *	2 bytes		length, big-endian
 *	length bytes	(cut short by the end of the input)
 *
 * The ops:
 *	0 IN		a datagram from the address of slot sel % 16
 *	1 IN_COPY	the same, with the index of a known one, sel / 16:
 *			an initiation becomes one passed on before, a
 *			response, cookie or data gets a known receiver index
 *	2 IN_INIT	an initiation of the bytes, with our mac1
 *	3 OUT		from our WireGuard through session sel (modulo
 *			those alive, in the model's table)
 *	4 TICK		the clock moves sel seconds, then the engine's timer
 *	5 WAIT		the clock moves sel us below 128, else
 *			(sel - 127) * 10 ms
 *	6 LEAVE		the address of slot sel % 16 leaves its session
 *	7 GRAVE		an index from before a restart, sel seconds old: the
 *			first 4 bytes, or the known index sel
 *	8 ADDR		slot sel % 16 gets the address of the bytes: the
 *			first odd for IPv6, then 16 or 4 bytes, then a port
 *
 * The harness drives the table and the sessions' quality groups as
 * engine_server_route, engine_server_wg_read and engine_timer do, and
 * after every record checks them against plain models:
 *
 *	every verdict of session_admit, from the shape of the datagram (the
 *	protocol's sizes written out again), mac1 (computed here),
 *	allowedSources (matched bit by bit), and what the model holds: the
 *	indexes each session learnt (the last SESS_INDEXES new ones, less
 *	those another session took since), the initiation each passed on
 *	last, the graves (an index of a session freed, or handed down,
 *	within GRAVE_SECS);
 *	session_allowed against the bit-by-bit model, for every address;
 *	every address in exactly one session, whose list holds it; the
 *	tree of sessions, nsessions, session_by_index and session_by_init
 *	for every index and initiation ever seen, session_index_recent;
 *	each quality group's members, and every path's figures within
 *	their bounds and consistent with one another.
 *
 * Everything is freed at the end of each input.  The graves outlive the
 * sessions: they are swept at the start of the next input with GRAVE_SLOTS
 * graves of one index, FILLER, from long ago.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/tree.h>
#include <netinet/in.h>

#include <event.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "log.h"
#include "util.h"
#include "engine.h"
#include "quality.h"
#include "session.h"
#include "wg.h"

#define MAX_RECORDS	512
#define NSLOTS		16	/* addresses the records name */
#define MAX_CLIENTS	32	/* addresses known; slots can change */
#define MAX_SESS	16
#define MAX_PFX		4
#define MAX_KNOWN	64	/* indexes followed */
#define MAX_INITS	32	/* initiations followed */
#define MAX_GRAVES	512

/* As in session.c and engine.c. */
#define GRAVE_SLOTS	4096
#define GRAVE_SECS	180
#define ADDR_QUIET	5
#define PROVISIONAL_SECS 15
#define QUAL_SERVER_SLOTS 1024
#define QUAL_GROUPS_MAX	64
#define QUAL_EPOCH	10
#define QUAL_AGE_US	1000000

#define FILLER		0xfffffffeU	/* the index that sweeps the graves */
#define ANCIENT		(-((time_t)1 << 40))

enum op {
	OP_IN, OP_IN_COPY, OP_IN_INIT, OP_OUT, OP_TICK, OP_WAIT, OP_LEAVE,
	OP_GRAVE, OP_ADDR, NOPS
};

enum recent {
	RECENT_NO, RECENT_YES, RECENT_MAYBE
};

/* The model of one session. */
struct msess {
	struct session	*s;		/* NULL: free */
	uint32_t	 hist[SESS_INDEXES];	/* new indexes, oldest first */
	int		 alive[SESS_INDEXES];	/* no other took it since */
	int		 nhist;
	int		 init;		/* in inits[]; -1: none */
	uint64_t	 rekeys;
	int		 provisional;
};

struct mgrave {
	uint32_t	 index;
	time_t		 when;
};

/* What session_admit must answer. */
struct expect {
	enum admit	 v;
	struct msess	*m;		/* ADMIT_SESSION: its session */
	int		 maybe;		/* ADMIT_STRANGER too: evicted grave */
	int		 set_init;	/* on the address's session */
};

int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 fail(const char *, ...)
		    __attribute__((__format__(printf, 1, 2), __noreturn__));
static void	 setup(void);
static void	 model_mac1(const uint8_t *, uint8_t *);
static int	 model_type(const uint8_t *, size_t);
static uint32_t	 get32(const uint8_t *);
static void	 put32(uint8_t *, uint32_t);
static int	 bit(const uint8_t *, int);
static int	 model_allowed(const struct sockaddr_storage *);
static void	 check_allowed(const struct sockaddr_storage *);
static void	 known_add(uint32_t);
static int	 init_same(const uint8_t *, const uint8_t *);
static int	 init_add(const uint8_t *);
static struct msess *model_of(const struct session *);
static struct msess *index_owner(uint32_t);
static struct msess *init_owner(const uint8_t *);
static int	 model_holds(const struct msess *, uint32_t);
static int	 model_add(struct msess *, uint32_t);
static void	 model_set_init(struct msess *, const uint8_t *);
static void	 model_bury(uint32_t, time_t);
static enum recent model_recent(uint32_t);
static void	 model_admit(const uint8_t *, size_t, struct peer *,
		    const struct sockaddr_storage *, struct expect *);
static void	 check_verdict(const struct expect *, enum admit,
		    const struct session *);
static struct peer *client_find(const struct sockaddr_storage *);
static struct session *sess_new(void);
static void	 sess_free(struct session *);
static int	 room(struct session *);
static struct peer *client_new(const struct sockaddr_storage *,
		    struct session *);
static int	 client_move(struct peer *, struct session *);
static void	 client_free(struct peer *);
static void	 qual_join(struct session *);
static void	 qual_leave(struct peer *);
static uint64_t	 clock_us(void);
static void	 clock_add(uint64_t);
static void	 route(const uint8_t *, size_t, int);
static void	 learn(const uint8_t *, size_t, int);
static void	 tick(void);
static void	 check_quality(const struct qual_path *);
static void	 check_session(struct session *, struct msess *);
static void	 check_graves(void);
static void	 check_all(void);
static void	 slot_default(int);
static void	 slot_set(int, const uint8_t *, size_t);
static void	 graves_sweep(void);
static void	 record(int, int, const uint8_t *, size_t);

static uint8_t			 pub[WG_KEYLEN] = { 0x42 };
static uint8_t			 mac1_key[WG_KEYLEN];
static int			 mac1_on;
static uint32_t			 max_sessions, max_addrs, timeout;
static uint32_t			 qual_slots, qual_groups_max;
static struct conf_prefix	 pfx[MAX_PFX];
static uint8_t			 pfxraw[MAX_PFX][16];
static int			 pfxfam[MAX_PFX];	/* 4, 6 or 0 */
static int			 npfx;
static struct session_rules	 rules;

static struct sockaddr_storage	 addrs[NSLOTS];
static struct peer		*clients[MAX_CLIENTS];
static int			 nclients;
static int			 nqgroups;

static time_t			 start;
static uint64_t			 elapsed_us;
static struct timespec		 now;
static time_t			 epoch;

static struct msess		 ms[MAX_SESS];
static uint32_t			 known[MAX_KNOWN];
static int			 nknown;
static uint8_t			 inits[MAX_INITS][WG_INITIATION_LEN];
static int			 ninits;
static struct mgrave		 graves[MAX_GRAVES];
static int			 ngraves;
static uint64_t			 grave_adds;	/* this input */
static int			 graves_lost;	/* more than the model holds */
static int			 graves_dirty;

static void
fail(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* The mac1 of an initiation, the way the WireGuard paper says. */
static void
model_mac1(const uint8_t *msg, uint8_t *mac)
{
	OSSL_PARAM	 params[2];
	size_t		 size = WG_MAC1_LEN, outlen = 0;

	params[0] = OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_Q_mac(NULL, "BLAKE2SMAC", NULL, NULL, params, mac1_key,
	    WG_KEYLEN, msg, WG_MAC1_OFF, mac, WG_MAC1_LEN, &outlen) == NULL ||
	    outlen != WG_MAC1_LEN)
		fail("model mac1");
}

static void
setup(void)
{
	static const char	 label[] = "mac1----";
	uint8_t			 buf[8 + WG_KEYLEN], key[WG_KEYLEN];
	unsigned int		 len = 0;

	log_init(1, LOG_DAEMON);
	memcpy(buf, label, 8);
	memcpy(buf + 8, pub, WG_KEYLEN);
	if (!EVP_Digest(buf, sizeof(buf), mac1_key, &len, EVP_blake2s256(),
	    NULL) || len != WG_KEYLEN)
		fail("model mac1 key");
	if (wg_mac1_init() == -1 || wg_mac1_key(pub, key) == -1)
		fail("wg_mac1_init");
	if (memcmp(key, mac1_key, WG_KEYLEN) != 0)
		fail("wg_mac1_key differs from BLAKE2s(\"mac1----\" || key)");
}

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
		{ 4, 0 },		/* transport data, 32 bytes or more */
	};
	size_t	 i;

	if (len < 4 || p[1] != 0 || p[2] != 0 || p[3] != 0)
		return (0);
	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		if (p[0] != msgs[i].type)
			continue;
		if (msgs[i].len != 0)
			return (len == msgs[i].len ? p[0] : 0);
		return (len >= 32 ? p[0] : 0);
	}
	return (0);
}

static uint32_t
get32(const uint8_t *p)
{
	uint32_t	 v;

	memcpy(&v, p, sizeof(v));
	return (v);
}

static void
put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* Bit b of an address, the most significant of its first byte first. */
static int
bit(const uint8_t *a, int b)
{
	return ((a[b / 8] >> (7 - b % 8)) & 1);
}

/* allowedSources, one bit at a time; IPv4-mapped IPv6 is IPv4. */
static int
model_allowed(const struct sockaddr_storage *ss)
{
	static const uint8_t	 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0,
				    0, 0, 0xff, 0xff };
	const uint8_t		*a;
	int			 fam, alen, i, b;

	if (npfx == 0)
		return (1);
	if (ss->ss_family == AF_INET) {
		a = (const uint8_t *)&((const struct sockaddr_in *)ss)->
		    sin_addr;
		fam = 4;
		alen = 32;
	} else if (ss->ss_family == AF_INET6) {
		a = ((const struct sockaddr_in6 *)ss)->sin6_addr.s6_addr;
		fam = 6;
		alen = 128;
		if (memcmp(a, mapped, sizeof(mapped)) == 0) {
			a += 12;
			fam = 4;
			alen = 32;
		}
	} else
		return (0);
	for (i = 0; i < npfx; i++) {
		if (pfxfam[i] != fam || (int)pfx[i].plen > alen)
			continue;
		for (b = 0; b < (int)pfx[i].plen; b++)
			if (bit(a, b) != bit(pfxraw[i], b))
				break;
		if (b == (int)pfx[i].plen)
			return (1);
	}
	return (0);
}

static void
check_allowed(const struct sockaddr_storage *ss)
{
	int	 got, want;

	want = model_allowed(ss);
	got = session_allowed(pfx, npfx, ss);
	if (got != want)
		fail("session_allowed says %d, expected %d", got, want);
}

static void
known_add(uint32_t index)
{
	int	 i;

	for (i = 0; i < nknown; i++)
		if (known[i] == index)
			return;
	if (nknown < MAX_KNOWN)
		known[nknown++] = index;
}

/* The same sender index and mac1: one initiation to session.c. */
static int
init_same(const uint8_t *a, const uint8_t *b)
{
	return (memcmp(a + WG_SENDER_OFF, b + WG_SENDER_OFF, 4) == 0 &&
	    memcmp(a + WG_MAC1_OFF, b + WG_MAC1_OFF, WG_MAC1_LEN) == 0);
}

/*
 * Its place in inits[], the latest bytes kept.  When full, one no session
 * has gives way: there are more places than sessions.
 */
static int
init_add(const uint8_t *p)
{
	int	 i, j;

	for (i = 0; i < ninits; i++)
		if (init_same(inits[i], p))
			break;
	if (i == MAX_INITS) {
		for (i = 0; i < MAX_INITS; i++) {
			for (j = 0; j < MAX_SESS; j++)
				if (ms[j].s != NULL && ms[j].init == i)
					break;
			if (j == MAX_SESS)
				break;
		}
	}
	memcpy(inits[i], p, WG_INITIATION_LEN);
	if (i == ninits)
		ninits++;
	return (i);
}

static struct msess *
model_of(const struct session *s)
{
	int	 i;

	for (i = 0; i < MAX_SESS; i++)
		if (ms[i].s == s && s != NULL)
			return (&ms[i]);
	fail("session %p is not in the model", (const void *)s);
}

static int
model_holds(const struct msess *m, uint32_t index)
{
	int	 i;

	for (i = 0; i < m->nhist; i++)
		if (m->alive[i] && m->hist[i] == index)
			return (1);
	return (0);
}

static struct msess *
index_owner(uint32_t index)
{
	int	 i;

	for (i = 0; i < MAX_SESS; i++)
		if (ms[i].s != NULL && model_holds(&ms[i], index))
			return (&ms[i]);
	return (NULL);
}

static struct msess *
init_owner(const uint8_t *p)
{
	int	 i;

	for (i = 0; i < MAX_SESS; i++)
		if (ms[i].s != NULL && ms[i].init != -1 &&
		    init_same(inits[ms[i].init], p))
			return (&ms[i]);
	return (NULL);
}

/*
 * A session learns an index: nothing when it holds it already; else it
 * holds its last SESS_INDEXES new ones, and no other session holds this.
 * Returns whether it was new.
 */
static int
model_add(struct msess *m, uint32_t index)
{
	int	 i, j;

	known_add(index);
	if (model_holds(m, index))
		return (0);
	for (i = 0; i < MAX_SESS; i++) {
		if (ms[i].s == NULL || &ms[i] == m)
			continue;
		for (j = 0; j < ms[i].nhist; j++)
			if (ms[i].hist[j] == index)
				ms[i].alive[j] = 0;
	}
	if (m->nhist == SESS_INDEXES) {
		memmove(m->hist, m->hist + 1, sizeof(m->hist[0]) *
		    (SESS_INDEXES - 1));
		memmove(m->alive, m->alive + 1, sizeof(m->alive[0]) *
		    (SESS_INDEXES - 1));
		m->nhist--;
	}
	m->hist[m->nhist] = index;
	m->alive[m->nhist++] = 1;
	return (1);
}

/* The newest session to pass an initiation on has it. */
static void
model_set_init(struct msess *m, const uint8_t *p)
{
	struct msess	*o;

	if ((o = init_owner(p)) != NULL)
		o->init = -1;
	m->init = init_add(p);
	m->rekeys++;
}

static void
model_bury(uint32_t index, time_t when)
{
	int	 i;

	grave_adds++;
	graves_dirty = 1;
	for (i = 0; i < ngraves; i++)
		if (graves[i].index == index)
			break;
	if (i == MAX_GRAVES) {
		graves_lost = 1;
		return;
	}
	graves[i].index = index;
	graves[i].when = when;
	if (i == ngraves)
		ngraves++;
}

/*
 * Whether an index was a session's lately.  Within one input's first
 * GRAVE_SLOTS graves none is evicted, but FILLER's slot may be anywhere.
 */
static enum recent
model_recent(uint32_t index)
{
	int	 i;

	for (i = 0; i < ngraves; i++)
		if (graves[i].index == index)
			break;
	if (i == ngraves)
		return (graves_lost ? RECENT_MAYBE : RECENT_NO);
	if (now.tv_sec - graves[i].when > GRAVE_SECS)
		return (RECENT_NO);
	if (grave_adds > GRAVE_SLOTS || index == FILLER)
		return (RECENT_MAYBE);
	return (RECENT_YES);
}

/* session_admit, written out plainly from the model. */
static void
model_admit(const uint8_t *p, size_t len, struct peer *pr,
    const struct sockaddr_storage *ss, struct expect *e)
{
	uint8_t		 mac[WG_MAC1_LEN];
	uint32_t	 index;
	enum recent	 r;
	int		 t;

	memset(e, 0, sizeof(*e));
	switch ((t = model_type(p, len))) {
	case 0:
		e->v = ADMIT_NOT_WG;
		return;
	case WG_INITIATION:
		if (mac1_on) {
			model_mac1(p, mac);
			if (memcmp(mac, p + WG_MAC1_OFF, WG_MAC1_LEN) != 0) {
				e->v = ADMIT_BAD_MAC1;
				return;
			}
		}
		e->v = ADMIT_SESSION;
		if ((e->m = init_owner(p)) != NULL)
			return;
		if (pr != NULL) {
			e->m = model_of(pr->sess);
			e->set_init = 1;
			return;
		}
		e->v = model_allowed(ss) ? ADMIT_NEW : ADMIT_DENIED;
		return;
	}
	index = get32(p + (t == WG_RESPONSE ? 8 : 4));
	e->v = ADMIT_SESSION;
	if ((e->m = index_owner(index)) != NULL)
		return;
	if (pr != NULL) {
		e->m = model_of(pr->sess);
		return;
	}
	e->v = ADMIT_STRANGER;
	if (now.tv_sec == 0 || (r = model_recent(index)) == RECENT_NO)
		return;
	e->v = model_allowed(ss) ? ADMIT_REVIVE : ADMIT_DENIED;
	e->maybe = r == RECENT_MAYBE;
}

static void
check_verdict(const struct expect *e, enum admit v, const struct session *s)
{
	if (v != e->v && !(e->maybe && v == ADMIT_STRANGER))
		fail("session_admit says %d, expected %d%s", v, e->v,
		    e->maybe ? " or a stranger" : "");
	if (v == ADMIT_SESSION ? s != e->m->s : s != NULL)
		fail("session_admit gives session %p, expected %p",
		    (const void *)s, v == ADMIT_SESSION ? (void *)e->m->s :
		    NULL);
}

static struct peer *
client_find(const struct sockaddr_storage *ss)
{
	int	 i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i] != NULL && addr_cmp(&clients[i]->addr, ss) == 0)
			return (clients[i]);
	return (NULL);
}

/* engine_session_new, with sockets to WireGuard always at hand. */
static struct session *
sess_new(void)
{
	struct session	*s;
	struct msess	*m;
	int		 i;

	if ((uint32_t)nsessions >= max_sessions)
		return (NULL);
	for (i = 0; i < MAX_SESS && ms[i].s != NULL; i++)
		;
	if (i == MAX_SESS)
		fail("%d sessions, at most %u", nsessions, max_sessions);
	if ((s = session_new(&now)) == NULL)
		fail("session_new");
	m = &ms[i];
	memset(m, 0, sizeof(*m));
	m->s = s;
	m->init = -1;
	return (s);
}

/*
 * engine_session_free: its addresses, then its indexes to the graves,
 * unless it was made again on a guess WireGuard never confirmed.
 */
static void
sess_free(struct session *s)
{
	struct msess	*m = model_of(s);
	struct peer	*pr;
	int		 i;

	while ((pr = TAILQ_FIRST(&s->addrs)) != NULL)
		client_free(pr);
	if (s->qg != NULL)
		fail("session %u freed with its quality group", s->id);
	/* WireGuard never answered it: nothing to revive it by. */
	for (i = 0; i < m->nhist; i++)
		if (m->alive[i] && !m->provisional)
			model_bury(m->hist[i], now.tv_sec);
	m->s = NULL;
	session_free(s, now.tv_sec);
}

/* engine_session_room: the quietest gives way after ADDR_QUIET. */
static int
room(struct session *s)
{
	struct peer	*pr, *q = NULL;

	if ((uint32_t)s->naddrs < max_addrs)
		return (0);
	TAILQ_FOREACH(pr, &s->addrs, sentry)
		if (q == NULL || timespeccmp(&pr->last_rx, &q->last_rx, <))
			q = pr;
	if (q != NULL && now.tv_sec - q->last_rx.tv_sec >= ADDR_QUIET) {
		client_free(q);
		return (0);
	}
	return (-1);
}

static struct peer *
client_new(const struct sockaddr_storage *ss, struct session *s)
{
	struct peer	*pr;
	int		 i;

	for (i = 0; i < MAX_CLIENTS && clients[i] != NULL; i++)
		;
	if (i == MAX_CLIENTS || room(s) == -1)
		return (NULL);
	if ((pr = calloc(1, sizeof(*pr))) == NULL)
		fail("calloc");
	pr->addr = *ss;
	pr->fd = -1;
	pr->first_seen = pr->last_rx = now;
	pr->qbit = -1;
	clients[i] = pr;
	nclients++;
	session_addr_add(s, pr);
	qual_join(s);
	return (pr);
}

static int
client_move(struct peer *pr, struct session *s)
{
	if (room(s) == -1)
		return (-1);
	qual_leave(pr);
	session_addr_add(s, pr);
	qual_join(s);
	return (0);
}

static void
client_free(struct peer *pr)
{
	int	 i;

	qual_leave(pr);
	session_addr_del(pr);
	if (pr->sess != NULL)
		fail("an address still in session %u", pr->sess->id);
	for (i = 0; i < MAX_CLIENTS && clients[i] != pr; i++)
		;
	if (i == MAX_CLIENTS)
		fail("an address not in the table");
	clients[i] = NULL;
	nclients--;
	free(pr);
}

/* engine_qual_session */
static void
qual_join(struct session *s)
{
	struct peer	*pr;

	if (s->naddrs < 2)
		return;
	if (s->qg == NULL) {
		if (nqgroups >= (int)qual_groups_max)
			return;
		if ((s->qg = calloc(1, sizeof(*s->qg))) == NULL)
			fail("calloc");
		if (qual_group_init(s->qg, qual_slots) == -1)
			fail("qual_group_init %u", qual_slots);
		nqgroups++;
	}
	TAILQ_FOREACH(pr, &s->addrs, sentry) {
		if (pr->q != NULL)
			continue;
		if ((pr->q = calloc(1, sizeof(*pr->q))) == NULL)
			fail("calloc");
		if ((pr->qbit = qual_member_add(s->qg, pr->q)) == -1)
			fail("qual_member_add: full with %d addresses",
			    s->naddrs);
		qual_set_active(s->qg, pr->qbit, 1);
	}
}

/* engine_qual_leave */
static void
qual_leave(struct peer *pr)
{
	struct session	*s = pr->sess;
	struct peer	*o;

	if (pr->q == NULL || s == NULL || s->qg == NULL)
		return;
	qual_member_del(s->qg, pr->qbit);
	free(pr->q);
	pr->q = NULL;
	pr->qbit = -1;
	if (s->naddrs - 1 >= 2)
		return;
	TAILQ_FOREACH(o, &s->addrs, sentry) {
		free(o->q);
		o->q = NULL;
		o->qbit = -1;
	}
	qual_group_free(s->qg);
	free(s->qg);
	s->qg = NULL;
	nqgroups--;
}

static uint64_t
clock_us(void)
{
	return ((uint64_t)start * 1000000 + elapsed_us);
}

static void
clock_add(uint64_t us)
{
	elapsed_us += us;
	now.tv_sec = start + (time_t)(elapsed_us / 1000000);
	now.tv_nsec = (long)(elapsed_us % 1000000) * 1000;
}

/* engine_server_route, for one datagram from the address of a slot. */
static void
route(const uint8_t *p, size_t len, int slot)
{
	const struct sockaddr_storage *ss = &addrs[slot];
	struct expect	 e;
	struct peer	*pr;
	struct session	*s;
	struct msess	*m;
	enum admit	 v;

	check_allowed(ss);
	if ((pr = client_find(ss)) != NULL && pr->sess == NULL)
		fail("an address without a session");
	model_admit(p, len, pr, ss, &e);
	rules.now = now.tv_sec;
	v = session_admit(p, len, pr, ss, &rules, &s);
	check_verdict(&e, v, s);
	switch (v) {
	case ADMIT_SESSION:
		if (e.set_init)
			model_set_init(e.m, p);
		break;
	case ADMIT_NEW:
		if ((s = sess_new()) == NULL)
			return;
		session_set_init(s, p);
		model_set_init(model_of(s), p);
		break;
	case ADMIT_REVIVE:
		if ((s = sess_new()) == NULL)
			return;
		m = model_of(s);
		s->provisional = m->provisional = 1;
		if (session_add_index(s, wg_receiver(p, len)) != 1 ||
		    model_add(m, wg_receiver(p, len)) != 1)
			fail("a revived session did not take its index");
		break;
	default:
		return;
	}
	if (pr == NULL) {
		if ((pr = client_new(ss, s)) == NULL)
			return;
	} else if (pr->sess != s && client_move(pr, s) == -1)
		return;
	if (pr->sess != s)
		fail("the address is not in its session");
	pr->last_rx = now;
	s->last_rx = now;
	if (s->qg != NULL && pr->q != NULL && wg_type(p, len) == WG_DATA)
		qual_copy(s->qg, pr->qbit, p, len, clock_us());
}

/* engine_server_wg_read: what our WireGuard sends through a session. */
static void
learn(const uint8_t *p, size_t len, int sel)
{
	struct session	*s = NULL;
	struct msess	*m;
	uint32_t	 got, want = 0;
	int		 i, n = 0, t;

	for (i = 0; i < MAX_SESS; i++)
		n += ms[i].s != NULL;
	if (n == 0)
		return;
	sel %= n;
	for (i = 0; i < MAX_SESS; i++)
		if (ms[i].s != NULL && sel-- == 0)
			break;
	m = &ms[i];
	s = m->s;
	t = model_type(p, len);
	if ((t == WG_INITIATION || t == WG_RESPONSE) &&
	    model_add(m, get32(p + WG_SENDER_OFF)))
		want = get32(p + WG_SENDER_OFF);
	if ((got = session_learn(s, p, len)) != want)
		fail("session_learn says %08x, expected %08x", got, want);
	s->provisional = m->provisional = 0;
}

/* engine_timer with engine_qual_tick. */
static void
tick(void)
{
	struct session	*s, *ns;
	struct peer	*pr, *npr;
	int		 rotate;

	if ((rotate = now.tv_sec - epoch >= QUAL_EPOCH))
		epoch = now.tv_sec;
	RB_FOREACH(s, session_tree, &sessions) {
		if (s->qg == NULL)
			continue;
		qual_expire(s->qg, clock_us(), QUAL_AGE_US);
		if (rotate)
			TAILQ_FOREACH(pr, &s->addrs, sentry)
				if (pr->q != NULL)
					qual_rotate(pr->q);
	}
	RB_FOREACH_SAFE(s, session_tree, &sessions, ns) {
		TAILQ_FOREACH_SAFE(pr, &s->addrs, sentry, npr)
			if (now.tv_sec - pr->last_rx.tv_sec >=
			    (time_t)timeout)
				client_free(pr);
		if (s->provisional && now.tv_sec - s->first_seen.tv_sec >=
		    PROVISIONAL_SECS)
			while ((pr = TAILQ_FIRST(&s->addrs)) != NULL)
				client_free(pr);
		if (s->naddrs == 0)
			sess_free(s);
	}
	RB_FOREACH(s, session_tree, &sessions)
		if (s->naddrs == 0)
			fail("session %u left without an address", s->id);
}

/* A path's figures: within their bounds and consistent. */
static void
check_quality(const struct qual_path *q)
{
	const struct qual_epoch	*a = &q->ep[0], *b = &q->ep[1];
	struct qual_report	 r;
	uint64_t		 h, exp, lag;
	int			 i, k;

	for (k = 0; k < 2; k++) {
		for (i = 0, h = 0; i < QUAL_BUCKETS; i++)
			h += q->ep[k].hist[i];
		if (h != q->ep[k].samples)
			fail("epoch %d: %u samples, %llu in the histogram",
			    k, q->ep[k].samples, (unsigned long long)h);
		if ((uint64_t)q->ep[k].lost + q->ep[k].first >
		    q->ep[k].expected)
			fail("epoch %d: %u lost and %u first of %u", k,
			    q->ep[k].lost, q->ep[k].first,
			    q->ep[k].expected);
	}
	if ((uint64_t)a->lost + b->lost > q->lost ||
	    (uint64_t)a->first + b->first > q->first ||
	    (uint64_t)a->samples + b->samples > q->received ||
	    (uint64_t)a->replay + b->replay > q->received ||
	    q->first + q->late > q->received)
		fail("path totals: received %llu first %llu lost %llu late "
		    "%llu, epochs lost %u+%u first %u+%u samples %u+%u",
		    (unsigned long long)q->received,
		    (unsigned long long)q->first,
		    (unsigned long long)q->lost, (unsigned long long)q->late,
		    a->lost, b->lost, a->first, b->first, a->samples,
		    b->samples);

	qual_report(q, &r);
	exp = (uint64_t)a->expected + b->expected;
	if (r.loss_ppm > 1000000 || r.first_ppm > 1000000 ||
	    (uint64_t)r.loss_ppm + r.first_ppm > 1000000)
		fail("loss %u ppm, first %u ppm", r.loss_ppm, r.first_ppm);
	if (r.samples != exp || (exp == 0 && (r.loss_ppm || r.first_ppm)))
		fail("report: %u samples, %llu expected", r.samples,
		    (unsigned long long)exp);
	if (r.delay_samples != (uint64_t)a->samples + b->samples ||
	    r.delay_p50_us > r.delay_p99_us ||
	    (r.delay_samples == 0 && r.delay_p99_us != 0))
		fail("report: %u delay samples, p50 %u p99 %u",
		    r.delay_samples, r.delay_p50_us, r.delay_p99_us);
	lag = a->max_lag > b->max_lag ? a->max_lag : b->max_lag;
	if (r.replay != (uint64_t)a->replay + b->replay ||
	    r.max_lag != (lag > UINT32_MAX ? UINT32_MAX : lag))
		fail("report: replay %u, max lag %u", r.replay, r.max_lag);
}

static void
check_session(struct session *s, struct msess *m)
{
	const uint8_t	*ini;
	struct peer	*pr;
	uint64_t	 bits = 0;
	int		 i, j, n = 0, used = 0, alive = 0, withq = 0;

	if (session_find(s->id) != s)
		fail("session_find(%u) misses it", s->id);
	TAILQ_FOREACH(pr, &s->addrs, sentry) {
		if (pr->sess != s)
			fail("session %u lists an address of another", s->id);
		for (i = 0; i < MAX_CLIENTS && clients[i] != pr; i++)
			;
		if (i == MAX_CLIENTS)
			fail("session %u lists an address no more", s->id);
		if (++n > MAX_CLIENTS)
			fail("session %u: its list loops", s->id);
		if (pr->q != NULL) {
			withq++;
			if (s->qg == NULL || pr->qbit < 0 ||
			    pr->qbit >= QUAL_MEMBERS ||
			    s->qg->member[pr->qbit] != pr->q ||
			    (bits & (1ULL << pr->qbit)))
				fail("session %u: a path not its group's",
				    s->id);
			bits |= 1ULL << pr->qbit;
			check_quality(pr->q);
		}
	}
	if (n != s->naddrs)
		fail("session %u: %d addresses listed, naddrs %d", s->id, n,
		    s->naddrs);
	if (s->qg != NULL) {
		if (s->naddrs < 2 || withq != n || s->qg->present != bits ||
		    s->qg->active != bits)
			fail("session %u: group of %d with %d paths, present "
			    "%llx active %llx, expected %llx", s->id, n, withq,
			    (unsigned long long)s->qg->present,
			    (unsigned long long)s->qg->active,
			    (unsigned long long)bits);
		for (i = 0; i < QUAL_MEMBERS; i++)
			if ((s->qg->member[i] != NULL) !=
			    ((bits >> i) & 1))
				fail("session %u: member %d", s->id, i);
	} else if (withq != 0)
		fail("session %u: paths measured without a group", s->id);

	for (i = 0; i < SESS_INDEXES; i++) {
		if (s->idx[i].sess != s)
			fail("session %u: index slot %d not its own", s->id,
			    i);
		if (!s->idx[i].used)
			continue;
		used++;
		if (session_by_index(s->idx[i].index) != s)
			fail("session %u: session_by_index(%08x) misses it",
			    s->id, s->idx[i].index);
		if (!model_holds(m, s->idx[i].index))
			fail("session %u holds %08x, the model not", s->id,
			    s->idx[i].index);
		for (j = 0; j < i; j++)
			if (s->idx[j].used &&
			    s->idx[j].index == s->idx[i].index)
				fail("session %u holds %08x twice", s->id,
				    s->idx[i].index);
	}
	for (i = 0; i < m->nhist; i++)
		alive += m->alive[i];
	if (used != alive || session_nindexes(s) != used ||
	    s->nextidx >= SESS_INDEXES)
		fail("session %u: %d indexes, the model %d, nindexes %d",
		    s->id, used, alive, session_nindexes(s));

	if (s->init.used != (m->init != -1) || s->init.sess != s)
		fail("session %u: initiation %d, the model %d", s->id,
		    s->init.used, m->init != -1);
	if (m->init != -1) {
		ini = inits[m->init];
		if (s->init.sender != get32(ini + WG_SENDER_OFF) ||
		    memcmp(s->init.mac1, ini + WG_MAC1_OFF,
		    WG_MAC1_LEN) != 0)
			fail("session %u: another initiation", s->id);
	}
	if (s->rekeys != m->rekeys || s->provisional != m->provisional)
		fail("session %u: rekeys %llu provisional %d, the model "
		    "%llu %d", s->id, (unsigned long long)s->rekeys,
		    s->provisional, (unsigned long long)m->rekeys,
		    m->provisional);
}

static void
check_graves(void)
{
	enum recent	 r;
	int		 i, got;

	for (i = 0; i < ngraves; i++) {
		r = model_recent(graves[i].index);
		got = session_index_recent(graves[i].index, now.tv_sec);
		if (r != RECENT_MAYBE && got != (r == RECENT_YES))
			fail("session_index_recent(%08x) says %d, expected "
			    "%d", graves[i].index, got, r == RECENT_YES);
	}
	for (i = 0; i < nknown; i++) {
		r = model_recent(known[i]);
		got = session_index_recent(known[i], now.tv_sec);
		if (r != RECENT_MAYBE && got != (r == RECENT_YES))
			fail("session_index_recent(%08x) says %d, expected "
			    "%d", known[i], got, r == RECENT_YES);
	}
}

static void
check_all(void)
{
	struct session	*s;
	struct msess	*m;
	int		 i, n = 0, nm = 0, naddrs = 0;

	RB_FOREACH(s, session_tree, &sessions) {
		if (++n > MAX_SESS)
			fail("more sessions than made");
		check_session(s, model_of(s));
		naddrs += s->naddrs;
	}
	for (i = 0; i < MAX_SESS; i++)
		nm += ms[i].s != NULL;
	if (n != nsessions || n != nm)
		fail("%d sessions in the tree, nsessions %d, the model %d", n,
		    nsessions, nm);
	for (i = 0; i < MAX_CLIENTS; i++) {
		if (clients[i] == NULL)
			continue;
		if (clients[i]->sess == NULL ||
		    session_find(clients[i]->sess->id) != clients[i]->sess)
			fail("an address in no session");
	}
	if (naddrs != nclients)
		fail("%d addresses in sessions, %d known", naddrs, nclients);
	for (i = 0; i < nknown; i++) {
		m = index_owner(known[i]);
		if (session_by_index(known[i]) != (m != NULL ? m->s : NULL))
			fail("session_by_index(%08x) is %p, expected %p",
			    known[i], (void *)session_by_index(known[i]),
			    m != NULL ? (void *)m->s : NULL);
	}
	for (i = 0; i < ninits; i++) {
		m = init_owner(inits[i]);
		if (session_by_init(inits[i]) != (m != NULL ? m->s : NULL))
			fail("session_by_init(%08x) is %p, expected %p",
			    get32(inits[i] + WG_SENDER_OFF),
			    (void *)session_by_init(inits[i]),
			    m != NULL ? (void *)m->s : NULL);
	}
}

/* 192.0.2.x, 198.51.100.x, ::ffff:203.0.113.x, 2001:db8::x. */
static void
slot_default(int k)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&addrs[k];
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&addrs[k];
	uint8_t			*a;

	memset(&addrs[k], 0, sizeof(addrs[k]));
	switch (k % 4) {
	case 0:
	case 1:
		sin->sin_family = AF_INET;
		sin->sin_port = htons(40000 + k);
		a = (uint8_t *)&sin->sin_addr;
		a[0] = k % 4 == 0 ? 192 : 198;
		a[1] = k % 4 == 0 ? 0 : 51;
		a[2] = k % 4 == 0 ? 2 : 100;
		a[3] = 1 + k;
		break;
	case 2:
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(40000 + k);
		a = sin6->sin6_addr.s6_addr;
		a[10] = a[11] = 0xff;
		a[12] = 203;
		a[13] = 0;
		a[14] = 113;
		a[15] = 1 + k;
		break;
	default:
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(40000 + k);
		a = sin6->sin6_addr.s6_addr;
		a[0] = 0x20;
		a[1] = 0x01;
		a[2] = 0x0d;
		a[3] = 0xb8;
		a[15] = 1 + k;
		break;
	}
}

static void
slot_set(int k, const uint8_t *p, size_t len)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&addrs[k];
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&addrs[k];
	uint8_t			 b[1 + 16 + 2];

	memset(b, 0, sizeof(b));
	memcpy(b, p, len < sizeof(b) ? len : sizeof(b));
	memset(&addrs[k], 0, sizeof(addrs[k]));
	if (b[0] & 1) {
		sin6->sin6_family = AF_INET6;
		memcpy(sin6->sin6_addr.s6_addr, b + 1, 16);
		sin6->sin6_port = htons(b[17] << 8 | b[18]);
	} else {
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, b + 1, 4);
		sin->sin_port = htons(b[5] << 8 | b[6]);
	}
	check_allowed(&addrs[k]);
}

/* The graves of earlier inputs, gone: FILLER's, from long ago, in place. */
static void
graves_sweep(void)
{
	int	 i;

	for (i = 0; i < GRAVE_SLOTS; i++)
		session_grave(FILLER, ANCIENT);
	graves_dirty = 0;
}

static void
record(int op, int sel, const uint8_t *p, size_t len)
{
	uint8_t		*buf;
	struct peer	*pr;
	size_t		 blen = len;
	uint32_t	 index;
	int		 t;

	switch (op) {
	case OP_IN:
	case OP_IN_COPY:
	case OP_IN_INIT:
		if (op == OP_IN_INIT)
			blen = WG_INITIATION_LEN;
		if (blen == 0)
			return;		/* engine_filter drops them */
		/* Exactly its size, so that overreads show. */
		if ((buf = calloc(1, blen)) == NULL)
			fail("calloc");
		memcpy(buf, p, len < blen ? len : blen);
		t = model_type(buf, blen);
		if (op == OP_IN_INIT) {
			buf[0] = WG_INITIATION;
			buf[1] = buf[2] = buf[3] = 0;
			if (mac1_on)
				model_mac1(buf, buf + WG_MAC1_OFF);
		} else if (op == OP_IN_COPY && t == WG_INITIATION &&
		    ninits > 0)
			memcpy(buf, inits[(sel >> 4) % ninits], blen);
		else if (op == OP_IN_COPY && t > WG_INITIATION &&
		    nknown > 0)
			put32(buf + (t == WG_RESPONSE ? 8 : 4),
			    known[(sel >> 4) % nknown]);
		route(buf, blen, sel % NSLOTS);
		free(buf);
		break;
	case OP_OUT:
		if ((buf = malloc(len > 0 ? len : 1)) == NULL)
			fail("malloc");
		memcpy(buf, p, len);
		learn(buf, len, sel);
		free(buf);
		break;
	case OP_TICK:
		clock_add((uint64_t)sel * 1000000);
		tick();
		check_graves();
		break;
	case OP_WAIT:
		clock_add(sel < 128 ? (uint64_t)sel :
		    (uint64_t)(sel - 127) * 10000);
		break;
	case OP_LEAVE:
		if ((pr = client_find(&addrs[sel % NSLOTS])) != NULL)
			client_free(pr);
		break;
	case OP_GRAVE:
		if (len >= 4)
			index = get32(p);
		else if (nknown > 0)
			index = known[sel % nknown];
		else
			return;
		known_add(index);
		session_grave(index, now.tv_sec - sel);
		model_bury(index, now.tv_sec - sel);
		check_graves();
		break;
	case OP_ADDR:
		slot_set(sel % NSLOTS, p, len);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 ready;
	struct session	*s;
	size_t		 off, len;
	int		 i, n;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (size < 9)
		return (0);
	if (graves_dirty)
		graves_sweep();

	start = (time_t)data[0] << 24 | (time_t)data[1] << 16 |
	    (time_t)data[2] << 8 | data[3];
	elapsed_us = 0;
	clock_add(0);
	epoch = 0;
	mac1_on = data[4] & 0x01;
	qual_slots = QUAL_SERVER_SLOTS >> (3 * ((data[4] >> 1) & 3));
	qual_groups_max = data[4] & 0x08 ? 2 : QUAL_GROUPS_MAX;
	max_sessions = 1 + data[5] % MAX_SESS;
	max_addrs = 1 + data[6] % NSLOTS;
	timeout = 1 + data[7] % 64;
	npfx = data[8] % (MAX_PFX + 1);
	off = 9;
	memset(pfx, 0, sizeof(pfx));
	memset(pfxraw, 0, sizeof(pfxraw));
	for (i = 0; i < npfx; i++) {
		if (size - off < 18) {
			npfx = i;
			break;
		}
		memcpy(pfxraw[i], data + off + 2, 16);
		pfx[i].plen = data[off + 1];
		switch (data[off] % 3) {
		case 0:
			pfxfam[i] = 4;
			pfx[i].addr.ss_family = AF_INET;
			memcpy(&((struct sockaddr_in *)&pfx[i].addr)->sin_addr,
			    pfxraw[i], 4);
			break;
		case 1:
			pfxfam[i] = 6;
			pfx[i].addr.ss_family = AF_INET6;
			memcpy(((struct sockaddr_in6 *)&pfx[i].addr)->
			    sin6_addr.s6_addr, pfxraw[i], 16);
			break;
		default:
			pfxfam[i] = 0;
			pfx[i].addr.ss_family = AF_UNSPEC;
			break;
		}
		off += 18;
	}
	rules.allowed = pfx;
	rules.nallowed = npfx;
	rules.mac1 = mac1_on ? mac1_key : NULL;

	for (i = 0; i < NSLOTS; i++)
		slot_default(i);
	memset(ms, 0, sizeof(ms));
	memset(clients, 0, sizeof(clients));
	nclients = nqgroups = 0;
	nknown = ninits = ngraves = 0;
	grave_adds = 0;
	graves_lost = 0;

	for (n = 0; n < MAX_RECORDS && size - off >= 4; n++) {
		len = (size_t)data[off + 2] << 8 | data[off + 3];
		if (len > size - off - 4)
			len = size - off - 4;
		record(data[off] % NOPS, data[off + 1], data + off + 4, len);
		off += 4 + len;
		check_all();
	}

	while ((s = RB_MIN(session_tree, &sessions)) != NULL)
		sess_free(s);
	check_all();
	if (nsessions != 0 || nclients != 0 || nqgroups != 0)
		fail("left: %d sessions, %d addresses, %d groups", nsessions,
		    nclients, nqgroups);
	return (0);
}
