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


/* The privileged parent: configuration, interfaces, sockets, children. */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <net/if.h>
#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "ipcev.h"
#include "util.h"
#include "engarded.h"
#include "ifwatch.h"
#include "notify.h"
#include "proc.h"
#include "webcert.h"

#define PARENT_QUEUE_MAX	(8 * 1024 * 1024)
#define PARENT_QUEUE_FDS	1024
#define PEER_SOCK_RATE		1000	/* per second, and as a burst */

/* What the parent last told the engine about an interface. */
struct plink {
	TAILQ_ENTRY(plink)	entry;
	struct link_state	st;
};

__attribute__((__noreturn__)) static void usage(void);
static void	parent_sig(int, short, void *);
static void	parent_dispatch_engine(int, short, void *);
static void	parent_shutdown(int);
static void	parent_child_gone(pid_t *, const char *);
static void	parent_child_status(const char *, int);
static void	parent_dispatch_webui(int, short, void *);
static void	parent_webui_start(int);
static int	parent_webui_conf(const struct config *, char *, size_t);
static int	parent_open_web_listen(void);
static void	parent_log(struct ipc_msg *, const char *);
static void	parent_send_conf(void);
static void	parent_links_update(void *);
static int	parent_open_udp(const struct sockaddr_storage *, const char *,
		    const struct sockaddr_storage *, int);
static void	parent_open_listen(void);
static int	parent_open_wg(const struct sockaddr_storage *);
static void	parent_queue(struct ipcev *, const char *, uint32_t, uint32_t,
		    int, const void *, size_t);
static void	parent_compose(uint32_t, uint32_t, int, const void *, size_t);
static void	parent_peer_socket(struct ipc_msg *);
static void	parent_send_wg(int);
static int	parent_dst_wanted(const char *,
		    const struct sockaddr_storage *);
static void	parent_link_gone(struct plink *);
static void	parent_index_add(struct ipc_msg *);
static void	parent_index_keep(uint32_t, time_t);
static void	parent_index_save(void);
static void	parent_index_load(void);
static void	parent_reload(uint32_t, int);
static int	parent_engine_sched(uint32_t, char *, size_t);
static int	parent_control_open(const char *, mode_t, gid_t);
static void	parent_control_init(void);
static void	parent_sock_sibling(const char *, const char *, const char *,
		    char *, size_t);
static int	parent_conf_fixed_changed(const struct config *,
		    const struct config *);

static struct config	 conf;
static const char	*conffile = ENGARDED_CONF;
static char		 confpath[PATH_MAX];
static const char	*csock_arg;
static char		 csock_ro[sizeof(conf.csock) + 8];
static int		 csock_made, csock_ro_made;
static enum eg_role	 cmdrole = ROLE_NONE;
static struct event_base *base;
static struct ipcev	 iev_engine;
static pid_t		 engine_pid, webui_pid;
static uint32_t		 engine_rtprio;	/* applied; 0: as inherited */
static struct ipcev	 iev_webui;
static int		 debug, verbose;
static TAILQ_HEAD(, plink) plinks = TAILQ_HEAD_INITIALIZER(plinks);

/* Server: the indexes sessions lately had, for the engine after a restart. */
static struct {
	uint32_t	index;
	time_t		when;		/* wall clock: it outlives us */
}			 pindex[INDEX_KEEP];
static unsigned int	 npindex, pindex_next;

static void
usage(void)
{
	extern char	*__progname;

	fprintf(stderr, "usage: %s [-dnv] [-f file] [-r client | server] "
	    "[-s socket]\n", __progname);
	exit(1);
}

int
main(int argc, char *argv[], char *envp[])
{
	struct event	 ev_sigint, ev_sigterm, ev_sighup, ev_sigchld;
	const char	*proc = NULL, *user = NULL, *root = NULL;
	int		 ch, noaction = 0, seccomp_log = 0, mac1 = 0, fd;
	int		 pipe_engine[2];
	struct stat	 sb;
	struct rlimit	 rl;
	char		 errbuf[512];

	setproctitle_init(argc, argv, envp);
	log_init(1, LOG_DAEMON);

	while ((ch = getopt(argc, argv, "C:df:Knr:Ss:U:vX:")) != -1) {
		switch (ch) {
		case 'C':
			root = optarg;
			break;
		case 'd':
			debug = 1;
			break;
		case 'f':
			conffile = optarg;
			break;
		case 'n':
			noaction = 1;
			break;
		case 'r':
			if (strcmp(optarg, "client") == 0)
				cmdrole = ROLE_CLIENT;
			else if (strcmp(optarg, "server") == 0)
				cmdrole = ROLE_SERVER;
			else
				usage();
			break;
		case 'S':
			seccomp_log = 1;
			break;
		case 'K':
			mac1 = 1;
			break;
		case 's':
			csock_arg = optarg;
			break;
		case 'U':
			user = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'X':
			proc = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	if (argc > 0)
		usage();

	if (proc != NULL) {
		if (user == NULL || root == NULL)
			usage();
		if (strcmp(proc, "engine") == 0)
			engine_main(debug, verbose, user, root,
			    (seccomp_log ? PROC_SECCOMP_LOG : 0) |
			    (mac1 ? PROC_MAC1 : 0));
		if (strcmp(proc, "webui") == 0)
			webui_main(debug, verbose, user, root, seccomp_log);
		fatalx("unknown process %s", proc);
	}

	if (config_parse(conffile, cmdrole, &conf, NULL, 0) != 0) {
		if (noaction)
			exit(1);
		errx(1, "%s: configuration not loaded", conffile);
	}
	if (csock_arg != NULL && strlcpy(conf.csock, csock_arg,
	    sizeof(conf.csock)) >= sizeof(conf.csock))
		errx(1, "%s: control socket path too long", csock_arg);
	/* The daemon changes to /: reloads need the full path. */
	if (realpath(conffile, confpath) == NULL)
		err(1, "%s", conffile);
	conffile = confpath;
	if (noaction) {
		if (verbose)
			print_config(&conf);
		else
			fprintf(stderr, "configuration OK\n");
		exit(0);
	}

	if (geteuid() != 0)
		errx(1, "need root privileges");
	if (getpwnam(conf.user) == NULL)
		errx(1, "unknown user %s: create it, for example with "
		    "useradd -r -d /var/empty -s /usr/sbin/nologin %s",
		    conf.user, conf.user);
	if (stat(conf.chroot, &sb) == -1 || !S_ISDIR(sb.st_mode))
		errx(1, "chroot directory %s: %s", conf.chroot,
		    errno ? strerror(errno) : "not a directory");

	/* Key material is checked now, while errors reach the terminal. */
	if (conf.web.enabled && parent_webui_conf(&conf, errbuf,
	    sizeof(errbuf)) == -1)
		errx(1, "%s: webManager: %s", conffile, errbuf);

	log_init(debug, LOG_DAEMON);
	log_setverbose(verbose);
	log_procinit("parent");

	/* Room for a socket per client address; the engine inherits it. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			log_warn("setrlimit");
	}
	if (!debug && daemon(0, 0) == -1)
		fatal("daemon");

	log_info("%s starting as %s: %s", "engarded " ENGARDED_VERSION,
	    conf.role == ROLE_CLIENT ? "client" : "server",
	    conf.description[0] ? conf.description : "(no description)");

	/* Before the first child: none of them may see NOTIFY_SOCKET. */
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new");
	notify_init(base);

	proc_init();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    pipe_engine) == -1)
		fatal("socketpair");
	/* OpenSSL's BLAKE2s costs the engine 3 MB: only when it is used. */
	engine_pid = proc_start("engine", pipe_engine[1], debug, verbose,
	    conf.user, conf.chroot, (seccomp_log ? PROC_SECCOMP_LOG : 0) |
	    (conf.role == ROLE_SERVER && conf.has_pubkey ? PROC_MAC1 : 0));

	setproctitle("parent");
	/* Else the engine keeps what it inherited (chrt(1) on engarded). */
	if (conf.rtprio != 0)
		(void)parent_engine_sched(conf.rtprio, NULL, 0);

	signal(SIGPIPE, SIG_IGN);
	evsignal_assign(&ev_sigint, base, SIGINT, parent_sig, NULL);
	evsignal_assign(&ev_sigterm, base, SIGTERM, parent_sig, NULL);
	evsignal_assign(&ev_sighup, base, SIGHUP, parent_sig, NULL);
	evsignal_assign(&ev_sigchld, base, SIGCHLD, parent_sig, NULL);
	evsignal_add(&ev_sigint, NULL);
	evsignal_add(&ev_sigterm, NULL);
	evsignal_add(&ev_sighup, NULL);
	evsignal_add(&ev_sigchld, NULL);

	if (fcntl(pipe_engine[0], F_SETFL, O_NONBLOCK) == -1)
		fatal("fcntl");
	ipcev_init(&iev_engine, base, pipe_engine[0], parent_dispatch_engine,
	    NULL);
	ipc_refuse_fds(&iev_engine.ibuf);
	ipcev_add(&iev_engine);

	parent_send_conf();
	parent_control_init();
	parent_webui_start(seccomp_log);
	parent_open_listen();
	if (conf.role == ROLE_SERVER)
		parent_index_load();
	if (conf.role == ROLE_SERVER) {
		if ((fd = parent_open_wg(&conf.dst)) == -1)
			fatalx("cannot open a socket to WireGuard");
		parent_send_wg(fd);
	} else
		ifwatch_init(base, parent_links_update, NULL);
	parent_links_update(NULL);

	event_base_dispatch(base);
	parent_shutdown(0);
	return (0);
}

static void
parent_sig(int sig, short event, void *arg)
{
	pid_t	pid;
	int	status;

	(void)event;
	(void)arg;
	switch (sig) {
	case SIGINT:
	case SIGTERM:
		log_info("received signal %d, stopping", sig);
		parent_shutdown(0);
		break;
	case SIGHUP:
		log_info("received SIGHUP, reloading %s", conffile);
		parent_reload(0, 0);
		break;
	case SIGCHLD:
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid == engine_pid) {
				engine_pid = 0;
				parent_child_status("engine", status);
				parent_shutdown(1);
			}
			if (pid == webui_pid) {
				webui_pid = 0;
				parent_child_status("webui", status);
				parent_shutdown(1);
			}
		}
		break;
	}
}

static void
parent_child_status(const char *name, int status)
{
	if (WIFSIGNALED(status))
		log_warnx("%s killed by signal %d", name, WTERMSIG(status));
	else
		log_warnx("%s exited with status %d", name,
		    WEXITSTATUS(status));
}

/* A pipe closed: that child is dying; say how before stopping. */
static void
parent_child_gone(pid_t *pid, const char *name)
{
	int	i, status;

	for (i = 0; i < 50 && *pid != 0; i++) {
		if (waitpid(*pid, &status, WNOHANG) == *pid) {
			*pid = 0;
			parent_child_status(name, status);
			break;
		}
		usleep(10000);
	}
	if (*pid != 0)
		log_warnx("%s closed its pipe", name);
	parent_shutdown(1);
}

/* Nothing limps on: stop every child and leave. */
static void
parent_shutdown(int code)
{
	notify_stopping();
	parent_index_save();
	proc_stop(engine_pid);
	engine_pid = 0;
	proc_stop(webui_pid);
	webui_pid = 0;
	if (csock_made)
		unlink(conf.csock);
	if (csock_ro_made)
		unlink(csock_ro);
	log_info("terminating");
	exit(code);
}

static void
parent_dispatch_engine(int fd, short event, void *arg)
{
	struct ipc_msg	msg;
	int		n;

	(void)fd;
	(void)arg;
	if ((n = ipcev_io(&iev_engine, event)) == -1)
		fatal("engine pipe");
	if (n == 0)
		parent_child_gone(&engine_pid, "engine");
	for (;;) {
		if ((n = ipc_get(&iev_engine.ibuf, &msg)) == -1)
			fatal("engine pipe: bad message");
		if (n == 0)
			break;
		switch (msg.hdr.type) {
		case IMSG_SOCKET_WG_REQ:
			if (conf.role != ROLE_SERVER || msg.datalen != 0)
				fatalx("engine pipe: bad WireGuard socket "
				    "request");
			parent_send_wg(parent_open_wg(&conf.dst));
			break;
		case IMSG_PEER_SOCKET_REQ:
			parent_peer_socket(&msg);
			break;
		case IMSG_INDEX_ADD:
			parent_index_add(&msg);
			break;
		case IMSG_RELOAD:
			if (msg.datalen != 0)
				fatalx("engine pipe: bad IMSG_RELOAD");
			log_info("reloading %s on request", conffile);
			parent_reload(msg.hdr.peerid, 1);
			break;
		case IMSG_LOG:
			parent_log(&msg, "engine");
			break;
		case IMSG_ENGINE_READY:
			/* Ready for systemd once the engine, sandboxed, runs. */
			if (msg.datalen != 0)
				fatalx("engine pipe: bad IMSG_ENGINE_READY");
			notify_ready();
			break;
		case IMSG_LOG_VERBOSE: {
			int	v;

			if (ipc_data(&msg, &v, sizeof(v)) == -1 || v < 0 ||
			    v > 3)
				fatalx("engine pipe: bad IMSG_LOG_VERBOSE");
			log_setverbose(v);
			log_info("log level %s", v ? "verbose" : "brief");
			break;
		}
		default:
			fatalx("engine pipe: unexpected message %u",
			    msg.hdr.type);
		}
		if (msg.fd != -1)
			close(msg.fd);
	}
	ipcev_add(&iev_engine);
}

/*
 * Everything to a child goes through here: a healthy child reads, so a
 * queue that keeps growing means it does not, and we stop.
 */
static void
parent_queue(struct ipcev *iev, const char *name, uint32_t type,
    uint32_t peerid, int fd, const void *data, size_t len)
{
	if (ipcev_compose(iev, type, peerid, fd, data, len) == -1)
		fatal("compose");
	if (iev->ibuf.wqlen > PARENT_QUEUE_MAX ||
	    iev->ibuf.wqfds > PARENT_QUEUE_FDS)
		fatalx("the %s does not read its pipe", name);
}

static void
parent_compose(uint32_t type, uint32_t peerid, int fd, const void *data,
    size_t len)
{
	parent_queue(&iev_engine, "engine", type, peerid, fd, data, len);
}

static void
parent_send_conf(void)
{
	struct eng_conf		ec;
	struct eng_ifconf	ic;
	int			i, j;

	memset(&ec, 0, sizeof(ec));
	ec.role = conf.role;
	ec.client_timeout = conf.client_timeout;
	ec.verbose = log_getverbose();
	ec.dedup = conf.dedup;
	ec.listen = conf.listen;
	ec.dst = conf.dst;
	ec.max_sessions = conf.max_sessions;
	ec.max_session_addrs = conf.max_session_addrs;
	ec.has_pubkey = conf.has_pubkey;
	memcpy(ec.wg_pubkey, conf.wg_pubkey, sizeof(ec.wg_pubkey));
	ec.nallowed = conf.nallowed;
	memcpy(ec.allowed, conf.allowed, sizeof(ec.allowed));
	strlcpy(ec.description, conf.description, sizeof(ec.description));
	parent_compose(IMSG_RECONF_CONF, 0, -1, &ec,
	    sizeof(ec));

	/* Every interface the configuration names, with what it says. */
	for (i = 0; i < conf.nexcluded + conf.nlabels; i++) {
		memset(&ic, 0, sizeof(ic));
		if (i < conf.nexcluded) {
			strlcpy(ic.ifname, conf.excluded[i],
			    sizeof(ic.ifname));
			ic.excluded = 1;
			for (j = 0; j < conf.nlabels; j++)
				if (strcmp(conf.labels[j].ifname,
				    ic.ifname) == 0)
					strlcpy(ic.label, conf.labels[j].label,
					    sizeof(ic.label));
		} else {
			j = i - conf.nexcluded;
			if (config_excluded(&conf, conf.labels[j].ifname))
				continue;
			strlcpy(ic.ifname, conf.labels[j].ifname,
			    sizeof(ic.ifname));
			strlcpy(ic.label, conf.labels[j].label,
			    sizeof(ic.label));
		}
		parent_compose(IMSG_RECONF_IFACE, 0, -1, &ic,
		    sizeof(ic));
	}
	parent_compose(IMSG_RECONF_END, 0, -1, NULL, 0);
}

/*
 * A non-blocking UDP socket with big buffers, bound to the device (when
 * named) and address, connected when dst is given.
 */
static int
parent_open_udp(const struct sockaddr_storage *local, const char *ifname,
    const struct sockaddr_storage *dst, int reuseport)
{
	const struct in6_addr	*a6;
	char			 a[ADDR_STRLEN], d[ADDR_STRLEN];
	int			 fd, one = 1, sz = conf.sockbuf, v6only;

	fd = socket(local->ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1) {
		log_warn("socket");
		return (-1);
	}
	/* Beyond the system limit, as root may; else what the limit allows. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (local->ss_family == AF_INET6) {
		/* The server on [::] hears IPv4 clients too, as ::ffff:a.b.c.d. */
		a6 = &((const struct sockaddr_in6 *)local)->sin6_addr;
		v6only = !(reuseport && (IN6_IS_ADDR_UNSPECIFIED(a6) ||
		    IN6_IS_ADDR_V4MAPPED(a6)));
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only,
		    sizeof(v6only)) == -1)
			goto fail;
	}
	if (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
	    sizeof(one)) == -1)
		goto fail;
	if (ifname != NULL && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE,
	    ifname, strlen(ifname)) == -1)
		goto fail;
	if (bind(fd, (const struct sockaddr *)local, addr_len(local)) == -1)
		goto fail;
	if (dst != NULL && connect(fd, (const struct sockaddr *)dst,
	    addr_len(dst)) == -1)
		goto fail;
	return (fd);
 fail:
	log_warn("%s%s%s: socket to %s", ifname ? ifname : "",
	    ifname ? " " : "", addr_fmt(local, a, sizeof(a)),
	    dst ? addr_fmt(dst, d, sizeof(d)) : "-");
	close(fd);
	return (-1);
}

/* The socket WireGuard (client) or the clients (server) send to. */
static void
parent_open_listen(void)
{
	char	a[ADDR_STRLEN];
	int	fd, one = 1;

	fd = parent_open_udp(&conf.listen, NULL, NULL,
	    conf.role == ROLE_SERVER);
	if (fd == -1)
		fatalx("cannot listen on %s",
		    addr_fmt(&conf.listen, a, sizeof(a)));
	/* The server learns which local address each client talks to. */
	if (conf.role == ROLE_SERVER) {
		if (conf.listen.ss_family == AF_INET)
			(void)setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one,
			    sizeof(one));
		else
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO,
			    &one, sizeof(one));
	}
	log_info("listening on %s", addr_fmt(&conf.listen, a, sizeof(a)));
	parent_compose(IMSG_SOCKET_LISTEN, 0, fd, NULL,
	    0);
}

/* Server: a socket connected to WireGuard, from an ephemeral port. */
static int
parent_open_wg(const struct sockaddr_storage *dst)
{
	struct sockaddr_storage	any;
	char			a[ADDR_STRLEN];
	int			fd;

	memset(&any, 0, sizeof(any));
	any.ss_family = dst->ss_family;
	if ((fd = parent_open_udp(&any, NULL, dst, 0)) == -1)
		log_warnx("cannot open a socket to WireGuard at %s",
		    addr_fmt(dst, a, sizeof(a)));
	return (fd);
}

static void
parent_index_add(struct ipc_msg *msg)
{
	uint32_t	index;

	if (conf.role != ROLE_SERVER || ipc_data(msg, &index,
	    sizeof(index)) == -1)
		fatalx("engine pipe: bad index");
	parent_index_keep(index, time(NULL));
}

static void
parent_index_keep(uint32_t index, time_t when)
{
	pindex[pindex_next].index = index;
	pindex[pindex_next].when = when;
	pindex_next = (pindex_next + 1) % INDEX_KEEP;
	if (npindex < INDEX_KEEP)
		npindex++;
}


/*
 * Server: on the way out, however the engine went, the indexes of the
 * last minutes go to a file, so that the next engarded knows the clients
 * whose keys still live and they keep their tunnels without waiting for
 * their next handshake.
 */
static void
parent_index_save(void)
{
	char		path[PATH_MAX - 8], tmp[PATH_MAX];
	FILE		*f;
	time_t		now = time(NULL);
	unsigned int	i;
	int		fd;

	if (conf.role != ROLE_SERVER || npindex == 0)
		return;
	/* Beside the control socket: "x.sock" keeps them in "x.indexes". */
	parent_sock_sibling(conf.csock, ".indexes", ".indexes", path,
	    sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		log_warn("%s", tmp);
		if (fd != -1)
			close(fd);
		return;
	}
	for (i = 0; i < npindex; i++)
		if (now - pindex[i].when <= INDEX_SECS)
			fprintf(f, "%u %lld\n", pindex[i].index,
			    (long long)pindex[i].when);
	if (fclose(f) == EOF || rename(tmp, path) == -1) {
		log_warn("%s", path);
		unlink(tmp);
	}
}

/* Server: what the engarded before us left, while its keys live. */
static void
parent_index_load(void)
{
	struct index_seed	 seed;
	struct stat		 sb;
	char			 path[PATH_MAX], line[64];
	const char		*errstr;
	char			*sp;
	FILE			*f;
	long long		 when, age;
	uint32_t		 index;
	time_t			 now = time(NULL);
	int			 fd, n = 0;

	/* Beside the control socket: "x.sock" keeps them in "x.indexes". */
	parent_sock_sibling(conf.csock, ".indexes", ".indexes", path,
	    sizeof(path));
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (f = fdopen(fd, "r")) == NULL) {
		log_warnx("%s: not a regular file, ignored", path);
		close(fd);
		return;
	}
	memset(&seed, 0, sizeof(seed));
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		*sp++ = '\0';
		index = strtonum(line, 0, UINT32_MAX, &errstr);
		if (errstr != NULL)
			continue;
		when = strtonum(sp, 0, LLONG_MAX, &errstr);
		if (errstr != NULL || (age = now - when) < 0 ||
		    age > INDEX_SECS)
			continue;
		seed.e[seed.n].index = index;
		seed.e[seed.n].age = age;
		n++;
		/* Kept again, should we stop before they are too old. */
		parent_index_keep(index, when);
		if (++seed.n == INDEX_SEED_MAX) {
			parent_compose(IMSG_INDEX_SEED, 0, -1, &seed,
			    sizeof(seed));
			memset(&seed, 0, sizeof(seed));
		}
	}
	fclose(f);
	unlink(path);
	if (seed.n > 0)
		parent_compose(IMSG_INDEX_SEED, 0, -1, &seed, sizeof(seed));
	if (n > 0)
		log_info("%d client indexes from before the restart", n);
}

/* Server: a socket to WireGuard for the engine, or why there is none. */
static void
parent_send_wg(int fd)
{
	struct wg_sock	ws;
	socklen_t	len = sizeof(ws.local);

	memset(&ws, 0, sizeof(ws));
	ws.dst = conf.dst;
	if (fd == -1)
		ws.error = errno != 0 ? errno : EIO;
	else if (getsockname(fd, (struct sockaddr *)&ws.local, &len) == -1)
		log_warn("getsockname");
	parent_compose(IMSG_SOCKET_WG, 0, fd, &ws, sizeof(ws));
}

/*
 * Server: the engine asks for a socket of a client address's own, sharing
 * the listen port and connected to that address, so that one slow path's
 * queue never fills the send buffer the others need.
 */
static void
parent_peer_socket(struct ipc_msg *msg)
{
	static time_t		peer_sock_second;
	static int		peer_sock_count;
	struct peer_sock	ps;
	struct sockaddr_storage	local;
	time_t			now;
	int			fd;

	if (conf.role != ROLE_SERVER || ipc_data(msg, &ps,
	    sizeof(ps)) == -1)
		fatalx("engine pipe: bad peer socket request");
	if (ps.peer.ss_family != conf.listen.ss_family)
		fatalx("engine pipe: peer of another family");

	local = conf.listen;
	if (addr_is_any(&conf.listen) &&
	    ps.local.ss_family == conf.listen.ss_family) {
		/* Answer from the address the client sent to. */
		local = ps.local;
		if (local.ss_family == AF_INET)
			((struct sockaddr_in *)&local)->sin_port =
			    ((struct sockaddr_in *)&conf.listen)->sin_port;
		else
			((struct sockaddr_in6 *)&local)->sin6_port =
			    ((struct sockaddr_in6 *)&conf.listen)->sin6_port;
	}
	/* A burst of new clients is fine; a flood gets no sockets. */
	now = time(NULL);
	if (now != peer_sock_second) {
		peer_sock_second = now;
		peer_sock_count = 0;
	}
	if (++peer_sock_count > PEER_SOCK_RATE) {
		fd = -1;
		errno = EAGAIN;
	} else
		fd = parent_open_udp(&local, NULL, &ps.peer, 1);
	ps.error = fd == -1 ? errno : 0;
	parent_compose(IMSG_PEER_SOCKET, 0, fd, &ps,
	    sizeof(ps));
}

/* Whether dst is still one of the destinations of that interface. */
static int
parent_dst_wanted(const char *ifname, const struct sockaddr_storage *dst)
{
	struct sockaddr_storage	dsts[CONF_MAX_DSTS];
	int			i, n;

	n = config_dsts_for(&conf, ifname, dsts, CONF_MAX_DSTS);
	for (i = 0; i < n; i++)
		if (addr_cmp(&dsts[i], dst) == 0)
			return (1);
	return (0);
}

static void
parent_link_gone(struct plink *pl)
{
	pl->st.status = LINK_GONE;
	parent_compose(IMSG_LINK_STATE, 0, -1, &pl->st, sizeof(pl->st));
	TAILQ_REMOVE(&plinks, pl, entry);
	free(pl);
}

/*
 * Compare what the interfaces are with what the engine was told, and tell
 * it what changed, with a fresh socket for every usable path: one per
 * interface and destination, from the interface's address of that family.
 */
static void
parent_links_update(void *arg)
{
	const struct ifw_list	*ifl;
	const struct ifw_iface	*ifp;
	struct plink		*pl, *npl;
	struct link_state	 st;
	struct sockaddr_storage	 dsts[CONF_MAX_DSTS];
	char			 a[ADDR_STRLEN], d[ADDR_STRLEN];
	int			 fd, i, n;

	(void)arg;
	if (conf.role != ROLE_CLIENT)
		return;
	ifl = ifwatch_ifaces();

	TAILQ_FOREACH_SAFE(pl, &plinks, entry, npl) {
		TAILQ_FOREACH(ifp, ifl, entry)
			if (ifp->index == pl->st.ifindex &&
			    strcmp(ifp->name, pl->st.ifname) == 0)
				break;
		if (ifp != NULL && parent_dst_wanted(ifp->name, &pl->st.dst))
			continue;
		if (ifp == NULL)
			log_info("interface %s gone", pl->st.ifname);
		parent_link_gone(pl);
	}

	TAILQ_FOREACH(ifp, ifl, entry) {
		/* Loopback never reaches the far side: not worth a line. */
		if (ifp->name[0] == '\0' || (ifp->flags & IFF_LOOPBACK))
			continue;
		n = config_dsts_for(&conf, ifp->name, dsts, CONF_MAX_DSTS);
		for (i = 0; i < n; i++) {
			memset(&st, 0, sizeof(st));
			strlcpy(st.ifname, ifp->name, sizeof(st.ifname));
			st.ifindex = ifp->index;
			st.dst = dsts[i];
			if (strcmp(ifp->kind, "wireguard") == 0)
				st.status = LINK_SELF;
			/*
			 * Carrier as the driver says it (LOWER_UP): the kernel
			 * sets RUNNING up to a second later after a change.
			 */
			else if ((ifp->flags & (IFF_UP | IFF_LOWER_UP)) !=
			    (IFF_UP | IFF_LOWER_UP))
				st.status = LINK_DOWN;
			else if (ifwatch_pick_addr(ifp, st.dst.ss_family,
			    &st.local) == -1)
				st.status = LINK_NOADDR;
			else
				st.status = LINK_ACTIVE;

			TAILQ_FOREACH(pl, &plinks, entry)
				if (pl->st.ifindex == st.ifindex &&
				    addr_cmp(&pl->st.dst, &st.dst) == 0)
					break;
			if (pl != NULL && memcmp(&pl->st, &st, sizeof(st)) == 0)
				continue;
			if (pl == NULL) {
				if ((pl = calloc(1, sizeof(*pl))) == NULL)
					fatal(NULL);
				pl->st.status = LINK_GONE;
				TAILQ_INSERT_TAIL(&plinks, pl, entry);
			}

			fd = -1;
			if (st.status == LINK_ACTIVE) {
				fd = parent_open_udp(&st.local, st.ifname,
				    &st.dst, 0);
				if (fd == -1)
					st.status = LINK_NOSOCK;
				else
					log_info("interface %s usable: %s to %s",
					    st.ifname,
					    addr_ntop(&st.local, a, sizeof(a)),
					    addr_fmt(&st.dst, d, sizeof(d)));
			} else if (pl->st.status == LINK_ACTIVE)
				log_info("interface %s no longer usable to %s: "
				    "%s", st.ifname,
				    addr_fmt(&st.dst, d, sizeof(d)),
				    st.status == LINK_DOWN ? "down" :
				    st.status == LINK_NOADDR ? "no address" :
				    "not a path");
			/* A failed socket is tried again at the next change. */
			pl->st = st;
			if (st.status == LINK_NOSOCK)
				pl->st.status = LINK_DOWN;
			parent_compose(IMSG_LINK_STATE, 0, fd, &st,
			    sizeof(st));
		}
	}
}

/*
 * realtimePriority: the engine alone runs SCHED_FIFO, so that a packet
 * never waits behind ordinary processes for a CPU; 0 puts it back among
 * them.  A flood then takes up to the kernel's real-time share of a CPU
 * (sched_rt_runtime_us, 95%).  Failing is not fatal: the engine forwards
 * as before.
 */
static int
parent_engine_sched(uint32_t prio, char *text, size_t textlen)
{
	struct sched_param	sp;
	char			msg[256];
	int			policy = SCHED_OTHER;

	memset(&sp, 0, sizeof(sp));
	if (prio != 0) {
		policy = SCHED_FIFO;
		sp.sched_priority = (int)prio;
	}
	if (sched_setscheduler(engine_pid, policy | SCHED_RESET_ON_FORK,
	    &sp) == -1) {
		snprintf(msg, sizeof(msg), "realtimePriority %u: %s: the "
		    "engine keeps its scheduling (under systemd: "
		    "RestrictRealtime=no and CAP_SYS_NICE)", prio,
		    strerror(errno));
		log_warnx("%s", msg);
		if (text != NULL) {
			strlcat(text, msg, textlen);
			strlcat(text, "\n", textlen);
		}
		return (-1);
	}
	engine_rtprio = prio;
	if (prio != 0)
		log_info("engine: real-time priority %u (SCHED_FIFO)", prio);
	else
		log_info("engine: normal scheduling");
	return (0);
}

/* Settings that only a restart can change. */
static int
parent_conf_fixed_changed(const struct config *o, const struct config *n)
{
	return (o->role != n->role ||
	    addr_cmp(&o->listen, &n->listen) != 0 ||
	    strcmp(o->user, n->user) != 0 ||
	    strcmp(o->chroot, n->chroot) != 0 ||
	    strcmp(o->csock, n->csock) != 0 ||
	    o->sockbuf != n->sockbuf ||
	    o->web.enabled != n->web.enabled ||
	    addr_cmp(&o->web.listen, &n->web.listen) != 0);
}

/*
 * Parse the file anew; only a file without errors replaces the running
 * configuration.  With reply, the engine gets the outcome for connection id.
 */
static void
parent_reload(uint32_t id, int reply)
{
	struct config		nconf;
	struct reload_result	rr;
	char			err[512];
	int			wg_fd;

	notify_reloading();
	memset(&rr, 0, sizeof(rr));
	if (config_parse(conffile, conf.role, &nconf, rr.text,
	    sizeof(rr.text)) != 0) {
		log_warnx("%s: reload failed, keeping the running "
		    "configuration", conffile);
		strlcat(rr.text, "reload failed, keeping the running "
		    "configuration", sizeof(rr.text));
		goto done;
	}
	if (csock_arg != NULL)
		strlcpy(nconf.csock, csock_arg, sizeof(nconf.csock));
	if (parent_conf_fixed_changed(&conf, &nconf)) {
		log_warnx("%s: role, listenAddr, user, chroot, "
		    "controlSocket, socketBuffer or the dashboard's listenAddr "
		    "changed: restart engarded to apply them", conffile);
		strlcat(rr.text, "role, listenAddr, user, chroot, "
		    "controlSocket, socketBuffer or the dashboard's listenAddr "
		    "changed: restart engarded to apply them\n",
		    sizeof(rr.text));
	}
	/* The new socket to WireGuard first: a failure keeps the old. */
	wg_fd = -1;
	if (conf.role == ROLE_SERVER && addr_cmp(&conf.dst, &nconf.dst) != 0 &&
	    (wg_fd = parent_open_wg(&nconf.dst)) == -1) {
		log_warnx("%s: reload failed, keeping the running "
		    "configuration", conffile);
		strlcat(rr.text, "cannot open a socket to the new dstAddr: "
		    "reload failed, keeping the running configuration",
		    sizeof(rr.text));
		goto done;
	}
	/* New key material reaches the dashboard only when it is good. */
	if (webui_pid != 0 && nconf.web.enabled &&
	    parent_webui_conf(&nconf, err, sizeof(err)) == -1) {
		if (wg_fd != -1)
			close(wg_fd);
		log_warnx("%s: webManager: %s: reload failed, keeping the "
		    "running configuration", conffile, err);
		strlcat(rr.text, "webManager: ", sizeof(rr.text));
		strlcat(rr.text, err, sizeof(rr.text));
		strlcat(rr.text, ": reload failed, keeping the running "
		    "configuration", sizeof(rr.text));
		goto done;
	}
	nconf.role = conf.role;
	nconf.listen = conf.listen;
	nconf.web.enabled = conf.web.enabled;
	nconf.web.listen = conf.web.listen;
	strlcpy(nconf.user, conf.user, sizeof(nconf.user));
	strlcpy(nconf.chroot, conf.chroot, sizeof(nconf.chroot));
	strlcpy(nconf.csock, conf.csock, sizeof(nconf.csock));
	nconf.sockbuf = conf.sockbuf;
	/* The engine readies BLAKE2s at start only, before its sandbox. */
	if (conf.role == ROLE_SERVER && !conf.has_pubkey && nconf.has_pubkey) {
		log_warnx("%s: wireguardPublicKey is checked from the next "
		    "restart on", conffile);
		strlcat(rr.text, "wireguardPublicKey is checked from the next "
		    "restart on\n", sizeof(rr.text));
		nconf.has_pubkey = 0;
	}

	/* A refusal is said, and the next reload tries again. */
	if (nconf.rtprio != engine_rtprio)
		(void)parent_engine_sched(nconf.rtprio, rr.text,
		    sizeof(rr.text));
	conf = nconf;
	parent_send_conf();
	if (wg_fd != -1)
		parent_send_wg(wg_fd);
	parent_links_update(NULL);
	log_info("configuration reloaded");
	strlcat(rr.text, "configuration reloaded", sizeof(rr.text));
	rr.ok = 1;
 done:
	notify_ready();
	if (reply)
		parent_compose(IMSG_RELOAD_RESULT, id, -1, &rr, sizeof(rr));
}

/*
 * A file beside the control socket: "x.sock" gives "x" and sock_suffix,
 * anything else the path and suffix ("x.ro.sock" or "x.ro").
 */
static void
parent_sock_sibling(const char *path, const char *sock_suffix,
    const char *suffix, char *buf, size_t len)
{
	size_t	n = strlen(path);

	if (n > 5 && strcmp(path + n - 5, ".sock") == 0)
		snprintf(buf, len, "%.*s%s", (int)(n - 5), path, sock_suffix);
	else
		snprintf(buf, len, "%s%s", path, suffix);
}

static int
parent_control_open(const char *path, mode_t mode, gid_t gid)
{
	struct sockaddr_un	sun;
	mode_t			old;
	int			fd, probe;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		fatalx("control socket %s: path too long", path);

	/* A socket that answers belongs to a running daemon: leave it. */
	if ((probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		fatal("socket");
	if (connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		fatalx("control socket %s in use: is another engarded "
		    "running?", path);
	close(probe);
	if (unlink(path) == -1 && errno != ENOENT)
		fatal("unlink %s", path);

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		fatal("socket");
	old = umask(S_IXUSR | S_IXGRP | S_IRWXO);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		fatal("control socket %s", path);
	umask(old);
	if (chown(path, 0, gid) == -1 || chmod(path, mode) == -1)
		fatal("control socket %s", path);
	if (listen(fd, 16) == -1)
		fatal("listen %s", path);
	return (fd);
}

/*
 * The control socket, for root and the daemon's group, and a read-only one
 * that anybody may use for show commands.
 */
static void
parent_control_init(void)
{
	struct passwd	*pw;
	uint32_t	 ro;
	int		 fd;

	if ((pw = getpwnam(conf.user)) == NULL)
		fatalx("unknown user %s", conf.user);
	fd = parent_control_open(conf.csock, 0660, pw->pw_gid);
	csock_made = 1;
	ro = 0;
	parent_compose(IMSG_CONTROL_FD, 0, fd, &ro,
	    sizeof(ro));

	/* The read-only socket. */
	parent_sock_sibling(conf.csock, ".ro.sock", ".ro", csock_ro,
	    sizeof(csock_ro));
	fd = parent_control_open(csock_ro, 0666, pw->pw_gid);
	csock_ro_made = 1;
	ro = 1;
	parent_compose(IMSG_CONTROL_FD, 0, fd, &ro,
	    sizeof(ro));
}

/* A child's log line, checked, to syslog. */
static void
parent_log(struct ipc_msg *msg, const char *name)
{
	struct log_line	ll;

	if (ipc_data(msg, &ll, sizeof(ll)) == -1 || ll.pri < LOG_EMERG ||
	    ll.pri > LOG_DEBUG || memchr(ll.text, '\0',
	    sizeof(ll.text)) == NULL)
		fatalx("%s pipe: bad IMSG_LOG", name);
	logit(ll.pri, "%s", ll.text);
}

static void
parent_dispatch_webui(int fd, short event, void *arg)
{
	struct ipc_msg	msg;
	int		n;

	(void)fd;
	(void)arg;
	if ((n = ipcev_io(&iev_webui, event)) == -1)
		fatal("webui pipe");
	if (n == 0)
		parent_child_gone(&webui_pid, "webui");
	for (;;) {
		if ((n = ipc_get(&iev_webui.ibuf, &msg)) == -1)
			fatal("webui pipe: bad message");
		if (n == 0)
			break;
		switch (msg.hdr.type) {
		case IMSG_LOG:
			parent_log(&msg, "webui");
			break;
		default:
			fatalx("webui pipe: unexpected message %u",
			    msg.hdr.type);
		}
	}
	ipcev_add(&iev_webui);
}

static void
parent_webui_compose(uint32_t type, int fd, const void *data, size_t len)
{
	parent_queue(&iev_webui, "webui", type, 0, fd, data, len);
}

/* The dashboard's TCP socket, opened while we may bind any port. */
static int
parent_open_web_listen(void)
{
	char	a[ADDR_STRLEN];
	int	fd, one = 1;

	if ((fd = socket(conf.web.listen.ss_family, SOCK_STREAM |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1)
		fatal("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) == -1 || (conf.web.listen.ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
	    sizeof(one)) == -1))
		fatal("setsockopt");
	if (bind(fd, (struct sockaddr *)&conf.web.listen,
	    addr_len(&conf.web.listen)) == -1)
		fatal("dashboard on %s", addr_fmt(&conf.web.listen, a,
		    sizeof(a)));
	if (listen(fd, 64) == -1)
		fatal("listen");
	return (fd);
}

/*
 * The dashboard's process: its own pipe, a control connection to the
 * engine (one end each), the listening socket, and what it needs to know.
 */
static void
parent_webui_start(int seccomp_log)
{
	char	a[ADDR_STRLEN], err[512];
	int	pipe_webui[2], ctlpair[2];

	if (!conf.web.enabled)
		return;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    pipe_webui) == -1 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
	    ctlpair) == -1)
		fatal("socketpair");
	webui_pid = proc_start("webui", pipe_webui[1], debug, verbose,
	    conf.user, conf.chroot, seccomp_log ? PROC_SECCOMP_LOG : 0);
	if (fcntl(pipe_webui[0], F_SETFL, O_NONBLOCK) == -1)
		fatal("fcntl");
	ipcev_init(&iev_webui, base, pipe_webui[0], parent_dispatch_webui,
	    NULL);
	ipc_refuse_fds(&iev_webui.ibuf);
	ipcev_add(&iev_webui);

	parent_compose(IMSG_CONTROL_CONN, 0, ctlpair[0], NULL, 0);
	parent_webui_compose(IMSG_WEBUI_CONTROL, ctlpair[1], NULL, 0);
	parent_webui_compose(IMSG_WEBUI_LISTEN, parent_open_web_listen(),
	    NULL, 0);
	if (parent_webui_conf(&conf, err, sizeof(err)) == -1)
		fatalx("webManager: %s", err);
	log_info("dashboard on %s://%s", conf.web.tls == WEB_TLS_OFF ?
	    "http" : "https", addr_fmt(&conf.web.listen, a, sizeof(a)));
}

/*
 * Credentials and key material for the dashboard: checked and, once the
 * webui runs, sent to it.  Returns 0, or -1 with err set and nothing sent.
 */
static int
parent_webui_conf(const struct config *c, char *err, size_t errlen)
{
	static struct webcert	wc;
	struct webui_conf	wconf;
	struct webui_pem	wp;
	const uint8_t		*src;
	size_t			 len, off;
	int			 kind;

	memset(&wconf, 0, sizeof(wconf));
	wconf.role = c->role;
	wconf.tls = c->web.tls != WEB_TLS_OFF;
	strlcpy(wconf.username, c->web.username, sizeof(wconf.username));
	if (c->web.passwordfile[0] != '\0') {
		if (webcert_password(c->web.passwordfile, wconf.password,
		    sizeof(wconf.password), err, errlen) == -1)
			return (-1);
	} else
		strlcpy(wconf.password, c->web.password,
		    sizeof(wconf.password));
	wconf.auth = wconf.username[0] != '\0';
	if (wconf.tls && webcert_load(&conf.web, &wc, err, errlen) == -1) {
		explicit_bzero(&wconf, sizeof(wconf));
		return (-1);
	}
	if (webui_pid == 0) {
		explicit_bzero(&wconf, sizeof(wconf));
		return (0);
	}
	if (wconf.tls)
		log_info("dashboard certificate%s, SHA-256 %s",
		    wc.selfsigned ? " (self-signed)" : "", wc.fingerprint);

	parent_webui_compose(IMSG_WEBUI_CONF, -1, &wconf, sizeof(wconf));
	explicit_bzero(&wconf, sizeof(wconf));
	for (kind = PEM_CERT; wc.certlen > 0 && kind <= PEM_KEY; kind++) {
		src = kind == PEM_CERT ? wc.cert : wc.key;
		len = kind == PEM_CERT ? wc.certlen : wc.keylen;
		for (off = 0; off < len; off += wp.len) {
			memset(&wp, 0, sizeof(wp));
			wp.kind = kind;
			wp.total = len;
			wp.off = off;
			wp.len = len - off > WEBUI_PEM_PART ? WEBUI_PEM_PART :
			    len - off;
			memcpy(wp.data, src + off, wp.len);
			parent_webui_compose(IMSG_WEBUI_PEM, -1, &wp,
			    sizeof(wp));
		}
	}
	explicit_bzero(&wp, sizeof(wp));
	explicit_bzero(&wc, sizeof(wc));
	parent_webui_compose(IMSG_WEBUI_GO, -1, NULL, 0);
	return (0);
}
