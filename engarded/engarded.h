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

/* Shared definitions of the engarded processes: configuration and messages. */

#ifndef ENGARDED_H
#define ENGARDED_H

#include <sys/socket.h>
#include <net/if.h>
#include <stdint.h>

#define ENGARDED_VERSION	"0.1.0"
#define ENGARDED_CONF		"/etc/engarded.yml"
#define ENGARDED_USER		"_engarde"
#define ENGARDED_CHROOT		"/var/empty"
#define ENGARDED_SOCKET		"/run/engarded.sock"
#define ENGARDED_SOCKBUF	(4 * 1024 * 1024)
#define ENGARDED_CLIENT_TIMEOUT	30
#define ENGARDED_WRITE_TIMEOUT	10

/* The pipe to the parent in every child. */
#define PARENT_FD		3

#define CONF_MAX_IFS		64	/* entries per interface list */
#define CONF_DESCR_LEN		256
#define CONF_LABEL_LEN		64
#define CONF_CRED_LEN		128
#define CONF_MAX_DSTS		4	/* client dstAddr: one per path family */
#define CONF_MAX_PREFIXES	64	/* server allowedSources */
#define CONF_RTPRIO_MAX		99	/* realtimePriority, SCHED_FIFO */
#define CONF_MAX_SESSIONS	1024	/* server maxSessions, default */
#define CONF_SESSIONS_LIMIT	65536	/* maxSessions, at most */
#define CONF_SESSION_ADDRS	16	/* server maxSessionAddresses, default */
#define CONF_SESSION_ADDRS_MAX	64	/* maxSessionAddresses, at most */
#define WG_KEY_LEN		32

enum eg_role {
	ROLE_NONE = 0,
	ROLE_CLIENT,
	ROLE_SERVER
};

struct conf_override {
	char			ifname[IFNAMSIZ];
	struct sockaddr_storage	dst;
};

/* An address prefix of allowedSources: addr holds it with host bits zero. */
struct conf_prefix {
	struct sockaddr_storage	addr;
	uint32_t		plen;
	uint32_t		pad;
};

struct conf_label {
	char			ifname[IFNAMSIZ];
	char			label[CONF_LABEL_LEN];
};

/* How the web manager speaks: the values of conf_web.tls. */
#define WEB_TLS_AUTO		0	/* HTTPS, self-signed at start */
#define WEB_TLS_FILES		1	/* HTTPS, cert and key files */
#define WEB_TLS_OFF		2	/* plain HTTP, loopback only */

/*
 * All zero when disabled.  The secret of passwordfile is read by the
 * parent at start and reload, not by config_parse; password and
 * passwordfile are never both set.
 */
struct conf_web {
	int			enabled;	/* listenAddr given, non-empty */
	struct sockaddr_storage	listen;
	char			username[CONF_CRED_LEN];
	char			password[CONF_CRED_LEN];
	int			tls;		/* WEB_TLS_* */
	char			cert[256];	/* absolute, WEB_TLS_FILES */
	char			key[256];	/* absolute, WEB_TLS_FILES */
	char			passwordfile[256];	/* absolute */
};

/*
 * One role's configuration, flat and bounded so that it can be copied and
 * compared as a whole.  Addresses are numeric; port 0 is never valid.
 */
struct config {
	enum eg_role		role;
	char			description[CONF_DESCR_LEN];
	struct sockaddr_storage	listen;		/* listenAddr */
	struct sockaddr_storage	dst;		/* dstAddr, the first */
	struct sockaddr_storage	dsts[CONF_MAX_DSTS];	/* client: all of them */
	int			ndsts;
	uint32_t		write_timeout;	/* ms, accepted for Go engarde */
	uint32_t		client_timeout;	/* s, server */

	char			excluded[CONF_MAX_IFS][IFNAMSIZ];
	int			nexcluded;
	struct conf_label	labels[CONF_MAX_IFS];
	int			nlabels;
	struct conf_override	overrides[CONF_MAX_IFS];
	int			noverrides;

	struct conf_web		web;

	/* Our own keys. */
	char			user[64];
	char			chroot[256];
	char			csock[108];	/* sun_path */
	uint32_t		sockbuf;	/* bytes, rcv and snd */
	int			dedup;		/* first copy of data only */
	uint32_t		rtprio;		/* realtimePriority, 0: none */

	/* Server admission. */
	struct conf_prefix	allowed[CONF_MAX_PREFIXES];	/* allowedSources */
	int			nallowed;	/* 0: anyone */
	uint8_t			wg_pubkey[WG_KEY_LEN];	/* wireguardPublicKey */
	int			has_pubkey;
	uint32_t		max_sessions;	/* maxSessions */
	uint32_t		max_session_addrs;	/* maxSessionAddresses */
};

/* Messages between parent and engine. */
enum imsg_type {
	IMSG_NONE = 0,
	IMSG_RECONF_CONF = 1,	/* parent: struct eng_conf */
	IMSG_RECONF_IFACE,	/* parent: struct eng_ifconf */
	IMSG_RECONF_END,	/* parent: swap in what came */
	IMSG_SOCKET_LISTEN,	/* parent: fd, the listen socket */
	IMSG_SOCKET_WG,		/* parent: struct wg_sock, fd or not */
	IMSG_SOCKET_WG_REQ,	/* engine: one more socket to WireGuard */
	IMSG_INDEX_ADD,		/* engine: uint32_t, a session's new index */
	IMSG_INDEX_SEED,	/* parent: struct index_seed, before a restart */
	IMSG_LINK_STATE,	/* parent: struct link_state, fd if usable */
	IMSG_PEER_SOCKET_REQ,	/* engine: struct peer_sock */
	IMSG_PEER_SOCKET,	/* parent: struct peer_sock, fd or not */
	IMSG_CONTROL_FD,	/* parent: uint32_t read-only, listening fd */
	IMSG_RELOAD,		/* engine: for control connection peerid */
	IMSG_RELOAD_RESULT,	/* parent: struct reload_result */
	IMSG_LOG_VERBOSE,	/* engine: int, the new verbosity */
	IMSG_LOG,		/* child: struct log_line */
	IMSG_CONTROL_CONN,	/* parent: fd, a control connection (webui) */
	IMSG_ENGINE_READY,	/* engine: sandboxed and configured */
	IMSG_WEBUI_CONF,	/* parent: struct webui_conf */
	IMSG_WEBUI_PEM,		/* parent: struct webui_pem, a part */
	IMSG_WEBUI_LISTEN,	/* parent: fd, the listening TCP socket */
	IMSG_WEBUI_CONTROL,	/* parent: fd, its control connection */
	IMSG_WEBUI_GO,		/* parent: all of it came, (re)start */
	IMSG_MAX
};

/* What the engine needs of the configuration. */
struct eng_conf {
	uint32_t		role;
	uint32_t		client_timeout;
	uint32_t		verbose;
	uint32_t		dedup;
	uint32_t		max_sessions;
	uint32_t		max_session_addrs;
	uint32_t		has_pubkey;
	uint32_t		nallowed;
	uint8_t			wg_pubkey[WG_KEY_LEN];
	struct sockaddr_storage	listen;
	struct sockaddr_storage	dst;
	char			description[CONF_DESCR_LEN];
	struct conf_prefix	allowed[CONF_MAX_PREFIXES];
};

/* One interface named in the configuration. */
struct eng_ifconf {
	char			ifname[IFNAMSIZ];
	char			label[CONF_LABEL_LEN];
	uint32_t		excluded;
	uint32_t		pad;
};

enum link_status {
	LINK_ACTIVE = 0,	/* socket attached */
	LINK_DOWN,		/* not up or no carrier */
	LINK_NOADDR,		/* no usable address of the family */
	LINK_NOSOCK,		/* the socket could not be opened */
	LINK_SELF,		/* a WireGuard or loopback interface */
	LINK_GONE,		/* removed from the system */
	LINK_STATUS_MAX
};

struct link_state {
	char			ifname[IFNAMSIZ];
	uint32_t		ifindex;
	uint32_t		status;		/* enum link_status */
	struct sockaddr_storage	local;
	struct sockaddr_storage	dst;
};

/* Server: a socket of our own for one client address. */
struct peer_sock {
	struct sockaddr_storage	peer;
	struct sockaddr_storage	local;
	int32_t			error;		/* errno, or 0 with a fd */
	uint32_t		pad;
};

/* Server: a socket toward WireGuard, for a session's own source port. */
struct wg_sock {
	struct sockaddr_storage	dst;		/* where it is connected */
	struct sockaddr_storage	local;		/* its own address and port */
	int32_t			error;		/* errno, or 0 with a fd */
	uint32_t		pad;
};

/* Server: indexes of the sessions before a restart, some at a time. */
#define INDEX_SEED_MAX	1024
#define INDEX_KEEP	4096	/* remembered by the parent */
#define INDEX_SECS	180	/* WireGuard's Reject-After-Time */

struct index_seed {
	uint32_t		n;
	uint32_t		pad;
	struct {
		uint32_t	index;
		uint32_t	age;	/* seconds */
	}			e[INDEX_SEED_MAX];
};

#define WEBUI_PEM_MAX	65536	/* a certificate chain or key */
#define WEBUI_PEM_PART	8192

enum webui_pem_kind {
	PEM_CERT = 0,
	PEM_KEY
};

struct webui_conf {
	uint32_t		role;
	uint32_t		tls;		/* 0: plain HTTP */
	uint32_t		auth;		/* username and password set */
	uint32_t		pad;
	char			username[CONF_CRED_LEN];
	char			password[CONF_CRED_LEN];
};

struct webui_pem {
	uint32_t		kind;		/* enum webui_pem_kind */
	uint32_t		total;
	uint32_t		off;
	uint32_t		len;
	uint8_t			data[WEBUI_PEM_PART];
};

#define LOG_LINE_MAX	1024
#define LOG_QUEUE_MAX	(256 * 1024)

struct log_line {
	int32_t			pri;
	char			text[LOG_LINE_MAX];
};

struct reload_result {
	int32_t			ok;
	char			text[4096];
};

/* config.c */
void	 config_defaults(struct config *, enum eg_role);
int	 config_parse(const char *, enum eg_role, struct config *, char *,
	    size_t);
const struct sockaddr_storage *config_dst_for(const struct config *,
	    const char *);
int	 config_dsts_for(const struct config *, const char *,
	    struct sockaddr_storage *, int);
const char *config_label_for(const struct config *, const char *);
int	 config_excluded(const struct config *, const char *);

/* printconf.c */
void	 print_config(const struct config *);

#endif /* ENGARDED_H */
