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

/* sd_notify(3) by hand: readiness, reloads, stopping and the watchdog. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <event.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"

/* A busy manager may delay a message; a wedged one must not stop us. */
#define NOTIFY_SEND_TIMEOUT	1		/* seconds */
#define NOTIFY_WATCHDOG_MIN	1000		/* microseconds between pings */

static int	notify_open(const char *);
static void	notify_send(const char *);
static void	notify_watchdog(int, short, void *);

static int			 notify_fd = -1;
static struct sockaddr_un	 notify_sun;
static socklen_t		 notify_sunlen;
static struct event		 notify_ev;
static int			 notify_failing;

/*
 * Read the manager's variables once, then remove them: the children must
 * never speak to systemd in our name.  Without NOTIFY_SOCKET every other
 * function here does nothing.
 */
void
notify_init(struct event_base *base)
{
	struct timeval	 tv;
	const char	*path, *usec, *wpid, *errstr;
	long long	 interval = 0;

	path = getenv("NOTIFY_SOCKET");
	usec = getenv("WATCHDOG_USEC");
	wpid = getenv("WATCHDOG_PID");

	if (path != NULL && path[0] != '\0' && notify_open(path) == 0 &&
	    usec != NULL) {
		interval = strtonum(usec, 1, LLONG_MAX, &errstr);
		if (errstr != NULL)
			log_warnx("WATCHDOG_USEC %s is %s: no watchdog", usec,
			    errstr);
		/* Another PID: the watchdog of a process that started us. */
		else if (wpid != NULL &&
		    strtonum(wpid, 1, INT_MAX, &errstr) != getpid())
			interval = 0;
	}

	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");

	if (interval == 0)
		return;
	/* Twice per interval, as sd_watchdog_enabled(3) advises. */
	interval /= 2;
	if (interval < NOTIFY_WATCHDOG_MIN)
		interval = NOTIFY_WATCHDOG_MIN;
	tv.tv_sec = interval / 1000000;
	tv.tv_usec = interval % 1000000;
	event_assign(&notify_ev, base, -1, EV_PERSIST, notify_watchdog, NULL);
	if (event_add(&notify_ev, &tv) == -1)
		fatalx("watchdog timer");
	log_debug("watchdog ping every %lld.%06lld s", interval / 1000000,
	    interval % 1000000);
	/* Reading the configuration took part of the first interval. */
	notify_send("WATCHDOG=1");
}

/* A socket path, or an abstract name after "@", as systemd gives them. */
static int
notify_open(const char *path)
{
	struct timeval	tv;
	size_t		len;

	len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || len < 2 ||
	    len >= sizeof(notify_sun.sun_path)) {
		log_warnx("NOTIFY_SOCKET %s: not a socket path nor an "
		    "abstract name, not notifying", path);
		return (-1);
	}
	memset(&notify_sun, 0, sizeof(notify_sun));
	notify_sun.sun_family = AF_UNIX;
	memcpy(notify_sun.sun_path, path, len);
	/* An abstract name is its exact bytes, without a NUL. */
	if (path[0] == '@') {
		notify_sun.sun_path[0] = '\0';
		notify_sunlen = offsetof(struct sockaddr_un, sun_path) + len;
	} else
		notify_sunlen = sizeof(notify_sun);

	if ((notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC,
	    0)) == -1) {
		log_warn("NOTIFY_SOCKET %s: socket", path);
		return (-1);
	}
	tv.tv_sec = NOTIFY_SEND_TIMEOUT;
	tv.tv_usec = 0;
	if (setsockopt(notify_fd, SOL_SOCKET, SO_SNDTIMEO, &tv,
	    sizeof(tv)) == -1)
		log_warn("NOTIFY_SOCKET %s: setsockopt", path);
	return (0);
}

void
notify_ready(void)
{
	notify_send("READY=1\nSTATUS=running");
}

/* The monotonic time lets Type=notify-reload match the reload we made. */
void
notify_reloading(void)
{
	struct timespec	ts;
	char		msg[128];

	if (notify_fd == -1)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nSTATUS=reloading\n"
	    "MONOTONIC_USEC=%llu", (unsigned long long)ts.tv_sec * 1000000 +
	    (unsigned long long)ts.tv_nsec / 1000);
	notify_send(msg);
}

void
notify_stopping(void)
{
	notify_send("STOPPING=1\nSTATUS=stopping");
}

static void
notify_watchdog(int fd, short event, void *arg)
{
	(void)fd;
	(void)event;
	(void)arg;
	notify_send("WATCHDOG=1");
}

/* A lost message is logged once, until one gets through again. */
static void
notify_send(const char *msg)
{
	if (notify_fd == -1)
		return;
	if (sendto(notify_fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (struct sockaddr *)&notify_sun, notify_sunlen) == -1) {
		if (!notify_failing)
			log_warn("cannot notify systemd");
		notify_failing = 1;
		return;
	}
	if (notify_failing)
		log_info("notifying systemd again");
	notify_failing = 0;
}
