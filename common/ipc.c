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


/* Framed messages with descriptor passing over a stream socket. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc.h"

static void	ipc_fd_push(struct ipcbuf *, int);
static int	ipc_fd_pop(struct ipcbuf *);

void
ipc_init(struct ipcbuf *ibuf, int fd)
{
	memset(ibuf, 0, sizeof(*ibuf));
	ibuf->fd = fd;
	ibuf->pid = getpid();
	TAILQ_INIT(&ibuf->wq);
}

/*
 * A channel from a client that has no business passing descriptors: the
 * kernel discards any it sends, and a message that claims one is malformed.
 */
void
ipc_refuse_fds(struct ipcbuf *ibuf)
{
	ibuf->nofds = 1;
}

/*
 * Queue one message.  The descriptor, when not -1, travels with it and is
 * closed here once sent.  Returns 0, or -1 with errno (EMSGSIZE, ENOMEM).
 */
int
ipc_compose(struct ipcbuf *ibuf, uint32_t type, uint32_t peerid, int fd,
    const void *data, size_t datalen)
{
	struct ipc_wbuf	*wb;
	struct ipc_hdr	 hdr;
	size_t		 len = sizeof(hdr) + datalen;

	if (len > IPC_MAXSIZE) {
		errno = EMSGSIZE;
		return (-1);
	}
	if ((wb = malloc(sizeof(*wb) + len)) == NULL)
		return (-1);
	memset(&hdr, 0, sizeof(hdr));
	hdr.type = type;
	hdr.len = len;
	hdr.flags = fd != -1 ? IPC_F_HASFD : 0;
	hdr.peerid = peerid;
	hdr.pid = ibuf->pid;
	memcpy(wb->data, &hdr, sizeof(hdr));
	if (datalen > 0)
		memcpy(wb->data + sizeof(hdr), data, datalen);
	wb->len = len;
	wb->off = 0;
	wb->fd = fd;
	if (fd != -1)
		ibuf->wqfds++;
	TAILQ_INSERT_TAIL(&ibuf->wq, wb, entry);
	ibuf->wqlen += len;
	return (0);
}

int
ipc_pending(const struct ipcbuf *ibuf)
{
	return (!TAILQ_EMPTY(&ibuf->wq));
}

/*
 * Write what the socket takes.  A message with a descriptor goes alone so
 * that the descriptor arrives with its first byte.  Returns 1 when the queue
 * is empty, 0 when the socket is full, -1 on error.
 */
int
ipc_flush(struct ipcbuf *ibuf)
{
	struct ipc_wbuf	*wb;
	struct msghdr	 msg;
	struct cmsghdr	*cmsg;
	struct iovec	 iov[64];
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cmsgbuf;
	ssize_t		 n;
	int		 i;

	while ((wb = TAILQ_FIRST(&ibuf->wq)) != NULL) {
		memset(&msg, 0, sizeof(msg));
		i = 0;
		if (wb->fd != -1) {
			iov[i].iov_base = wb->data + wb->off;
			iov[i++].iov_len = wb->len - wb->off;
			memset(&cmsgbuf, 0, sizeof(cmsgbuf));
			msg.msg_control = cmsgbuf.buf;
			msg.msg_controllen = sizeof(cmsgbuf.buf);
			cmsg = CMSG_FIRSTHDR(&msg);
			cmsg->cmsg_len = CMSG_LEN(sizeof(int));
			cmsg->cmsg_level = SOL_SOCKET;
			cmsg->cmsg_type = SCM_RIGHTS;
			memcpy(CMSG_DATA(cmsg), &wb->fd, sizeof(int));
		} else {
			/* Gather messages up to the next one with a fd. */
			for (; wb != NULL && wb->fd == -1 &&
			    i < (int)(sizeof(iov) / sizeof(iov[0]));
			    wb = TAILQ_NEXT(wb, entry)) {
				iov[i].iov_base = wb->data + wb->off;
				iov[i++].iov_len = wb->len - wb->off;
			}
		}
		msg.msg_iov = iov;
		msg.msg_iovlen = i;

		n = sendmsg(ibuf->fd, &msg, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == ENOBUFS)
				return (0);
			return (-1);
		}
		while (n > 0 && (wb = TAILQ_FIRST(&ibuf->wq)) != NULL) {
			size_t	left = wb->len - wb->off;

			if (wb->fd != -1) {
				/* The kernel holds its own reference now. */
				close(wb->fd);
				wb->fd = -1;
				ibuf->wqfds--;
			}
			if ((size_t)n < left) {
				wb->off += n;
				ibuf->wqlen -= n;
				n = 0;
				break;
			}
			n -= left;
			ibuf->wqlen -= left;
			TAILQ_REMOVE(&ibuf->wq, wb, entry);
			free(wb);
		}
	}
	return (1);
}

static void
ipc_fd_push(struct ipcbuf *ibuf, int fd)
{
	if (ibuf->nfds >= IPC_MAXFDS) {
		/* A peer flooding us with descriptors gets them closed. */
		close(fd);
		return;
	}
	ibuf->fds[ibuf->nfds++] = fd;
}

static int
ipc_fd_pop(struct ipcbuf *ibuf)
{
	int	fd;

	if (ibuf->nfds == 0)
		return (-1);
	fd = ibuf->fds[0];
	memmove(&ibuf->fds[0], &ibuf->fds[1],
	    (ibuf->nfds - 1) * sizeof(int));
	ibuf->nfds--;
	return (fd);
}

/*
 * Read what is there.  Returns bytes read, 0 at end of file, -1 on error
 * (EAGAIN included, for the caller to ignore).
 */
ssize_t
ipc_read(struct ipcbuf *ibuf)
{
	struct msghdr	 msg;
	struct cmsghdr	*cmsg;
	struct iovec	 iov;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) * IPC_MAXFDS)];
	} cmsgbuf;
	ssize_t		 n;
	size_t		 i, nfd;
	int		 fd;

	/* Keep unconsumed bytes at the front. */
	if (ibuf->roff > 0) {
		memmove(ibuf->rbuf, ibuf->rbuf + ibuf->roff,
		    ibuf->rlen - ibuf->roff);
		ibuf->rlen -= ibuf->roff;
		ibuf->roff = 0;
	}
	if (ibuf->rlen == sizeof(ibuf->rbuf)) {
		errno = ENOBUFS;
		return (-1);
	}

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = ibuf->rbuf + ibuf->rlen;
	iov.iov_len = sizeof(ibuf->rbuf) - ibuf->rlen;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (!ibuf->nofds) {
		msg.msg_control = cmsgbuf.buf;
		msg.msg_controllen = sizeof(cmsgbuf.buf);
	}

	do {
		n = recvmsg(ibuf->fd, &msg, MSG_CMSG_CLOEXEC);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return (-1);

	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		nfd = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfd; i++) {
			memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int),
			    sizeof(int));
			ipc_fd_push(ibuf, fd);
		}
	}
	/*
	 * Out of descriptors, the kernel drops what it cannot install: keep
	 * the bytes, and let the messages that lost theirs through without.
	 */
	if ((msg.msg_flags & MSG_CTRUNC) && !ibuf->nofds)
		ibuf->lostfds++;
	ibuf->rlen += n;
	return (n);
}

/*
 * Take the next whole message.  Returns 1 with msg filled, 0 when more bytes
 * are needed, -1 with errno EBADMSG on a malformed frame.
 */
int
ipc_get(struct ipcbuf *ibuf, struct ipc_msg *m)
{
	struct ipc_hdr	hdr;
	size_t		avail = ibuf->rlen - ibuf->roff;

	if (avail < sizeof(hdr))
		return (0);
	memcpy(&hdr, ibuf->rbuf + ibuf->roff, sizeof(hdr));
	if (hdr.len < sizeof(hdr) || hdr.len > IPC_MAXSIZE ||
	    (hdr.flags & ~IPC_F_HASFD) != 0) {
		errno = EBADMSG;
		return (-1);
	}
	if (avail < hdr.len)
		return (0);

	m->hdr = hdr;
	m->data = ibuf->rbuf + ibuf->roff + sizeof(hdr);
	m->datalen = hdr.len - sizeof(hdr);
	m->fd = -1;
	if (hdr.flags & IPC_F_HASFD) {
		if ((m->fd = ipc_fd_pop(ibuf)) == -1) {
			if (ibuf->lostfds == 0) {
				errno = EBADMSG;
				return (-1);
			}
			ibuf->lostfds--;
		}
	}
	ibuf->roff += hdr.len;
	return (1);
}

/* Copy a message's payload that must be exactly len bytes. */
int
ipc_data(const struct ipc_msg *m, void *dst, size_t len)
{
	if (m->datalen != len) {
		errno = EBADMSG;
		return (-1);
	}
	if (len > 0)
		memcpy(dst, m->data, len);
	return (0);
}

/* The message carried a descriptor that the kernel could not install. */
int
ipc_fd_lost(const struct ipc_msg *m)
{
	return ((m->hdr.flags & IPC_F_HASFD) && m->fd == -1);
}

void
ipc_clear(struct ipcbuf *ibuf)
{
	struct ipc_wbuf	*wb;
	int		 fd;

	while ((wb = TAILQ_FIRST(&ibuf->wq)) != NULL) {
		TAILQ_REMOVE(&ibuf->wq, wb, entry);
		if (wb->fd != -1)
			close(wb->fd);
		free(wb);
	}
	ibuf->wqlen = 0;
	ibuf->wqfds = 0;
	while ((fd = ipc_fd_pop(ibuf)) != -1)
		close(fd);
	ibuf->rlen = ibuf->roff = 0;
}
