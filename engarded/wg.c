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

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "wg.h"

/*
 * The message type when the datagram is shaped like that WireGuard
 * message (exact size for handshakes, at least header and tag for data,
 * reserved bytes zero), 0 otherwise.  Data is not always whole blocks:
 * WireGuard pads only up to the tunnel's MTU.
 */
int
wg_type(const uint8_t *p, size_t len)
{
	if (len < 4 || p[1] != 0 || p[2] != 0 || p[3] != 0)
		return (0);
	switch (p[0]) {
	case WG_INITIATION:
		return (len == WG_INITIATION_LEN ? WG_INITIATION : 0);
	case WG_RESPONSE:
		return (len == WG_RESPONSE_LEN ? WG_RESPONSE : 0);
	case WG_COOKIE:
		return (len == WG_COOKIE_LEN ? WG_COOKIE : 0);
	case WG_DATA:
		return (len >= WG_DATA_MIN ? WG_DATA : 0);
	}
	return (0);
}

/* The receiver index of a response, cookie or data message; 0 otherwise. */
uint32_t
wg_receiver(const uint8_t *p, size_t len)
{
	uint32_t	index;

	switch (wg_type(p, len)) {
	case WG_RESPONSE:
		memcpy(&index, p + WG_RECEIVER_OFF_RESP, sizeof(index));
		return (index);
	case WG_COOKIE:
	case WG_DATA:
		memcpy(&index, p + WG_RECEIVER_OFF, sizeof(index));
		return (index);
	}
	return (0);
}

/*
 * Every copy of a handshake message is the same bytes.  WireGuard should
 * drop the later ones, but two copies handled at once by two of its
 * workers can both be taken, and the peers then end up with different
 * keys.  So only the first copy goes on: returns 1 for a copy of a
 * message passed on within the last seconds, 0 for a new one, remembered.
 */
int
wg_hs_duplicate(struct wg_hs_cache *c, const uint8_t *p, size_t len,
    time_t now)
{
	struct wg_hs_seen	*s;
	unsigned int		 i;

	if (len == 0 || len > sizeof(c->seen[0].msg))
		return (0);
	for (i = 0; i < WG_HS_SEEN; i++) {
		s = &c->seen[i];
		if (s->len == len && now - s->when <= WG_HS_SECS &&
		    memcmp(s->msg, p, len) == 0)
			return (1);
	}
	s = &c->seen[c->next];
	c->next = (c->next + 1) % WG_HS_SEEN;
	memcpy(s->msg, p, len);
	s->len = len;
	s->when = now;
	return (0);
}

/*
 * dedup: every copy of a data message carries the same receiver index,
 * counter and authentication tag; a second message with all three equal
 * is a copy, which WireGuard would decrypt only to drop.  A forgery that
 * reuses a counter has another tag and never hides the genuine message.
 * Returns 1 for a copy, 0 for a message to pass on (remembered).
 */
int
wg_data_duplicate(struct wg_dedup *d, const uint8_t *p, size_t len,
    time_t now)
{
	struct wg_dedup_index	*x, **slot = NULL;
	struct wg_dedup_slot	*s;
	uint32_t		 index;
	uint64_t		 counter;
	size_t			 i;

	memcpy(&index, p + 4, sizeof(index));
	memcpy(&counter, p + 8, sizeof(counter));
	for (i = 0; i < WG_DEDUP_INDEXES; i++) {
		x = d->idx[i];
		if (x != NULL && x->index == index)
			break;
		/* The free slot, or else the one unused the longest. */
		if (slot == NULL || (*slot != NULL && (x == NULL ||
		    x->used < (*slot)->used)))
			slot = &d->idx[i];
	}
	if (i == WG_DEDUP_INDEXES) {
		if (*slot == NULL && (*slot = malloc(sizeof(**slot))) == NULL)
			return (0);
		x = *slot;
		memset(x, 0, sizeof(*x));
		x->index = index;
	}
	x->used = now;

	s = &x->slots[counter % WG_DEDUP_WINDOW];
	if (s->used && s->counter == counter &&
	    memcmp(s->tag, p + len - WG_TAG_LEN, WG_TAG_LEN) == 0)
		return (1);
	s->used = 1;
	s->counter = counter;
	memcpy(s->tag, p + len - WG_TAG_LEN, WG_TAG_LEN);
	return (0);
}

void
wg_dedup_free(struct wg_dedup *d)
{
	size_t	i;

	for (i = 0; i < WG_DEDUP_INDEXES; i++) {
		free(d->idx[i]);
		d->idx[i] = NULL;
	}
}

/*
 * mac1 of an initiation: keyed BLAKE2s-128 over the message up to mac1,
 * keyed with BLAKE2s-256("mac1----" || the responder's public key).  Only
 * who knows our public key can make one.  The MAC is fetched before the
 * sandbox, which forbids the files OpenSSL may look for.
 */
static EVP_MAC		*mac1_mac;
static EVP_MAC_CTX	*mac1_ctx;

int
wg_mac1_init(void)
{
	if (mac1_ctx != NULL)
		return (0);
	if ((mac1_mac = EVP_MAC_fetch(NULL, "BLAKE2SMAC", NULL)) == NULL)
		return (-1);
	if ((mac1_ctx = EVP_MAC_CTX_new(mac1_mac)) == NULL) {
		EVP_MAC_free(mac1_mac);
		mac1_mac = NULL;
		return (-1);
	}
	return (0);
}

int
wg_mac1_ready(void)
{
	return (mac1_ctx != NULL);
}

/* The mac1 key for a responder's public key; 0 on success. */
int
wg_mac1_key(const uint8_t *pub, uint8_t *key)
{
	static const char	 label[] = "mac1----";
	EVP_MD_CTX		*md;
	unsigned int		 len = 0;
	int			 ok;

	if ((md = EVP_MD_CTX_new()) == NULL)
		return (-1);
	ok = EVP_DigestInit_ex(md, EVP_blake2s256(), NULL) &&
	    EVP_DigestUpdate(md, label, sizeof(label) - 1) &&
	    EVP_DigestUpdate(md, pub, WG_KEYLEN) &&
	    EVP_DigestFinal_ex(md, key, &len) && len == WG_KEYLEN;
	EVP_MD_CTX_free(md);
	return (ok ? 0 : -1);
}

/* Whether an initiation carries the mac1 made with this key. */
int
wg_mac1_ok(const uint8_t *key, const uint8_t *p, size_t len)
{
	OSSL_PARAM	params[2];
	uint8_t		mac[WG_MAC1_LEN];
	size_t		outlen = 0, size = WG_MAC1_LEN;

	if (len != WG_INITIATION_LEN || mac1_ctx == NULL)
		return (0);
	params[0] = OSSL_PARAM_construct_size_t("size", &size);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(mac1_ctx, key, WG_KEYLEN, params) ||
	    !EVP_MAC_update(mac1_ctx, p, WG_MAC1_OFF) ||
	    !EVP_MAC_final(mac1_ctx, mac, &outlen, sizeof(mac)) ||
	    outlen != WG_MAC1_LEN)
		return (0);
	return (CRYPTO_memcmp(mac, p + WG_MAC1_OFF, WG_MAC1_LEN) == 0);
}
