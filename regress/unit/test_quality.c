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


/* Unit tests of the per-path loss and delay measured from copies. */

#include <errno.h>
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "quality.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN	1
#endif
#endif

#define FOREVER		(1ULL << 62)	/* an age that finalises all */

#ifndef UNDER_ASAN
/* glibc's allocator under our names, to count what is asked of it. */
void	*__libc_malloc(size_t);
void	*__libc_calloc(size_t, size_t);
void	*__libc_realloc(void *, size_t);

static unsigned long	allocs;

void *
malloc(size_t n)
{
	allocs++;
	return (__libc_malloc(n));
}

void *
calloc(size_t n, size_t size)
{
	allocs++;
	return (__libc_calloc(n, size));
}

void *
realloc(void *p, size_t n)
{
	allocs++;
	return (__libc_realloc(p, n));
}
#endif

static void	datamsg(uint8_t *, uint32_t, uint64_t);
static void	copy(struct qual_group *, int, uint32_t, uint64_t, uint64_t);
static int	join(struct qual_group *, struct qual_path *);

/* A 32-byte data message: type 4, receiver index, counter, empty tag. */
static void
datamsg(uint8_t *p, uint32_t index, uint64_t counter)
{
	int	i;

	memset(p, 0, 32);
	p[0] = 4;
	for (i = 0; i < 4; i++)
		p[4 + i] = index >> (8 * i);
	for (i = 0; i < 8; i++)
		p[8 + i] = counter >> (8 * i);
}

static void
copy(struct qual_group *g, int bit, uint32_t index, uint64_t counter,
    uint64_t now)
{
	uint8_t	p[32];

	datamsg(p, index, counter);
	qual_copy(g, bit, p, sizeof(p), now);
}

/* A new member, active. */
static int
join(struct qual_group *g, struct qual_path *p)
{
	int	bit;

	bit = qual_member_add(g, p);
	assert_true(bit >= 0);
	qual_set_active(g, bit, 1);
	return (bit);
}

static void
test_buckets(void **state)
{
	static const uint64_t	d[] = { 1, 2, 3, 4, 5, 7, 8, 100, 300, 1000,
				    1023, 1024, 65535, 1000000 };
	unsigned int		b, i;

	(void)state;
	assert_int_equal(qual_bucket(0), 0);
	assert_int_equal(qual_bucket_us(0), 0);
	for (b = 1; b < QUAL_BUCKETS; b++)
		assert_true(qual_bucket_us(b) >= qual_bucket_us(b - 1));
	/* Each delay lies within its bucket, within a quarter octave. */
	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		b = qual_bucket(d[i]);
		assert_true(b > 0);
		assert_true(qual_bucket_us(b) >= d[i]);
		assert_true(qual_bucket_us(b - 1) < d[i]);
		assert_true(qual_bucket_us(b) < d[i] + d[i] / 4 + 1);
	}
	assert_int_equal(qual_bucket_us(qual_bucket(300)), 319);
	/* Far beyond the scale: the last bucket, never past the array. */
	assert_int_equal(qual_bucket(UINT64_MAX), QUAL_BUCKETS - 1);
	assert_int_equal(qual_bucket(1ULL << 40), QUAL_BUCKETS - 1);
}

static void
test_init(void **state)
{
	static struct qual_group	g;
	static struct qual_path		p[QUAL_MEMBERS + 1];
	struct qual_report		r;
	int				i;

	(void)state;
	assert_int_equal(qual_group_init(&g, 1000), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(qual_group_init(&g, 0), -1);
	assert_int_equal(qual_group_init(&g, QUAL_SLOTS_MAX * 2), -1);
	assert_int_equal(qual_group_init(&g, 64), 0);
	for (i = 0; i < QUAL_MEMBERS; i++)
		assert_int_equal(qual_member_add(&g, &p[i]), i);
	assert_int_equal(qual_member_add(&g, &p[QUAL_MEMBERS]), -1);
	qual_member_del(&g, 5);
	assert_int_equal(qual_member_add(&g, &p[QUAL_MEMBERS]), 5);
	/* Bad bits and short messages are ignored. */
	copy(&g, -1, 1, 1, 0);
	copy(&g, QUAL_MEMBERS, 1, 1, 0);
	qual_copy(&g, 0, (const uint8_t *)"short", 5, 0);
	qual_report(&p[0], &r);
	assert_int_equal(r.samples, 0);
	assert_int_equal(r.delay_samples, 0);
	assert_int_equal(p[0].received, 0);
	qual_group_free(&g);
	assert_null(g.ring);
}

/* B drops every tenth message: exactly a tenth lost, counted as passed. */
static void
test_loss(void **state)
{
	static struct qual_group	g;
	static struct qual_path		a, b;
	struct qual_report		r;
	uint64_t			c;
	int				ba, bb;

	(void)state;
	assert_int_equal(qual_group_init(&g, 256), 0);
	ba = join(&g, &a);
	bb = join(&g, &b);
	for (c = 0; c < 5256; c++) {
		copy(&g, ba, 1, c, c * 1000);
		if (c % 10 != 0)
			copy(&g, bb, 1, c, c * 1000);
	}
	/* The last 256 are still pending: 5000 finalised. */
	qual_report(&a, &r);
	assert_int_equal(r.samples, 5000);
	assert_int_equal(r.loss_ppm, 0);
	assert_int_equal(r.first_ppm, 1000000);
	qual_report(&b, &r);
	assert_int_equal(r.samples, 5000);
	assert_int_equal(r.loss_ppm, 100000);
	assert_int_equal(r.first_ppm, 0);
	assert_int_equal(b.lost, 500);

	/* Expiring finalises the rest: 26 more of the 256 lost. */
	qual_expire(&g, 5256 * 1000, 1000000);	/* none old enough */
	qual_report(&b, &r);
	assert_int_equal(r.samples, 5000);
	qual_expire(&g, 5256 * 1000, 0);
	qual_report(&b, &r);
	assert_int_equal(r.samples, 5256);
	assert_int_equal(b.lost, 526);
	assert_int_equal(r.loss_ppm, 526ULL * 1000000 / 5256);
	qual_report(&a, &r);
	assert_int_equal(r.samples, 5256);
	assert_int_equal(r.loss_ppm, 0);
	assert_int_equal(a.received, 5256);
	assert_int_equal(b.received, 5256 - 526);
	assert_int_equal(a.late + b.late, 0);
	/* Copies after the end are late and change nothing. */
	copy(&g, bb, 1, 5250, 6000000);
	assert_int_equal(b.late, 1);
	qual_report(&b, &r);
	assert_int_equal(r.samples, 5256);
	assert_int_equal(b.lost, 526);
	qual_group_free(&g);
}

/* A first by 0 us, B 300 us later but now and then 5 ms. */
static void
test_first_delay(void **state)
{
	static struct qual_group	g;
	static struct qual_path		a, b;
	struct qual_report		r;
	uint64_t			c, t;
	int				ba, bb;

	(void)state;
	assert_int_equal(qual_group_init(&g, 256), 0);
	ba = join(&g, &a);
	bb = join(&g, &b);
	for (c = 0; c < 1000; c++) {
		t = 1000000 + c * 1000;
		copy(&g, ba, 1, c, t);
		copy(&g, bb, 1, c, t + (c % 50 == 7 ? 5000 : 300));
	}
	qual_expire(&g, FOREVER, 0);
	qual_report(&a, &r);
	assert_int_equal(r.first_ppm, 1000000);
	assert_int_equal(r.loss_ppm, 0);
	assert_int_equal(r.delay_samples, 1000);
	assert_int_equal(r.delay_p50_us, 0);
	assert_int_equal(r.delay_p99_us, 0);
	qual_report(&b, &r);
	assert_int_equal(r.first_ppm, 0);
	assert_int_equal(r.loss_ppm, 0);
	assert_int_equal(r.samples, 1000);
	assert_int_equal(r.delay_samples, 1000);
	assert_true(r.delay_p50_us >= 300 && r.delay_p50_us < 300 * 5 / 4);
	/* 2% at 5 ms: beyond the 99th percentile. */
	assert_true(r.delay_p99_us >= 5000 && r.delay_p99_us < 5000 * 5 / 4);

	/* Order swapped halfway: each is first half the time. */
	for (c = 1000; c < 2000; c++) {
		t = 1000000 + c * 1000;
		copy(&g, c % 2 ? ba : bb, 1, c, t);
		copy(&g, c % 2 ? bb : ba, 1, c, t + 300);
	}
	qual_expire(&g, FOREVER, 0);
	qual_report(&a, &r);
	assert_int_equal(r.first_ppm, 750000);
	assert_int_equal(a.first, 1500);
	qual_report(&b, &r);
	assert_int_equal(r.first_ppm, 250000);
	qual_group_free(&g);
}

/*
 * A on time; C lags 9000 counters, beyond WireGuard's window and the
 * ring; D lags 600, beyond the ring only.  A drops some messages, which
 * C and D bring too late: never first.
 */
static void
test_replay_late(void **state)
{
	static struct qual_group	g;
	static struct qual_path		a, c, d;
	struct qual_report		r;
	uint64_t			s, kept, n = 20000;
	int				ba, bc, bd;

	(void)state;
	assert_int_equal(qual_group_init(&g, 512), 0);
	ba = join(&g, &a);
	bc = join(&g, &c);
	bd = join(&g, &d);
	for (s = 0; s < n + 9000; s++) {
		if (s >= n || s % 100 != 0)
			copy(&g, ba, 1, s, s * 10);
		if (s >= 9000)
			copy(&g, bc, 1, s - 9000, s * 10);
		if (s >= 600 && s - 600 < n)
			copy(&g, bd, 1, s - 600, s * 10);
	}
	qual_expire(&g, FOREVER, 0);
	assert_int_equal(c.first, 0);
	assert_int_equal(c.late, n);
	assert_int_equal(d.first, 0);
	/*
	 * But where A dropped the message due to take its slot next, the
	 * entry is still there and D's copy, within the window, counts.
	 */
	for (s = kept = 0; s + 512 < n; s++)
		if ((s + 512) % 100 == 0)
			kept++;
	assert_int_equal(d.late, n - kept);
	qual_report(&c, &r);
	assert_int_equal(r.first_ppm, 0);
	assert_int_equal(r.loss_ppm, 1000000);
	assert_int_equal(r.replay, n);
	assert_true(r.max_lag >= 9000);
	qual_report(&d, &r);
	assert_int_equal(r.samples, n + 9000 - n / 100);
	assert_int_equal(r.loss_ppm,
	    (uint64_t)(r.samples - kept) * 1000000 / r.samples);
	assert_int_equal(r.delay_samples, kept);
	assert_int_equal(r.replay, 0);
	assert_true(r.max_lag >= 600 && r.max_lag < QUAL_REPLAY_WINDOW);
	/* A's drops were brought by nobody in time: nobody charged. */
	qual_report(&a, &r);
	assert_int_equal(r.loss_ppm, 0);
	assert_int_equal(r.first_ppm, 1000000);
	assert_int_equal(r.samples, n + 9000 - n / 100);
	assert_int_equal(r.replay, 0);
	qual_group_free(&g);
}

/*
 * A ring wider than the window: C's copies, 8500 behind, find their
 * messages pending but WireGuard would refuse them; D's, 2000 behind,
 * count, with their delay.
 */
static void
test_replay_window(void **state)
{
	static struct qual_group	g;
	static struct qual_path		a, c, d;
	struct qual_report		r;
	uint64_t			s, n = 20000;
	int				ba, bc, bd;

	(void)state;
	assert_int_equal(qual_group_init(&g, 16384), 0);
	ba = join(&g, &a);
	bc = join(&g, &c);
	bd = join(&g, &d);
	for (s = 0; s < n + 8500; s++) {
		if (s < n)
			copy(&g, ba, 1, s, s * 10);
		if (s >= 8500)
			copy(&g, bc, 1, s - 8500, s * 10);
		if (s >= 2000 && s - 2000 < n)
			copy(&g, bd, 1, s - 2000, s * 10);
	}
	qual_expire(&g, FOREVER, 0);
	qual_report(&c, &r);
	assert_int_equal(c.late, n - 1 - QUAL_REPLAY_WINDOW);
	assert_int_equal(r.replay, n - 1 - QUAL_REPLAY_WINDOW);
	assert_true(r.loss_ppm > 500000);
	assert_int_equal(r.first_ppm, 0);
	qual_report(&d, &r);
	assert_int_equal(d.late, 0);
	assert_int_equal(r.replay, 0);
	assert_int_equal(r.loss_ppm, 0);
	assert_int_equal(r.delay_p50_us, qual_bucket_us(qual_bucket(20000)));
	qual_report(&a, &r);
	assert_int_equal(r.loss_ppm, 0);
	assert_int_equal(r.samples, n);
	qual_group_free(&g);
}

/* A path that dies and is removed is not charged for what it missed. */
static void
test_member_del(void **state)
{
	static struct qual_group	g;
	static struct qual_path		a, b, c, d;
	struct qual_report		r;
	uint64_t			n;
	int				ba, bb, bc, bd;

	(void)state;
	assert_int_equal(qual_group_init(&g, 256), 0);
	ba = join(&g, &a);
	bb = join(&g, &b);
	bc = join(&g, &c);
	for (n = 0; n < 500; n++) {
		copy(&g, ba, 1, n, n * 100);
		copy(&g, bb, 1, n, n * 100 + 10);
		if (n < 400)
			copy(&g, bc, 1, n, n * 100 + 20);
	}
	/* 400..499 are pending and C expected in all of them. */
	assert_int_equal(c.lost, 0);
	qual_member_del(&g, bc);
	assert_null(g.member[bc]);
	assert_int_equal(g.active & (1ULL << bc), 0);
	/* Its bit goes to another path, D, which starts later. */
	bd = qual_member_add(&g, &d);
	assert_int_equal(bd, bc);
	for (n = 500; n < 1000; n++) {
		if (n == 600)
			qual_set_active(&g, bd, 1);
		copy(&g, ba, 1, n, n * 100);
		copy(&g, bb, 1, n, n * 100 + 10);
		if (n >= 600)
			copy(&g, bd, 1, n, n * 100 + 20);
	}
	qual_expire(&g, FOREVER, 0);
	assert_int_equal(c.lost, 0);
	qual_report(&c, &r);
	assert_int_equal(r.loss_ppm, 0);
	assert_true(r.samples < 500);
	qual_report(&d, &r);
	assert_int_equal(d.lost, 0);
	assert_int_equal(r.loss_ppm, 0);
	assert_int_equal(r.samples, 400);
	assert_int_equal(r.first_ppm, 0);
	qual_report(&a, &r);
	assert_int_equal(r.samples, 1000);
	assert_int_equal(r.loss_ppm, 0);
	qual_report(&b, &r);
	assert_int_equal(r.loss_ppm, 0);
	/* An inactive path is not expected. */
	qual_set_active(&g, bb, 0);
	for (n = 1000; n < 1100; n++)
		copy(&g, ba, 1, n, n * 100);
	qual_expire(&g, FOREVER, 0);
	assert_int_equal(b.lost, 0);
	qual_report(&a, &r);
	assert_int_equal(r.samples, 1100);
	qual_group_free(&g);
}

/* A path's own duplicate is ignored: no copy, sample or delay. */
static void
test_duplicate(void **state)
{
	static struct qual_group	g;
	static struct qual_path		a, b;
	struct qual_report		r;
	uint64_t			n;
	int				ba, bb;

	(void)state;
	assert_int_equal(qual_group_init(&g, 256), 0);
	ba = join(&g, &a);
	bb = join(&g, &b);
	for (n = 0; n < 1000; n++) {
		copy(&g, ba, 1, n, n * 1000);
		copy(&g, ba, 1, n, n * 1000 + 900);
		copy(&g, bb, 1, n, n * 1000 + 100);
		copy(&g, bb, 1, n, n * 1000 + 800);
	}
	qual_expire(&g, FOREVER, 0);
	assert_int_equal(a.received, 1000);
	assert_int_equal(b.received, 1000);
	assert_int_equal(a.late + b.late, 0);
	qual_report(&a, &r);
	assert_int_equal(r.delay_samples, 1000);
	assert_int_equal(r.delay_p99_us, 0);
	assert_int_equal(r.first_ppm, 1000000);
	qual_report(&b, &r);
	assert_int_equal(r.delay_samples, 1000);
	assert_int_equal(r.delay_p99_us, qual_bucket_us(qual_bucket(100)));
	assert_int_equal(r.loss_ppm, 0);
	qual_group_free(&g);
}

/*
 * Rekeying: a new index counting from 0 while B still brings the old
 * one's last messages; then an index met mid-stream.  No bogus loss.
 */
static void
test_rekey(void **state)
{
	static struct qual_group	g;
	static struct qual_path		a, b;
	struct qual_report		r;
	uint64_t			s, t = 0;
	int				ba, bb;

	(void)state;
	assert_int_equal(qual_group_init(&g, 256), 0);
	ba = join(&g, &a);
	bb = join(&g, &b);
	/* Step s: A brings message s, B message s - 3. */
	for (s = 0; s < 6003; s++, t += 100) {
		if (s < 3000)
			copy(&g, ba, 0x1111, s, t);
		else if (s < 6000)
			copy(&g, ba, 0x2222, s - 3000, t);
		if (s >= 3 && s < 3003)
			copy(&g, bb, 0x1111, s - 3, t);
		else if (s >= 3003)
			copy(&g, bb, 0x2222, s - 3003, t);
	}
	assert_int_equal(g.cur.index, 0x2222);
	assert_int_equal(g.prev.index, 0x1111);
	/*
	 * An index met with a high counter is followed only after a while;
	 * until then no message of it is measured, even those whose copy
	 * over A came before and over B after.
	 */
	for (s = 0; s < 3003; s++, t += 100) {
		if (s < 3000)
			copy(&g, ba, 0x3333, 1000000 + s, t);
		if (s >= 3)
			copy(&g, bb, 0x3333, 1000000 + s - 3, t + 50);
		if (s == 10)
			assert_int_equal(g.cur.index, 0x2222);
	}
	assert_int_equal(g.cur.index, 0x3333);
	qual_expire(&g, FOREVER, 0);
	assert_int_equal(a.lost + b.lost, 0);
	assert_int_equal(a.late + b.late, 0);
	qual_report(&a, &r);
	assert_int_equal(r.loss_ppm, 0);
	assert_int_equal(r.first_ppm, 1000000);
	assert_int_equal(r.replay, 0);
	qual_report(&b, &r);
	assert_int_equal(r.loss_ppm, 0);
	assert_int_equal(r.replay, 0);
	assert_int_equal(r.max_lag, 3);
	assert_int_equal(a.received, 9000);
	assert_int_equal(b.received, 9000);
	qual_group_free(&g);
}

/*
 * Copies of messages nobody else brought, too far behind to count: late,
 * never first, though their slot is free.
 */
static void
test_late_alone(void **state)
{
	static struct qual_group	g;
	static struct qual_path		a, c;
	struct qual_report		r;
	uint64_t			n;
	int				ba, bc;

	(void)state;
	/* Beyond the replay window, in a ring wide enough to hold it. */
	assert_int_equal(qual_group_init(&g, 16384), 0);
	ba = join(&g, &a);
	bc = join(&g, &c);
	for (n = 0; n < 10000; n++)
		if (n != 500)
			copy(&g, ba, 1, n, n);
	copy(&g, bc, 1, 500, 10000);
	assert_int_equal(c.late, 1);
	assert_int_equal(c.first, 0);
	qual_report(&c, &r);
	assert_int_equal(r.replay, 1);
	qual_group_free(&g);

	/* Within the window but beyond the ring. */
	assert_int_equal(qual_group_init(&g, 1024), 0);
	ba = join(&g, &a);
	bc = join(&g, &c);
	for (n = 0; n < 3000; n++)
		if (n != 1000 && n != 2024)
			copy(&g, ba, 1, n, n);
	copy(&g, bc, 1, 1000, 3000);
	assert_int_equal(c.late, 1);
	assert_int_equal(c.first, 0);
	qual_report(&c, &r);
	assert_int_equal(r.replay, 0);
	assert_int_equal(r.max_lag, 1999);
	qual_group_free(&g);
}

/*
 * In a small ring the new key pair's messages take the slots of the
 * old one's; B's stragglers then are late, each charged once, and never
 * push out a new message B has yet to bring.
 */
static void
test_rekey_collide(void **state)
{
	static struct qual_group	g;
	static struct qual_path		a, b;
	uint64_t			s, late = 0;
	uint32_t			idx;
	int				ba, bb;

	(void)state;
	for (idx = 2; idx < 66; idx++) {
		assert_int_equal(qual_group_init(&g, 16), 0);
		ba = join(&g, &a);
		bb = join(&g, &b);
		for (s = 0; s < 203; s++) {
			if (s < 100)
				copy(&g, ba, 1, s, s);
			else if (s < 200)
				copy(&g, ba, idx, s - 100, s);
			if (s >= 3 && s < 103)
				copy(&g, bb, 1, s - 3, s);
			else if (s >= 103)
				copy(&g, bb, idx, s - 103, s);
		}
		qual_expire(&g, FOREVER, 0);
		assert_int_equal(a.lost, 0);
		assert_int_equal(b.lost, b.late);
		late += b.late;
		qual_group_free(&g);
	}
	assert_true(late > 0);
}

/* A copy of a stray index, forged or not, does not move what is followed. */
static void
test_stray(void **state)
{
	static struct qual_group	g;
	static struct qual_path		a, b;
	struct qual_report		r;
	uint64_t			n;
	int				ba, bb;

	(void)state;
	assert_int_equal(qual_group_init(&g, 256), 0);
	ba = join(&g, &a);
	bb = join(&g, &b);
	for (n = 0; n < 2000; n++) {
		copy(&g, ba, 1, n, n * 10);
		copy(&g, bb, 1, n, n * 10 + 5);
		if (n % 100 == 50)
			copy(&g, bb, 0xdead0000 + n, 1ULL << 40, n * 10 + 6);
	}
	assert_int_equal(g.cur.index, 1);
	qual_expire(&g, FOREVER, 0);
	qual_report(&b, &r);
	assert_int_equal(r.loss_ppm, 0);
	assert_int_equal(r.samples, 2000);
	qual_report(&a, &r);
	assert_int_equal(r.loss_ppm, 0);
	assert_int_equal(r.samples, 2000);
	qual_group_free(&g);
}

/* Figures move to the previous epoch, then are gone. */
static void
test_rotate(void **state)
{
	static struct qual_group	g;
	static struct qual_path		a, b;
	struct qual_report		r;
	uint64_t			n;
	int				ba, bb;

	(void)state;
	assert_int_equal(qual_group_init(&g, 64), 0);
	ba = join(&g, &a);
	bb = join(&g, &b);
	for (n = 0; n < 100; n++) {
		copy(&g, ba, 1, n, n * 1000);
		if (n % 4 != 0)
			copy(&g, bb, 1, n, n * 1000 + 400);
	}
	qual_expire(&g, FOREVER, 0);
	qual_rotate(&b);
	assert_int_equal(b.ep[0].expected, 0);
	qual_report(&b, &r);
	assert_int_equal(r.samples, 100);
	assert_int_equal(r.loss_ppm, 250000);
	assert_int_equal(r.delay_samples, 75);
	assert_int_equal(r.delay_p50_us, qual_bucket_us(qual_bucket(400)));
	/* A new epoch's figures add to the previous one's. */
	for (n = 100; n < 200; n++) {
		copy(&g, ba, 1, n, n * 1000);
		copy(&g, bb, 1, n, n * 1000 + 400);
	}
	qual_expire(&g, FOREVER, 0);
	qual_report(&b, &r);
	assert_int_equal(r.samples, 200);
	assert_int_equal(r.loss_ppm, 125000);
	qual_rotate(&b);
	qual_report(&b, &r);
	assert_int_equal(r.samples, 100);
	assert_int_equal(r.loss_ppm, 0);
	qual_rotate(&b);
	qual_report(&b, &r);
	assert_int_equal(r.samples, 0);
	assert_int_equal(r.delay_samples, 0);
	assert_int_equal(r.loss_ppm, 0);
	assert_int_equal(r.delay_p50_us, 0);
	/* Lifetime totals stay. */
	assert_int_equal(b.lost, 25);
	assert_int_equal(b.received, 175);
	qual_group_free(&g);
}

/* The ring is the only allocation: none per packet. */
static void
test_no_alloc(void **state)
{
	static struct qual_group	g;
	static struct qual_path		a, b;
	struct qual_entry		*ring;
	uint64_t			n;
	int				ba, bb;
#ifndef UNDER_ASAN
	unsigned long			before;
	struct mallinfo2		mi;
	size_t				used;
#endif

	(void)state;
#ifndef UNDER_ASAN
	before = allocs;
	assert_int_equal(qual_group_init(&g, 1024), 0);
	assert_int_equal(allocs, before + 1);
#else
	assert_int_equal(qual_group_init(&g, 1024), 0);
#endif
	ring = g.ring;
	ba = join(&g, &a);
	bb = join(&g, &b);
#ifndef UNDER_ASAN
	before = allocs;
	mi = mallinfo2();
	used = mi.uordblks + mi.hblkhd;
#endif
	for (n = 0; n < 200000; n++) {
		copy(&g, ba, 7, n, n * 10);
		if (n % 3)
			copy(&g, bb, 7, n, n * 10 + 5);
		if (n % 50000 == 0) {
			qual_expire(&g, n * 10, 1000);
			qual_rotate(&a);
			qual_rotate(&b);
			qual_member_del(&g, bb);
			bb = join(&g, &b);
		}
	}
#ifndef UNDER_ASAN
	assert_int_equal(allocs, before);
	mi = mallinfo2();
	assert_int_equal(mi.uordblks + mi.hblkhd, used);
#endif
	assert_ptr_equal(g.ring, ring);
	assert_int_equal(g.nslots, 1024);
	qual_group_free(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets),
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_loss),
		cmocka_unit_test(test_first_delay),
		cmocka_unit_test(test_replay_late),
		cmocka_unit_test(test_replay_window),
		cmocka_unit_test(test_member_del),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_rekey),
		cmocka_unit_test(test_rekey_collide),
		cmocka_unit_test(test_late_alone),
		cmocka_unit_test(test_stray),
		cmocka_unit_test(test_rotate),
		cmocka_unit_test(test_no_alloc),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
