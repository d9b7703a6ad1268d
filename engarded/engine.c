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


/* The unprivileged engine: moves every packet over every usable path. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/tree.h>
#include <netinet/in.h>
#include <netinet/udp.h>

#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "ipcev.h"
#include "util.h"
#include "engarded.h"
#include "engine.h"
#include "proc.h"
#include "sandbox.h"
#include "control.h"
#include "proto.h"
#include "session.h"
#include "wg.h"

#define BATCH		64	/* datagrams per system call */
#define READS_MAX	8	/* batches per socket per wake-up */
#define GSO_SEGS	63	/* datagrams per GSO message: under 64 with
				   headers, as kernels before 5.16 count */
#define GSO_BYTES	65507	/* and their bytes: IPv4's largest payload */
#define PKT_MAX		16384	/* larger datagrams are dropped, not cut */
#define PEER_RETRY	5	/* seconds between failed socket requests */
#define PEER_REQ_RATE	200	/* socket requests a second, more next tick */
#define FD_RESERVE	128	/* descriptors kept for paths and control */
#define WG_LOG_EVERY	10	/* seconds between WireGuard address notes */
#define WG_PEER_STALE	10	/* client: WireGuard silent, it may move */
#define WG_POOL		8	/* sockets to WireGuard kept ready */
#define WG_ASK_MAX	32	/* of them asked for at once, at most */
#define ADDR_QUIET	5	/* seconds before an address may give way */
#define PROVISIONAL_SECS 15	/* WireGuard answers data within 10 s */
#define QUAL_CLIENT_SLOTS 8192	/* messages followed: WireGuard's window */
#define QUAL_SERVER_SLOTS 1024	/* the same, per session */
#define QUAL_GROUPS_MAX	64	/* sessions measured at once */
#define QUAL_EPOCH	10	/* seconds a window of figures spans */
#define QUAL_AGE_US	1000000	/* a message is judged a second after */

static void	engine_dispatch_parent(int, short, void *);
static void	engine_reconf_end(void);
static void	engine_path_apply_conf(struct path *);
static void	engine_link_state(struct ipc_msg *);
static void	engine_peer_socket(struct ipc_msg *);
static void	engine_set_listen(int);
static int	engine_recv(int, int, int, struct counters *);
static int	engine_filter(int);
static int	engine_hs_filter(int, struct session **);
static void	engine_buffers_init(void);
static int	engine_gso_pack(int, int, const struct sockaddr_storage *,
		    socklen_t, size_t);
static void	engine_gso_probe(void);
static int	engine_send_msgs(int, struct mmsghdr *, int, int,
		    struct counters *, int *);
static void	engine_send_plain(int, int, int, void *, socklen_t,
		    struct counters *, int *);
static void	engine_send(int, int, int, const struct sockaddr_storage *,
		    struct counters *, int *);
static int	engine_client_from_wg(int);
static void	engine_client_wg_read(int, short, void *);
static int	engine_client_wg_batch(int, void *);
static void	engine_client_path_read(int, short, void *);
static int	engine_client_path_batch(int, void *);
static void	engine_server_listen_read(int, short, void *);
static int	engine_server_listen_batch(int, void *);
static void	engine_server_peer_read(int, short, void *);
static int	engine_server_peer_batch(int, void *);
static void	engine_server_wg_read(int, short, void *);
static int	engine_server_wg_batch(int, void *);
static void	engine_rules_set(void);
static int	engine_fd_take(void);
static void	engine_wg_fill(void);
static void	engine_wg_socket(struct ipc_msg *);
static void	engine_wg_reset(void);
static void	engine_index_seed(struct ipc_msg *);
static void	engine_session_attach(struct session *, int,
		    const struct sockaddr_storage *);
static void	engine_session_detach(struct session *);
static struct session *engine_session_new(void);
static void	engine_session_free(struct session *);
static struct peer *engine_peer_new(const struct sockaddr_storage *,
		    const struct msghdr *, struct session *);
static int	engine_session_room(struct session *);
static int	engine_peer_move(struct peer *, struct session *);
static int	engine_server_route(struct peer *, int);
static void	engine_server_to_wg(int);
static void	engine_peer_request(struct peer *);
static void	engine_clock_us(void);
static void	engine_qual_client(struct path *, int);
static void	engine_qual_sync(void);
static void	engine_qual_session(struct session *);
static void	engine_qual_leave(struct peer *);
static void	engine_qual_tick(void);
static void	engine_timer(int, short, void *);
static long	engine_age(const struct timespec *);
static int	engine_swapped(const char *);
static void	engine_pktinfo(const struct msghdr *,
		    struct sockaddr_storage *);
static void	engine_peer_free(struct peer *);

static struct event_base	*base;
static struct ipcev		 iev_parent;
static struct event		 ev_listen, ev_timer;
static int			 listen_fd = -1;
struct eng_conf			 ec;
static struct eng_conf		 nec;
static struct eng_ifconf	 ifconf[2 * CONF_MAX_IFS];
static struct eng_ifconf	 nifconf[2 * CONF_MAX_IFS];
static int			 nifc, nnifc, reconf_pending;
struct path_list		 paths = TAILQ_HEAD_INITIALIZER(paths);
struct peer_tree		 peers = RB_INITIALIZER(&peers);
int				 npeers;
struct sockaddr_storage		 wg_peer;	/* client: WireGuard's address */
struct engine_stats		 stats;
struct timespec			 engine_start;
static struct timespec		 now;
static char			 swaps[2 * CONF_MAX_IFS][IFNAMSIZ];
static int			 nswaps;

/* Packet buffers: received once, sent from where they lie. */
static unsigned char		 pkt[BATCH][PKT_MAX];
static struct mmsghdr		 rmodes[4][BATCH], smsg[BATCH];
static struct mmsghdr		*rmsg = rmodes[0];	/* the last batch's */
static struct iovec		 riov[BATCH], siov[BATCH];
static struct sockaddr_storage	 rname[BATCH];
static union {
	struct cmsghdr	hdr;
	char		buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
}				 rctl[BATCH];
static int			 sidx[BATCH];	/* smsg[k] is rmsg[sidx[k]] */
static struct session		*sdest[BATCH];	/* server: smsg[k]'s session */
static uint8_t			 rtype[BATCH];	/* rmsg[i]'s wg_type() */
/* The same datagrams as runs of equal size, each run one GSO message. */
static int			 gso_ok;	/* the kernel has UDP GSO */
static struct mmsghdr		 gmsg[BATCH];
static struct {
	int		 first;		/* gmsg[j] holds siov[first..] */
	int		 count;		/* datagrams in gmsg[j] */
	size_t		 bytes;
}				 grun[BATCH];
static union {
	struct cmsghdr	hdr;
	char		buf[CMSG_SPACE(sizeof(uint16_t))];
}				 gctl[BATCH];
static int			 peer_fds, peer_fds_max;
static time_t			 wg_logged, wg_last, req_second;
static int			 req_count;
static struct wg_hs_cache	 hs_cache;
static struct wg_dedup		 dedup;
struct qual_group		 client_qg;
static int			 nqgroups;
static uint64_t			 now_us;	/* fine, per batch measured */
static struct session_rules	 rules;
static uint8_t			 mac1_key[WG_KEYLEN];
static struct {
	int			 fd;
	struct sockaddr_storage	 local;
}				 wgpool[WG_POOL];
static int			 nwgpool, wg_asked;
static time_t			 wg_warned;

void
engine_main(int debug, int verbose, const char *user, const char *root,
    int flags)
{
	struct rlimit	rl;
	struct timeval	tv = { 1, 0 };

	log_init(debug, LOG_DAEMON);
	log_setverbose(verbose);
	log_procinit("engine");

	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);

	/* Everything that needs a file or a new descriptor comes first. */
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new");
	/* Clients get sockets of their own while descriptors are plenty. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("getrlimit");
	peer_fds_max = rl.rlim_cur > 2 * FD_RESERVE ?
	    (int)(rl.rlim_cur - FD_RESERVE) : FD_RESERVE / 2;
	if (fcntl(PARENT_FD, F_SETFL, O_NONBLOCK) == -1)
		fatal("fcntl");
	if ((flags & PROC_MAC1) && wg_mac1_init() == -1)
		log_warnx("no BLAKE2s MAC: wireguardPublicKey cannot be "
		    "checked");
	engine_gso_probe();
	sandbox_drop(user, root, "engine");
	sandbox_seccomp(SANDBOX_ENGINE, (flags & PROC_SECCOMP_LOG) != 0);

	ipcev_init(&iev_parent, base, PARENT_FD, engine_dispatch_parent,
	    NULL);
	ipcev_add(&iev_parent);
	/* Out of the foreground, the parent writes our log lines. */
	if (!debug)
		proc_log_to_parent(&iev_parent);
	event_assign(&ev_timer, base, -1, EV_PERSIST, engine_timer, NULL);
	event_add(&ev_timer, &tv);
	clock_gettime(CLOCK_MONOTONIC, &now);
	engine_start = now;
	control_init(base);
	engine_buffers_init();

	event_base_dispatch(base);
	exit(0);
}

static void
engine_dispatch_parent(int fd, short event, void *arg)
{
	struct ipc_msg	msg;
	int		n;

	(void)fd;
	(void)arg;
	if ((n = ipcev_io(&iev_parent, event)) == -1)
		fatal("parent pipe");
	if (n == 0)
		/* The parent is gone: so are we. */
		exit(0);

	for (;;) {
		if ((n = ipc_get(&iev_parent.ibuf, &msg)) == -1)
			fatal("parent pipe: bad message");
		if (n == 0)
			break;
		switch (msg.hdr.type) {
		case IMSG_RECONF_CONF:
			if (ipc_data(&msg, &nec, sizeof(nec)) == -1)
				fatalx("bad IMSG_RECONF_CONF");
			nec.description[sizeof(nec.description) - 1] = '\0';
			nnifc = 0;
			reconf_pending = 1;
			break;
		case IMSG_RECONF_IFACE:
			if (!reconf_pending || nnifc >= 2 * CONF_MAX_IFS ||
			    ipc_data(&msg, &nifconf[nnifc],
			    sizeof(nifconf[0])) == -1)
				fatalx("bad IMSG_RECONF_IFACE");
			nifconf[nnifc].ifname[IFNAMSIZ - 1] = '\0';
			nifconf[nnifc].label[CONF_LABEL_LEN - 1] = '\0';
			nnifc++;
			break;
		case IMSG_RECONF_END:
			if (!reconf_pending || msg.datalen != 0)
				fatalx("bad IMSG_RECONF_END");
			engine_reconf_end();
			break;
		case IMSG_SOCKET_LISTEN:
			if (msg.fd == -1 || msg.datalen != 0)
				fatalx("bad IMSG_SOCKET_LISTEN");
			engine_set_listen(msg.fd);
			msg.fd = -1;
			break;
		case IMSG_SOCKET_WG:
			engine_wg_socket(&msg);
			msg.fd = -1;
			break;
		case IMSG_INDEX_SEED:
			engine_index_seed(&msg);
			break;
		case IMSG_LINK_STATE:
			engine_link_state(&msg);
			msg.fd = -1;
			break;
		case IMSG_PEER_SOCKET:
			engine_peer_socket(&msg);
			msg.fd = -1;
			break;
		case IMSG_CONTROL_FD: {
			uint32_t	ro;

			if (msg.fd == -1 || ipc_data(&msg, &ro,
			    sizeof(ro)) == -1)
				fatalx("bad IMSG_CONTROL_FD");
			control_listen(msg.fd, ro != 0);
			msg.fd = -1;
			break;
		}
		case IMSG_CONTROL_CONN:
			if (msg.fd == -1 || msg.datalen != 0)
				fatalx("bad IMSG_CONTROL_CONN");
			control_attach(msg.fd);
			msg.fd = -1;
			break;
		case IMSG_RELOAD_RESULT: {
			struct reload_result	rr;

			if (ipc_data(&msg, &rr, sizeof(rr)) == -1)
				fatalx("bad IMSG_RELOAD_RESULT");
			rr.text[sizeof(rr.text) - 1] = '\0';
			control_reload_done(msg.hdr.peerid, rr.ok, rr.text);
			break;
		}
		default:
			fatalx("parent pipe: unexpected message %u",
			    msg.hdr.type);
		}
		if (msg.fd != -1)
			close(msg.fd);
	}
	ipcev_add(&iev_parent);
}

/* The whole new configuration arrived: swap it in. */
static void
engine_reconf_end(void)
{
	struct path	*p;
	int		 first = ec.role == ROLE_NONE, moved;

	if (!first && nec.role != ec.role)
		fatalx("role changed under a running engine");
	if (first && ipcev_compose(&iev_parent,
	    IMSG_ENGINE_READY, 0, -1, NULL, 0) == -1)
		fatal("compose");
	if (nec.nallowed > CONF_MAX_PREFIXES ||
	    nec.max_session_addrs > CONF_SESSION_ADDRS_MAX ||
	    nec.max_sessions > CONF_SESSIONS_LIMIT)
		fatalx("bad IMSG_RECONF_CONF");
	moved = !first && addr_cmp(&ec.dst, &nec.dst) != 0;
	ec = nec;
	if (first && ec.role == ROLE_CLIENT &&
	    qual_group_init(&client_qg, QUAL_CLIENT_SLOTS) == -1)
		log_warn("path quality not measured");
	if (ec.role == ROLE_SERVER) {
		engine_rules_set();
		if (first)
			engine_wg_fill();
		else if (moved)
			engine_wg_reset();
	}
	memcpy(ifconf, nifconf, sizeof(ifconf));
	nifc = nnifc;
	reconf_pending = 0;
	log_setverbose(ec.verbose);
	TAILQ_FOREACH(p, &paths, entry)
		engine_path_apply_conf(p);
	engine_qual_sync();
}

static void
engine_path_apply_conf(struct path *p)
{
	int	i;

	p->conf_excluded = 0;
	p->swapped = engine_swapped(p->ifname);
	p->label[0] = '\0';
	for (i = 0; i < nifc; i++) {
		if (strcmp(ifconf[i].ifname, p->ifname) != 0)
			continue;
		p->conf_excluded = ifconf[i].excluded != 0;
		strlcpy(p->label, ifconf[i].label, sizeof(p->label));
	}
}

static void
engine_link_state(struct ipc_msg *msg)
{
	struct link_state	 ls;
	struct path		*p;

	if (ec.role != ROLE_CLIENT || ipc_data(msg, &ls, sizeof(ls)) == -1 ||
	    ls.status >= LINK_STATUS_MAX ||
	    (ls.status == LINK_ACTIVE) != (msg->hdr.flags & IPC_F_HASFD))
		fatalx("bad IMSG_LINK_STATE");
	ls.ifname[IFNAMSIZ - 1] = '\0';
	if (ipc_fd_lost(msg)) {
		log_warnx("interface %s: out of descriptors, not used",
		    ls.ifname);
		ls.status = LINK_NOSOCK;
	}

	if (ls.status == LINK_GONE) {
		if ((p = path_find(&paths, ls.ifname, &ls.dst)) != NULL) {
			path_close(p);
			if (p->qbit != -1)
				qual_member_del(&client_qg, p->qbit);
			TAILQ_REMOVE(&paths, p, entry);
			free(p);
		}
		return;
	}
	if ((p = path_find(&paths, ls.ifname, &ls.dst)) == NULL) {
		p = path_get(&paths, ls.ifname, &ls.dst);
		p->qbit = client_qg.ring != NULL ?
		    qual_member_add(&client_qg, &p->q) : -1;
	}
	path_close(p);
	p->ifindex = ls.ifindex;
	p->status = ls.status;
	p->local = ls.local;
	p->dst = ls.dst;
	engine_path_apply_conf(p);
	if (msg->fd != -1) {
		p->fd = msg->fd;
		p->c.nogso = 0;
		p->c.gso_toobig = 0;
		event_assign(&p->ev, base, p->fd, EV_READ | EV_PERSIST,
		    engine_client_path_read, p);
		event_add(&p->ev, NULL);
	}
	engine_qual_sync();
}

static void
engine_set_listen(int fd)
{
	if (listen_fd != -1) {
		event_del(&ev_listen);
		close(listen_fd);
	}
	listen_fd = fd;
	event_assign(&ev_listen, base, fd, EV_READ | EV_PERSIST,
	    ec.role == ROLE_CLIENT ? engine_client_wg_read :
	    engine_server_listen_read, NULL);
	event_add(&ev_listen, NULL);
}

/* Every message header points at its one buffer, for good. */
static void
engine_buffers_init(void)
{
	struct msghdr	*mh;
	int		 i, m;

	for (i = 0; i < BATCH; i++) {
		riov[i].iov_base = pkt[i];
		riov[i].iov_len = PKT_MAX;
		for (m = 0; m < 4; m++) {
			mh = &rmodes[m][i].msg_hdr;
			mh->msg_iov = &riov[i];
			mh->msg_iovlen = 1;
			mh->msg_name = m & 1 ? &rname[i] : NULL;
			mh->msg_namelen = m & 1 ? sizeof(rname[i]) : 0;
			mh->msg_control = m & 2 ? rctl[i].buf : NULL;
			mh->msg_controllen = m & 2 ? sizeof(rctl[i].buf) : 0;
		}
		smsg[i].msg_hdr.msg_iov = &siov[i];
		smsg[i].msg_hdr.msg_iovlen = 1;
	}
}

/*
 * Read callbacks: a full batch means more may wait; a few more batches
 * go before the event loop is asked again, as many as is fair.
 */
#define ENGINE_READ(name)						\
static void								\
engine_##name##_read(int fd, short event, void *arg)			\
{									\
	int	r = 0;							\
									\
	(void)event;							\
	while (engine_##name##_batch(fd, arg) == BATCH &&		\
	    ++r < READS_MAX)						\
		;							\
}
ENGINE_READ(client_wg)
ENGINE_READ(client_path)
ENGINE_READ(server_listen)
ENGINE_READ(server_peer)
ENGINE_READ(server_wg)

/*
 * One batch from fd into the packet buffers.  Returns the number of
 * datagrams, 0 when there was nothing or only an error to skip.
 */
static int
engine_recv(int fd, int names, int ctl, struct counters *c)
{
	static int	 dirty[4];
	struct msghdr	*mh;
	int		 i, n, m = (names ? 1 : 0) | (ctl ? 2 : 0);

	/*
	 * A set of headers for each kind of socket, set up once; only those
	 * the kernel wrote back in the last call of the same kind are reset:
	 * at a packet per wake-up, touching all 64 was most of the engine's
	 * own memory traffic.
	 */
	rmsg = rmodes[m];
	for (i = 0; i < dirty[m]; i++) {
		mh = &rmsg[i].msg_hdr;
		mh->msg_namelen = names ? sizeof(rname[i]) : 0;
		mh->msg_controllen = ctl ? sizeof(rctl[i].buf) : 0;
		mh->msg_flags = 0;
	}
	n = recvmmsg(fd, rmsg, BATCH, MSG_DONTWAIT, NULL);
	dirty[m] = n > 0 ? n : 0;
	if (n == -1) {
		/* ICMP errors of earlier sends surface here: not ours. */
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNREFUSED) {
			c->errors++;
			log_debug("recvmmsg: %s", strerror(errno));
		}
		return (0);
	}
	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	return (n);
}

/*
 * Line up the good datagrams of a batch for sending, dropping cut and
 * empty ones.  Returns how many there are.
 */
static int
engine_filter(int n)
{
	int	i, k = 0;

	for (i = 0; i < n; i++) {
		if (rmsg[i].msg_hdr.msg_flags & MSG_TRUNC) {
			stats.oversized++;
			continue;
		}
		if (rmsg[i].msg_len == 0) {
			stats.empty++;
			continue;
		}
		siov[k].iov_base = pkt[i];
		siov[k].iov_len = rmsg[i].msg_len;
		sidx[k] = i;
		/* Its WireGuard type, once: everything after reads it. */
		rtype[i] = wg_type(pkt[i], rmsg[i].msg_len);
		k++;
	}
	return (k);
}

/*
 * Of the lined-up datagrams bound for WireGuard, drop the later copies of
 * handshake messages, and with dedup those of data messages.  Returns how
 * many are left.
 */
static int
engine_hs_filter(int k, struct session **dest)
{
	const uint8_t	*p;
	size_t		 len;
	int		 i, j, t;

	for (i = j = 0; i < k; i++) {
		p = siov[i].iov_base;
		len = siov[i].iov_len;
		t = rtype[sidx[i]];
		if (t >= WG_INITIATION && t <= WG_COOKIE &&
		    wg_hs_duplicate(&hs_cache, p, len, now.tv_sec)) {
			stats.hs_copies++;
			continue;
		}
		if (t == WG_DATA && ec.dedup &&
		    wg_data_duplicate(&dedup, p, len, now.tv_sec)) {
			stats.data_copies++;
			continue;
		}
		siov[j] = siov[i];
		if (dest != NULL)
			dest[j] = dest[i];
		sidx[j++] = sidx[i];
	}
	return (j);
}

/*
 * Whether the kernel has UDP GSO (Linux 4.18): one older would ignore the
 * option and send each run as one datagram.  Asked before the sandbox,
 * which forbids new sockets.
 */
static void
engine_gso_probe(void)
{
	socklen_t	len = sizeof(int);
	int		fd, v;

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		fatal("socket");
	gso_ok = getsockopt(fd, SOL_UDP, UDP_SEGMENT, &v, &len) == 0;
	if (!gso_ok)
		log_info("no UDP GSO in this kernel: a datagram a message");
	close(fd);
}

/*
 * Line up siov[first..first+n) as GSO messages in gmsg[]: each a run of
 * datagrams of one size (the last may be shorter), which the kernel cuts
 * apart again, so that the run goes down the stack once.  Returns how
 * many messages that makes.
 */
static int
engine_gso_pack(int first, int n, const struct sockaddr_storage *to,
    socklen_t tolen, size_t toobig)
{
	struct msghdr	*mh;
	struct cmsghdr	*cm;
	uint16_t	 seg;
	size_t		 sz, len, total;
	int		 i = first, j, k = first + n, m = 0;

	while (i < k) {
		sz = total = siov[i].iov_len;
		/* Runs of a size the path refused go one by one. */
		for (j = i + 1; j < k && j - i < GSO_SEGS &&
		    (toobig == 0 || sz < toobig); j++) {
			len = siov[j].iov_len;
			if (len > sz || total + len > GSO_BYTES)
				break;
			total += len;
			if (len < sz) {
				j++;
				break;
			}
		}
		mh = &gmsg[m].msg_hdr;
		memset(mh, 0, sizeof(*mh));
		mh->msg_name = (void *)to;
		mh->msg_namelen = tolen;
		mh->msg_iov = &siov[i];
		mh->msg_iovlen = j - i;
		if (j - i > 1) {
			mh->msg_control = gctl[m].buf;
			mh->msg_controllen = sizeof(gctl[m].buf);
			cm = CMSG_FIRSTHDR(mh);
			cm->cmsg_level = SOL_UDP;
			cm->cmsg_type = UDP_SEGMENT;
			cm->cmsg_len = CMSG_LEN(sizeof(seg));
			seg = (uint16_t)sz;
			memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
		}
		grun[m].first = i;
		grun[m].count = j - i;
		grun[m].bytes = total;
		m++;
		i = j;
	}
	return (m);
}

/*
 * Send msgs[0..n) on fd, never waiting; grun[] gives how many datagrams
 * each holds when gso is set, else each holds one, siov[first + j].
 * Returns how many messages were dealt with: fewer than n only when the
 * socket refused GSO, from that message on.
 */
static int
engine_send_msgs(int fd, struct mmsghdr *msgs, int first, int n,
    struct counters *c, int *last_errno)
{
	struct mmsghdr	*gso = msgs == gmsg ? gmsg : NULL;
	size_t		 seg;
	int		 i, r, cnt, off = 0, retried = 0;

	while (off < n) {
		r = sendmmsg(fd, &msgs[off], n - off, MSG_DONTWAIT);
		if (r > 0) {
			for (i = off; i < off + r; i++) {
				c->pkts_out += gso ? grun[i].count : 1;
				if (gso && grun[i].count > 1)
					c->gso_out += grun[i].count;
				c->bytes_out += gso ? grun[i].bytes :
				    siov[first + i].iov_len;
			}
			off += r;
			continue;
		}
		if (r == -1 && errno == EINTR)
			continue;
		if (last_errno != NULL)
			*last_errno = errno;
		/* A pending ICMP error is reported once, then cleared. */
		if (r == -1 && !retried && (errno == ECONNREFUSED ||
		    errno == EHOSTUNREACH || errno == ENETUNREACH)) {
			retried = 1;
			continue;
		}
		cnt = gso ? grun[off].count : 1;
		/*
		 * No GSO on this socket, a route through IPsec: the rest goes
		 * one by one, now and from now on.
		 */
		if (gso && cnt > 1 && errno == EIO) {
			log_info("UDP GSO refused (%s): this socket's "
			    "datagrams go one by one", strerror(errno));
			c->nogso = 1;
			return (off);
		}
		/*
		 * Segments over the path's MTU (EMSGSIZE; EINVAL before Linux
		 * 6.14): this run again one by one, as the kernel may cut
		 * them up, and a shorter last one fits; runs of that size and
		 * larger go so from now on.
		 */
		if (gso && cnt > 1 && (errno == EMSGSIZE || errno == EINVAL)) {
			seg = siov[grun[off].first].iov_len;
			if (c->gso_toobig == 0 || seg < c->gso_toobig)
				c->gso_toobig = seg;
			engine_send_plain(fd, grun[off].first, cnt,
			    msgs[off].msg_hdr.msg_name,
			    msgs[off].msg_hdr.msg_namelen, c, last_errno);
			off++;
			continue;
		}
		if (errno == EMSGSIZE) {
			c->drops_out += cnt;
			c->errors++;
			off++;
			continue;
		}
		/*
		 * A full queue, a link going down, a firewall: the rest would
		 * fail the same way, one system call each.  Drop it.
		 */
		for (i = off; i < n; i++)
			c->drops_out += gso ? grun[i].count : 1;
		if (errno != EAGAIN && errno != ENOBUFS)
			c->errors++;
		break;
	}
	return (n);
}

/*
 * Send the lined-up batch on fd, never waiting: what the socket does not
 * take now is counted as dropped on this path alone.  Runs of datagrams
 * of one size go as single GSO messages where the socket takes them.
 */
static void
engine_send(int fd, int first, int n, const struct sockaddr_storage *to,
    struct counters *c, int *last_errno)
{
	socklen_t	tolen = to != NULL ? addr_len(to) : 0;
	int		m, done;

	if (n > 1 && gso_ok && !c->nogso && (m = engine_gso_pack(first, n, to,
	    tolen, c->gso_toobig)) < n) {
		if ((done = engine_send_msgs(fd, gmsg, first, m, c,
		    last_errno)) == m)
			return;
		/* Refused: what is left goes one by one. */
		n -= grun[done].first - first;
		first = grun[done].first;
	}
	engine_send_plain(fd, first, n, (void *)to, tolen, c, last_errno);
}

/* smsg[first..first+n) to one address (NULL: connected), a datagram each. */
static void
engine_send_plain(int fd, int first, int n, void *to, socklen_t tolen,
    struct counters *c, int *last_errno)
{
	int	i;

	for (i = first; i < first + n; i++) {
		smsg[i].msg_hdr.msg_name = to;
		smsg[i].msg_hdr.msg_namelen = tolen;
	}
	(void)engine_send_msgs(fd, &smsg[first], first, n, c, last_errno);
}

/*
 * Client: whether a datagram on the listen socket is WireGuard's.  Only
 * its messages are sent on, and WireGuard's address moves only with a
 * handshake message, or when the old one has been silent a while: a
 * stray datagram from another local program takes nothing over.
 */
static int
engine_client_from_wg(int i)
{
	const struct sockaddr_storage	*from = &rname[sidx[i]];
	char				 a[ADDR_STRLEN];
	int				 t;

	if ((t = rtype[sidx[i]]) == 0) {
		stats.not_wg++;
		return (0);
	}
	if (addr_cmp(&wg_peer, from) == 0) {
		wg_last = now.tv_sec;
		return (1);
	}
	if (wg_peer.ss_family != AF_UNSPEC && t == WG_DATA &&
	    now.tv_sec - wg_last < WG_PEER_STALE) {
		stats.not_from_wg++;
		return (0);
	}
	wg_peer = *from;
	wg_last = now.tv_sec;
	if (now.tv_sec - wg_logged >= WG_LOG_EVERY || !wg_logged) {
		log_info("WireGuard is at %s", addr_fmt(&wg_peer, a,
		    sizeof(a)));
		wg_logged = now.tv_sec;
	}
	return (1);
}

/* Client: WireGuard sent; a copy goes out on every path. */
static int
engine_client_wg_batch(int fd, void *arg)
{
	struct path	*p;
	int		 i, j, n, k, sent = 0;

	(void)arg;
	if ((n = engine_recv(fd, 1, 0, &stats.wg)) == 0)
		return (n);
	k = engine_filter(n);
	for (i = j = 0; i < k; i++) {
		if (!engine_client_from_wg(i))
			continue;
		stats.wg.bytes_in += siov[i].iov_len;
		siov[j] = siov[i];
		sidx[j++] = sidx[i];
	}
	if ((k = j) == 0)
		return (n);
	stats.wg.pkts_in += k;

	TAILQ_FOREACH(p, &paths, entry) {
		if (!path_sending(p))
			continue;
		engine_send(p->fd, 0, k, NULL, &p->c, &p->last_errno);
		sent = 1;
	}
	if (!sent)
		stats.no_path += k;
	return (n);
}

static void
engine_clock_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now_us = (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Client: every copy of data that came on one path, for its figures. */
static void
engine_qual_client(struct path *p, int k)
{
	int		 i;

	engine_clock_us();
	for (i = 0; i < k; i++)
		if (rtype[sidx[i]] == WG_DATA)
			qual_copy(&client_qg, p->qbit, siov[i].iov_base,
			    siov[i].iov_len, now_us);
}

/* Client: the paths that should carry each copy are those sending. */
static void
engine_qual_sync(void)
{
	struct path	*p;

	TAILQ_FOREACH(p, &paths, entry)
		if (p->qbit != -1)
			qual_set_active(&client_qg, p->qbit,
			    path_sending(p));
}

/* Client: the server sent on one path; WireGuard gets it. */
static int
engine_client_path_batch(int fd, void *arg)
{
	struct path	*p = arg;
	int		 i, n, k;

	if ((n = engine_recv(fd, 0, 0, &p->c)) == 0)
		return (n);
	k = engine_filter(n);
	if (k == 0)
		return (n);
	for (i = 0; i < k; i++)
		p->c.bytes_in += siov[i].iov_len;
	p->c.pkts_in += k;
	p->last_rx = now;
	if (p->qbit != -1)
		engine_qual_client(p, k);

	if (wg_peer.ss_family == AF_UNSPEC) {
		stats.no_wg_peer += k;
		return (n);
	}
	if ((k = engine_hs_filter(k, NULL)) > 0)
		engine_send(listen_fd, 0, k, &wg_peer, &stats.wg, NULL);
	return (n);
}

/* The local address a datagram was sent to, from its packet info. */
static void
engine_pktinfo(const struct msghdr *mh, struct sockaddr_storage *local)
{
	struct cmsghdr		*cm;
	struct in_pktinfo	 pi;
	struct in6_pktinfo	 pi6;

	memset(local, 0, sizeof(*local));
	for (cm = CMSG_FIRSTHDR((struct msghdr *)mh); cm != NULL;
	    cm = CMSG_NXTHDR((struct msghdr *)mh, cm)) {
		if (cm->cmsg_level == IPPROTO_IP &&
		    cm->cmsg_type == IP_PKTINFO &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(pi))) {
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			local->ss_family = AF_INET;
			((struct sockaddr_in *)local)->sin_addr =
			    pi.ipi_addr;
		} else if (cm->cmsg_level == IPPROTO_IPV6 &&
		    cm->cmsg_type == IPV6_PKTINFO &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(pi6))) {
			memcpy(&pi6, CMSG_DATA(cm), sizeof(pi6));
			local->ss_family = AF_INET6;
			((struct sockaddr_in6 *)local)->sin6_addr =
			    pi6.ipi6_addr;
		}
	}
}

/* Server: what a new source must satisfy, from the configuration. */
static void
engine_rules_set(void)
{
	rules.allowed = ec.allowed;
	rules.nallowed = ec.nallowed;
	rules.mac1 = NULL;
	if (!ec.has_pubkey)
		return;
	if (!wg_mac1_ready() || wg_mac1_key(ec.wg_pubkey, mac1_key) == -1) {
		log_warnx("cannot derive the mac1 key: initiations are not "
		    "checked");
		return;
	}
	rules.mac1 = mac1_key;
}

/* Server: one more descriptor for clients, if the budget allows. */
static int
engine_fd_take(void)
{
	if (peer_fds >= peer_fds_max)
		return (-1);
	peer_fds++;
	return (0);
}

/* Server: keep a few sockets to WireGuard ready for new sessions. */
static void
engine_wg_fill(void)
{
	struct session	*s;
	int		 want = WG_POOL - nwgpool;

	RB_FOREACH(s, session_tree, &sessions)
		if (s->wg_fd == -1)
			want++;
	/* A few at a time: the parent answers each with a descriptor. */
	if (want > WG_ASK_MAX)
		want = WG_ASK_MAX;
	while (wg_asked < want && engine_fd_take() == 0) {
		wg_asked++;
		if (ipcev_compose(&iev_parent, IMSG_SOCKET_WG_REQ, 0, -1,
		    NULL, 0) == -1)
			fatal("compose");
	}
}

/* Server: a socket to WireGuard came, asked for or after a reload. */
static void
engine_wg_socket(struct ipc_msg *msg)
{
	struct wg_sock	 ws;
	struct session	*s;
	char		 a[ADDR_STRLEN];

	if (ec.role != ROLE_SERVER || ipc_data(msg, &ws, sizeof(ws)) == -1 ||
	    (ws.error == 0) != ((msg->hdr.flags & IPC_F_HASFD) != 0))
		fatalx("bad IMSG_SOCKET_WG");
	if (ipc_fd_lost(msg))
		ws.error = EMFILE;
	/* What was not asked for is counted in now. */
	if (wg_asked > 0)
		wg_asked--;
	else
		peer_fds++;
	if (msg->fd == -1) {
		peer_fds--;
		if (now.tv_sec - wg_warned >= WG_LOG_EVERY) {
			log_warnx("no socket to WireGuard at %s: %s",
			    addr_fmt(&ws.dst, a, sizeof(a)),
			    strerror(ws.error));
			wg_warned = now.tv_sec;
		}
		return;
	}
	/* Made before a reload moved WireGuard elsewhere. */
	if (addr_cmp(&ws.dst, &ec.dst) != 0) {
		close(msg->fd);
		peer_fds--;
		engine_wg_fill();
		return;
	}
	RB_FOREACH(s, session_tree, &sessions)
		if (s->wg_fd == -1)
			break;
	if (s != NULL) {
		engine_session_attach(s, msg->fd, &ws.local);
		engine_wg_fill();
	} else if (nwgpool < WG_POOL) {
		wgpool[nwgpool].fd = msg->fd;
		wgpool[nwgpool++].local = ws.local;
	} else {
		close(msg->fd);
		peer_fds--;
	}
}

/* Server: indexes sessions had before a restart, with their age. */
static void
engine_index_seed(struct ipc_msg *msg)
{
	struct index_seed	seed;
	uint32_t		i;

	if (ec.role != ROLE_SERVER || ipc_data(msg, &seed,
	    sizeof(seed)) == -1 || seed.n > INDEX_SEED_MAX)
		fatalx("bad IMSG_INDEX_SEED");
	for (i = 0; i < seed.n; i++)
		session_grave(seed.e[i].index, now.tv_sec -
		    (time_t)seed.e[i].age);
}

/* Server: WireGuard moved: every session needs a new socket to it. */
static void
engine_wg_reset(void)
{
	struct session	*s;

	while (nwgpool > 0) {
		close(wgpool[--nwgpool].fd);
		peer_fds--;
	}
	RB_FOREACH(s, session_tree, &sessions)
		engine_session_detach(s);
	engine_wg_fill();
}

static void
engine_session_attach(struct session *s, int fd,
    const struct sockaddr_storage *local)
{
	s->wg_fd = fd;
	s->wg_local = *local;
	event_assign(&s->ev, base, fd, EV_READ | EV_PERSIST,
	    engine_server_wg_read, s);
	event_add(&s->ev, NULL);
	/* The initiation that made it, held while the socket came. */
	if (s->held_len > 0) {
		if (send(fd, s->held, s->held_len, MSG_DONTWAIT) ==
		    (ssize_t)s->held_len) {
			stats.wg.pkts_out++;
			stats.wg.bytes_out += s->held_len;
		} else
			stats.wg.drops_out++;
		s->held_len = 0;
	}
}

static void
engine_session_detach(struct session *s)
{
	if (s->wg_fd == -1)
		return;
	event_del(&s->ev);
	close(s->wg_fd);
	s->wg_fd = -1;
	peer_fds--;
}

/* Server: a session for a new WireGuard peer, with a socket ready. */
static struct session *
engine_session_new(void)
{
	struct session	*s;

	if ((uint32_t)nsessions >= ec.max_sessions) {
		stats.session_limit++;
		return (NULL);
	}
	if ((s = session_new(&now)) == NULL) {
		log_warn("session");
		return (NULL);
	}
	/* Without a socket ready, it waits for the next (see route). */
	if (nwgpool > 0) {
		nwgpool--;
		engine_session_attach(s, wgpool[nwgpool].fd,
		    &wgpool[nwgpool].local);
	}
	engine_wg_fill();
	stats.sessions_made++;
	return (s);
}

static void
engine_session_free(struct session *s)
{
	struct peer	*pr;

	while ((pr = TAILQ_FIRST(&s->addrs)) != NULL)
		engine_peer_free(pr);
	if (s->qg != NULL) {
		qual_group_free(s->qg);
		free(s->qg);
		s->qg = NULL;
		nqgroups--;
	}
	engine_session_detach(s);
	session_free(s, now.tv_sec);
}

/* Server: a new address of a session, given a socket of its own. */
static struct peer *
engine_peer_new(const struct sockaddr_storage *ss, const struct msghdr *mh,
    struct session *s)
{
	struct peer	*pr;
	char		 a[ADDR_STRLEN];

	if (npeers >= PEERS_MAX) {
		stats.peer_limit++;
		return (NULL);
	}
	if (engine_session_room(s) == -1)
		return (NULL);
	if ((pr = calloc(1, sizeof(*pr))) == NULL) {
		log_warn("peer");
		return (NULL);
	}
	pr->addr = *ss;
	pr->fd = -1;
	pr->first_seen = now;
	pr->last_rx = now;
	engine_pktinfo(mh, &pr->local);
	/* The port is ours: the one the client sent to. */
	if (pr->local.ss_family == AF_INET)
		((struct sockaddr_in *)&pr->local)->sin_port =
		    ((struct sockaddr_in *)&ec.listen)->sin_port;
	else if (pr->local.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&pr->local)->sin6_port =
		    ((struct sockaddr_in6 *)&ec.listen)->sin6_port;
	pr->qbit = -1;
	RB_INSERT(peer_tree, &peers, pr);
	npeers++;
	session_addr_add(s, pr);
	engine_qual_session(s);
	log_info("session %u: new address %s", s->id,
	    addr_fmt(ss, a, sizeof(a)));
	engine_peer_request(pr);
	return (pr);
}

/*
 * Server: room for one more address in a session.  The quietest gives
 * way when it has been quiet a while (a NAT that moved a port leaves its
 * old address behind); else the newcomer is refused.  0 when there is room.
 */
static int
engine_session_room(struct session *s)
{
	struct peer	*pr, *q = NULL;

	if ((uint32_t)s->naddrs < ec.max_session_addrs)
		return (0);
	TAILQ_FOREACH(pr, &s->addrs, sentry)
		if (q == NULL || timespeccmp(&pr->last_rx, &q->last_rx, <))
			q = pr;
	if (q != NULL && engine_age(&q->last_rx) >= ADDR_QUIET) {
		engine_peer_free(q);
		return (0);
	}
	s->addr_limit++;
	stats.addr_limit++;
	return (-1);
}

/* Server: an address now speaks for another session. */
static int
engine_peer_move(struct peer *pr, struct session *s)
{
	char	a[ADDR_STRLEN];

	if (engine_session_room(s) == -1)
		return (-1);
	log_info("session %u: address %s joins from session %u", s->id,
	    addr_fmt(&pr->addr, a, sizeof(a)), pr->sess->id);
	engine_qual_leave(pr);
	session_addr_add(s, pr);
	engine_qual_session(s);
	return (0);
}

static void
engine_peer_request(struct peer *pr)
{
	struct peer_sock	ps;

	/* Beyond the budget, a client is served by the listen socket. */
	if (peer_fds >= peer_fds_max)
		return;
	/* A crowd of new clients is paced: the timer asks for the rest. */
	if (now.tv_sec != req_second) {
		req_second = now.tv_sec;
		req_count = 0;
	}
	if (++req_count > PEER_REQ_RATE) {
		pr->retry = now.tv_sec + 1;
		return;
	}
	peer_fds++;
	memset(&ps, 0, sizeof(ps));
	ps.peer = pr->addr;
	ps.local = pr->local;
	pr->requested = 1;
	if (ipcev_compose(&iev_parent, IMSG_PEER_SOCKET_REQ, 0, -1, &ps,
	    sizeof(ps)) == -1)
		fatal("compose");
}

static void
engine_peer_socket(struct ipc_msg *msg)
{
	struct peer_sock	 ps;
	struct peer		*pr;
	char			 a[ADDR_STRLEN];

	if (ec.role != ROLE_SERVER || ipc_data(msg, &ps, sizeof(ps)) == -1 ||
	    (ps.error == 0) != ((msg->hdr.flags & IPC_F_HASFD) != 0))
		fatalx("bad IMSG_PEER_SOCKET");
	if (ipc_fd_lost(msg))
		ps.error = EMFILE;
	pr = peer_find(&peers, &ps.peer);
	if (pr == NULL || pr->fd != -1 || !pr->requested) {
		/* Expired meanwhile, or answered twice. */
		if (msg->fd != -1)
			close(msg->fd);
		return;
	}
	if (msg->fd == -1) {
		/* It goes on through the listen socket; said once. */
		if (!pr->warned)
			log_warnx("client %s: no socket of its own: %s",
			    addr_fmt(&ps.peer, a, sizeof(a)),
			    strerror(ps.error));
		pr->warned = 1;
		peer_fds--;
		pr->requested = 0;
		pr->retry = now.tv_sec + PEER_RETRY;
		return;
	}
	pr->requested = 0;
	pr->fd = msg->fd;
	pr->c.nogso = 0;
	pr->c.gso_toobig = 0;
	event_assign(&pr->ev, base, pr->fd, EV_READ | EV_PERSIST,
	    engine_server_peer_read, pr);
	event_add(&pr->ev, NULL);
}

/*
 * Server: the session of every lined-up datagram, by the indexes WireGuard
 * put in clear; what belongs to none is dropped and counted.  from is the
 * address when the socket says it, else each datagram's name does.
 * Returns how many are left, their sessions in sdest.
 */
static int
engine_server_route(struct peer *from, int k)
{
	struct peer	*pr, *last = NULL;
	struct session	*s;
	const struct sockaddr_storage *ss;
	int		 i, j, m, timed = 0;

	for (i = j = 0; i < k; i++) {
		m = sidx[i];
		if (from != NULL) {
			pr = from;
			ss = &from->addr;
		} else {
			ss = &rname[m];
			if (last != NULL && addr_cmp(&last->addr, ss) == 0)
				pr = last;
			else
				pr = peer_find(&peers, ss);
		}
		rules.now = now.tv_sec;
		switch (session_admit(siov[i].iov_base, siov[i].iov_len, pr,
		    ss, &rules, &s)) {
		case ADMIT_SESSION:
			break;
		case ADMIT_NEW:
			if ((s = engine_session_new()) == NULL)
				continue;
			session_set_init(s, siov[i].iov_base);
			break;
		case ADMIT_REVIVE:
			if ((s = engine_session_new()) == NULL)
				continue;
			s->provisional = 1;
			session_add_index(s, wg_receiver(siov[i].iov_base,
			    siov[i].iov_len));
			stats.sessions_revived++;
			break;
		case ADMIT_NOT_WG:
			stats.not_wg++;
			continue;
		case ADMIT_BAD_MAC1:
			stats.bad_mac1++;
			continue;
		case ADMIT_DENIED:
			stats.denied++;
			continue;
		case ADMIT_STRANGER:
			stats.stranger++;
			continue;
		}
		/*
		 * Making room may free an address, the last one seen too.  A
		 * session left without an address goes at the next tick.
		 */
		if (pr == NULL) {
			last = NULL;
			if ((pr = engine_peer_new(ss, &rmsg[m].msg_hdr,
			    s)) == NULL)
				continue;
		} else if (pr->sess != s) {
			last = NULL;
			if (engine_peer_move(pr, s) == -1)
				continue;
		}
		last = pr;
		pr->c.pkts_in++;
		pr->c.bytes_in += siov[i].iov_len;
		pr->last_rx = now;
		s->c.pkts_in++;
		s->c.bytes_in += siov[i].iov_len;
		s->last_rx = now;
		if (s->qg != NULL && pr->q != NULL &&
		    rtype[m] == WG_DATA) {
			if (!timed) {
				engine_clock_us();
				timed = 1;
			}
			qual_copy(s->qg, pr->qbit, siov[i].iov_base,
			    siov[i].iov_len, now_us);
		}
		if (s->wg_fd == -1) {
			/*
			 * The newest initiation waits for the session's
			 * socket: an older one's answer would be stale.
			 */
			if (rtype[m] == WG_INITIATION &&
			    !wg_hs_duplicate(&hs_cache,
			    siov[i].iov_base, siov[i].iov_len, now.tv_sec)) {
				memcpy(s->held, siov[i].iov_base,
				    WG_INITIATION_LEN);
				s->held_len = WG_INITIATION_LEN;
			} else
				stats.no_wg_socket++;
			continue;
		}
		siov[j] = siov[i];
		sidx[j] = m;
		sdest[j++] = s;
	}
	return (j);
}

/* Server: the routed datagrams go to WireGuard, each from its session. */
static void
engine_server_to_wg(int k)
{
	int	i, e;

	if ((k = engine_hs_filter(k, sdest)) == 0)
		return;
	for (i = 0; i < k; i = e) {
		for (e = i + 1; e < k && sdest[e] == sdest[i]; e++)
			;
		engine_send(sdest[i]->wg_fd, i, e - i, NULL, &stats.wg,
		    NULL);
	}
}

/* Server: from client addresses the listen socket still receives for. */
static int
engine_server_listen_batch(int fd, void *arg)
{
	int	n, k;

	(void)arg;
	if ((n = engine_recv(fd, 1, 1, &stats.wg)) == 0)
		return (n);
	if ((k = engine_filter(n)) > 0 && (k = engine_server_route(NULL,
	    k)) > 0)
		engine_server_to_wg(k);
	return (n);
}

/* Server: from a client address on its own socket. */
static int
engine_server_peer_batch(int fd, void *arg)
{
	struct peer	*pr = arg;
	int		 n, k;

	if ((n = engine_recv(fd, 0, 0, &pr->c)) == 0)
		return (n);
	if ((k = engine_filter(n)) > 0 && (k = engine_server_route(pr,
	    k)) > 0)
		engine_server_to_wg(k);
	return (n);
}

/*
 * Server: WireGuard sent to one peer's session: every live address of
 * that session gets a copy, and no one else.
 */
static int
engine_server_wg_batch(int fd, void *arg)
{
	struct session	*s = arg;
	struct peer	*pr;
	uint64_t	 g, gmax = 0;
	uint32_t	 index;
	int		 i, n, k;

	if ((n = engine_recv(fd, 0, 0, &stats.wg)) == 0)
		return (n);
	if ((k = engine_filter(n)) == 0)
		return (n);
	for (i = 0; i < k; i++) {
		stats.wg.bytes_in += siov[i].iov_len;
		s->c.bytes_out += siov[i].iov_len;
		/* Handshakes name indexes; the parent keeps them. */
		if (rtype[sidx[i]] != WG_INITIATION &&
		    rtype[sidx[i]] != WG_RESPONSE)
			continue;
		if ((index = session_learn(s, siov[i].iov_base,
		    siov[i].iov_len)) != 0 && ipcev_compose(&iev_parent,
		    IMSG_INDEX_ADD, 0, -1, &index, sizeof(index)) == -1)
			fatal("compose");
	}
	s->provisional = 0;
	stats.wg.pkts_in += k;
	s->c.pkts_out += k;

	TAILQ_FOREACH(pr, &s->addrs, sentry) {
		if (engine_age(&pr->last_rx) >= (long)ec.client_timeout)
			continue;
		g = pr->c.gso_out;
		if (pr->fd != -1)
			engine_send(pr->fd, 0, k, NULL, &pr->c,
			    &pr->last_errno);
		else
			engine_send(listen_fd, 0, k, &pr->addr, &pr->c,
			    &pr->last_errno);
		/* The session's: as GSO on one address at least. */
		if (pr->c.gso_out - g > gmax)
			gmax = pr->c.gso_out - g;
	}
	s->c.gso_out += gmax;
	return (n);
}

/*
 * Server: a session with two addresses or more has its paths measured,
 * while groups are left; every address joins its group.
 */
static void
engine_qual_session(struct session *s)
{
	struct peer	*pr;

	if (s->naddrs < 2)
		return;
	if (s->qg == NULL) {
		if (nqgroups >= QUAL_GROUPS_MAX ||
		    (s->qg = calloc(1, sizeof(*s->qg))) == NULL)
			return;
		if (qual_group_init(s->qg, QUAL_SERVER_SLOTS) == -1) {
			free(s->qg);
			s->qg = NULL;
			return;
		}
		nqgroups++;
	}
	TAILQ_FOREACH(pr, &s->addrs, sentry) {
		if (pr->q != NULL)
			continue;
		if ((pr->q = calloc(1, sizeof(*pr->q))) == NULL)
			continue;
		if ((pr->qbit = qual_member_add(s->qg, pr->q)) == -1) {
			free(pr->q);
			pr->q = NULL;
			continue;
		}
		qual_set_active(s->qg, pr->qbit, 1);
	}
}

/* Server: an address leaves its session's group; one path is no group. */
static void
engine_qual_leave(struct peer *pr)
{
	struct session	*s = pr->sess;
	struct peer	*o;

	if (pr->q == NULL || s == NULL || s->qg == NULL)
		return;
	qual_member_del(s->qg, pr->qbit);
	free(pr->q);
	pr->q = NULL;
	pr->qbit = -1;
	if (s->naddrs - 1 >= 2)
		return;
	TAILQ_FOREACH(o, &s->addrs, sentry) {
		free(o->q);
		o->q = NULL;
		o->qbit = -1;
	}
	qual_group_free(s->qg);
	free(s->qg);
	s->qg = NULL;
	nqgroups--;
}

/* Once a second: judge old messages; every epoch, a new window. */
static void
engine_qual_tick(void)
{
	static time_t	 epoch;
	struct session	*s;
	struct path	*p;
	struct peer	*pr;
	int		 rotate;

	engine_clock_us();
	if ((rotate = now.tv_sec - epoch >= QUAL_EPOCH))
		epoch = now.tv_sec;
	if (client_qg.ring != NULL) {
		qual_expire(&client_qg, now_us, QUAL_AGE_US);
		if (rotate)
			TAILQ_FOREACH(p, &paths, entry)
				qual_rotate(&p->q);
	}
	RB_FOREACH(s, session_tree, &sessions) {
		if (s->qg == NULL)
			continue;
		qual_expire(s->qg, now_us, QUAL_AGE_US);
		if (rotate)
			TAILQ_FOREACH(pr, &s->addrs, sentry)
				if (pr->q != NULL)
					qual_rotate(pr->q);
	}
}

/* An address leaves: its socket, and its share of the descriptor budget. */
static void
engine_peer_free(struct peer *pr)
{
	if (pr->fd != -1 || pr->requested)
		peer_fds--;
	peer_close(pr);
	engine_qual_leave(pr);
	session_addr_del(pr);
	RB_REMOVE(peer_tree, &peers, pr);
	npeers--;
	free(pr);
}

/* Whole seconds since ts on the monotonic clock. */
static long
engine_age(const struct timespec *ts)
{
	return (now.tv_sec - ts->tv_sec);
}

/* Once a second: expire quiet addresses and sessions, retry sockets. */
static void
engine_timer(int fd, short event, void *arg)
{
	struct session	*s, *ns;
	struct peer	*pr, *npr;
	char		 a[ADDR_STRLEN];

	(void)fd;
	(void)event;
	(void)arg;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	engine_qual_tick();
	if (ec.role != ROLE_SERVER)
		return;
	RB_FOREACH_SAFE(s, session_tree, &sessions, ns) {
		TAILQ_FOREACH_SAFE(pr, &s->addrs, sentry, npr) {
			if (engine_age(&pr->last_rx) >=
			    (long)ec.client_timeout) {
				log_info("session %u: address %s timed out",
				    s->id, addr_fmt(&pr->addr, a, sizeof(a)));
				engine_peer_free(pr);
				continue;
			}
			if (pr->fd == -1 && !pr->requested &&
			    now.tv_sec >= pr->retry)
				engine_peer_request(pr);
		}
		/* Revived on a guess that WireGuard never confirmed. */
		if (s->provisional && engine_age(&s->first_seen) >=
		    PROVISIONAL_SECS) {
			log_info("session %u: WireGuard never answered, "
			    "dropped", s->id);
			stats.sessions_unanswered++;
			while ((pr = TAILQ_FIRST(&s->addrs)) != NULL)
				engine_peer_free(pr);
		}
		if (s->naddrs == 0) {
			log_info("session %u ended", s->id);
			stats.sessions_expired++;
			engine_session_free(s);
		}
	}
	engine_wg_fill();
}

/* Whether initiations are checked now, not only asked for. */
int
engine_mac1_checked(void)
{
	return (rules.mac1 != NULL);
}

int64_t
engine_age_ms(const struct timespec *ts)
{
	struct timespec	t;

	if (ts->tv_sec == 0 && ts->tv_nsec == 0)
		return (-1);
	clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
	return ((int64_t)(t.tv_sec - ts->tv_sec) * 1000 +
	    (t.tv_nsec - ts->tv_nsec) / 1000000);
}

static int
engine_swapped(const char *ifname)
{
	int	i;

	for (i = 0; i < nswaps; i++)
		if (strcmp(swaps[i], ifname) == 0)
			return (1);
	return (0);
}

/*
 * Turn the file's word on one interface around until restart, by name, so
 * that it holds when the interface comes back.
 */
void
engine_swap(struct path *p)
{
	struct path	*q;
	int		 i;

	for (i = 0; i < nswaps; i++)
		if (strcmp(swaps[i], p->ifname) == 0)
			break;
	if (i < nswaps) {
		memmove(&swaps[i], &swaps[i + 1],
		    (nswaps - i - 1) * sizeof(swaps[0]));
		nswaps--;
	} else if (nswaps < (int)(sizeof(swaps) / sizeof(swaps[0])))
		strlcpy(swaps[nswaps++], p->ifname, sizeof(swaps[0]));
	/* Every path of the interface: the word is on the interface. */
	TAILQ_FOREACH(q, &paths, entry)
		if (strcmp(q->ifname, p->ifname) == 0)
			q->swapped = engine_swapped(q->ifname);
	engine_qual_sync();
}

void
engine_reset_swaps(void)
{
	struct path	*p;

	nswaps = 0;
	TAILQ_FOREACH(p, &paths, entry)
		p->swapped = 0;
	engine_qual_sync();
}

void
engine_reload_request(uint32_t id)
{
	if (ipcev_compose(&iev_parent, IMSG_RELOAD, id, -1, NULL, 0) == -1)
		fatal("compose");
}

void
engine_log_verbose(int v)
{
	log_setverbose(v);
	if (ipcev_compose(&iev_parent, IMSG_LOG_VERBOSE, 0, -1, &v,
	    sizeof(v)) == -1)
		fatal("compose");
}
