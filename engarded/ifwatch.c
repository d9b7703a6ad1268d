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


/* Interfaces and their addresses, kept current from rtnetlink events. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <event.h>
#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "ifwatch.h"

#define IFW_RCVBUF	(4 * 1024 * 1024)
#define IFW_BUFSIZE	32768	/* a netlink dump part, as the kernel sends */

static struct ifw_iface	*ifw_find(uint32_t);
static void		 ifw_free(struct ifw_iface *);
static void		 ifw_flush(void);
static void		 ifw_dump(int);
static int		 ifw_msg(const struct nlmsghdr *, void *);
static void		 ifw_link(const struct nlmsghdr *);
static void		 ifw_addr(const struct nlmsghdr *);
static int		 ifw_link_attr(const struct nlattr *, void *);
static int		 ifw_addr_attr(const struct nlattr *, void *);
static void		 ifw_dispatch(int, short, void *);
static int		 ifw_linkinfo_attr(const struct nlattr *, void *);

static struct ifw_list	 ifw_list = TAILQ_HEAD_INITIALIZER(ifw_list);
static struct mnl_socket *ifw_nl;
static struct event	 ifw_ev;
static void		(*ifw_changed)(void *);
static void		*ifw_arg;

void
ifwatch_init(struct event_base *base, void (*changed)(void *), void *arg)
{
	int	fd, sz = IFW_RCVBUF;

	ifw_changed = changed;
	ifw_arg = arg;

	/* Subscribe before dumping so that no change falls in between. */
	if ((ifw_nl = mnl_socket_open2(NETLINK_ROUTE,
	    SOCK_NONBLOCK | SOCK_CLOEXEC)) == NULL)
		fatal("netlink socket");
	if (mnl_socket_bind(ifw_nl, RTMGRP_LINK | RTMGRP_IPV4_IFADDR |
	    RTMGRP_IPV6_IFADDR, MNL_SOCKET_AUTOPID) == -1)
		fatal("netlink bind");
	fd = mnl_socket_get_fd(ifw_nl);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) == -1)
		log_warn("netlink receive buffer");

	ifw_dump(RTM_GETLINK);
	ifw_dump(RTM_GETADDR);

	event_assign(&ifw_ev, base, fd, EV_READ | EV_PERSIST, ifw_dispatch,
	    NULL);
	event_add(&ifw_ev, NULL);
}

const struct ifw_list *
ifwatch_ifaces(void)
{
	return (&ifw_list);
}

/*
 * The address to send from: of the family asked, neither loopback nor
 * link-local, not tentative; a deprecated one only when nothing else is.
 */
int
ifwatch_pick_addr(const struct ifw_iface *ifp, int family,
    struct sockaddr_storage *ss)
{
	const struct ifw_addr	*ia, *best = NULL;
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	uint32_t		 a;

	TAILQ_FOREACH(ia, &ifp->addrs, entry) {
		if (ia->family != family)
			continue;
		if (ia->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED))
			continue;
		if (family == AF_INET) {
			a = ntohl(ia->a.v4.s_addr);
			if ((a >> 24) == 127 || (a >> 16) == 0xa9fe ||
			    a == INADDR_ANY)
				continue;
		} else {
			if (IN6_IS_ADDR_LOOPBACK(&ia->a.v6) ||
			    IN6_IS_ADDR_LINKLOCAL(&ia->a.v6) ||
			    IN6_IS_ADDR_UNSPECIFIED(&ia->a.v6) ||
			    IN6_IS_ADDR_MULTICAST(&ia->a.v6))
				continue;
		}
		if (best == NULL || ((best->flags & IFA_F_DEPRECATED) &&
		    !(ia->flags & IFA_F_DEPRECATED)))
			best = ia;
	}
	if (best == NULL)
		return (-1);

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_addr = best->a.v4;
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = best->a.v6;
	}
	return (0);
}

static struct ifw_iface *
ifw_find(uint32_t index)
{
	struct ifw_iface	*ifp;

	TAILQ_FOREACH(ifp, &ifw_list, entry)
		if (ifp->index == index)
			return (ifp);
	return (NULL);
}

static void
ifw_free(struct ifw_iface *ifp)
{
	struct ifw_addr	*ia;

	while ((ia = TAILQ_FIRST(&ifp->addrs)) != NULL) {
		TAILQ_REMOVE(&ifp->addrs, ia, entry);
		free(ia);
	}
	free(ifp);
}

static void
ifw_flush(void)
{
	struct ifw_iface	*ifp;

	while ((ifp = TAILQ_FIRST(&ifw_list)) != NULL) {
		TAILQ_REMOVE(&ifw_list, ifp, entry);
		ifw_free(ifp);
	}
}

/* A full dump on a socket of its own, answered before we go on. */
static void
ifw_dump(int type)
{
	struct mnl_socket	*nl;
	struct nlmsghdr		*nlh;
	struct rtgenmsg		*rt;
	char			*buf;
	ssize_t			 n;
	unsigned int		 seq, portid;
	int			 r;

	if ((buf = malloc(IFW_BUFSIZE)) == NULL)
		fatal(NULL);
	if ((nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC)) == NULL)
		fatal("netlink socket");
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) == -1)
		fatal("netlink bind");
	portid = mnl_socket_get_portid(nl);

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq = time(NULL);
	rt = mnl_nlmsg_put_extra_header(nlh, sizeof(*rt));
	rt->rtgen_family = AF_UNSPEC;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) == -1)
		fatal("netlink dump request");

	do {
		n = mnl_socket_recvfrom(nl, buf, IFW_BUFSIZE);
		if (n == -1)
			fatal("netlink dump");
		r = mnl_cb_run(buf, n, seq, portid, ifw_msg, NULL);
	} while (r > MNL_CB_STOP);
	if (r == MNL_CB_ERROR)
		fatal("netlink dump parse");
	mnl_socket_close(nl);
	free(buf);
}

static void
ifw_dispatch(int fd, short event, void *arg)
{
	static char	buf[IFW_BUFSIZE];
	ssize_t		n;
	int		changed = 0, lost = 0;

	(void)fd;
	(void)event;
	(void)arg;
	for (;;) {
		n = mnl_socket_recvfrom(ifw_nl, buf, sizeof(buf));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			if (errno == ENOBUFS) {
				lost = 1;
				continue;
			}
			fatal("netlink receive");
		}
		/* Older than the dump to come: not worth applying. */
		if (lost)
			continue;
		if (mnl_cb_run(buf, n, 0, 0, ifw_msg, NULL) == MNL_CB_ERROR)
			log_warn("netlink message");
		changed = 1;
	}
	if (lost) {
		/* Events were lost: learn everything anew. */
		log_warnx("netlink events lost, rescanning");
		ifw_flush();
		ifw_dump(RTM_GETLINK);
		ifw_dump(RTM_GETADDR);
		changed = 1;
	}
	if (changed && ifw_changed != NULL)
		ifw_changed(ifw_arg);
}

static int
ifw_msg(const struct nlmsghdr *nlh, void *arg)
{
	(void)arg;
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		ifw_link(nlh);
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		ifw_addr(nlh);
		break;
	}
	return (MNL_CB_OK);
}

struct ifw_linkattrs {
	const char	*name;
	const char	*kind;
};

static int
ifw_linkinfo_attr(const struct nlattr *attr, void *data)
{
	struct ifw_linkattrs	*la = data;

	if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
	    mnl_attr_validate(attr, MNL_TYPE_STRING) == 0)
		la->kind = mnl_attr_get_str(attr);
	return (MNL_CB_OK);
}

static int
ifw_link_attr(const struct nlattr *attr, void *data)
{
	struct ifw_linkattrs	*la = data;

	switch (mnl_attr_get_type(attr)) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_STRING) == 0)
			la->name = mnl_attr_get_str(attr);
		break;
	case IFLA_LINKINFO:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) == 0)
			mnl_attr_parse_nested(attr, ifw_linkinfo_attr, la);
		break;
	}
	return (MNL_CB_OK);
}

static void
ifw_link(const struct nlmsghdr *nlh)
{
	struct ifinfomsg	*ifi;
	struct ifw_iface	*ifp;
	struct ifw_linkattrs	 la = { NULL, NULL };

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return;
	ifi = mnl_nlmsg_get_payload(nlh);
	ifp = ifw_find(ifi->ifi_index);

	if (nlh->nlmsg_type == RTM_DELLINK) {
		if (ifp != NULL) {
			log_debug("interface %s removed", ifp->name);
			TAILQ_REMOVE(&ifw_list, ifp, entry);
			ifw_free(ifp);
		}
		return;
	}
	mnl_attr_parse(nlh, sizeof(*ifi), ifw_link_attr, &la);
	if (ifp == NULL) {
		if ((ifp = calloc(1, sizeof(*ifp))) == NULL)
			fatal(NULL);
		ifp->index = ifi->ifi_index;
		TAILQ_INIT(&ifp->addrs);
		TAILQ_INSERT_TAIL(&ifw_list, ifp, entry);
	}
	if (la.name != NULL)
		strlcpy(ifp->name, la.name, sizeof(ifp->name));
	if (la.kind != NULL)
		strlcpy(ifp->kind, la.kind, sizeof(ifp->kind));
	ifp->flags = ifi->ifi_flags;
}

struct ifw_addrattrs {
	const void	*addr;
	const void	*local;
	size_t		 alen;		/* the family's address length */
	uint32_t	 flags;
	int		 hasflags;
};

static int
ifw_addr_attr(const struct nlattr *attr, void *data)
{
	struct ifw_addrattrs	*aa = data;

	switch (mnl_attr_get_type(attr)) {
	case IFA_ADDRESS:
		if (mnl_attr_get_payload_len(attr) == aa->alen)
			aa->addr = mnl_attr_get_payload(attr);
		break;
	case IFA_LOCAL:
		if (mnl_attr_get_payload_len(attr) == aa->alen)
			aa->local = mnl_attr_get_payload(attr);
		break;
	case IFA_FLAGS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0) {
			aa->flags = mnl_attr_get_u32(attr);
			aa->hasflags = 1;
		}
		break;
	}
	return (MNL_CB_OK);
}

static void
ifw_addr(const struct nlmsghdr *nlh)
{
	struct ifaddrmsg	*ifa;
	struct ifw_iface	*ifp;
	struct ifw_addr		*ia, tmp;
	struct ifw_addrattrs	 aa;
	const void		*p;
	size_t			 alen;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa))
		return;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family == AF_INET)
		alen = sizeof(struct in_addr);
	else if (ifa->ifa_family == AF_INET6)
		alen = sizeof(struct in6_addr);
	else
		return;
	if ((ifp = ifw_find(ifa->ifa_index)) == NULL)
		return;

	memset(&aa, 0, sizeof(aa));
	aa.alen = alen;
	mnl_attr_parse(nlh, sizeof(*ifa), ifw_addr_attr, &aa);
	/* On point-to-point links IFA_LOCAL is ours, IFA_ADDRESS the peer. */
	p = aa.local != NULL ? aa.local : aa.addr;
	if (p == NULL)
		return;

	memset(&tmp, 0, sizeof(tmp));
	tmp.family = ifa->ifa_family;
	memcpy(&tmp.a, p, alen);
	tmp.prefixlen = ifa->ifa_prefixlen;
	tmp.flags = aa.hasflags ? aa.flags : ifa->ifa_flags;

	TAILQ_FOREACH(ia, &ifp->addrs, entry)
		if (ia->family == tmp.family && memcmp(&ia->a, &tmp.a,
		    alen) == 0)
			break;

	if (nlh->nlmsg_type == RTM_DELADDR) {
		if (ia != NULL) {
			TAILQ_REMOVE(&ifp->addrs, ia, entry);
			free(ia);
		}
		return;
	}
	if (ia == NULL) {
		if ((ia = malloc(sizeof(*ia))) == NULL)
			fatal(NULL);
		TAILQ_INSERT_TAIL(&ifp->addrs, ia, entry);
	}
	ia->family = tmp.family;
	ia->a = tmp.a;
	ia->prefixlen = tmp.prefixlen;
	ia->flags = tmp.flags;
}
