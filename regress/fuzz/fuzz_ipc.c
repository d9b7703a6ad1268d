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

/* Fuzzing the framing of common/ipc.c over a real socketpair. */

/*
 * The input:
 *
 *	byte 0		flags: FL_REFUSE reads as a control socket does
 *			(ipc_refuse_fds); FL_FDS passes a descriptor with
 *			the chunks whose size byte has its top bit set;
 *			FL_BIG counts chunk sizes in units of 64 bytes;
 *			FL_SMALL makes the echo's socket buffer small, so
 *			that ipc_flush writes a message in parts
 *	byte 1		n, the number of chunk sizes that follow
 *	n bytes		chunk sizes, (b & 0x7f) + 1, used in turn
 *	the rest	the byte stream, written in those chunks (all at once
 *			when n is 0) into one end of a socketpair
 *
 * The other end is drained with ipc_read and ipc_get after every chunk,
 * as the daemon's event loop does.  Every message taken is checked as its
 * receiver checks it (decode) and sent back with ipc_compose and
 * ipc_flush, descriptor included, to arrive the same.  A malformed frame
 * ends the input, as it ends the connection.  At the end the writer shuts
 * its side and the reader must see the end of the stream.  Descriptors are
 * counted: none may stay open after an input.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>

#include <errno.h>
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

#define FL_REFUSE	0x01
#define FL_FDS		0x02
#define FL_BIG		0x04
#define FL_SMALL	0x08

int		 LLVMFuzzerInitialize(int *, char ***);
int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	 lowest_fd(void);
static ssize_t	 send_chunk(int, const uint8_t *, size_t, int);
static int	 drain(struct ipcbuf *, struct ipcbuf *, int *);
static void	 decode(const struct ipc_msg *);
static void	 echo(struct ipcbuf *, struct ipcbuf *, const struct ipc_msg *);
static int	 str_ok(const char *, size_t);
static int	 addr_ok(const struct sockaddr_storage *);

static int	 devnull = -1;
static int	 fd_base;
static volatile size_t sink;	/* keeps what decode reads */

static int
lowest_fd(void)
{
	int	 fd;

	if ((fd = fcntl(devnull, F_DUPFD_CLOEXEC, 0)) == -1)
		abort();
	close(fd);
	return (fd);
}

/* Write one chunk, with /dev/null attached when fd is set. */
static ssize_t
send_chunk(int s, const uint8_t *p, size_t len, int fd)
{
	struct msghdr	 msg;
	struct cmsghdr	*cmsg;
	struct iovec	 iov;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cmsgbuf;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = (void *)p;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (fd) {
		memset(&cmsgbuf, 0, sizeof(cmsgbuf));
		msg.msg_control = cmsgbuf.buf;
		msg.msg_controllen = sizeof(cmsgbuf.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cmsg), &devnull, sizeof(int));
	}
	return (sendmsg(s, &msg, MSG_DONTWAIT | MSG_NOSIGNAL));
}

static int
str_ok(const char *s, size_t len)
{
	return (memchr(s, '\0', len) != NULL);
}

static int
addr_ok(const struct sockaddr_storage *ss)
{
	return (ss->ss_family == AF_UNSPEC || ss->ss_family == AF_INET ||
	    ss->ss_family == AF_INET6);
}

/*
 * Each message as its receiver takes it: the exact size, then the strings
 * and bounds the receiver checks.  What passes is read through, so that
 * a check that let too much by shows as an overread.
 */
static void
decode(const struct ipc_msg *m)
{
	union {
		struct ctl_request	req;
		struct ctl_result	res;
		struct ctl_status	st;
		struct ctl_iface	ci;
		struct ctl_client	cl;
		struct eng_conf		ec;
		struct eng_ifconf	ei;
		struct link_state	ls;
		struct peer_sock	ps;
		struct reload_result	rr;
		struct log_line		ll;
		struct webui_conf	wc;
		struct webui_pem	wp;
		uint32_t		u32;
		int			i;
	} u;
	size_t	 n = 0;

	switch (m->hdr.type) {
	case IMSG_CTL_SHOW_STATUS:
	case IMSG_CTL_SHOW_INTERFACES:
	case IMSG_CTL_SHOW_CLIENTS:
	case IMSG_CTL_EXCLUDE:
	case IMSG_CTL_INCLUDE:
	case IMSG_CTL_SWAP:
	case IMSG_CTL_RESET_EXCLUSIONS:
	case IMSG_CTL_RELOAD:
	case IMSG_CTL_LOG_VERBOSE:
		if (ipc_data(m, &u.req, sizeof(u.req)) == -1 ||
		    u.req.version != CTL_VERSION ||
		    !str_ok(u.req.ifname, sizeof(u.req.ifname)))
			return;
		n = strlen(u.req.ifname) + (size_t)u.req.arg;
		break;
	case IMSG_CTL_RESULT:
		if (ipc_data(m, &u.res, sizeof(u.res)) == -1 ||
		    u.res.code > CTL_ERROR ||
		    !str_ok(u.res.text, sizeof(u.res.text)))
			return;
		n = strlen(u.res.text);
		break;
	case IMSG_CTL_END:
		if (m->datalen != 0)
			return;
		break;
	case IMSG_CTL_STATUS:
		if (ipc_data(m, &u.st, sizeof(u.st)) == -1 ||
		    !str_ok(u.st.version, sizeof(u.st.version)) ||
		    !str_ok(u.st.description, sizeof(u.st.description)) ||
		    !addr_ok(&u.st.listen) || !addr_ok(&u.st.wireguard))
			return;
		n = strlen(u.st.version) + strlen(u.st.description);
		break;
	case IMSG_CTL_INTERFACE:
		if (ipc_data(m, &u.ci, sizeof(u.ci)) == -1 ||
		    !str_ok(u.ci.ifname, sizeof(u.ci.ifname)) ||
		    !str_ok(u.ci.label, sizeof(u.ci.label)) ||
		    !str_ok(u.ci.status, sizeof(u.ci.status)) ||
		    !str_ok(u.ci.reason, sizeof(u.ci.reason)) ||
		    !addr_ok(&u.ci.local) || !addr_ok(&u.ci.dst) ||
		    u.ci.last_rx_ms < -1)
			return;
		n = strlen(u.ci.ifname) + strlen(u.ci.label) +
		    strlen(u.ci.status) + strlen(u.ci.reason);
		break;
	case IMSG_CTL_CLIENT:
		if (ipc_data(m, &u.cl, sizeof(u.cl)) == -1 ||
		    !addr_ok(&u.cl.addr) || !addr_ok(&u.cl.local))
			return;
		n = u.cl.own_socket;
		break;
	case IMSG_RECONF_CONF:
		if (ipc_data(m, &u.ec, sizeof(u.ec)) == -1)
			return;
		u.ec.description[sizeof(u.ec.description) - 1] = '\0';
		n = strlen(u.ec.description);
		break;
	case IMSG_RECONF_IFACE:
		if (ipc_data(m, &u.ei, sizeof(u.ei)) == -1)
			return;
		u.ei.ifname[IFNAMSIZ - 1] = '\0';
		u.ei.label[CONF_LABEL_LEN - 1] = '\0';
		n = strlen(u.ei.ifname) + strlen(u.ei.label);
		break;
	case IMSG_RECONF_END:
	case IMSG_SOCKET_LISTEN:
	case IMSG_SOCKET_WG:
	case IMSG_CONTROL_CONN:
	case IMSG_RELOAD:
		if (m->datalen != 0)
			return;
		break;
	case IMSG_LINK_STATE:
		if (ipc_data(m, &u.ls, sizeof(u.ls)) == -1 ||
		    u.ls.status >= LINK_STATUS_MAX ||
		    (u.ls.status == LINK_ACTIVE) !=
		    ((m->hdr.flags & IPC_F_HASFD) != 0))
			return;
		u.ls.ifname[IFNAMSIZ - 1] = '\0';
		n = strlen(u.ls.ifname);
		break;
	case IMSG_PEER_SOCKET_REQ:
	case IMSG_PEER_SOCKET:
		if (ipc_data(m, &u.ps, sizeof(u.ps)) == -1)
			return;
		n = u.ps.peer.ss_family;
		break;
	case IMSG_CONTROL_FD:
		if (m->fd == -1 || ipc_data(m, &u.u32, sizeof(u.u32)) == -1)
			return;
		n = u.u32 != 0;
		break;
	case IMSG_RELOAD_RESULT:
		if (ipc_data(m, &u.rr, sizeof(u.rr)) == -1)
			return;
		u.rr.text[sizeof(u.rr.text) - 1] = '\0';
		n = strlen(u.rr.text);
		break;
	case IMSG_LOG_VERBOSE:
		if (ipc_data(m, &u.i, sizeof(u.i)) == -1 || u.i < 0 || u.i > 3)
			return;
		n = u.i;
		break;
	case IMSG_LOG:
		if (ipc_data(m, &u.ll, sizeof(u.ll)) == -1 ||
		    u.ll.pri < LOG_EMERG || u.ll.pri > LOG_DEBUG ||
		    !str_ok(u.ll.text, sizeof(u.ll.text)))
			return;
		n = strlen(u.ll.text);
		break;
	case IMSG_WEBUI_CONF:
		if (ipc_data(m, &u.wc, sizeof(u.wc)) == -1 ||
		    !str_ok(u.wc.username, sizeof(u.wc.username)) ||
		    !str_ok(u.wc.password, sizeof(u.wc.password)))
			return;
		n = strlen(u.wc.username) + strlen(u.wc.password);
		break;
	case IMSG_WEBUI_PEM: {
		static uint8_t	 pem[2][WEBUI_PEM_MAX];

		/* The bounds of webui.c, without the order of the parts. */
		if (ipc_data(m, &u.wp, sizeof(u.wp)) == -1 ||
		    u.wp.kind > PEM_KEY || u.wp.total > WEBUI_PEM_MAX ||
		    u.wp.len > WEBUI_PEM_PART ||
		    u.wp.off > WEBUI_PEM_MAX ||
		    u.wp.off + u.wp.len > u.wp.total)
			return;
		memcpy(pem[u.wp.kind] + u.wp.off, u.wp.data, u.wp.len);
		n = u.wp.len;
		break;
	}
	default:
		return;
	}
	sink += n;
}

/*
 * Send the message back the other way and read it there: it must arrive
 * as it left, with a descriptor when it had one.
 */
static void
echo(struct ipcbuf *from, struct ipcbuf *to, const struct ipc_msg *m)
{
	struct ipc_msg	 e;
	ssize_t		 got;
	int		 n, r, hadfd = m->fd != -1;

	if (ipc_compose(from, m->hdr.type, m->hdr.peerid, m->fd, m->data,
	    m->datalen) == -1) {
		perror("ipc_compose");
		abort();
	}
	/* With FL_SMALL it goes in parts, read as they come. */
	for (;;) {
		if ((r = ipc_flush(from)) == -1) {
			perror("ipc_flush");
			abort();
		}
		if ((n = ipc_get(to, &e)) != 0)
			break;
		if ((got = ipc_read(to)) == 0 ||
		    (got == -1 && errno != EAGAIN)) {
			perror("echo: ipc_read");
			abort();
		}
		if (got == -1 && r == 1) {
			fprintf(stderr, "echo: lost\n");
			abort();
		}
	}
	if (n == -1) {
		fprintf(stderr, "echo: malformed\n");
		abort();
	}
	if (e.hdr.type != m->hdr.type || e.hdr.peerid != m->hdr.peerid ||
	    e.hdr.len != m->hdr.len ||
	    e.hdr.flags != (hadfd ? IPC_F_HASFD : 0) ||
	    e.datalen != m->datalen ||
	    memcmp(e.data, m->data, m->datalen) != 0 ||
	    (e.fd != -1) != hadfd) {
		fprintf(stderr, "echo: message %u of %zu bytes came back "
		    "as %u of %zu bytes\n", m->hdr.type, m->datalen,
		    e.hdr.type, e.datalen);
		abort();
	}
	if (e.fd != -1)
		close(e.fd);
	if (ipc_pending(from) || ipc_get(to, &e) != 0 ||
	    to->rlen != to->roff) {
		fprintf(stderr, "echo: more came back than was sent\n");
		abort();
	}
}

/*
 * Read what is there and take every whole message.  Returns 0 when more
 * may come, 1 at the end of the stream, -1 on a malformed frame (the
 * receiver hangs up).
 */
static int
drain(struct ipcbuf *rd, struct ipcbuf *back, int *eof)
{
	struct ipc_msg	 m;
	ssize_t		 r;
	int		 n;

	for (;;) {
		r = ipc_read(rd);
		if (r == -1 && errno == EAGAIN)
			return (0);
		if (r == -1) {
			/* Whole messages are always taken: never full. */
			perror("ipc_read");
			abort();
		}
		if (r == 0)
			*eof = 1;
		while ((n = ipc_get(rd, &m)) == 1) {
			decode(&m);
			echo(rd, back, &m);
		}
		if (n == -1) {
			if (errno != EBADMSG) {
				perror("ipc_get");
				abort();
			}
			return (-1);
		}
		if (r == 0)
			return (1);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		abort();
	fd_base = lowest_fd();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ipcbuf	 rd, back;
	const uint8_t		*sizes, *p;
	size_t			 nsizes, len, off = 0, k = 0, c;
	ssize_t			 w;
	int			 sv[2], flags, fd, eof = 0, dead = 0, r, small;

	if (size < 2)
		return (0);
	flags = data[0];
	nsizes = data[1];
	if (size < 2 + nsizes)
		return (0);
	sizes = data + 2;
	p = sizes + nsizes;
	len = size - 2 - nsizes;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0, sv) == -1)
		abort();
	ipc_init(&rd, sv[1]);
	if (flags & FL_REFUSE)
		ipc_refuse_fds(&rd);
	ipc_init(&back, sv[0]);
	if (flags & FL_SMALL) {
		small = 2048;	/* the kernel makes it its minimum */
		if (setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &small,
		    sizeof(small)) == -1)
			abort();
	}

	while (off < len && !dead) {
		if (nsizes == 0) {
			c = len - off;
			fd = 0;
		} else {
			c = (sizes[k % nsizes] & 0x7f) + 1;
			if (flags & FL_BIG)
				c *= 64;
			fd = (flags & FL_FDS) && (sizes[k % nsizes] & 0x80);
			k++;
		}
		if (c > len - off)
			c = len - off;
		while (c > 0 && !dead) {
			if ((w = send_chunk(sv[0], p + off, c, fd)) == -1) {
				if (errno != EAGAIN)
					abort();
				w = 0;
			}
			off += w;
			c -= w;
			if (w > 0)
				fd = 0;
			r = drain(&rd, &back, &eof);
			if (r == -1)
				dead = 1;
			else if (r == 1) {
				fprintf(stderr, "end of stream before the "
				    "end\n");
				abort();
			}
		}
	}
	if (!dead) {
		shutdown(sv[0], SHUT_WR);
		while ((r = drain(&rd, &back, &eof)) == 0)
			;
		if (r == 1 && !eof)
			abort();
	}

	ipc_clear(&rd);
	ipc_clear(&back);
	close(sv[0]);
	close(sv[1]);
	if (lowest_fd() != fd_base) {
		fprintf(stderr, "descriptor leak: lowest free %d, was %d\n",
		    lowest_fd(), fd_base);
		abort();
	}
	return (0);
}
