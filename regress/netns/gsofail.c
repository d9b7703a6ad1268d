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

/*
 * Test shim, for LD_PRELOAD: sendmmsg(2) refuses GSO messages with EIO on
 * sockets bound to the IPv4 address in GSOFAIL_ADDR, as Linux does for a
 * route through IPsec, where the test machine has none.  Like the kernel,
 * it sends the messages before the first refused one and says how many.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <arpa/inet.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>

int	sendmmsg(int, struct mmsghdr *, unsigned int, int);

static int	(*next_sendmmsg)(int, struct mmsghdr *, unsigned int, int);
static struct in_addr	fail_addr;
static int	armed;

/* Before the engine's sandbox: nothing here opens a file later. */
__attribute__((constructor)) static void
gsofail_init(void)
{
	const char	*a;

	next_sendmmsg = (int (*)(int, struct mmsghdr *, unsigned int, int))
	    dlsym(RTLD_NEXT, "sendmmsg");
	if ((a = getenv("GSOFAIL_ADDR")) != NULL &&
	    inet_pton(AF_INET, a, &fail_addr) == 1)
		armed = 1;
}

static int
is_gso(struct msghdr *mh)
{
	struct cmsghdr	*cm;

	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm))
		if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_SEGMENT)
			return (1);
	return (0);
}

int
sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	unsigned int		i;

	if (armed && getsockname(fd, (struct sockaddr *)&sin, &len) == 0 &&
	    sin.sin_family == AF_INET &&
	    sin.sin_addr.s_addr == fail_addr.s_addr) {
		for (i = 0; i < n && !is_gso(&v[i].msg_hdr); i++)
			;
		if (i == 0 && n > 0) {
			errno = EIO;
			return (-1);
		}
		n = i;
	}
	return (next_sendmmsg(fd, v, n, flags));
}
