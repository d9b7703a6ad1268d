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


/* Unit tests of the message framing and descriptor passing. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ipc.h"

struct pair {
	int		fd[2];
	struct ipcbuf	a, b;
};

static int
setup(void **state)
{
	struct pair	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return (-1);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, p->fd) == -1)
		return (-1);
	ipc_init(&p->a, p->fd[0]);
	ipc_init(&p->b, p->fd[1]);
	*state = p;
	return (0);
}

static int
teardown(void **state)
{
	struct pair	*p = *state;

	ipc_clear(&p->a);
	ipc_clear(&p->b);
	close(p->fd[0]);
	close(p->fd[1]);
	free(p);
	return (0);
}

static void
test_roundtrip(void **state)
{
	struct pair	*p = *state;
	struct ipc_msg	 m;
	uint32_t	 v = 0xdeadbeef, out;
	int		 i;

	for (i = 0; i < 3; i++)
		assert_int_equal(ipc_compose(&p->a, 10 + i, i, -1, &v,
		    sizeof(v)), 0);
	assert_int_equal(ipc_compose(&p->a, 20, 0, -1, NULL, 0), 0);
	assert_true(ipc_pending(&p->a));
	assert_int_equal(ipc_flush(&p->a), 1);
	assert_false(ipc_pending(&p->a));

	assert_true(ipc_read(&p->b) > 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(ipc_get(&p->b, &m), 1);
		assert_int_equal(m.hdr.type, 10 + i);
		assert_int_equal(m.hdr.peerid, i);
		assert_int_equal(m.fd, -1);
		assert_int_equal(ipc_data(&m, &out, sizeof(out)), 0);
		assert_int_equal(out, v);
		/* A wrong size is refused. */
		assert_int_equal(ipc_data(&m, &out, 2), -1);
	}
	assert_int_equal(ipc_get(&p->b, &m), 1);
	assert_int_equal(m.hdr.type, 20);
	assert_int_equal(m.datalen, 0);
	assert_int_equal(ipc_get(&p->b, &m), 0);
}

/* A frame that arrives a byte at a time is whole only at its end. */
static void
test_partial_read(void **state)
{
	struct pair	*p = *state;
	struct ipc_hdr	 h;
	struct ipc_msg	 m;
	unsigned char	 frame[sizeof(h) + 5];
	size_t		 i;

	memset(&h, 0, sizeof(h));
	h.type = 7;
	h.len = sizeof(frame);
	memcpy(frame, &h, sizeof(h));
	memcpy(frame + sizeof(h), "hello", 5);
	for (i = 0; i < sizeof(frame); i++) {
		assert_int_equal(write(p->fd[0], frame + i, 1), 1);
		assert_int_equal(ipc_read(&p->b), 1);
		if (i + 1 < sizeof(frame))
			assert_int_equal(ipc_get(&p->b, &m), 0);
	}
	assert_int_equal(ipc_get(&p->b, &m), 1);
	assert_int_equal(m.hdr.type, 7);
	assert_memory_equal(m.data, "hello", 5);
}

/* A full socket takes part of the queue; the rest goes later, intact. */
static void
test_partial_write(void **state)
{
	struct pair	*p = *state;
	struct ipc_msg	 m;
	static char	 big[IPC_MAXSIZE - sizeof(struct ipc_hdr)];
	int		 sz = 4096, i, n = 64, got = 0, r;

	assert_int_equal(setsockopt(p->fd[0], SOL_SOCKET, SO_SNDBUF, &sz,
	    sizeof(sz)), 0);
	memset(big, 'x', sizeof(big));
	for (i = 0; i < n; i++) {
		big[0] = i;
		assert_int_equal(ipc_compose(&p->a, 1, i, -1, big,
		    sizeof(big)), 0);
	}
	assert_int_equal(ipc_flush(&p->a), 0);
	assert_true(ipc_pending(&p->a));

	while (got < n) {
		r = ipc_flush(&p->a);
		assert_true(r >= 0);
		if (ipc_read(&p->b) == -1)
			assert_int_equal(errno, EAGAIN);
		while (ipc_get(&p->b, &m) == 1) {
			assert_int_equal(m.hdr.peerid, got);
			assert_int_equal(m.datalen, sizeof(big));
			assert_int_equal(((const char *)m.data)[0], (char)got);
			got++;
		}
	}
	assert_false(ipc_pending(&p->a));
}

static void
test_fd_passing(void **state)
{
	struct pair	*p = *state;
	struct ipc_msg	 m;
	struct stat	 sa, sb;
	int		 fds[2], i;

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(fstat(fds[0], &sa), 0);
	assert_int_equal(ipc_compose(&p->a, 1, 0, -1, "a", 1), 0);
	assert_int_equal(ipc_compose(&p->a, 2, 0, fds[0], "b", 1), 0);
	assert_int_equal(ipc_compose(&p->a, 3, 0, -1, "c", 1), 0);
	assert_int_equal(ipc_flush(&p->a), 1);

	for (i = 0; i < 3; i++) {
		while (ipc_get(&p->b, &m) == 0)
			assert_true(ipc_read(&p->b) > 0);
		assert_int_equal(m.hdr.type, i + 1);
		if (i == 1) {
			assert_true(m.fd >= 0);
			assert_int_equal(fstat(m.fd, &sb), 0);
			assert_int_equal(sa.st_ino, sb.st_ino);
			close(m.fd);
		} else
			assert_int_equal(m.fd, -1);
	}
	close(fds[1]);
}

static void
test_oversized_compose(void **state)
{
	struct pair	*p = *state;
	static char	 big[IPC_MAXSIZE];

	assert_int_equal(ipc_compose(&p->a, 1, 0, -1, big, sizeof(big)), -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_false(ipc_pending(&p->a));
}

static void
send_hdr(int fd, uint32_t len, uint16_t flags)
{
	struct ipc_hdr	h;

	memset(&h, 0, sizeof(h));
	h.type = 1;
	h.len = len;
	h.flags = flags;
	assert_int_equal(write(fd, &h, sizeof(h)), sizeof(h));
}

static void
test_bad_frames(void **state)
{
	struct pair	*p = *state;
	struct ipc_msg	 m;

	/* Shorter than its own header. */
	send_hdr(p->fd[0], 4, 0);
	assert_true(ipc_read(&p->b) > 0);
	assert_int_equal(ipc_get(&p->b, &m), -1);
	assert_int_equal(errno, EBADMSG);
}

static void
test_oversized_frame(void **state)
{
	struct pair	*p = *state;
	struct ipc_msg	 m;

	send_hdr(p->fd[0], IPC_MAXSIZE + 1, 0);
	assert_true(ipc_read(&p->b) > 0);
	assert_int_equal(ipc_get(&p->b, &m), -1);
}

static void
test_unknown_flags(void **state)
{
	struct pair	*p = *state;
	struct ipc_msg	 m;

	send_hdr(p->fd[0], sizeof(struct ipc_hdr), 0x8000);
	assert_true(ipc_read(&p->b) > 0);
	assert_int_equal(ipc_get(&p->b, &m), -1);
}

/* A frame that claims a descriptor but brought none. */
static void
test_missing_fd(void **state)
{
	struct pair	*p = *state;
	struct ipc_msg	 m;

	send_hdr(p->fd[0], sizeof(struct ipc_hdr), IPC_F_HASFD);
	assert_true(ipc_read(&p->b) > 0);
	assert_int_equal(ipc_get(&p->b, &m), -1);
}

/* A frame cut short by the peer closing never comes out. */
static void
test_truncated(void **state)
{
	struct pair	*p = *state;
	struct ipc_msg	 m;

	send_hdr(p->fd[0], sizeof(struct ipc_hdr) + 100, 0);
	assert_int_equal(write(p->fd[0], "abc", 3), 3);
	shutdown(p->fd[0], SHUT_WR);
	assert_true(ipc_read(&p->b) > 0);
	assert_int_equal(ipc_get(&p->b, &m), 0);
	assert_int_equal(ipc_read(&p->b), 0);
	assert_int_equal(ipc_get(&p->b, &m), 0);
}

/* A channel that refuses descriptors never gets one, nor the message. */
static void
test_refuse_fds(void **state)
{
	struct pair	*p = *state;
	struct ipc_msg	 m;
	int		 fds[2];

	ipc_refuse_fds(&p->b);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(ipc_compose(&p->a, 1, 0, fds[0], "x", 1), 0);
	assert_int_equal(ipc_flush(&p->a), 1);
	assert_true(ipc_read(&p->b) > 0);
	assert_int_equal(p->b.nfds, 0);
	assert_int_equal(ipc_get(&p->b, &m), -1);
	assert_int_equal(errno, EBADMSG);
	close(fds[1]);
}

/* Out of descriptors: the message still comes, without its descriptor. */
static void
test_lost_fd(void **state)
{
	struct pair	*p = *state;
	struct ipc_msg	 m;
	struct rlimit	 old, low;
	int		 fds[2], spare[256], n = 0, i;

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(ipc_compose(&p->a, 1, 0, fds[0], "x", 1), 0);
	assert_int_equal(ipc_compose(&p->a, 2, 0, -1, "y", 1), 0);
	assert_int_equal(ipc_flush(&p->a), 1);

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = 64;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	while (n < 256 && (spare[n] = dup(0)) != -1)
		n++;
	assert_int_equal(errno, EMFILE);
	assert_true(ipc_read(&p->b) > 0);
	for (i = 0; i < n; i++)
		close(spare[i]);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);

	assert_int_equal(ipc_get(&p->b, &m), 1);
	assert_int_equal(m.hdr.type, 1);
	assert_int_equal(m.fd, -1);
	assert_true(ipc_fd_lost(&m));
	while (ipc_get(&p->b, &m) == 0)
		assert_true(ipc_read(&p->b) > 0);
	assert_int_equal(m.hdr.type, 2);
	assert_false(ipc_fd_lost(&m));
	close(fds[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_partial_read, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_partial_write, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fd_passing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_oversized_compose, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_frames, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_oversized_frame, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unknown_flags, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_fd, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refuse_fds, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lost_fd, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
