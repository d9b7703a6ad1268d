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

#ifndef SESSION_H
#define SESSION_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct conf_prefix;
struct peer;
struct session;

enum admit {
	ADMIT_SESSION,		/* to *sp */
	ADMIT_NEW,		/* an initiation starting a session */
	ADMIT_REVIVE,		/* the index of a lately expired session */
	ADMIT_NOT_WG,		/* not shaped like a WireGuard message */
	ADMIT_BAD_MAC1,		/* an initiation without our mac1 */
	ADMIT_DENIED,		/* a new source outside allowedSources */
	ADMIT_STRANGER		/* a new source, an index of no session */
};

/* What a new source must satisfy. */
struct session_rules {
	const struct conf_prefix *allowed;
	int			 nallowed;
	const uint8_t		*mac1;		/* key; NULL: not checked */
	time_t			 now;		/* for expired indexes */
};

struct session	*session_new(const struct timespec *);
void		 session_free(struct session *, time_t);
int		 session_index_recent(uint32_t, time_t);
struct session	*session_find(uint32_t);
int		 session_add_index(struct session *, uint32_t);
void		 session_grave(uint32_t, time_t);
struct session	*session_by_index(uint32_t);
int		 session_nindexes(const struct session *);
void		 session_set_init(struct session *, const uint8_t *);
struct session	*session_by_init(const uint8_t *);
void		 session_addr_add(struct session *, struct peer *);
void		 session_addr_del(struct peer *);
int		 session_allowed(const struct conf_prefix *, int,
		    const struct sockaddr_storage *);
enum admit	 session_admit(const uint8_t *, size_t, struct peer *,
		    const struct sockaddr_storage *,
		    const struct session_rules *, struct session **);
uint32_t	 session_learn(struct session *, const uint8_t *, size_t);

#endif /* SESSION_H */
