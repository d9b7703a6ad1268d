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

#ifndef IPC_H
#define IPC_H

#include <sys/types.h>
#include <sys/queue.h>
#include <stddef.h>
#include <stdint.h>

#define IPC_MAXSIZE	16384	/* a message, header included */
#define IPC_RBUFSIZE	(4 * IPC_MAXSIZE)
#define IPC_MAXFDS	16	/* descriptors waiting for their message */
#define IPC_F_HASFD	0x0001

struct ipc_hdr {
	uint32_t	type;
	uint16_t	len;		/* header included */
	uint16_t	flags;
	uint32_t	peerid;
	uint32_t	pid;
};

struct ipc_msg {
	struct ipc_hdr	 hdr;
	const void	*data;		/* valid until the next ipc_read */
	size_t		 datalen;
	int		 fd;		/* -1 unless the message carried one */
};

struct ipc_wbuf {
	TAILQ_ENTRY(ipc_wbuf)	 entry;
	size_t			 len;
	size_t			 off;
	int			 fd;
	unsigned char		 data[];
};

struct ipcbuf {
	int				 fd;
	pid_t				 pid;
	unsigned char			 rbuf[IPC_RBUFSIZE];
	size_t				 rlen;		/* bytes in rbuf */
	size_t				 roff;		/* consumed */
	int				 fds[IPC_MAXFDS];
	int				 nfds;
	TAILQ_HEAD(, ipc_wbuf)		 wq;
	size_t				 wqlen;		/* bytes queued */
	int				 wqfds;		/* descriptors queued */
	int				 nofds;		/* refuse descriptors */
	int				 lostfds;	/* cut by the kernel */
};

void	ipc_init(struct ipcbuf *, int);
void	ipc_refuse_fds(struct ipcbuf *);
int	ipc_compose(struct ipcbuf *, uint32_t, uint32_t, int, const void *,
	    size_t);
int	ipc_flush(struct ipcbuf *);
int	ipc_pending(const struct ipcbuf *);
ssize_t	ipc_read(struct ipcbuf *);
int	ipc_get(struct ipcbuf *, struct ipc_msg *);
int	ipc_data(const struct ipc_msg *, void *, size_t);
int	ipc_fd_lost(const struct ipc_msg *);
void	ipc_clear(struct ipcbuf *);

#endif /* IPC_H */
