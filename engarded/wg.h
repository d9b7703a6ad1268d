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


/* WireGuard's messages, as seen from outside: types, sizes, duplicates. */

#ifndef WG_H
#define WG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define WG_INITIATION		1
#define WG_RESPONSE		2
#define WG_COOKIE		3
#define WG_DATA			4

#define WG_INITIATION_LEN	148
#define WG_RESPONSE_LEN		92
#define WG_COOKIE_LEN		64
#define WG_DATA_MIN		32	/* header and an empty packet's tag */

/* Where the fields in clear lie. */
#define WG_SENDER_OFF		4	/* initiation, response */
#define WG_RECEIVER_OFF		4	/* cookie, data */
#define WG_RECEIVER_OFF_RESP	8	/* response */
#define WG_COUNTER_OFF		8	/* data */
#define WG_MAC1_OFF		116	/* initiation: mac1 covers what precedes */
#define WG_MAC1_LEN		16
#define WG_KEYLEN		32

#define WG_HS_SEEN		32	/* handshake messages remembered */
#define WG_HS_SECS		5	/* for so long */

#define WG_DEDUP_INDEXES	32	/* receiver indexes followed */
#define WG_DEDUP_WINDOW		1024	/* counters remembered, each */
#define WG_TAG_LEN		16

struct wg_dedup_slot {
	uint64_t	counter;
	uint8_t		tag[WG_TAG_LEN];
	uint8_t		used;
};

/* The data messages of one receiver index lately passed on. */
struct wg_dedup_index {
	uint32_t		index;
	time_t			used;
	struct wg_dedup_slot	slots[WG_DEDUP_WINDOW];
};

struct wg_dedup {
	struct wg_dedup_index	*idx[WG_DEDUP_INDEXES];
};

struct wg_hs_seen {
	uint8_t		msg[WG_INITIATION_LEN];
	size_t		len;
	time_t		when;
};

/* The handshake messages lately passed on, to drop their copies. */
struct wg_hs_cache {
	struct wg_hs_seen	seen[WG_HS_SEEN];
	unsigned int		next;
};

int	wg_type(const uint8_t *, size_t);
uint32_t wg_receiver(const uint8_t *, size_t);
int	wg_hs_duplicate(struct wg_hs_cache *, const uint8_t *, size_t,
	    time_t);
int	wg_data_duplicate(struct wg_dedup *, const uint8_t *, size_t,
	    time_t);
void	wg_dedup_free(struct wg_dedup *);
int	wg_mac1_init(void);
int	wg_mac1_ready(void);
int	wg_mac1_key(const uint8_t *, uint8_t *);
int	wg_mac1_ok(const uint8_t *, const uint8_t *, size_t);

#endif /* WG_H */
