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

/* Fuzzing the configuration reader: parse, print, parse the print. */

/*
 * The input is an engarded.yml.  config_parse reads a file, so the input
 * goes into a memfd opened again through /proc (a file under $TMPDIR
 * when there is no /proc), and is parsed for ROLE_NONE, ROLE_CLIENT and
 * ROLE_SERVER.  What parses is printed with print_config and parsed again:
 * that must succeed, give the same bytes, and print the same text.
 *
 * With FUZZ_VERBOSE set in the environment, the errors and the printed
 * forms go to stderr.
 *
 * Host names are never looked up: getaddrinfo is replaced here, for the
 * whole process, by one that takes numeric hosts only ("localhost" is
 * 127.0.0.1), so that no input makes the fuzzer ask a DNS server.
 */

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engarded.h"
#include "log.h"

#define ERRS_LEN	16384
#define PRINT_MAX	(256 * 1024)	/* far above what a config prints */

int		 LLVMFuzzerInitialize(int *, char ***);
int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 quiet(int, const char *);
static int	 mkfile(char *, size_t);
static void	 rmfiles(void);
static void	 put(int, const void *, size_t);
static size_t	 capture(const struct config *, char *);
static int	 parse(const char *, enum eg_role, struct config *, char *,
		    size_t);
static void	 check_errs(const char *, size_t, int, const char *);
static void	 round_trip(const struct config *, enum eg_role);
static void	 differ(const char *, const struct config *,
		    const struct config *);

static int	 in_fd = -1, out_fd = -1;
static char	 in_path[64], out_path[64];
static char	 tmp_in[64], tmp_out[64];
static char	 errs[ERRS_LEN];
static char	 text_a[PRINT_MAX + 1], text_b[PRINT_MAX + 1];
static int	 verbose;	/* FUZZ_VERBOSE: show errors and prints */

/* Numeric hosts only, whatever the caller asked for. */
int
getaddrinfo(const char *node, const char *service,
    const struct addrinfo *hints, struct addrinfo **res)
{
	static int	(*real)(const char *, const char *,
			    const struct addrinfo *, struct addrinfo **);
	struct addrinfo	 h;

	if (real == NULL &&
	    (real = (int (*)(const char *, const char *,
	    const struct addrinfo *, struct addrinfo **))dlsym(RTLD_NEXT,
	    "getaddrinfo")) == NULL)
		abort();
	if (hints != NULL)
		h = *hints;
	else {
		memset(&h, 0, sizeof(h));
		h.ai_family = AF_UNSPEC;
	}
	h.ai_flags |= AI_NUMERICHOST | AI_NUMERICSERV;
	if (node != NULL && strcmp(node, "localhost") == 0)
		node = "127.0.0.1";
	return (real(node, service, &h, res));
}

static void
quiet(int pri, const char *line)
{
	(void)pri;
	(void)line;
}

/*
 * A file that config_parse can open by name and that is rewritten for
 * every input: a memfd when /proc is there, else a file in $TMPDIR.
 */
static int
mkfile(char *path, size_t len)
{
	const char	*tmpdir;
	int		 fd, fd2;

	if ((fd = memfd_create("fuzz_config", MFD_CLOEXEC)) != -1) {
		snprintf(path, len, "/proc/self/fd/%d", fd);
		if ((fd2 = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
			close(fd2);
			return (fd);
		}
		close(fd);
	}
	if ((tmpdir = getenv("TMPDIR")) == NULL || *tmpdir == '\0')
		tmpdir = "/tmp";
	snprintf(path, len, "%s/fuzz_config.XXXXXX", tmpdir);
	if ((fd = mkstemp(path)) == -1) {
		perror(path);
		abort();
	}
	if (tmp_in[0] == '\0')
		strlcpy(tmp_in, path, sizeof(tmp_in));
	else
		strlcpy(tmp_out, path, sizeof(tmp_out));
	return (fd);
}

static void
rmfiles(void)
{
	if (tmp_in[0] != '\0')
		unlink(tmp_in);
	if (tmp_out[0] != '\0')
		unlink(tmp_out);
}

/* Make the file hold exactly these bytes. */
static void
put(int fd, const void *data, size_t len)
{
	const char	*p = data;
	size_t		 off = 0;
	ssize_t		 n;

	if (ftruncate(fd, 0) == -1)
		abort();
	while (off < len) {
		if ((n = pwrite(fd, p + off, len - off, off)) <= 0)
			abort();
		off += n;
	}
}

/* What print_config writes on stdout, into buf, NUL terminated. */
static size_t
capture(const struct config *conf, char *buf)
{
	struct stat	 st;
	int		 saved;

	if (ftruncate(out_fd, 0) == -1 || lseek(out_fd, 0, SEEK_SET) == -1)
		abort();
	fflush(stdout);
	if ((saved = dup(STDOUT_FILENO)) == -1 ||
	    dup2(out_fd, STDOUT_FILENO) == -1)
		abort();
	print_config(conf);
	fflush(stdout);
	if (dup2(saved, STDOUT_FILENO) == -1)
		abort();
	close(saved);

	if (fstat(out_fd, &st) == -1)
		abort();
	if (st.st_size > PRINT_MAX) {
		fprintf(stderr, "print_config wrote %lld bytes\n",
		    (long long)st.st_size);
		abort();
	}
	if (pread(out_fd, buf, st.st_size, 0) != st.st_size)
		abort();
	buf[st.st_size] = '\0';
	return (st.st_size);
}

/* Parse into a structure filled with garbage first, as the tests do. */
static int
parse(const char *path, enum eg_role role, struct config *conf, char *e,
    size_t elen)
{
	int	 n;

	memset(conf, 0xa5, sizeof(*conf));
	if (e != NULL)
		memset(e, 'X', elen);
	n = config_parse(path, role, conf, e, elen);
	check_errs(e, elen, n, path);
	return (n);
}

/* The error buffer: terminated, empty exactly when all is well. */
static void
check_errs(const char *e, size_t elen, int n, const char *what)
{
	if (n < 0) {
		fprintf(stderr, "%s: config_parse returned %d\n", what, n);
		abort();
	}
	if (e == NULL || elen == 0)
		return;
	if (memchr(e, '\0', elen) == NULL) {
		fprintf(stderr, "%s: errs not terminated\n", what);
		abort();
	}
	if (n == 0 && e[0] != '\0') {
		fprintf(stderr, "%s: no error counted, but errs says:\n%s\n",
		    what, e);
		abort();
	}
	if (n > 0 && elen > 1 && e[0] == '\0') {
		fprintf(stderr, "%s: %d errors counted, none shown\n", what, n);
		abort();
	}
}

static void
differ(const char *what, const struct config *a, const struct config *b)
{
	const unsigned char	*pa = (const void *)a, *pb = (const void *)b;
	size_t			 i;

	for (i = 0; i < sizeof(*a); i++)
		if (pa[i] != pb[i])
			break;
	fprintf(stderr, "%s: configurations differ from byte %zu of %zu\n",
	    what, i, sizeof(*a));
}

/* Print, parse the print, print again: all the same. */
static void
round_trip(const struct config *conf, enum eg_role role)
{
	struct config	 again;
	size_t		 la, lb;

	la = capture(conf, text_a);
	if (parse(out_path, role, &again, errs, sizeof(errs)) != 0) {
		fprintf(stderr, "round trip: the printed form does not "
		    "parse:\n%s---\n%s", text_a, errs);
		abort();
	}
	if (memcmp(conf, &again, sizeof(again)) != 0) {
		differ("round trip", conf, &again);
		fprintf(stderr, "printed:\n%s", text_a);
		abort();
	}
	if (verbose)
		fprintf(stderr, "--- printed as %s:\n%s",
		    role == ROLE_CLIENT ? "client" : "server", text_a);
	lb = capture(&again, text_b);
	if (la != lb || memcmp(text_a, text_b, la) != 0) {
		fprintf(stderr, "round trip: printed twice, differently:\n"
		    "%s---\n%s", text_a, text_b);
		abort();
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_sethook(quiet);
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	in_fd = mkfile(in_path, sizeof(in_path));
	out_fd = mkfile(out_path, sizeof(out_path));
	atexit(rmfiles);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	 none, client, server;
	char		 small[256];
	int		 n0, nc, ns;

	put(in_fd, data, size);

	/* Three error buffers: whole, cut at a size from the input, none. */
	n0 = parse(in_path, ROLE_NONE, &none, errs, sizeof(errs));
	nc = parse(in_path, ROLE_CLIENT, &client, small,
	    1 + size % sizeof(small));
	ns = parse(in_path, ROLE_SERVER, &server, NULL, 0);
	if (verbose)
		fprintf(stderr, "--- none %d, client %d, server %d errors; "
		    "none:\n%s", n0, nc, ns, errs);

	/* Both sections are validated whatever the role. */
	if ((nc == 0 && ns > 1) || (ns == 0 && nc > 1)) {
		fprintf(stderr, "client %d errors, server %d errors\n", nc,
		    ns);
		abort();
	}
	if (nc == 0 && ns == 0 && n0 != 1) {
		fprintf(stderr, "both sections good, ROLE_NONE gave %d "
		    "errors\n", n0);
		abort();
	}
	if (n0 == 0) {
		if (none.role == ROLE_CLIENT && nc == 0 && ns == 1 &&
		    memcmp(&none, &client, sizeof(none)) == 0)
			;
		else if (none.role == ROLE_SERVER && ns == 0 && nc == 1 &&
		    memcmp(&none, &server, sizeof(none)) == 0)
			;
		else {
			fprintf(stderr, "ROLE_NONE gave role %d, client %d "
			    "errors, server %d errors\n", (int)none.role, nc,
			    ns);
			differ("ROLE_NONE", &none, none.role == ROLE_CLIENT ?
			    &client : &server);
			abort();
		}
	}

	if (nc == 0) {
		if (client.role != ROLE_CLIENT)
			abort();
		round_trip(&client, ROLE_CLIENT);
	}
	if (ns == 0) {
		if (server.role != ROLE_SERVER)
			abort();
		round_trip(&server, ROLE_SERVER);
	}
	return (0);
}
