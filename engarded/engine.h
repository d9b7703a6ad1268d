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


/* The engine's tables: paths (client) and peers (server), with counters. */

#ifndef ENGINE_H
#define ENGINE_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/tree.h>
#include <net/if.h>

#include <event.h>
#include <stdint.h>
#include <time.h>

#include "engarded.h"

struct counters {
	uint64_t	pkts_in;	/* received from the far side */
	uint64_t	bytes_in;
	uint64_t	pkts_out;	/* sent toward the far side */
	uint64_t	bytes_out;
	uint64_t	drops_out;	/* copies the socket would not take */
	uint64_t	errors;		/* other send and receive errors */
};

/* Client: one interface, usable or not, and its socket when it is. */
struct path {
	TAILQ_ENTRY(path)	 entry;
	char			 ifname[IFNAMSIZ];
	char			 label[CONF_LABEL_LEN];
	uint32_t		 ifindex;
	enum link_status	 status;
	int			 conf_excluded;	/* excludedInterfaces */
	int			 swapped;	/* exclude/include at run time */
	int			 fd;
	struct event		 ev;
	struct sockaddr_storage	 local;
	struct sockaddr_storage	 dst;
	struct counters		 c;
	struct timespec		 last_rx;	/* monotonic; 0: never */
	int			 last_errno;
};
TAILQ_HEAD(path_list, path);

/* Server: one client address, with its own socket once the parent sent it. */
struct peer {
	RB_ENTRY(peer)		 entry;
	TAILQ_ENTRY(peer)	 lru;
	struct sockaddr_storage	 addr;
	struct sockaddr_storage	 local;		/* where it sent to */
	int			 fd;
	int			 requested;	/* asked, no answer yet */
	int			 warned;
	time_t			 retry;		/* when to ask again */
	struct event		 ev;
	struct counters		 c;
	struct timespec		 first_seen;
	struct timespec		 last_rx;
	int			 last_errno;
};
RB_HEAD(peer_tree, peer);
RB_PROTOTYPE(peer_tree, peer, entry, peer_cmp);

#define PEERS_MAX	4096

/* Totals of the WireGuard-facing side and of what was refused. */
struct engine_stats {
	struct counters	wg;		/* in: from WireGuard; out: to it */
	uint64_t	oversized;
	uint64_t	empty;
	uint64_t	no_wg_peer;	/* client: WireGuard not heard yet */
	uint64_t	no_path;	/* client: no usable path */
	uint64_t	peer_limit;	/* server: table full */
	uint64_t	hs_copies;	/* later copies of a handshake */
	uint64_t	data_copies;	/* later copies of data (dedup) */
	uint64_t	ctl_errors;	/* bad control requests */
};

/* engine.c: the state control.c reports on. */
extern struct eng_conf		 ec;
extern struct path_list		 paths;
extern struct peer_tree		 peers;
extern int			 npeers;
extern struct engine_stats	 stats;
extern struct sockaddr_storage	 wg_peer;
extern struct timespec		 engine_start;

int64_t		 engine_age_ms(const struct timespec *);
void		 engine_swap(struct path *);
void		 engine_reset_swaps(void);
void		 engine_reload_request(uint32_t);
void		 engine_log_verbose(int);

/* path.c */
struct path	*path_find(struct path_list *, const char *);
struct path	*path_get(struct path_list *, const char *);
void		 path_close(struct path *);
int		 path_excluded(const struct path *);
int		 path_sending(const struct path *);
void		 path_describe(const struct path *, char *, size_t, char *,
		    size_t);
int		 peer_cmp(struct peer *, struct peer *);
struct peer	*peer_find(struct peer_tree *, const struct sockaddr_storage *);
void		 peer_close(struct peer *);

#endif /* ENGINE_H */
