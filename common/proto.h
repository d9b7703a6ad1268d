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


/* The control protocol spoken on the control sockets: fixed structures. */

#ifndef PROTO_H
#define PROTO_H

#include <sys/socket.h>
#include <net/if.h>
#include <stdint.h>

#define CTL_VERSION		3
#define CTL_LABEL_LEN		64
#define CTL_DESCR_LEN		256
#define CTL_TEXT_LEN		4096
#define CTL_MAX_CONNS		64
#define CTL_RECORDS_MAX		65536	/* records in one list, at most */

/* Message types; requests carry a struct ctl_request. */
enum ctl_type {
	IMSG_CTL_SHOW_STATUS = 100,
	IMSG_CTL_SHOW_INTERFACES,
	IMSG_CTL_SHOW_CLIENTS,
	IMSG_CTL_EXCLUDE,
	IMSG_CTL_INCLUDE,
	IMSG_CTL_SWAP,
	IMSG_CTL_RESET_EXCLUSIONS,
	IMSG_CTL_RELOAD,
	IMSG_CTL_LOG_VERBOSE,
	IMSG_CTL_SHOW_SESSIONS,
	IMSG_CTL_SHOW_PATHS,
	IMSG_CTL_TEST_FORBIDDEN = 150,	/* test builds only */

	/* Replies. */
	IMSG_CTL_STATUS = 200,		/* struct ctl_status */
	IMSG_CTL_INTERFACE,		/* struct ctl_iface */
	IMSG_CTL_CLIENT,		/* struct ctl_client */
	IMSG_CTL_END,			/* no data: the list is complete */
	IMSG_CTL_RESULT,		/* struct ctl_result */
	IMSG_CTL_SESSION		/* struct ctl_session */
};

struct ctl_request {
	uint32_t	version;	/* CTL_VERSION */
	int32_t		arg;		/* log verbose: the level */
	char		ifname[IFNAMSIZ];
};

enum ctl_code {
	CTL_OK = 0,
	CTL_ALREADY_EXCLUDED,
	CTL_ALREADY_INCLUDED,
	CTL_ERROR
};

struct ctl_result {
	uint32_t	code;		/* enum ctl_code */
	char		text[CTL_TEXT_LEN];
};

struct ctl_counters {
	uint64_t	pkts_in;
	uint64_t	bytes_in;
	uint64_t	pkts_out;
	uint64_t	bytes_out;
	uint64_t	drops;
	uint64_t	errors;
	uint64_t	gso_out;	/* of pkts_out, sent in GSO messages */
};

struct ctl_status {
	char			version[32];
	char			description[CTL_DESCR_LEN];
	uint32_t		role;		/* 1 client, 2 server */
	uint32_t		verbose;
	int64_t			uptime_ms;
	struct sockaddr_storage	listen;
	struct sockaddr_storage	wireguard;	/* dst, or WireGuard's */
	uint32_t		npaths;		/* sending now */
	uint32_t		nclients;
	struct ctl_counters	wg;		/* in: from WireGuard */
	uint64_t		oversized;
	uint64_t		empty;
	uint64_t		no_wg_peer;
	uint64_t		no_path;
	uint64_t		peer_limit;
	uint64_t		hs_copies;	/* handshake copies dropped */
	uint64_t		data_copies;	/* data copies dropped (dedup) */
	uint32_t		dedup;
	uint32_t		nsessions;
	uint64_t		ctl_errors;
	uint64_t		not_wg;		/* server admission: */
	uint64_t		stranger;
	uint64_t		denied;
	uint64_t		bad_mac1;
	uint64_t		session_limit;
	uint64_t		addr_limit;
	uint64_t		no_wg_socket;
	uint64_t		sessions_made;
	uint64_t		sessions_expired;
	uint32_t		max_sessions;
	uint32_t		max_session_addrs;
	uint32_t		mac1_checked;	/* wireguardPublicKey set */
	uint32_t		nallowed;	/* allowedSources entries */
	uint64_t		sessions_revived;	/* by an expired index */
	uint64_t		sessions_unanswered;	/* revived, then dropped */
	uint64_t		not_from_wg;	/* client: not WireGuard's */
};

/*
 * A path's quality, measured from the copies of WireGuard data messages
 * it carried, over the last 10 to 20 seconds.
 */
struct ctl_quality {
	uint32_t		samples;	/* 0: nothing measured yet */
	uint32_t		loss_ppm;
	uint32_t		first_ppm;	/* share delivered first */
	uint32_t		delay_p50_us;	/* behind the fastest path */
	uint32_t		delay_p99_us;
	uint32_t		replay;		/* beyond WireGuard's window */
	uint64_t		received;	/* since the path appeared */
	uint64_t		first;
	uint64_t		lost;
	uint64_t		late;
};

/* Status words of an interface, with the reason when it is not active. */
struct ctl_iface {
	char			ifname[IFNAMSIZ];
	char			label[CTL_LABEL_LEN];
	char			status[16];	/* active, excluded, idle */
	char			reason[48];
	struct sockaddr_storage	local;
	struct sockaddr_storage	dst;
	int64_t			last_rx_ms;	/* -1: never */
	struct ctl_counters	c;
	struct ctl_quality	q;
};

struct ctl_client {
	struct sockaddr_storage	addr;
	struct sockaddr_storage	local;
	int64_t			last_rx_ms;
	int64_t			age_ms;		/* since first seen */
	uint32_t		own_socket;
	uint32_t		session;	/* its session's id */
	struct ctl_counters	c;
	struct ctl_quality	q;
};

/* Server: one WireGuard peer and the addresses it reaches us from. */
struct ctl_session {
	uint32_t		id;
	uint32_t		naddrs;
	uint32_t		nindexes;	/* WireGuard indexes known */
	uint32_t		own_socket;	/* toward WireGuard: ready */
	struct sockaddr_storage	wg_local;	/* its port toward WireGuard */
	int64_t			age_ms;
	int64_t			last_rx_ms;
	uint64_t		initiations;	/* handshakes it started */
	uint64_t		addr_limit;	/* addresses refused */
	struct ctl_counters	c;		/* in: from the client */
};

#endif /* PROTO_H */
