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


/* Start the children: each a fresh exec of this binary with a role flag. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "ipcev.h"
#include "engarded.h"
#include "proc.h"

/*
 * Fork and exec "engarded -X name" with fd as PARENT_FD.  The exec gives the
 * child a fresh address space; /proc/self/exe finds this very binary even
 * when the file on disk was replaced.
 */
static void	proc_log_hook(int, const char *);

static char		 proc_self[PATH_MAX] = "/proc/self/exe";
static struct ipcev	*proc_parent;

/*
 * Remember this binary's path while it is sure to be right, so that the
 * children's process names say engarded; a replaced file falls back to
 * /proc/self/exe.
 */
void
proc_init(void)
{
	ssize_t	n;

	n = readlink("/proc/self/exe", proc_self, sizeof(proc_self) - 1);
	if (n <= 0 || strstr(proc_self, " (deleted)") != NULL) {
		strlcpy(proc_self, "/proc/self/exe", sizeof(proc_self));
		return;
	}
	proc_self[n] = '\0';
}

pid_t
proc_start(const char *name, int fd, int debug, int verbose,
    const char *user, const char *root, int flags)
{
	char	*argv[16];
	char	 vflag[8];
	int	 argc = 0, i;
	pid_t	 pid;

	switch (pid = fork()) {
	case -1:
		fatal("fork");
	case 0:
		break;
	default:
		close(fd);
		return (pid);
	}

	if (fd != PARENT_FD) {
		if (dup2(fd, PARENT_FD) == -1)
			fatal("dup2");
	} else if (fcntl(fd, F_SETFD, 0) == -1)
		fatal("fcntl");
	/* Nothing else of the parent's leaks into the child. */
	closefrom(PARENT_FD + 1);

	argv[argc++] = "engarded";
	argv[argc++] = "-X";
	argv[argc++] = (char *)name;
	argv[argc++] = "-U";
	argv[argc++] = (char *)user;
	argv[argc++] = "-C";
	argv[argc++] = (char *)root;
	if (debug)
		argv[argc++] = "-d";
	if (verbose > 0) {
		vflag[0] = '-';
		for (i = 0; i < verbose && i < 4; i++)
			vflag[i + 1] = 'v';
		vflag[i + 1] = '\0';
		argv[argc++] = vflag;
	}
	if (flags & PROC_SECCOMP_LOG)
		argv[argc++] = "-S";
	if (flags & PROC_MAC1)
		argv[argc++] = "-K";
	argv[argc] = NULL;

	execv(proc_self, argv);
	fatal("exec %s", name);
}

/* Stop a child and reap it; a child that lingers is killed. */
void
proc_stop(pid_t pid)
{
	int	i, status;

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	for (i = 0; i < 50; i++) {
		if (waitpid(pid, &status, WNOHANG) != 0)
			return;
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

/*
 * A child's log lines go to the parent, which can reach syslog from outside
 * the chroot; a parent that does not read loses lines, never our time.
 */
void
proc_log_to_parent(struct ipcev *iev)
{
	proc_parent = iev;
	log_sethook(proc_log_hook);
}

static void
proc_log_hook(int pri, const char *line)
{
	struct log_line	ll;

	if (proc_parent->ibuf.wqlen > LOG_QUEUE_MAX)
		return;
	memset(&ll, 0, sizeof(ll));
	ll.pri = pri;
	strlcpy(ll.text, line, sizeof(ll.text));
	if (ipc_compose(&proc_parent->ibuf, IMSG_LOG, 0, -1, &ll,
	    sizeof(ll)) == -1)
		return;
	/* A fatal error exits right after: try to get the line out now. */
	(void)ipc_flush(&proc_parent->ibuf);
	ipcev_add(proc_parent);
}
