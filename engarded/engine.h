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
#include "quality.h"
#include "wg.h"

struct counters {
	uint64_t	pkts_in;	/* received from the far side */
	uint64_t	bytes_in;
	uint64_t	pkts_out;	/* sent toward the far side */
	uint64_t	bytes_out;
	uint64_t	drops_out;	/* copies the socket would not take */
	uint64_t	errors;		/* other send and receive errors */
	uint64_t	gso_out;	/* of pkts_out, in GSO messages */
	int		nogso;		/* the socket refused GSO (EIO) */
	size_t		gso_toobig;	/* smallest segment over its MTU */
};

/*
 * Client: one interface toward one destination, usable or not, and its
 * socket when it is.
 */
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
	int			 qbit;		/* in the quality group */
	struct qual_path	 q;
};
TAILQ_HEAD(path_list, path);

struct session;

/* Server: one client address, with its own socket once the parent sent it. */
struct peer {
	RB_ENTRY(peer)		 entry;
	TAILQ_ENTRY(peer)	 sentry;	/* in its session */
	struct session		*sess;
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
	int			 qbit;		/* in its session's group */
	struct qual_path	*q;		/* while it has one */
};
RB_HEAD(peer_tree, peer);
RB_PROTOTYPE(peer_tree, peer, entry, peer_cmp);
TAILQ_HEAD(peer_list, peer);

#define PEERS_MAX	(CONF_SESSIONS_LIMIT * 2)

/* A WireGuard index the server's WireGuard chose, and whose it is. */
struct sess_index {
	RB_ENTRY(sess_index)	 entry;
	struct session		*sess;
	uint32_t		 index;
	int			 used;
};
RB_HEAD(index_tree, sess_index);
RB_PROTOTYPE(index_tree, sess_index, entry, index_cmp);

/* The last handshake initiation a session passed on, for its copies. */
struct sess_init {
	RB_ENTRY(sess_init)	 entry;
	struct session		*sess;
	uint32_t		 sender;
	uint8_t			 mac1[16];
	int			 used;
};
RB_HEAD(init_tree, sess_init);
RB_PROTOTYPE(init_tree, sess_init, entry, init_cmp);

#define SESS_INDEXES	8	/* WireGuard keeps 3 key pairs and a handshake */

/*
 * Server: one WireGuard peer, known by the indexes in its messages, with
 * every address it reaches us from and a socket of its own toward our
 * WireGuard, so that WireGuard sees one stable endpoint per peer.
 */
struct session {
	RB_ENTRY(session)	 entry;
	uint32_t		 id;
	int			 wg_fd;
	struct event		 ev;
	struct sockaddr_storage	 wg_local;	/* its source toward WireGuard */
	struct peer_list	 addrs;
	int			 naddrs;
	struct sess_index	 idx[SESS_INDEXES];
	unsigned int		 nextidx;
	struct sess_init	 init;
	struct counters		 c;		/* in: from clients; out: to */
	uint64_t		 addr_limit;	/* addresses refused */
	uint64_t		 rekeys;	/* initiations passed on */
	int			 provisional;	/* revived: WireGuard must answer */
	size_t			 held_len;
	uint8_t			 held[WG_INITIATION_LEN];	/* till a socket */
	struct timespec		 first_seen;
	struct timespec		 last_rx;
	struct qual_group	*qg;		/* with two addresses or more */
};
RB_HEAD(session_tree, session);
RB_PROTOTYPE(session_tree, session, entry, session_cmp);

/* Totals of the WireGuard-facing side and of what was refused. */
struct engine_stats {
	struct counters	wg;		/* in: from WireGuard; out: to it */
	uint64_t	oversized;
	uint64_t	empty;
	uint64_t	no_wg_peer;	/* client: WireGuard not heard yet */
	uint64_t	no_path;	/* client: no usable path */
	uint64_t	peer_limit;	/* server: address table full */
	uint64_t	not_wg;		/* not WireGuard-shaped */
	uint64_t	not_from_wg;	/* client: data from another program */
	uint64_t	stranger;	/* server: unknown source, no session */
	uint64_t	denied;		/* server: not in allowedSources */
	uint64_t	bad_mac1;	/* server: initiation without our mac1 */
	uint64_t	session_limit;	/* server: maxSessions reached */
	uint64_t	addr_limit;	/* server: maxSessionAddresses */
	uint64_t	no_wg_socket;	/* server: new session, no socket yet */
	uint64_t	sessions_made;
	uint64_t	sessions_expired;
	uint64_t	sessions_revived;	/* by an index of an expired one */
	uint64_t	sessions_unanswered;	/* revived, WireGuard silent */
	uint64_t	hs_copies;	/* later copies of a handshake */
	uint64_t	data_copies;	/* later copies of data (dedup) */
	uint64_t	ctl_errors;	/* bad control requests */
};

/* engine.c: the state control.c reports on. */
extern struct eng_conf		 ec;
extern struct path_list		 paths;
extern struct peer_tree		 peers;
extern int			 npeers;
extern struct session_tree	 sessions;
extern int			 nsessions;
extern struct engine_stats	 stats;
extern struct sockaddr_storage	 wg_peer;
extern struct timespec		 engine_start;
extern struct qual_group	 client_qg;

int64_t		 engine_age_ms(const struct timespec *);
int		 engine_mac1_checked(void);
void		 engine_swap(struct path *);
void		 engine_reset_swaps(void);
void		 engine_reload_request(uint32_t);
void		 engine_log_verbose(int);

/* path.c */
struct path	*path_find(struct path_list *, const char *,
		    const struct sockaddr_storage *);
struct path	*path_get(struct path_list *, const char *,
		    const struct sockaddr_storage *);
void		 path_close(struct path *);
int		 path_excluded(const struct path *);
int		 path_sending(const struct path *);
void		 path_describe(const struct path *, char *, size_t, char *,
		    size_t);
int		 peer_cmp(struct peer *, struct peer *);
int		 index_cmp(struct sess_index *, struct sess_index *);
int		 init_cmp(struct sess_init *, struct sess_init *);
int		 session_cmp(struct session *, struct session *);
struct peer	*peer_find(struct peer_tree *, const struct sockaddr_storage *);
void		 peer_close(struct peer *);

#endif /* ENGINE_H */
