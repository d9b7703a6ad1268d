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

/* Unit tests of the server's session table and its admission verdicts. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/tree.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "log.h"
#include "engine.h"
#include "session.h"
#include "wg.h"

static struct timespec	t0 = { 1000, 0 };

static void
put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void
addr4(struct sockaddr_storage *ss, const char *a, int port)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, a, &sin->sin_addr), 1);
}

static void
initiation(uint8_t *p, uint32_t sender, uint8_t fill)
{
	memset(p, fill, WG_INITIATION_LEN);
	p[0] = WG_INITIATION;
	p[1] = p[2] = p[3] = 0;
	put32(p + WG_SENDER_OFF, sender);
}

static void
data(uint8_t *p, size_t len, uint32_t receiver)
{
	memset(p, 0xab, len);
	p[0] = WG_DATA;
	p[1] = p[2] = p[3] = 0;
	put32(p + WG_RECEIVER_OFF, receiver);
}

/* What our WireGuard answers through a session: a response. */
static void
response(uint8_t *p, uint32_t sender, uint32_t receiver)
{
	memset(p, 0, WG_RESPONSE_LEN);
	p[0] = WG_RESPONSE;
	put32(p + WG_SENDER_OFF, sender);
	put32(p + WG_RECEIVER_OFF_RESP, receiver);
}

static struct peer *
peer(struct session *s, const char *a, int port)
{
	struct peer	*pr;

	assert_non_null(pr = calloc(1, sizeof(*pr)));
	addr4(&pr->addr, a, port);
	session_addr_add(s, pr);
	return (pr);
}

static void
drop(struct session *s)
{
	struct peer	*pr;

	while ((pr = TAILQ_FIRST(&s->addrs)) != NULL) {
		session_addr_del(pr);
		free(pr);
	}
	session_free(s, t0.tv_sec);
}

static void
test_admission(void **state)
{
	struct session_rules	 r = { NULL, 0, NULL, 0 };
	struct sockaddr_storage	 a1, a2, x;
	struct session		*s, *got;
	struct peer		*p1;
	uint8_t			 m[256], w[WG_RESPONSE_LEN];

	(void)state;
	addr4(&a1, "192.0.2.11", 4001);
	addr4(&a2, "198.51.100.11", 4002);
	addr4(&x, "203.0.113.9", 4003);

	/* Not WireGuard, whoever sends it. */
	memcpy(m, "hello", 5);
	assert_int_equal(session_admit(m, 5, NULL, &x, &r, &got),
	    ADMIT_NOT_WG);
	data(m, 31, 7);
	assert_int_equal(session_admit(m, 31, NULL, &x, &r, &got),
	    ADMIT_NOT_WG);

	/* An initiation from a new source starts a session. */
	initiation(m, 0x1111, 1);
	assert_int_equal(session_admit(m, WG_INITIATION_LEN, NULL, &a1, &r,
	    &got), ADMIT_NEW);
	assert_non_null(s = session_new(&t0));
	session_set_init(s, m);
	p1 = peer(s, "192.0.2.11", 4001);
	assert_int_equal(nsessions, 1);

	/* Its copy from the client's other link joins it. */
	assert_int_equal(session_admit(m, WG_INITIATION_LEN, NULL, &a2, &r,
	    &got), ADMIT_SESSION);
	assert_ptr_equal(got, s);
	/* The same sender index with other bytes is another initiation. */
	initiation(m, 0x1111, 2);
	assert_int_equal(session_admit(m, WG_INITIATION_LEN, NULL, &x, &r,
	    &got), ADMIT_NEW);

	/* Data for an index nobody announced: strangers are refused, */
	data(m, 64, 0x2222);
	assert_int_equal(session_admit(m, 64, NULL, &x, &r, &got),
	    ADMIT_STRANGER);
	/* known addresses go on to WireGuard, which decides. */
	assert_int_equal(session_admit(m, 64, p1, &a1, &r, &got),
	    ADMIT_SESSION);
	assert_ptr_equal(got, s);

	/* Our WireGuard answered through the session: its index is known. */
	response(w, 0x2222, 0x1111);
	session_learn(s, w, sizeof(w));
	assert_int_equal(session_nindexes(s), 1);
	assert_ptr_equal(session_by_index(0x2222), s);
	/* A NAT moved the client's port: the index brings it in. */
	assert_int_equal(session_admit(m, 64, NULL, &x, &r, &got),
	    ADMIT_SESSION);
	assert_ptr_equal(got, s);
	/* A cookie or a response for that index, too. */
	m[0] = WG_COOKIE;
	assert_int_equal(session_admit(m, WG_COOKIE_LEN, NULL, &x, &r, &got),
	    ADMIT_SESSION);
	response(m, 0x3333, 0x2222);
	assert_int_equal(session_admit(m, WG_RESPONSE_LEN, NULL, &x, &r,
	    &got), ADMIT_SESSION);

	/* A rekey from a known address: same session, new initiation. */
	initiation(m, 0x4444, 3);
	assert_int_equal(session_admit(m, WG_INITIATION_LEN, p1, &a1, &r,
	    &got), ADMIT_SESSION);
	assert_ptr_equal(got, s);
	assert_ptr_equal(session_by_init(m), s);
	assert_int_equal(s->rekeys, 2);
	drop(s);
	assert_int_equal(nsessions, 0);
}

static void
test_rules(void **state)
{
	struct conf_prefix	 pfx[2];
	struct session_rules	 r = { pfx, 2, NULL, 0 };
	struct sockaddr_storage	 in, out, v6;
	struct session		*got;
	uint8_t			 m[WG_INITIATION_LEN], pub[WG_KEYLEN];
	uint8_t			 key[WG_KEYLEN];

	(void)state;
	addr4(&pfx[0].addr, "192.0.2.0", 0);
	pfx[0].plen = 24;
	addr4(&pfx[1].addr, "198.51.100.128", 0);
	pfx[1].plen = 25;
	addr4(&in, "198.51.100.200", 1);
	addr4(&out, "198.51.100.127", 1);
	memset(&v6, 0, sizeof(v6));
	v6.ss_family = AF_INET6;
	assert_int_equal(session_allowed(pfx, 2, &in), 1);
	assert_int_equal(session_allowed(pfx, 2, &out), 0);
	assert_int_equal(session_allowed(pfx, 2, &v6), 0);
	assert_int_equal(session_allowed(pfx, 0, &out), 1);
	/* An IPv4 client of a dual-stack server: ::ffff:198.51.100.200. */
	((struct sockaddr_in6 *)&v6)->sin6_addr.s6_addr[10] = 0xff;
	((struct sockaddr_in6 *)&v6)->sin6_addr.s6_addr[11] = 0xff;
	memcpy(&((struct sockaddr_in6 *)&v6)->sin6_addr.s6_addr[12],
	    &((struct sockaddr_in *)&in)->sin_addr, 4);
	assert_int_equal(session_allowed(pfx, 2, &v6), 1);
	((struct sockaddr_in6 *)&v6)->sin6_addr.s6_addr[15] = 1;
	assert_int_equal(session_allowed(pfx, 2, &v6), 0);
	pfx[1].plen = 0;
	assert_int_equal(session_allowed(pfx, 2, &out), 1);
	pfx[1].plen = 25;

	initiation(m, 0x5555, 4);
	assert_int_equal(session_admit(m, sizeof(m), NULL, &out, &r, &got),
	    ADMIT_DENIED);
	assert_int_equal(session_admit(m, sizeof(m), NULL, &in, &r, &got),
	    ADMIT_NEW);

	/* With the key, an initiation must carry its mac1. */
	memset(pub, 9, sizeof(pub));
	assert_int_equal(wg_mac1_init(), 0);
	assert_int_equal(wg_mac1_key(pub, key), 0);
	r.mac1 = key;
	assert_int_equal(session_admit(m, sizeof(m), NULL, &in, &r, &got),
	    ADMIT_BAD_MAC1);
}

static void
test_indexes(void **state)
{
	struct session_rules	 r = { NULL, 0, NULL, 0 };
	struct sockaddr_storage	 x;
	struct session		*a, *b, *got;
	uint8_t			 w[WG_RESPONSE_LEN], m[64];
	uint32_t		 i;

	(void)state;
	addr4(&x, "203.0.113.9", 4003);
	assert_non_null(a = session_new(&t0));
	assert_non_null(b = session_new(&t0));
	assert_int_not_equal(a->id, b->id);
	/* The oldest of a session's indexes gives way. */
	for (i = 1; i <= SESS_INDEXES + 2; i++) {
		response(w, i, 0);
		session_learn(a, w, sizeof(w));
	}
	assert_int_equal(session_nindexes(a), SESS_INDEXES);
	assert_null(session_by_index(1));
	assert_null(session_by_index(2));
	assert_ptr_equal(session_by_index(3), a);
	/* An index WireGuard gave to another peer moves there. */
	response(w, 5, 0);
	session_learn(b, w, sizeof(w));
	assert_ptr_equal(session_by_index(5), b);
	assert_int_equal(session_nindexes(a), SESS_INDEXES - 1);

	/* Gone, a session's indexes still revive one for a while. */
	drop(a);
	data(m, sizeof(m), 7);
	r.now = t0.tv_sec + 10;
	assert_int_equal(session_admit(m, sizeof(m), NULL, &x, &r, &got),
	    ADMIT_REVIVE);
	r.now = t0.tv_sec + 1000;
	assert_int_equal(session_admit(m, sizeof(m), NULL, &x, &r, &got),
	    ADMIT_STRANGER);
	/* Indexes from before a restart, handed down by the parent. */
	data(m, sizeof(m), 0x7777);
	assert_int_equal(session_admit(m, sizeof(m), NULL, &x, &r, &got),
	    ADMIT_STRANGER);
	session_grave(0x7777, r.now - 100);
	assert_int_equal(session_admit(m, sizeof(m), NULL, &x, &r, &got),
	    ADMIT_REVIVE);
	data(m, sizeof(m), 7);
	/* Not those it had given up. */
	data(m, sizeof(m), 1);
	r.now = t0.tv_sec + 10;
	assert_int_equal(session_admit(m, sizeof(m), NULL, &x, &r, &got),
	    ADMIT_STRANGER);
	drop(b);
	assert_int_equal(nsessions, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_admission),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_indexes),
	};

	log_init(1, 0);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
