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

/* The binary seeds of fuzz_ipc, fuzz_wg and fuzz_session, into corpus/. */

/*
 * IPC frames are made by the real ipc_compose and read back from a
 * socketpair, with the fuzz_ipc prefix (flags, chunk sizes) in front.
 * WireGuard messages have the sizes and headers of the protocol and
 * bytes from a fixed pseudo-random sequence where keys and ciphertext go.
 * The session seeds are stories of clients told in fuzz_session's records.
 *
 * usage: mkcorpus DIR	(writes DIR/ipc/, DIR/wg/ and DIR/session/)
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "ipc.h"
#include "proto.h"
#include "engarded.h"
#include "wg.h"

#define FL_REFUSE	0x01
#define FL_FDS		0x02
#define FL_BIG		0x04
#define FL_SMALL	0x08

static void	 out(const char *, const char *, const void *, size_t);
static void	 frame(uint32_t, uint32_t, const void *, size_t);
static void	 ipc_seed(const char *, int, const uint8_t *, size_t);
static void	 request(uint32_t, const char *, int32_t);
static void	 ipc_seeds(void);
static uint8_t	 rnd(void);
static void	 wg_msg(uint8_t, size_t);
static void	 wg_data(uint32_t, uint64_t, size_t);
static void	 wg_dgram(uint8_t, const uint8_t *, size_t);
static void	 wg_seed(const char *, uint32_t);
static void	 wg_seeds(void);
static void	 ses_hdr(uint32_t, uint8_t, uint8_t, uint8_t, uint8_t);
static void	 ses_pfx(uint8_t, uint8_t, const char *);
static void	 ses_rec(uint8_t, uint8_t, const uint8_t *, size_t);
static void	 ses_msg(uint8_t, uint8_t);
static void	 ses_init(uint8_t, uint8_t, uint32_t);
static void	 ses_resp(uint8_t, uint32_t, uint32_t);
static void	 ses_data(uint8_t, uint8_t, uint32_t, uint64_t);
static void	 ses_seed(const char *);
static void	 ses_client(uint8_t, uint8_t, uint8_t, uint32_t, uint32_t);
static void	 session_seeds(void);

static const char	*dir;
static int		 sv[2];
static struct ipcbuf	 ib;
static uint8_t		 stream[1 << 20];
static size_t		 slen;
static uint8_t		 msg[2048];
static size_t		 mlen;
static uint32_t		 rstate = 0x9e3779b9;

static void
out(const char *sub, const char *name, const void *p, size_t len)
{
	char	 path[1024];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	if ((f = fopen(path, "w")) == NULL)
		err(1, "%s", path);
	if (fwrite(p, 1, len, f) != len || fclose(f) != 0)
		err(1, "%s", path);
}

/* One message through ipc_compose, appended to the stream. */
static void
frame(uint32_t type, uint32_t peerid, const void *data, size_t len)
{
	ssize_t	 n;

	if (ipc_compose(&ib, type, peerid, -1, data, len) == -1 ||
	    ipc_flush(&ib) != 1)
		err(1, "ipc");
	while ((n = read(sv[1], stream + slen, sizeof(stream) - slen)) > 0)
		slen += n;
}

/* The stream so far, behind flags and chunk sizes; a new stream begins. */
static void
ipc_seed(const char *name, int flags, const uint8_t *sizes, size_t nsizes)
{
	static uint8_t	 buf[sizeof(stream) + 258];

	buf[0] = flags;
	buf[1] = nsizes;
	memcpy(buf + 2, sizes, nsizes);
	memcpy(buf + 2 + nsizes, stream, slen);
	out("ipc", name, buf, 2 + nsizes + slen);
	slen = 0;
}

static void
request(uint32_t type, const char *ifname, int32_t arg)
{
	struct ctl_request	 req;

	memset(&req, 0, sizeof(req));
	req.version = CTL_VERSION;
	req.arg = arg;
	if (ifname != NULL)
		strlcpy(req.ifname, ifname, sizeof(req.ifname));
	frame(type, 0, &req, sizeof(req));
}

static void
ipc_seeds(void)
{
	struct ctl_result	 res;
	struct ctl_status	 st;
	struct ctl_iface	 ci;
	struct ctl_client	 cl;
	struct eng_conf		 ec;
	struct eng_ifconf	 ei;
	struct link_state	 ls;
	struct peer_sock	 ps;
	struct log_line		 ll;
	struct reload_result	 rr;
	struct webui_conf	 wc;
	struct webui_pem	 wp;
	struct sockaddr_in	*sin;
	uint32_t		 ro = 1;
	int			 v = 2;
	static const uint8_t	 one[] = { 0x00 };
	static const uint8_t	 seven[] = { 6 };
	static const uint8_t	 mixed[] = { 0x0f, 0x7f, 0x00, 0x22 };
	static const uint8_t	 fdfirst[] = { 0x84 };
	static const uint8_t	 fdflood[] = { 0x80 };

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		err(1, "socketpair");
	if (fcntl(sv[1], F_SETFL, O_NONBLOCK) == -1)
		err(1, "fcntl");
	ipc_init(&ib, sv[0]);
	ib.pid = 1;		/* the same seeds every time */

	request(IMSG_CTL_SHOW_STATUS, NULL, 0);
	ipc_seed("req-show-status", 0, NULL, 0);
	request(IMSG_CTL_EXCLUDE, "eth0", 0);
	ipc_seed("req-exclude-bytewise", 0, one, sizeof(one));
	request(IMSG_CTL_SHOW_INTERFACES, NULL, 0);
	request(IMSG_CTL_SWAP, "wwan0", 0);
	request(IMSG_CTL_LOG_VERBOSE, NULL, 2);
	request(IMSG_CTL_RELOAD, NULL, 0);
	request(IMSG_CTL_RESET_EXCLUSIONS, NULL, 0);
	ipc_seed("req-pipelined-control", FL_REFUSE, mixed, sizeof(mixed));

	memset(&st, 0, sizeof(st));
	strlcpy(st.version, ENGARDED_VERSION, sizeof(st.version));
	strlcpy(st.description, "outside broadcast van",
	    sizeof(st.description));
	st.role = ROLE_CLIENT;
	st.uptime_ms = 86400000;
	sin = (struct sockaddr_in *)&st.listen;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(59401);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	st.npaths = 2;
	frame(IMSG_CTL_STATUS, 7, &st, sizeof(st));
	memset(&ci, 0, sizeof(ci));
	strlcpy(ci.ifname, "eth0", sizeof(ci.ifname));
	strlcpy(ci.label, "DSL", sizeof(ci.label));
	strlcpy(ci.status, "active", sizeof(ci.status));
	ci.last_rx_ms = 12;
	frame(IMSG_CTL_INTERFACE, 7, &ci, sizeof(ci));
	strlcpy(ci.ifname, "wwan0", sizeof(ci.ifname));
	strlcpy(ci.status, "idle", sizeof(ci.status));
	strlcpy(ci.reason, "no carrier", sizeof(ci.reason));
	ci.last_rx_ms = -1;
	frame(IMSG_CTL_INTERFACE, 7, &ci, sizeof(ci));
	frame(IMSG_CTL_END, 7, NULL, 0);
	ipc_seed("reply-interfaces", 0, seven, sizeof(seven));

	memset(&cl, 0, sizeof(cl));
	sin = (struct sockaddr_in *)&cl.addr;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(40000);
	cl.own_socket = 1;
	frame(IMSG_CTL_CLIENT, 3, &cl, sizeof(cl));
	frame(IMSG_CTL_CLIENT, 3, &cl, sizeof(cl));
	frame(IMSG_CTL_END, 3, NULL, 0);
	ipc_seed("reply-clients", 0, NULL, 0);

	memset(&res, 0, sizeof(res));
	res.code = CTL_ALREADY_EXCLUDED;
	strlcpy(res.text, "eth0 already excluded", sizeof(res.text));
	frame(IMSG_CTL_RESULT, 1, &res, sizeof(res));
	ipc_seed("reply-result", 0, NULL, 0);

	/* The parent to the engine: a configuration, then a link. */
	memset(&ec, 0, sizeof(ec));
	ec.role = ROLE_CLIENT;
	ec.client_timeout = 30;
	strlcpy(ec.description, "van", sizeof(ec.description));
	frame(IMSG_RECONF_CONF, 0, &ec, sizeof(ec));
	memset(&ei, 0, sizeof(ei));
	strlcpy(ei.ifname, "wg0", sizeof(ei.ifname));
	ei.excluded = 1;
	frame(IMSG_RECONF_IFACE, 0, &ei, sizeof(ei));
	frame(IMSG_RECONF_END, 0, NULL, 0);
	ipc_seed("parent-reconf", 0, NULL, 0);

	memset(&ls, 0, sizeof(ls));
	strlcpy(ls.ifname, "eth0", sizeof(ls.ifname));
	ls.ifindex = 2;
	ls.status = LINK_ACTIVE;
	frame(IMSG_LINK_STATE, 0, &ls, sizeof(ls));
	/* The descriptor's flag, set by hand: it goes with the first chunk. */
	((struct ipc_hdr *)stream)->flags = IPC_F_HASFD;
	ls.status = LINK_DOWN;
	frame(IMSG_LINK_STATE, 0, &ls, sizeof(ls));
	ipc_seed("parent-link-fd", FL_FDS | FL_BIG, fdfirst, sizeof(fdfirst));

	frame(IMSG_CONTROL_FD, 0, &ro, sizeof(ro));
	((struct ipc_hdr *)stream)->flags = IPC_F_HASFD;
	ipc_seed("parent-control-fd-flood", FL_FDS, fdflood, sizeof(fdflood));

	memset(&ps, 0, sizeof(ps));
	ps.peer.ss_family = AF_INET6;
	frame(IMSG_PEER_SOCKET_REQ, 0, &ps, sizeof(ps));
	ps.error = 24;
	frame(IMSG_PEER_SOCKET, 0, &ps, sizeof(ps));
	frame(IMSG_LOG_VERBOSE, 0, &v, sizeof(v));
	memset(&ll, 0, sizeof(ll));
	ll.pri = LOG_WARNING;
	strlcpy(ll.text, "interface wwan0: no carrier", sizeof(ll.text));
	frame(IMSG_LOG, 0, &ll, sizeof(ll));
	frame(IMSG_RELOAD, 5, NULL, 0);
	memset(&rr, 0, sizeof(rr));
	rr.ok = 1;
	strlcpy(rr.text, "configuration reloaded", sizeof(rr.text));
	frame(IMSG_RELOAD_RESULT, 5, &rr, sizeof(rr));
	ipc_seed("engine-parent-misc", 0, mixed, sizeof(mixed));

	memset(&wc, 0, sizeof(wc));
	wc.tls = 1;
	wc.auth = 1;
	strlcpy(wc.username, "admin", sizeof(wc.username));
	strlcpy(wc.password, "secret", sizeof(wc.password));
	frame(IMSG_WEBUI_CONF, 0, &wc, sizeof(wc));
	memset(&wp, 0, sizeof(wp));
	wp.kind = PEM_CERT;
	wp.total = WEBUI_PEM_PART + 100;
	wp.len = WEBUI_PEM_PART;
	memset(wp.data, 'A', sizeof(wp.data));
	frame(IMSG_WEBUI_PEM, 0, &wp, sizeof(wp));
	wp.off = WEBUI_PEM_PART;
	wp.len = 100;
	frame(IMSG_WEBUI_PEM, 0, &wp, sizeof(wp));
	frame(IMSG_WEBUI_GO, 0, NULL, 0);
	ipc_seed("parent-webui-pem-small-buffer", FL_SMALL, NULL, 0);

	/* Malformed: a header shorter than itself after a good request. */
	request(IMSG_CTL_SHOW_CLIENTS, NULL, 0);
	frame(IMSG_CTL_SHOW_CLIENTS, 0, NULL, 0);
	((struct ipc_hdr *)(stream + slen - sizeof(struct ipc_hdr)))->len = 8;
	ipc_seed("malformed-len", 0, NULL, 0);

	/* A request cut short by the end of the stream. */
	request(IMSG_CTL_SHOW_STATUS, NULL, 0);
	slen -= 5;
	ipc_seed("truncated", 0, one, sizeof(one));

	close(sv[0]);
	close(sv[1]);
}

static uint8_t
rnd(void)
{
	rstate ^= rstate << 13;
	rstate ^= rstate >> 17;
	rstate ^= rstate << 5;
	return (rstate & 0xff);
}

/* A message shaped like WireGuard's: type, three zero bytes, the rest. */
static void
wg_msg(uint8_t type, size_t len)
{
	size_t	 i;

	msg[0] = type;
	msg[1] = msg[2] = msg[3] = 0;
	for (i = 4; i < len; i++)
		msg[i] = rnd();
	mlen = len;
}

/* A data message: receiver index and counter, little-endian, as sent. */
static void
wg_data(uint32_t index, uint64_t counter, size_t len)
{
	int	 i;

	wg_msg(4, len);
	for (i = 0; i < 4; i++)
		msg[4 + i] = index >> (8 * i);
	for (i = 0; i < 8; i++)
		msg[8 + i] = counter >> (8 * i);
}

/* One datagram of the fuzz_wg stream: the clock's step, length, bytes. */
static void
wg_dgram(uint8_t tick, const uint8_t *p, size_t len)
{
	stream[slen++] = tick;
	stream[slen++] = len >> 8;
	stream[slen++] = len & 0xff;
	memcpy(stream + slen, p, len);
	slen += len;
}

static void
wg_seed(const char *name, uint32_t start)
{
	static uint8_t	 buf[sizeof(stream) + 4];

	buf[0] = start >> 24;
	buf[1] = start >> 16;
	buf[2] = start >> 8;
	buf[3] = start;
	memcpy(buf + 4, stream, slen);
	out("wg", name, buf, 4 + slen);
	slen = 0;
}

static void
wg_seeds(void)
{
	uint8_t	 init[WG_INITIATION_LEN], data[1420];
	int	 i;

	/* A handshake over three links: each message three times. */
	wg_msg(1, 148);
	memcpy(init, msg, mlen);
	for (i = 0; i < 3; i++)
		wg_dgram(0, msg, mlen);
	wg_msg(2, 92);
	for (i = 0; i < 3; i++)
		wg_dgram(i == 0, msg, mlen);
	for (i = 0; i < 4; i++) {
		wg_msg(4, 32 + 16 * i);
		wg_dgram(0, msg, mlen);
	}
	wg_seed("handshake-three-links", 3600);

	/* The same initiation again, within the window and after it. */
	wg_dgram(0, init, sizeof(init));
	wg_dgram(5, init, sizeof(init));
	wg_dgram(6, init, sizeof(init));
	wg_dgram(0, init, sizeof(init));
	wg_seed("initiation-retried", 10);

	/* Under load: a cookie reply, then a new initiation. */
	wg_msg(3, 64);
	wg_dgram(0, msg, mlen);
	wg_dgram(0, msg, mlen);
	wg_msg(1, 148);
	wg_dgram(1, msg, mlen);
	wg_seed("cookie", 0);

	/* More than the cache holds, then the first one again. */
	for (i = 0; i < 40; i++) {
		wg_msg(1 + i % 3, i % 3 == 0 ? 148 : i % 3 == 1 ? 92 : 64);
		if (i == 0)
			memcpy(init, msg, mlen);
		wg_dgram(0, msg, mlen);
	}
	wg_dgram(0, init, sizeof(init));
	wg_seed("cache-overflow", 100000);

	/* Exactly as many as the cache holds: the first is still there. */
	for (i = 0; i < WG_HS_SEEN; i++) {
		wg_msg(2, 92);
		if (i == 0)
			memcpy(init, msg, mlen);
		wg_dgram(0, msg, mlen);
	}
	wg_dgram(0, init, 92);
	wg_msg(2, 92);
	wg_dgram(0, msg, mlen);
	wg_dgram(0, init, 92);
	wg_seed("cache-full", 5000);

	/* Data: a full-size packet, keepalives, and misshapen datagrams. */
	wg_msg(4, 1440);
	wg_dgram(0, msg, mlen);
	wg_msg(4, 32);
	wg_dgram(25, msg, mlen);
	wg_msg(4, 33);
	wg_dgram(0, msg, mlen);
	wg_msg(1, 147);
	wg_dgram(0, msg, mlen);
	wg_msg(2, 92);
	msg[2] = 1;
	wg_dgram(0, msg, mlen);
	wg_msg(9, 64);
	wg_dgram(0, msg, mlen);
	wg_dgram(0, msg, 3);
	wg_dgram(0, msg, 0);
	wg_seed("data-and-misshapen", 7);

	/* Data over three links: each message three times, one late. */
	wg_data(0x11223344, 0, 48);
	memcpy(data, msg, mlen);
	wg_dgram(0, msg, mlen);
	wg_dgram(0, msg, mlen);
	for (i = 1; i < 4; i++) {
		wg_data(0x11223344, i, 48 + 16 * (i % 2) + i);
		wg_dgram(0, msg, mlen);
		wg_dgram(0, msg, mlen);
		wg_dgram(0, msg, mlen);
	}
	wg_dgram(1, data, 48);
	wg_seed("data-copies", 200);

	/* A forgery: a counter again, another tag; then the genuine copy. */
	wg_data(7, 5, sizeof(data));
	memcpy(data, msg, sizeof(data));
	wg_dgram(0, msg, mlen);
	msg[mlen - 1] ^= 1;
	wg_dgram(0, msg, mlen);
	wg_dgram(0, data, sizeof(data));
	wg_data(7, 5 + WG_DEDUP_WINDOW, 1423);
	wg_dgram(0, msg, mlen);
	wg_seed("data-forgery-and-window", 300);

	/* More receiver indexes than are followed, one of them again. */
	for (i = 0; i < 40; i++) {
		wg_data(1000 + i, 1, 32);
		wg_dgram(i % 3, msg, mlen);
	}
	wg_data(1000, 1, 32);
	wg_dgram(0, msg, mlen);
	wg_seed("data-many-indexes", 400);
}

/* The ops of fuzz_session's records. */
#define SES_IN		0
#define SES_IN_COPY	1
#define SES_IN_INIT	2
#define SES_OUT		3
#define SES_TICK	4
#define SES_WAIT	5
#define SES_LEAVE	6
#define SES_GRAVE	7
#define SES_ADDR	8

/* Its header: clock, flags, maxSessions, maxSessionAddresses, timeout. */
static void
ses_hdr(uint32_t clock, uint8_t flags, uint8_t sessions, uint8_t addrs,
    uint8_t timeout)
{
	slen = 0;
	stream[slen++] = clock >> 24;
	stream[slen++] = clock >> 16;
	stream[slen++] = clock >> 8;
	stream[slen++] = clock;
	stream[slen++] = flags;
	stream[slen++] = sessions - 1;
	stream[slen++] = addrs - 1;
	stream[slen++] = timeout - 1;
	stream[slen++] = 0;		/* prefixes, counted by ses_pfx */
}

/* One prefix of allowedSources: family 0 IPv4, 1 IPv6, 2 neither. */
static void
ses_pfx(uint8_t family, uint8_t plen, const char *addr)
{
	uint8_t	 a[16];

	memset(a, 0, sizeof(a));
	if (addr != NULL && inet_pton(family == 1 ? AF_INET6 : AF_INET, addr,
	    a) != 1)
		errx(1, "%s", addr);
	stream[8]++;
	stream[slen++] = family;
	stream[slen++] = plen;
	memcpy(stream + slen, a, sizeof(a));
	slen += sizeof(a);
}

static void
ses_rec(uint8_t op, uint8_t sel, const uint8_t *p, size_t len)
{
	stream[slen++] = op;
	stream[slen++] = sel;
	stream[slen++] = len >> 8;
	stream[slen++] = len & 0xff;
	if (len > 0)
		memcpy(stream + slen, p, len);
	slen += len;
}

/* The message in msg, from an address slot or to a session. */
static void
ses_msg(uint8_t op, uint8_t sel)
{
	ses_rec(op, sel, msg, mlen);
}

/* An initiation with this sender index, its mac1 made by the harness. */
static void
ses_init(uint8_t op, uint8_t slot, uint32_t sender)
{
	wg_msg(1, 148);
	memcpy(msg + 4, &sender, 4);
	ses_msg(op, slot);
}

/* Our WireGuard's response through a session. */
static void
ses_resp(uint8_t sess, uint32_t sender, uint32_t receiver)
{
	wg_msg(2, 92);
	memcpy(msg + 4, &sender, 4);
	memcpy(msg + 8, &receiver, 4);
	ses_msg(SES_OUT, sess);
}

static void
ses_data(uint8_t op, uint8_t sel, uint32_t index, uint64_t counter)
{
	wg_data(index, counter, 32 + 16 * (counter % 4));
	ses_msg(op, sel);
}

static void
ses_seed(const char *name)
{
	out("session", name, stream, slen);
	slen = 0;
}

/*
 * A client from two address slots: its initiation from the first, the
 * same from the second, our response through session sess, then data
 * over both.
 */
static void
ses_client(uint8_t a, uint8_t b, uint8_t sess, uint32_t sender,
    uint32_t ours)
{
	uint64_t	 c;

	ses_init(SES_IN_INIT, a, sender);
	ses_msg(SES_IN, b);
	ses_resp(sess, ours, sender);
	for (c = 0; c < 4; c++) {
		ses_data(SES_IN, a, ours, c);
		ses_msg(SES_IN, b);
	}
}

static void
session_seeds(void)
{
	uint8_t		 addr[19];
	uint64_t	 c;
	uint32_t	 i;

	/* Two links: a handshake, data both ways, one link lossy. */
	ses_hdr(1000, 0, 4, 4, 30);
	ses_client(0, 1, 0, 0x11111111, 0xa1a1a1a1);
	for (c = 4; c < 40; c++) {
		ses_data(SES_IN, 0, 0xa1a1a1a1, c);
		ses_rec(SES_WAIT, c % 3 == 0 ? 128 + c : c % 7, NULL, 0);
		if (c % 5 != 3)
			ses_msg(SES_IN, 1);
		ses_data(SES_OUT, 0, 0x11111111, c);
		if (c % 10 == 0)
			ses_rec(SES_TICK, 1, NULL, 0);
	}
	ses_rec(SES_TICK, 2, NULL, 0);
	ses_rec(SES_TICK, 10, NULL, 0);
	ses_seed("two-links");

	/* Rekeying: a new initiation from a known address, new indexes. */
	ses_hdr(5000, 0, 4, 4, 30);
	ses_client(0, 1, 0, 0x11111111, 0xa1a1a1a1);
	ses_init(SES_IN_INIT, 1, 0x22222222);
	ses_msg(SES_IN, 0);
	ses_resp(0, 0xa2a2a2a2, 0x22222222);
	for (c = 0; c < 6; c++) {
		ses_data(SES_IN, 0, 0xa2a2a2a2, c);
		ses_msg(SES_IN, 1);
		ses_data(SES_IN, 1, 0xa1a1a1a1, 100 + c);
	}
	for (i = 0; i < 10; i++)
		ses_resp(0, 0xb0000000 + i, 0x22222222);
	ses_data(SES_IN, 0, 0xa1a1a1a1, 200);
	ses_rec(SES_TICK, 1, NULL, 0);
	ses_seed("rekey");

	/* Strangers, misshapen datagrams, allowedSources. */
	ses_hdr(77, 0, 4, 4, 30);
	ses_pfx(0, 24, "192.0.2.0");
	ses_pfx(1, 32, "2001:db8::");
	ses_pfx(0, 24, "203.0.113.0");
	ses_pfx(0, 33, "198.51.100.2");
	ses_rec(SES_IN, 1, (const uint8_t *)"hello", 5);
	ses_data(SES_IN, 1, 0x12345678, 0);
	ses_init(SES_IN_INIT, 1, 0x33333333);
	ses_init(SES_IN_INIT, 2, 0x44444444);
	ses_init(SES_IN_INIT, 3, 0x55555555);
	wg_msg(3, 64);
	ses_msg(SES_IN, 5);
	wg_msg(1, 147);
	ses_msg(SES_IN, 4);
	wg_data(0x12345678, 1, 31);
	ses_msg(SES_IN, 4);
	wg_msg(2, 92);
	msg[3] = 1;
	ses_msg(SES_IN, 4);
	memset(addr, 0, sizeof(addr));
	addr[0] = 1;
	addr[1] = 0x20;
	addr[2] = 0x01;
	addr[3] = 0x0d;
	addr[4] = 0xb9;
	addr[18] = 7;
	ses_rec(SES_ADDR, 5, addr, sizeof(addr));
	ses_init(SES_IN_INIT, 5, 0x66666666);
	addr[4] = 0xb8;
	ses_rec(SES_ADDR, 6, addr, sizeof(addr));
	ses_init(SES_IN_INIT, 6, 0x66666666);
	ses_seed("strangers-allowed");

	/* A NAT moves a client's port; an address joins another client. */
	ses_hdr(3600, 0, 4, 2, 30);
	ses_client(0, 1, 0, 0x11111111, 0xa1a1a1a1);
	ses_client(2, 3, 1, 0x22222222, 0xb1b1b1b1);
	ses_rec(SES_TICK, 6, NULL, 0);
	ses_data(SES_IN, 1, 0xa1a1a1a1, 10);
	ses_data(SES_IN, 4, 0xa1a1a1a1, 11);
	ses_data(SES_IN, 5, 0xa1a1a1a1, 12);
	ses_data(SES_IN, 3, 0xa1a1a1a1, 13);
	ses_data(SES_IN, 4, 0xb1b1b1b1, 14);
	ses_rec(SES_LEAVE, 1, NULL, 0);
	ses_data(SES_IN, 4, 0xb1b1b1b1, 15);
	ses_rec(SES_TICK, 25, NULL, 0);
	ses_data(SES_IN, 4, 0xb1b1b1b1, 16);
	ses_rec(SES_TICK, 6, NULL, 0);
	ses_seed("nat-move");

	/* Expiry, then revival by an old index, answered or not. */
	ses_hdr(100000, 0, 4, 4, 30);
	ses_client(0, 1, 0, 0x11111111, 0xa1a1a1a1);
	ses_rec(SES_TICK, 31, NULL, 0);
	ses_data(SES_IN, 3, 0xa1a1a1a1, 50);
	ses_data(SES_IN, 2, 0xa1a1a1a1, 51);
	ses_resp(0, 0xa3a3a3a3, 0x77777777);
	ses_rec(SES_GRAVE, 100, (const uint8_t *)"\x99\x99\x99\x99", 4);
	ses_data(SES_IN, 6, 0x99999999, 7);
	ses_rec(SES_TICK, 16, NULL, 0);
	ses_data(SES_IN, 7, 0x99999999, 8);
	ses_rec(SES_TICK, 200, NULL, 0);
	ses_data(SES_IN, 8, 0xa1a1a1a1, 52);
	/* Unanswered, then past GRAVE_SECS: strangers. */
	ses_rec(SES_TICK, 16, NULL, 0);
	ses_rec(SES_TICK, 181, NULL, 0);
	ses_data(SES_IN, 9, 0xa1a1a1a1, 53);
	ses_data(SES_IN, 9, 0x99999999, 9);
	ses_seed("expiry-revival");

	/* mac1: ours, another, and a copy of ours. */
	ses_hdr(4242, 1, 4, 4, 30);
	ses_init(SES_IN_INIT, 0, 0x11111111);
	ses_init(SES_IN, 1, 0x11111111);
	ses_init(SES_IN_COPY, 1, 0x11111111);
	ses_resp(0, 0xa1a1a1a1, 0x11111111);
	ses_data(SES_IN_COPY, 2, 0, 0);
	ses_seed("mac1");

	/* One session at most, two addresses; the quietest gives way. */
	ses_hdr(9000, 0, 1, 2, 30);
	ses_client(0, 1, 0, 0x11111111, 0xa1a1a1a1);
	ses_data(SES_IN, 2, 0xa1a1a1a1, 20);
	ses_init(SES_IN_INIT, 3, 0x22222222);
	ses_rec(SES_TICK, 3, NULL, 0);
	ses_data(SES_IN, 1, 0xa1a1a1a1, 21);
	ses_rec(SES_TICK, 3, NULL, 0);
	ses_data(SES_IN, 2, 0xa1a1a1a1, 22);
	ses_rec(SES_TICK, 1, NULL, 0);
	ses_seed("limits");

	/* Two-slot rings, two groups at most, counters far apart. */
	ses_hdr(123, 0x0e, 8, 4, 60);
	ses_client(0, 1, 0, 0x11111111, 0xa1a1a1a1);
	ses_client(2, 3, 1, 0x22222222, 0xb1b1b1b1);
	ses_client(4, 5, 2, 0x33333333, 0xc1c1c1c1);
	for (c = 0; c < 12; c++) {
		ses_data(SES_IN, 1, 0xa1a1a1a1, c * 5000);
		ses_data(SES_IN, 0, 0xa1a1a1a1, c * 5000 + 3);
		ses_msg(SES_IN, 1);
		ses_data(SES_IN, 2, 0xb9b9b9b9, 1000000 + c);
		ses_rec(SES_WAIT, 200, NULL, 0);
	}
	ses_rec(SES_TICK, 1, NULL, 0);
	ses_rec(SES_LEAVE, 0, NULL, 0);
	ses_data(SES_IN, 6, 0xc1c1c1c1, 9);
	ses_rec(SES_TICK, 11, NULL, 0);
	ses_seed("small-rings");
}

int
main(int argc, char *argv[])
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkcorpus dir\n");
		return (2);
	}
	dir = argv[1];
	ipc_seeds();
	wg_seeds();
	session_seeds();
	return (0);
}
