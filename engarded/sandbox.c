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


/* Privilege drop, Landlock and the seccomp allowlists of the children. */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <linux/landlock.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "engarded.h"
#include "sandbox.h"

static void	sandbox_landlock(void);

/*
 * Drop to the user inside the chroot, in the order that leaves no way back:
 * chroot, groups, gid, uid, then verify.
 */
void
sandbox_drop(const char *user, const char *root, const char *title)
{
	struct passwd	*pw;
	uid_t		 ruid, euid, suid;
	gid_t		 rgid, egid, sgid;

	if ((pw = getpwnam(user)) == NULL)
		fatalx("unknown user %s", user);
	if (chroot(root) == -1)
		fatal("chroot %s", root);
	if (chdir("/") == -1)
		fatal("chdir /");

	setproctitle("%s", title);

	if (setgroups(1, &pw->pw_gid) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		fatal("cannot drop privileges to %s", user);
	if (getresuid(&ruid, &euid, &suid) == -1 ||
	    getresgid(&rgid, &egid, &sgid) == -1)
		fatal("getresuid");
	if (ruid != pw->pw_uid || euid != pw->pw_uid || suid != pw->pw_uid ||
	    rgid != pw->pw_gid || egid != pw->pw_gid || sgid != pw->pw_gid)
		fatalx("privileges of %s not fully dropped", user);
	if (pw->pw_uid == 0 || setuid(0) != -1)
		fatalx("still root after dropping to %s", user);

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("prctl no_new_privs");
	sandbox_landlock();
}

/* Forbid every filesystem access; logged once where the kernel lacks it. */
static void
sandbox_landlock(void)
{
	struct landlock_ruleset_attr	attr;
	long				abi;
	int				fd;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1) {
		log_info("landlock unavailable, relying on chroot and seccomp");
		return;
	}
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = LANDLOCK_ACCESS_FS_EXECUTE |
	    LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |
	    LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR |
	    LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
	    LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
	    LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
	    LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;
#ifdef LANDLOCK_ACCESS_FS_REFER
	if (abi >= 2)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
#endif
#ifdef LANDLOCK_ACCESS_FS_TRUNCATE
	if (abi >= 3)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
#endif
	fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd == -1)
		fatal("landlock_create_ruleset");
	if (syscall(SYS_landlock_restrict_self, fd, 0) == -1)
		fatal("landlock_restrict_self");
	close(fd);
}

/*
 * The allowlist.  Calls the C library may make on its own (syslog
 * reconnecting, a locale file) fail with EACCES instead of killing; anything
 * else not listed kills the process.  With log_only, violations are logged by
 * the kernel instead (engarded -S, for debugging a new libc, and for
 * valgrind, under which no filter can be installed).
 */
void
sandbox_seccomp(enum sandbox_kind kind, int log_only)
{
	scmp_filter_ctx	ctx;
	size_t		i;
	static const int common[] = {
		SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv),
		SCMP_SYS(writev), SCMP_SYS(close), SCMP_SYS(recvmsg),
		SCMP_SYS(sendmsg), SCMP_SYS(recvfrom), SCMP_SYS(sendto),
		SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait),
		SCMP_SYS(epoll_ctl), SCMP_SYS(clock_gettime),
		SCMP_SYS(gettimeofday), SCMP_SYS(getpid), SCMP_SYS(gettid),
		SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn),
		SCMP_SYS(rt_sigprocmask), SCMP_SYS(brk), SCMP_SYS(mmap),
		SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
		SCMP_SYS(fcntl), SCMP_SYS(futex), SCMP_SYS(fstat),
		SCMP_SYS(newfstatat), SCMP_SYS(getsockopt),
		SCMP_SYS(getsockname), SCMP_SYS(getpeername),
		SCMP_SYS(shutdown), SCMP_SYS(accept4), SCMP_SYS(getrandom),
		SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
		SCMP_SYS(sched_yield), SCMP_SYS(restart_syscall),
	};
	static const int engine[] = {
		SCMP_SYS(recvmmsg), SCMP_SYS(sendmmsg),
	};
	static const int webui[] = {
		SCMP_SYS(poll), SCMP_SYS(ppoll),
	};
	static const int denied[] = {
		SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(socket),
		SCMP_SYS(connect),
	};

	ctx = seccomp_init(log_only ? SCMP_ACT_LOG : SCMP_ACT_KILL_PROCESS);
	/*
	 * A filter that only logs enforces nothing: where none can be had
	 * (under valgrind, which lacks seccomp), -S goes on without one.
	 */
	if (ctx == NULL && log_only) {
		log_warnx("seccomp unavailable, running without a filter (-S)");
		return;
	}
	if (ctx == NULL)
		fatalx("seccomp_init failed");
	/* Only the native architecture: no 32-bit entry points. */
	if (seccomp_arch_exist(ctx, seccomp_arch_native()) != 0)
		fatalx("seccomp: native architecture missing");

	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, common[i], 0) != 0)
			fatalx("seccomp_rule_add %d", common[i]);
	if (kind == SANDBOX_ENGINE)
		for (i = 0; i < sizeof(engine) / sizeof(engine[0]); i++)
			if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, engine[i],
			    0) != 0)
				fatalx("seccomp_rule_add %d", engine[i]);
	if (kind == SANDBOX_WEBUI) {
		for (i = 0; i < sizeof(webui) / sizeof(webui[0]); i++)
			if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, webui[i],
			    0) != 0)
				fatalx("seccomp_rule_add %d", webui[i]);
		/* libevent asks how much a socket holds before reading. */
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
		    SCMP_A1(SCMP_CMP_EQ, FIONREAD)) != 0)
			fatalx("seccomp_rule_add ioctl");
	}
	for (i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), denied[i],
		    0) != 0)
			fatalx("seccomp_rule_add %d", denied[i]);

	if (seccomp_load(ctx) != 0) {
		if (!log_only)
			fatalx("seccomp_load failed");
		log_warnx("seccomp unavailable, running without a filter (-S)");
	}
	seccomp_release(ctx);
}
