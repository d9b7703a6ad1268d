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


/* The dashboard's key material, as the parent loads or makes it. */

#ifndef WEBCERT_H
#define WEBCERT_H

#include <stddef.h>
#include <stdint.h>

#include "engarded.h"

struct webcert {
	uint8_t		cert[WEBUI_PEM_MAX];
	size_t		certlen;
	uint8_t		key[WEBUI_PEM_MAX];
	size_t		keylen;
	char		fingerprint[96];	/* SHA-256, AB:CD:... */
	int		selfsigned;
};

int	webcert_load(const struct conf_web *, struct webcert *, char *,
	    size_t);
int	webcert_password(const char *, char *, size_t, char *, size_t);

#endif /* WEBCERT_H */
