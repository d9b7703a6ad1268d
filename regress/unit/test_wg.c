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


/* Unit tests of the WireGuard message classifier and the copy filters. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wg.h"

static void
msg(uint8_t *p, size_t len, int type)
{
	memset(p, 0, len);
	p[0] = type;
}

static void
test_types(void **state)
{
	uint8_t	p[256];

	(void)state;
	msg(p, sizeof(p), WG_INITIATION);
	assert_int_equal(wg_type(p, 148), WG_INITIATION);
	assert_int_equal(wg_type(p, 147), 0);
	p[0] = WG_RESPONSE;
	assert_int_equal(wg_type(p, 92), WG_RESPONSE);
	assert_int_equal(wg_type(p, 148), 0);
	p[0] = WG_COOKIE;
	assert_int_equal(wg_type(p, 64), WG_COOKIE);
	p[0] = WG_DATA;
	assert_int_equal(wg_type(p, 32), WG_DATA);
	assert_int_equal(wg_type(p, 48), WG_DATA);
	assert_int_equal(wg_type(p, 1452), WG_DATA);	/* padded to MTU */
	assert_int_equal(wg_type(p, 16), 0);	/* too short */
	p[2] = 1;				/* reserved bytes set */
	assert_int_equal(wg_type(p, 32), 0);
	p[2] = 0;
	p[0] = 5;
	assert_int_equal(wg_type(p, 32), 0);
	assert_int_equal(wg_type(p, 0), 0);
}

static void
test_handshake_copies(void **state)
{
	static struct wg_hs_cache	c;
	uint8_t				a[148], b[148];

	(void)state;
	msg(a, sizeof(a), WG_INITIATION);
	a[4] = 1;
	memcpy(b, a, sizeof(b));
	b[4] = 2;
	assert_int_equal(wg_hs_duplicate(&c, a, sizeof(a), 100), 0);
	assert_int_equal(wg_hs_duplicate(&c, a, sizeof(a), 100), 1);
	assert_int_equal(wg_hs_duplicate(&c, b, sizeof(b), 101), 0);
	assert_int_equal(wg_hs_duplicate(&c, a, sizeof(a), 101), 1);
	/* Long after, the same bytes are new again. */
	assert_int_equal(wg_hs_duplicate(&c, a, sizeof(a),
	    101 + WG_HS_SECS + 1), 0);
}

static void
data(uint8_t *p, uint32_t index, uint64_t counter, uint8_t tag)
{
	msg(p, 64, WG_DATA);
	memcpy(p + 4, &index, 4);
	memcpy(p + 8, &counter, 8);
	memset(p + 64 - WG_TAG_LEN, tag, WG_TAG_LEN);
}

static void
test_data_copies(void **state)
{
	static struct wg_dedup	d;
	uint8_t			p[64];
	uint64_t		n;
	uint32_t		i;

	(void)state;
	data(p, 7, 1, 0xaa);
	assert_int_equal(wg_data_duplicate(&d, p, 64, 1), 0);
	assert_int_equal(wg_data_duplicate(&d, p, 64, 1), 1);
	/* A forgery with the same counter never hides the genuine one. */
	data(p, 7, 2, 0xbb);
	assert_int_equal(wg_data_duplicate(&d, p, 64, 1), 0);
	data(p, 7, 2, 0xcc);
	assert_int_equal(wg_data_duplicate(&d, p, 64, 1), 0);
	data(p, 7, 2, 0xcc);
	assert_int_equal(wg_data_duplicate(&d, p, 64, 1), 1);
	/* Another index has counters of its own. */
	data(p, 8, 1, 0xaa);
	assert_int_equal(wg_data_duplicate(&d, p, 64, 1), 0);
	/* More indexes than the table holds: the oldest make room. */
	for (i = 100; i < 100 + 2 * WG_DEDUP_INDEXES; i++) {
		data(p, i, 5, 0x11);
		assert_int_equal(wg_data_duplicate(&d, p, 64, i), 0);
		assert_int_equal(wg_data_duplicate(&d, p, 64, i), 1);
	}
	/* A long stream: every message new once, a copy after. */
	for (n = 0; n < 5 * WG_DEDUP_WINDOW; n++) {
		data(p, 9, n, n & 0xff);
		assert_int_equal(wg_data_duplicate(&d, p, 64, 1000), 0);
		assert_int_equal(wg_data_duplicate(&d, p, 64, 1000), 1);
	}
	wg_dedup_free(&d);
}

/* A vector made with another BLAKE2s (Python's hashlib), not with ours. */
static void
test_mac1(void **state)
{
	static const uint8_t	want[WG_MAC1_LEN] = {
		0x44, 0x67, 0xce, 0x3f, 0x5a, 0x5c, 0xa9, 0x63,
		0x09, 0x66, 0x42, 0x46, 0x0d, 0xf1, 0x55, 0x0e
	};
	uint8_t			pub[WG_KEYLEN], key[WG_KEYLEN];
	uint8_t			p[WG_INITIATION_LEN];
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(pub); i++)
		pub[i] = i;
	msg(p, sizeof(p), WG_INITIATION);
	for (i = 4; i < WG_MAC1_OFF; i++)
		p[i] = (i * 7) & 0xff;
	memcpy(p + WG_MAC1_OFF, want, sizeof(want));
	assert_int_equal(wg_mac1_init(), 0);
	assert_int_equal(wg_mac1_key(pub, key), 0);
	assert_int_equal(wg_mac1_ok(key, p, sizeof(p)), 1);
	/* Any bit it covers, or the mac itself, changed: refused. */
	p[40] ^= 1;
	assert_int_equal(wg_mac1_ok(key, p, sizeof(p)), 0);
	p[40] ^= 1;
	p[WG_MAC1_OFF + 15] ^= 0x80;
	assert_int_equal(wg_mac1_ok(key, p, sizeof(p)), 0);
	p[WG_MAC1_OFF + 15] ^= 0x80;
	/* mac2 is not covered. */
	p[WG_INITIATION_LEN - 1] ^= 0xff;
	assert_int_equal(wg_mac1_ok(key, p, sizeof(p)), 1);
	/* Another server's key, or the wrong size: refused. */
	pub[0] ^= 1;
	assert_int_equal(wg_mac1_key(pub, key), 0);
	assert_int_equal(wg_mac1_ok(key, p, sizeof(p)), 0);
	assert_int_equal(wg_mac1_ok(key, p, sizeof(p) - 1), 0);
}

static void
test_receiver(void **state)
{
	uint8_t	p[64];

	(void)state;
	msg(p, sizeof(p), WG_DATA);
	p[4] = 0x78;
	p[5] = 0x56;
	p[6] = 0x34;
	p[7] = 0x12;
	assert_int_equal(wg_receiver(p, 64), 0x12345678);
	p[0] = WG_COOKIE;
	assert_int_equal(wg_receiver(p, WG_COOKIE_LEN), 0x12345678);
	/* A response's receiver comes after its sender. */
	msg(p, sizeof(p), WG_RESPONSE);
	p[8] = 0x01;
	assert_int_equal(wg_receiver(p, 64), 0);
	assert_int_equal(wg_receiver(p, WG_RESPONSE_LEN - 28), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_handshake_copies),
		cmocka_unit_test(test_data_copies),
		cmocka_unit_test(test_mac1),
		cmocka_unit_test(test_receiver),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
