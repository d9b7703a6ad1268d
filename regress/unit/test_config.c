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

/* Unit tests of config.c and printconf.c: every key, every error. */

#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "engarded.h"
#include "log.h"
#include "util.h"

#define ERRS_LEN	16384

/* The file of the current test, for the expected error lines. */
static char	 tmppath[64];
static char	 errs[ERRS_LEN];

static void	 write_file(const char *, size_t);
static int	 parse(const char *, enum eg_role, struct config *);
static int	 has_line(const char *, const char *);
static void	 expect_err(const char *);
static void	 expect_errs(const char *, enum eg_role, int, ...);
static void	 expect_ok(const char *, enum eg_role, struct config *);
static char	*print_capture(const struct config *);
static void	 round_trip(const char *, enum eg_role);
static void	 check_addr(const struct sockaddr_storage *, const char *);
static void	 check_prefix(const struct conf_prefix *, const char *,
		    uint32_t);

/* Write text to a fresh temporary file named in tmppath. */
static void
write_file(const char *text, size_t len)
{
	int	 fd;

	strlcpy(tmppath, "/tmp/test_config.XXXXXX", sizeof(tmppath));
	fd = mkstemp(tmppath);
	assert_true(fd != -1);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* Parse text as a file; returns the error count, errors in errs. */
static int
parse(const char *text, enum eg_role role, struct config *conf)
{
	int	 n;

	write_file(text, strlen(text));
	memset(errs, 'X', sizeof(errs));
	n = config_parse(tmppath, role, conf, errs, sizeof(errs));
	unlink(tmppath);
	return (n);
}

/* Whether the newline-terminated lines hold exactly this one. */
static int
has_line(const char *lines, const char *line)
{
	const char	*s = lines, *nl;
	size_t		 len = strlen(line);

	for (;;) {
		nl = strchr(s, '\n');
		if ((nl != NULL ? (size_t)(nl - s) : strlen(s)) == len &&
		    strncmp(s, line, len) == 0)
			return (1);
		if (nl == NULL)
			return (0);
		s = nl + 1;
	}
}

/* The error "tmppath" followed by suffix must be among errs. */
static void
expect_err(const char *suffix)
{
	char	 line[512];

	snprintf(line, sizeof(line), "%s%s", tmppath, suffix);
	if (!has_line(errs, line))
		fail_msg("missing error \"%s\" in:\n%s", line, errs);
}

/* Parsing text fails with exactly n errors, each suffix among them. */
static void
expect_errs(const char *text, enum eg_role role, int n, ...)
{
	struct config	 conf;
	const char	*suffix;
	va_list		 ap;
	int		 got;

	got = parse(text, role, &conf);
	if (got != n)
		fail_msg("%d errors, expected %d:\n%s", got, n, errs);
	va_start(ap, n);
	while ((suffix = va_arg(ap, const char *)) != NULL)
		expect_err(suffix);
	va_end(ap);
}

static void
expect_ok(const char *text, enum eg_role role, struct config *conf)
{
	int	 n;

	if ((n = parse(text, role, conf)) != 0)
		fail_msg("%d unexpected errors:\n%s", n, errs);
	assert_string_equal(errs, "");
}

/* What print_config writes to stdout, as a string to free. */
static char *
print_capture(const struct config *conf)
{
	struct stat	 st;
	char		*buf;
	int		 fd, saved;

	strlcpy(tmppath, "/tmp/test_config.XXXXXX", sizeof(tmppath));
	assert_true((fd = mkstemp(tmppath)) != -1);
	fflush(stdout);
	assert_true((saved = dup(STDOUT_FILENO)) != -1);
	assert_true(dup2(fd, STDOUT_FILENO) != -1);
	print_config(conf);
	fflush(stdout);
	assert_true(dup2(saved, STDOUT_FILENO) != -1);
	close(saved);

	assert_int_equal(fstat(fd, &st), 0);
	assert_non_null(buf = calloc(1, st.st_size + 1));
	assert_int_equal(pread(fd, buf, st.st_size, 0), st.st_size);
	close(fd);
	unlink(tmppath);
	return (buf);
}

/*
 * Parse, print, parse the print: the two configurations must be the same
 * bytes, and printing the second must give the same text.
 */
static void
round_trip(const char *text, enum eg_role role)
{
	struct config	 a, b;
	char		*ta, *tb;

	memset(&a, 0xa5, sizeof(a));
	memset(&b, 0x5a, sizeof(b));
	expect_ok(text, role, &a);
	ta = print_capture(&a);
	expect_ok(ta, ROLE_NONE, &b);
	tb = print_capture(&b);
	if (memcmp(&a, &b, sizeof(a)) != 0)
		fail_msg("round trip differs, printed:\n%s", ta);
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
}

static void
check_addr(const struct sockaddr_storage *ss, const char *want)
{
	char	 buf[ADDR_STRLEN];

	assert_string_equal(addr_fmt(ss, buf, sizeof(buf)), want);
}

static void
test_defaults(void **state)
{
	struct config	 c;

	(void)state;
	memset(&c, 0xff, sizeof(c));
	config_defaults(&c, ROLE_SERVER);
	assert_int_equal(c.role, ROLE_SERVER);
	assert_string_equal(c.description, "");
	assert_int_equal(c.listen.ss_family, 0);
	assert_int_equal(c.write_timeout, ENGARDED_WRITE_TIMEOUT);
	assert_int_equal(c.client_timeout, ENGARDED_CLIENT_TIMEOUT);
	assert_int_equal(c.nexcluded + c.nlabels + c.noverrides, 0);
	assert_int_equal(c.web.enabled, 0);
	assert_int_equal(c.web.tls, WEB_TLS_AUTO);
	assert_string_equal(c.web.passwordfile, "");
	assert_string_equal(c.user, ENGARDED_USER);
	assert_string_equal(c.chroot, ENGARDED_CHROOT);
	assert_string_equal(c.csock, ENGARDED_SOCKET);
	assert_int_equal(c.sockbuf, ENGARDED_SOCKBUF);
}

static void
test_minimal(void **state)
{
	struct config	 c, d;

	(void)state;
	expect_ok("client:\n  listenAddr: \"127.0.0.1:59401\"\n"
	    "  dstAddr: \"1.2.3.4:59501\"\n", ROLE_NONE, &c);
	assert_int_equal(c.role, ROLE_CLIENT);
	check_addr(&c.listen, "127.0.0.1:59401");
	check_addr(&c.dst, "1.2.3.4:59501");
	assert_int_equal(c.ndsts, 1);
	assert_memory_equal(&c.dsts[0], &c.dst, sizeof(c.dst));
	config_defaults(&d, ROLE_CLIENT);
	memcpy(&d.listen, &c.listen, sizeof(d.listen));
	memcpy(&d.dst, &c.dst, sizeof(d.dst));
	memcpy(&d.dsts[0], &c.dst, sizeof(d.dst));
	d.ndsts = 1;
	assert_memory_equal(&c, &d, sizeof(c));

	expect_ok("server:\n  listenAddr: :59501\n  dstAddr: 127.0.0.1:59301\n",
	    ROLE_NONE, &c);
	assert_int_equal(c.role, ROLE_SERVER);
	check_addr(&c.listen, "0.0.0.0:59501");
	check_addr(&c.dst, "127.0.0.1:59301");
	assert_int_equal(c.client_timeout, 30);

	/* The role asked for is the role used. */
	expect_ok("server:\n  listenAddr: :1\n  dstAddr: :2\n", ROLE_SERVER,
	    &c);
	assert_int_equal(c.role, ROLE_SERVER);
}

static const char client_all[] =
    "client:\n"
    "  description: \"My engarde-client instance\"\n"
    "  listenAddr: \"127.0.0.1:59401\"\n"
    "  dstAddr: \"192.0.2.1:59501\"\n"
    "  writeTimeout: 25\n"
    "  excludedInterfaces:\n"
    "    - \"wg0\"\n"
    "    - lo\n"
    "    - 'docker0'\n"
    "  interfaceLabels:\n"
    "    eth0: \"Fibre\"\n"
    "    wwan0: \"LTE\"\n"
    "  dstOverrides:\n"
    "    - ifName: \"wwan0\"\n"
    "      dstAddr: \"198.51.100.7:59502\"\n"
    "    - ifName: eth1\n"
    "      dstAddr: \"[2001:db8::7]:59503\"\n"
    "  webManager:\n"
    "    listenAddr: \"0.0.0.0:9001\"\n"
    "    username: \"engarde\"\n"
    "    password: \"s3cret\"\n"
    "  user: \"nobody\"\n"
    "  chroot: \"/var/lib/engarde\"\n"
    "  controlSocket: \"/var/run/eg.sock\"\n"
    "  socketBuffer: 8M\n";

static void
test_client_every_key(void **state)
{
	struct config	 c;

	(void)state;
	expect_ok(client_all, ROLE_NONE, &c);
	assert_int_equal(c.role, ROLE_CLIENT);
	assert_string_equal(c.description, "My engarde-client instance");
	check_addr(&c.listen, "127.0.0.1:59401");
	check_addr(&c.dst, "192.0.2.1:59501");
	assert_int_equal(c.write_timeout, 25);
	assert_int_equal(c.client_timeout, ENGARDED_CLIENT_TIMEOUT);
	assert_int_equal(c.nexcluded, 3);
	assert_string_equal(c.excluded[0], "wg0");
	assert_string_equal(c.excluded[1], "lo");
	assert_string_equal(c.excluded[2], "docker0");
	assert_int_equal(c.nlabels, 2);
	assert_string_equal(c.labels[0].ifname, "eth0");
	assert_string_equal(c.labels[0].label, "Fibre");
	assert_string_equal(c.labels[1].ifname, "wwan0");
	assert_string_equal(c.labels[1].label, "LTE");
	assert_int_equal(c.noverrides, 2);
	assert_string_equal(c.overrides[0].ifname, "wwan0");
	check_addr(&c.overrides[0].dst, "198.51.100.7:59502");
	assert_string_equal(c.overrides[1].ifname, "eth1");
	check_addr(&c.overrides[1].dst, "[2001:db8::7]:59503");
	assert_int_equal(c.web.enabled, 1);
	check_addr(&c.web.listen, "0.0.0.0:9001");
	assert_string_equal(c.web.username, "engarde");
	assert_string_equal(c.web.password, "s3cret");
	assert_string_equal(c.web.passwordfile, "");
	assert_int_equal(c.web.tls, WEB_TLS_AUTO);
	assert_string_equal(c.web.cert, "");
	assert_string_equal(c.web.key, "");
	assert_string_equal(c.user, "nobody");
	assert_string_equal(c.chroot, "/var/lib/engarde");
	assert_string_equal(c.csock, "/var/run/eg.sock");
	assert_int_equal(c.sockbuf, 8 * 1024 * 1024);
}

static const char server_all[] =
    "server:\n"
    "  description: 'My engarde-server instance'\n"
    "  listenAddr: \"0.0.0.0:59501\"\n"
    "  dstAddr: \"127.0.0.1:59301\"\n"
    "  clientTimeout: 45\n"
    "  writeTimeout: \"0\"\n"
    "  webManager:\n"
    "    listenAddr: \"[::1]:9002\"\n"
    "    username: admin\n"
    "    passwordFile: /etc/engarde/web.password\n"
    "    tls: off\n"
    "  user: _eg\n"
    "  chroot: /\n"
    "  controlSocket: /run/engarded-server.sock\n"
    "  socketBuffer: 65536\n";

static void
test_server_every_key(void **state)
{
	struct config	 c;

	(void)state;
	expect_ok(server_all, ROLE_NONE, &c);
	assert_int_equal(c.role, ROLE_SERVER);
	assert_string_equal(c.description, "My engarde-server instance");
	check_addr(&c.listen, "0.0.0.0:59501");
	check_addr(&c.dst, "127.0.0.1:59301");
	assert_int_equal(c.client_timeout, 45);
	assert_int_equal(c.write_timeout, 0);
	assert_int_equal(c.web.enabled, 1);
	check_addr(&c.web.listen, "[::1]:9002");
	assert_string_equal(c.web.username, "admin");
	assert_string_equal(c.web.password, "");
	assert_string_equal(c.web.passwordfile, "/etc/engarde/web.password");
	assert_int_equal(c.web.tls, WEB_TLS_OFF);
	assert_string_equal(c.user, "_eg");
	assert_string_equal(c.chroot, "/");
	assert_string_equal(c.csock, "/run/engarded-server.sock");
	assert_int_equal(c.sockbuf, 65536);
}

/* The mapping and the sequence form of interfaceLabels are one. */
static void
test_labels_forms(void **state)
{
	struct config	 a, b;

	(void)state;
	memset(&b, 0x77, sizeof(b));
	expect_ok("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  interfaceLabels:\n    eth0: \"Fibre\"\n    'wlan0': Wi-Fi\n",
	    ROLE_NONE, &a);
	expect_ok("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  interfaceLabels:\n    - ifName: eth0\n      label: Fibre\n"
	    "    - label: \"Wi-Fi\"\n      ifName: \"wlan0\"\n",
	    ROLE_NONE, &b);
	assert_int_equal(a.nlabels, 2);
	assert_string_equal(a.labels[1].ifname, "wlan0");
	assert_string_equal(a.labels[1].label, "Wi-Fi");
	assert_memory_equal(&a, &b, sizeof(a));

	expect_ok("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  interfaceLabels: {}\n  excludedInterfaces: []\n"
	    "  dstOverrides: []\n", ROLE_NONE, &a);
	assert_int_equal(a.nlabels + a.nexcluded + a.noverrides, 0);
}

/* Go engarde's sample layout, both sections and every key. */
static const char go_both[] =
    "---\n"
    "# Client configuration\n"
    "client:\n"
    "  description: \"My engarde-client instance\"\n"
    "  listenAddr: \"127.0.0.1:59401\"\n"
    "  dstAddr: \"1.2.3.4:59501\"\n"
    "  writeTimeout: 10\n"
    "  excludedInterfaces:\n"
    "    - \"wg0\"\n"
    "    - \"docker0\"\n"
    "  interfaceLabels:\n"
    "    - ifName: \"eth0\"\n"
    "      label: \"DSL\"\n"
    "  dstOverrides:\n"
    "    - ifName: \"wwan0\"\n"
    "      dstAddr: \"5.6.7.8:59501\"\n"
    "  webManager:\n"
    "    listenAddr: \"0.0.0.0:9001\"\n"
    "    username: \"engarde\"\n"
    "    password: \"engarde\"\n"
    "\n"
    "# Server configuration\n"
    "server:\n"
    "  description: \"My engarde-server instance\"\n"
    "  listenAddr: \"0.0.0.0:59501\"\n"
    "  dstAddr: \"127.0.0.1:59301\"\n"
    "  clientTimeout: 30\n"
    "  writeTimeout: 10\n"
    "  webManager:\n"
    "    listenAddr: \"0.0.0.0:9002\"\n"
    "    username: \"engarde\"\n"
    "    password: \"engarde\"\n";

static void
test_go_both_sections(void **state)
{
	struct config	 c;

	(void)state;
	expect_errs(go_both, ROLE_NONE, 1, ": both client and server "
	    "sections: choose one with -r client or -r server", NULL);

	expect_ok(go_both, ROLE_CLIENT, &c);
	assert_int_equal(c.role, ROLE_CLIENT);
	assert_string_equal(c.description, "My engarde-client instance");
	check_addr(&c.listen, "127.0.0.1:59401");
	check_addr(&c.dst, "1.2.3.4:59501");
	assert_int_equal(c.write_timeout, 10);
	assert_int_equal(c.nexcluded, 2);
	assert_int_equal(c.nlabels, 1);
	assert_string_equal(config_label_for(&c, "eth0"), "DSL");
	assert_int_equal(c.noverrides, 1);
	check_addr(config_dst_for(&c, "wwan0"), "5.6.7.8:59501");
	check_addr(&c.web.listen, "0.0.0.0:9001");

	expect_ok(go_both, ROLE_SERVER, &c);
	assert_int_equal(c.role, ROLE_SERVER);
	assert_string_equal(c.description, "My engarde-server instance");
	check_addr(&c.listen, "0.0.0.0:59501");
	check_addr(&c.dst, "127.0.0.1:59301");
	assert_int_equal(c.client_timeout, 30);
	assert_int_equal(c.write_timeout, 10);
	assert_int_equal(c.nexcluded + c.nlabels + c.noverrides, 0);
	assert_int_equal(c.web.enabled, 1);
	check_addr(&c.web.listen, "0.0.0.0:9002");
	assert_string_equal(c.web.username, "engarde");
}

static void
test_ipv6(void **state)
{
	struct config			 c;
	const struct sockaddr_in6	*sin6;

	(void)state;
	expect_ok("client:\n  listenAddr: \"[::]:59401\"\n"
	    "  dstAddr: \"[2001:db8::1]:59501\"\n"
	    "  dstOverrides:\n    - ifName: lo\n"
	    "      dstAddr: \"[fe80::1%lo]:7\"\n"
	    "  webManager:\n    listenAddr: \"[::ffff:192.0.2.1]:9001\"\n",
	    ROLE_NONE, &c);
	assert_int_equal(c.listen.ss_family, AF_INET6);
	assert_true(addr_is_any(&c.listen));
	check_addr(&c.listen, "[::]:59401");
	check_addr(&c.dst, "[2001:db8::1]:59501");
	sin6 = (const struct sockaddr_in6 *)&c.overrides[0].dst;
	assert_int_equal(sin6->sin6_scope_id, if_nametoindex("lo"));
	assert_int_equal(addr_port(&c.overrides[0].dst), 7);
	check_addr(&c.web.listen, "[::ffff:192.0.2.1]:9001");
}

static void
test_hostname(void **state)
{
	struct config	 c;

	(void)state;
	expect_ok("server:\n  listenAddr: \"localhost:59501\"\n"
	    "  dstAddr: localhost:59301\n", ROLE_NONE, &c);
	assert_true(addr_is_loopback(&c.listen));
	assert_int_equal(addr_port(&c.listen), 59501);
	assert_true(addr_is_loopback(&c.dst));
}

/* Go users write numbers bare or quoted; sizes take K and M. */
static void
test_numbers(void **state)
{
	struct config	 c;

	(void)state;
	expect_ok("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  writeTimeout: \"10\"\n  clientTimeout: '45'\n"
	    "  socketBuffer: \"64K\"\n", ROLE_NONE, &c);
	assert_int_equal(c.write_timeout, 10);
	assert_int_equal(c.client_timeout, 45);
	assert_int_equal(c.sockbuf, 65536);
	expect_ok("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  writeTimeout: 3600000\n  clientTimeout: 1\n"
	    "  socketBuffer: 256m\n", ROLE_NONE, &c);
	assert_int_equal(c.write_timeout, 3600000);
	assert_int_equal(c.client_timeout, 1);
	assert_int_equal(c.sockbuf, 256 * 1024 * 1024);
	expect_ok("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  socketBuffer: 100000\n", ROLE_NONE, &c);
	assert_int_equal(c.sockbuf, 100000);
	expect_ok("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  socketBuffer: 96k\n", ROLE_NONE, &c);
	assert_int_equal(c.sockbuf, 96 * 1024);
}

/* Empty values of optional keys mean "not set". */
static void
test_nulls(void **state)
{
	struct config	 c, d;

	(void)state;
	expect_ok("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  description:\n  writeTimeout: ~\n  excludedInterfaces: null\n"
	    "  interfaceLabels:\n  dstOverrides: ~\n  user:\n  chroot: ~\n"
	    "  controlSocket: NULL\n  socketBuffer:\n  webManager:\n",
	    ROLE_NONE, &c);
	config_defaults(&d, ROLE_CLIENT);
	memcpy(&d.listen, &c.listen, sizeof(d.listen));
	memcpy(&d.dst, &c.dst, sizeof(d.dst));
	memcpy(&d.dsts[0], &c.dst, sizeof(d.dst));
	d.ndsts = 1;
	assert_memory_equal(&c, &d, sizeof(c));
	expect_ok("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  webManager:\n    listenAddr: ~\n    username:\n"
	    "    password: ~\n    passwordFile:\n    tls: null\n",
	    ROLE_NONE, &c);
	assert_memory_equal(&c, &d, sizeof(c));

	/*
	 * A web manager without listenAddr is off, credentials and all, and
	 * tls: off needs no loopback address then.
	 */
	expect_ok("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  webManager:\n    listenAddr: \"\"\n    username: a\n"
	    "    password: b\n", ROLE_NONE, &c);
	assert_memory_equal(&c, &d, sizeof(c));
	expect_ok("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  webManager:\n    username: a\n    passwordFile: /p\n"
	    "    tls: {certificate: /c, key: /k}\n", ROLE_NONE, &c);
	assert_memory_equal(&c, &d, sizeof(c));
	expect_ok("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  webManager:\n    tls: off\n", ROLE_NONE, &c);
	assert_memory_equal(&c, &d, sizeof(c));

	/* Quoted, "null" is a string. */
	expect_ok("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  description: \"null\"\n", ROLE_NONE, &c);
	assert_string_equal(c.description, "null");
}

static void
test_err_malformed(void **state)
{
	(void)state;
	expect_errs("client:\n  listenAddr: a\n dstAddr: b\n", ROLE_NONE, 1,
	    ":3: malformed YAML: did not find expected key (while parsing a "
	    "block mapping at line 1)", NULL);
	expect_errs("client:\n  listenAddr: \"1.2.3.4:1\n", ROLE_NONE, 1,
	    ":3: malformed YAML: found unexpected end of stream (while "
	    "scanning a quoted scalar at line 2)", NULL);
	expect_errs("client: [a\n", ROLE_NONE, 1, ":2: malformed YAML: did "
	    "not find expected ',' or ']' (while parsing a flow sequence at "
	    "line 1)", NULL);
	expect_errs("client:\n  description: \"\x01\"\n", ROLE_NONE, 1,
	    ":2: malformed YAML: control characters are not allowed", NULL);
	expect_errs("client:\n  listenAddr: :1\n  dstAddr: :2\n---\n"
	    "server: {}\n", ROLE_NONE, 1, ":4: more than one YAML document",
	    NULL);
}

static void
test_err_missing(void **state)
{
	(void)state;
	expect_errs("client:\n  description: x\n", ROLE_NONE, 2,
	    ":1: client: missing listenAddr", ":1: client: missing dstAddr",
	    NULL);
	expect_errs("\nserver:\n  listenAddr: \"\"\n  dstAddr:\n", ROLE_NONE,
	    2, ":2: server: missing listenAddr",
	    ":2: server: missing dstAddr", NULL);
	expect_errs("server: ~\n", ROLE_NONE, 2,
	    ":1: server: missing listenAddr", ":1: server: missing dstAddr",
	    NULL);
	expect_errs("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  dstOverrides:\n    - ifName: eth0\n    - dstAddr: :3\n"
	    "  interfaceLabels:\n    - ifName: eth1\n    - label: x\n"
	    "    - ifName: eth2\n      label: \"\"\n", ROLE_NONE, 5,
	    ":5: client.dstOverrides[0]: missing dstAddr",
	    ":6: client.dstOverrides[1]: missing ifName",
	    ":8: client.interfaceLabels[0]: missing label",
	    ":9: client.interfaceLabels[1]: missing ifName",
	    ":10: client.interfaceLabels[2]: missing label", NULL);
	expect_errs("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  interfaceLabels:\n    eth0:\n    eth1: ''\n"
	    "  excludedInterfaces:\n    - \"\"\n    -\n", ROLE_NONE, 4,
	    ":5: client.interfaceLabels.eth0: missing label",
	    ":6: client.interfaceLabels.eth1: missing label",
	    ":8: client.excludedInterfaces[0]: empty interface name",
	    ":9: client.excludedInterfaces[1]: empty interface name", NULL);
}

static void
test_err_address(void **state)
{
	(void)state;
	expect_errs("client:\n"
	    "  listenAddr: nope\n"
	    "  dstAddr: \"1.2.3.4\"\n"
	    "  dstOverrides:\n"
	    "    - ifName: a\n      dstAddr: \"1.2.3.4:0\"\n"
	    "    - ifName: b\n      dstAddr: \"1.2.3.4:65536\"\n"
	    "    - ifName: c\n      dstAddr: \"[2001:db8::1]\"\n"
	    "    - ifName: d\n      dstAddr: \"2001:db8::1:5\"\n"
	    "    - ifName: e\n      dstAddr: \"1.2.3.4:\"\n"
	    "    - ifName: f\n      dstAddr: \"1.2.3.4:http\"\n"
	    "    - ifName: g\n      dstAddr: \"[::1]:0\"\n"
	    "  webManager:\n    listenAddr: \"no-such-host.invalid:9001\"\n",
	    ROLE_NONE, 10,
	    ":2: client.listenAddr: \"nope\": missing port",
	    ":3: client.dstAddr: \"1.2.3.4\": missing port",
	    ":6: client.dstOverrides[0].dstAddr: \"1.2.3.4:0\": port must be "
	    "1 to 65535",
	    ":8: client.dstOverrides[1].dstAddr: \"1.2.3.4:65536\": port must "
	    "be 1 to 65535",
	    ":10: client.dstOverrides[2].dstAddr: \"[2001:db8::1]\": missing "
	    "port",
	    ":12: client.dstOverrides[3].dstAddr: \"2001:db8::1:5\": invalid "
	    "address, expected host:port or [address]:port",
	    ":14: client.dstOverrides[4].dstAddr: \"1.2.3.4:\": missing port",
	    ":16: client.dstOverrides[5].dstAddr: \"1.2.3.4:http\": invalid "
	    "address, expected host:port or [address]:port",
	    ":18: client.dstOverrides[6].dstAddr: \"[::1]:0\": port must be 1 "
	    "to 65535",
	    ":20: client.webManager.listenAddr: \"no-such-host.invalid:9001\": "
	    "host not found", NULL);
}

/* dedup takes the usual words for on and off, and nothing else. */
static void
test_dedup(void **state)
{
	struct config	conf;

	(void)state;
	expect_ok("server:\n  listenAddr: :1\n  dstAddr: :2\n", ROLE_NONE,
	    &conf);
	assert_int_equal(conf.dedup, 0);
	expect_ok("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  dedup: on\n", ROLE_NONE, &conf);
	assert_int_equal(conf.dedup, 1);
	expect_ok("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  dedup: \"Yes\"\n", ROLE_NONE, &conf);
	assert_int_equal(conf.dedup, 1);
	expect_ok("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  dedup: false\n", ROLE_NONE, &conf);
	assert_int_equal(conf.dedup, 0);
	expect_errs("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  dedup: sometimes\n", ROLE_NONE, 1,
	    ":4: server.dedup: \"sometimes\": expected on or off", NULL);
	expect_errs("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  dedup: [on]\n", ROLE_NONE, 1,
	    ":4: server.dedup: expected on or off, not a sequence", NULL);
	round_trip("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  dedup: on\n", ROLE_NONE);
}

/* realtimePriority: off by default, SCHED_FIFO's 1 to 99 when set. */
static void
test_rtprio(void **state)
{
	struct config	conf;

	(void)state;
	expect_ok("client:\n  listenAddr: :1\n  dstAddr: :2\n", ROLE_NONE,
	    &conf);
	assert_int_equal(conf.rtprio, 0);
	expect_ok("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  realtimePriority: 99\n", ROLE_NONE, &conf);
	assert_int_equal(conf.rtprio, 99);
	expect_ok("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  realtimePriority: 0\n", ROLE_NONE, &conf);
	assert_int_equal(conf.rtprio, 0);
	expect_errs("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  realtimePriority: 100\n", ROLE_NONE, 1,
	    ":4: server.realtimePriority: \"100\": must be at most 99", NULL);
	expect_errs("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  realtimePriority: fifo\n", ROLE_NONE, 1,
	    ":4: server.realtimePriority: \"fifo\": not an integer", NULL);
	round_trip("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  realtimePriority: 20\n", ROLE_NONE);
}

/* Go engarde reads clientTimeout: 0 as its default of 30 s. */
static void
test_client_timeout_zero(void **state)
{
	struct config	conf;

	(void)state;
	expect_ok("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  clientTimeout: 0\n", ROLE_NONE, &conf);
	assert_int_equal(conf.client_timeout, 30);
}

static void
test_err_numbers(void **state)
{
	(void)state;
	expect_errs("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  writeTimeout: -5\n  clientTimeout: \"-1\"\n", ROLE_NONE, 2,
	    ":4: server.writeTimeout: \"-5\": must not be negative",
	    ":5: server.clientTimeout: \"-1\": must not be negative", NULL);
	expect_errs("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  writeTimeout: 3600001\n  clientTimeout: 86401\n", ROLE_NONE, 2,
	    ":4: server.writeTimeout: \"3600001\": must be at most 3600000",
	    ":5: server.clientTimeout: \"86401\": must be at most 86400", NULL);
	expect_errs("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  writeTimeout: 10ms\n  clientTimeout: 1.5\n"
	    "  socketBuffer: 4G\n", ROLE_NONE, 3,
	    ":4: server.writeTimeout: \"10ms\": not an integer",
	    ":5: server.clientTimeout: \"1.5\": not an integer",
	    ":6: server.socketBuffer: \"4G\": not a size (bytes, or with a K "
	    "or M suffix)", NULL);
	expect_errs("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  writeTimeout: 99999999999999999999999\n"
	    "  socketBuffer: 65535\n", ROLE_NONE, 2,
	    ":4: server.writeTimeout: \"99999999999999999999999\": must be at "
	    "most 3600000",
	    ":5: server.socketBuffer: \"65535\": must be between 64K and 256M",
	    NULL);
	expect_errs("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  socketBuffer: 257M\n", ROLE_NONE, 1,
	    ":4: server.socketBuffer: \"257M\": must be between 64K and 256M",
	    NULL);
	expect_errs("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  socketBuffer: 99999999999999999999K\n", ROLE_NONE, 1,
	    ":4: server.socketBuffer: \"99999999999999999999K\": must be "
	    "between 64K and 256M", NULL);
}

static void
test_err_unknown_key(void **state)
{
	(void)state;
	expect_errs("clinet:\n  listenAddr: :1\n", ROLE_NONE, 2,
	    ":1: clinet: unknown key, did you mean client?",
	    ": no client or server section", NULL);
	expect_errs("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  dstadr: \"1.2.3.4:1\"\n  LISTENADDR: x\n  frobnicate: 1\n"
	    "  webManager:\n    listenAddr: :3\n    usrname: a\n"
	    "  dstOverrides:\n    - ifname: eth0\n      dstAddr: :4\n",
	    ROLE_NONE, 6,
	    ":4: client.dstadr: unknown key, did you mean dstAddr?",
	    ":5: client.LISTENADDR: unknown key, did you mean listenAddr?",
	    ":6: client.frobnicate: unknown key",
	    ":9: client.webManager.usrname: unknown key, did you mean "
	    "username?",
	    ":11: client.dstOverrides[0].ifname: unknown key, did you mean "
	    "ifName?",
	    ":11: client.dstOverrides[0]: missing ifName", NULL);
	/* Odd bytes in a key are shown escaped. */
	expect_errs("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  \"a\\tb\\\"\": 1\n", ROLE_NONE, 1,
	    ":4: client.a\\x09b\\\": unknown key", NULL);
}

static void
test_err_type(void **state)
{
	(void)state;
	expect_errs("client:\n  listenAddr: [a]\n  dstAddr: {a: b}\n"
	    "  description: [x]\n  writeTimeout: {a: 1}\n"
	    "  excludedInterfaces: wg0\n  interfaceLabels: x\n"
	    "  dstOverrides: {a: b}\n  webManager: \"\"\n  user: []\n"
	    "  chroot: [/]\n  socketBuffer: [1]\n", ROLE_NONE, 11,
	    ":2: client.listenAddr: expected an address, not a sequence",
	    ":3: client.dstAddr: expected an address or a sequence of "
	    "addresses, not a mapping",
	    ":4: client.description: expected a string, not a sequence",
	    ":5: client.writeTimeout: expected an integer, not a mapping",
	    ":6: client.excludedInterfaces: expected a sequence, not a string",
	    ":7: client.interfaceLabels: expected a mapping or a sequence, "
	    "not a string",
	    ":8: client.dstOverrides: expected a sequence, not a mapping",
	    ":9: client.webManager: expected a mapping, not a string",
	    ":10: client.user: expected a string, not a sequence",
	    ":11: client.chroot: expected a path, not a sequence",
	    ":12: client.socketBuffer: expected a size, not a sequence", NULL);
	expect_errs("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  excludedInterfaces:\n    - [a]\n  dstOverrides:\n    - x\n"
	    "  interfaceLabels:\n    - [y]\n    - ifName: {a: 1}\n"
	    "      label: [z]\n  ? [k]\n  : v\n", ROLE_NONE, 6,
	    ":5: client.excludedInterfaces[0]: expected a string, not a "
	    "sequence",
	    ":7: client.dstOverrides[0]: expected a mapping, not a string",
	    ":9: client.interfaceLabels[0]: expected a mapping, not a "
	    "sequence",
	    ":10: client.interfaceLabels[1].ifName: expected a string, not a "
	    "mapping",
	    ":11: client.interfaceLabels[1].label: expected a string, not a "
	    "sequence",
	    ":12: client: expected a string key, not a sequence", NULL);
	expect_errs("- client\n", ROLE_NONE, 1, ":1: expected a mapping with "
	    "a client or server section, not a sequence", NULL);
	expect_errs("client\n", ROLE_NONE, 1, ":1: expected a mapping with "
	    "a client or server section, not a string", NULL);
	expect_errs("client: x\n", ROLE_NONE, 1,
	    ":1: client: expected a mapping, not a string", NULL);
}

static void
test_err_too_many(void **state)
{
	struct config	 c;
	char		 text[16384];
	size_t		 len;
	int		 i, n;

	(void)state;
	for (n = CONF_MAX_IFS; n <= CONF_MAX_IFS + 1; n++) {
		len = strlcpy(text, "client:\n  listenAddr: :1\n  dstAddr: :2\n"
		    "  excludedInterfaces:\n", sizeof(text));
		for (i = 0; i < n; i++)
			len += snprintf(text + len, sizeof(text) - len,
			    "    - eth%d\n", i);
		len += strlcpy(text + len, "  dstOverrides:\n",
		    sizeof(text) - len);
		for (i = 0; i < n; i++)
			len += snprintf(text + len, sizeof(text) - len,
			    "    - {ifName: eth%d, dstAddr: \":%d\"}\n", i,
			    i + 1);
		len += strlcpy(text + len, "  interfaceLabels:\n",
		    sizeof(text) - len);
		for (i = 0; i < n; i++)
			len += snprintf(text + len, sizeof(text) - len,
			    "    eth%d: x\n", i);
		assert_true(len < sizeof(text));
		if (n == CONF_MAX_IFS) {
			expect_ok(text, ROLE_NONE, &c);
			assert_int_equal(c.nexcluded, CONF_MAX_IFS);
			assert_int_equal(c.noverrides, CONF_MAX_IFS);
			assert_int_equal(c.nlabels, CONF_MAX_IFS);
			assert_string_equal(c.excluded[CONF_MAX_IFS - 1],
			    "eth63");
			continue;
		}
		expect_errs(text, ROLE_NONE, 3,
		    ":69: client.excludedInterfaces: too many entries "
		    "(at most 64)",
		    ":135: client.dstOverrides: too many entries (at most 64)",
		    ":201: client.interfaceLabels: too many entries "
		    "(at most 64)", NULL);
	}
}

static void
test_err_too_long(void **state)
{
	struct config	 c;
	char		 text[4096], a[300], b[300];

	(void)state;
	/* Each at its limit parses. */
	memset(a, 'd', 255);
	a[255] = '\0';
	memset(b, 'l', 63);
	b[63] = '\0';
	snprintf(text, sizeof(text), "client:\n  listenAddr: :1\n"
	    "  dstAddr: :2\n  description: %s\n"
	    "  interfaceLabels: {abcdefghijklmno: %s}\n"
	    "  user: %.63s\n  chroot: /%.254s\n  controlSocket: /%.106s\n"
	    "  webManager: {listenAddr: \":3\", username: %.127s, "
	    "password: %.127s}\n", a, b, a, a, a, a, a);
	expect_ok(text, ROLE_NONE, &c);
	assert_int_equal(strlen(c.description), 255);
	assert_int_equal(strlen(c.labels[0].ifname), IFNAMSIZ - 1);
	assert_int_equal(strlen(c.labels[0].label), CONF_LABEL_LEN - 1);
	assert_int_equal(strlen(c.csock), 107);
	assert_int_equal(strlen(c.web.password), CONF_CRED_LEN - 1);

	/* One byte more is too long. */
	memset(a, 'd', 256);
	a[256] = '\0';
	memset(b, 'l', 64);
	b[64] = '\0';
	snprintf(text, sizeof(text), "client:\n  listenAddr: :1\n"
	    "  dstAddr: :2\n  description: %s\n"
	    "  interfaceLabels: {abcdefghijklmnop: %s}\n"
	    "  user: %.64s\n  chroot: /%.255s\n  controlSocket: /%.107s\n"
	    "  webManager: {listenAddr: \":3\", username: %.128s, "
	    "password: %.128s}\n"
	    "  excludedInterfaces: [\"a b\", a/b, \"..\"]\n",
	    a, b, a, a, a, a, a);
	expect_errs(text, ROLE_NONE, 11,
	    ":4: client.description: too long (at most 255 bytes)",
	    ":5: client.interfaceLabels.abcdefghijklmnop: too long "
	    "(at most 15 bytes)",
	    ":5: client.interfaceLabels.abcdefghijklmnop: too long "
	    "(at most 63 bytes)",
	    ":6: client.user: too long (at most 63 bytes)",
	    ":7: client.chroot: too long (at most 255 bytes)",
	    ":8: client.controlSocket: too long (at most 107 bytes)",
	    ":9: client.webManager.username: too long (at most 127 bytes)",
	    ":9: client.webManager.password: too long (at most 127 bytes)",
	    ":10: client.excludedInterfaces[0]: \"a b\": invalid interface "
	    "name",
	    ":10: client.excludedInterfaces[1]: \"a/b\": invalid interface "
	    "name",
	    ":10: client.excludedInterfaces[2]: \"..\": invalid interface "
	    "name", NULL);
}

static void
test_err_roles(void **state)
{
	(void)state;
	expect_errs("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "server:\n  listenAddr: :3\n  dstAddr: :4\n", ROLE_NONE, 1,
	    ": both client and server sections: choose one with -r client or "
	    "-r server", NULL);
	expect_errs("client:\n  listenAddr: :1\n  dstAddr: :2\n",
	    ROLE_SERVER, 1, ": no server section", NULL);
	expect_errs("server:\n  listenAddr: :1\n  dstAddr: :2\n",
	    ROLE_CLIENT, 1, ": no client section", NULL);
	expect_errs("", ROLE_NONE, 1, ": no client or server section", NULL);
	expect_errs("# nothing\n---\n", ROLE_NONE, 1,
	    ": no client or server section", NULL);
	expect_errs("", ROLE_CLIENT, 1, ": no client section", NULL);

	/* The other section is checked too. */
	expect_errs("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "server:\n  listenAddr: :3\n", ROLE_CLIENT, 1,
	    ":4: server: missing dstAddr", NULL);

	/* Keys of the other role. */
	expect_errs("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  clientTimeout: 30\n"
	    "server:\n  listenAddr: :3\n  dstAddr: :4\n"
	    "  excludedInterfaces: []\n  interfaceLabels: {}\n"
	    "  dstOverrides:\n", ROLE_SERVER, 4,
	    ":4: client.clientTimeout: only valid in the server section",
	    ":8: server.excludedInterfaces: only valid in the client section",
	    ":9: server.interfaceLabels: only valid in the client section",
	    ":10: server.dstOverrides: only valid in the client section",
	    NULL);
}

static void
test_err_anchors(void **state)
{
	(void)state;
	expect_errs("client:\n  listenAddr: &a \":1\"\n  dstAddr: *a\n"
	    "  excludedInterfaces: &l [a]\n  webManager: &w {}\n"
	    "base: &b {}\nserver: *b\n", ROLE_NONE, 7,
	    ":2: client.listenAddr: anchors and aliases are not supported",
	    ":3: client.dstAddr: anchors and aliases are not supported",
	    ":4: client.excludedInterfaces: anchors and aliases are not "
	    "supported",
	    ":5: client.webManager: anchors and aliases are not supported",
	    ":6: base: unknown key",
	    ":7: server: anchors and aliases are not supported",
	    ": both client and server sections: choose one with -r client or "
	    "-r server", NULL);
	expect_errs("&r\nclient: {}\n", ROLE_NONE, 1,
	    ":1: anchors and aliases are not supported", NULL);
}

static void
test_err_duplicates(void **state)
{
	(void)state;
	expect_errs("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  listenAddr: :3\n  dstOverrides:\n"
	    "    - {ifName: eth0, dstAddr: \":4\"}\n"
	    "    - {ifName: eth0, dstAddr: \":5\", ifName: eth1}\n"
	    "    - {ifName: eth0, dstAddr: \":4\"}\n"
	    "  interfaceLabels:\n    eth0: a\n    eth0: b\n"
	    "client: {}\n", ROLE_NONE, 5,
	    ":4: client.listenAddr: duplicate key, first at line 2",
	    ":7: client.dstOverrides[1].ifName: duplicate key, first at "
	    "line 7",
	    ":8: client.dstOverrides[2]: duplicate entry, first at line 6",
	    ":11: client.interfaceLabels.eth0: duplicate interface \"eth0\", "
	    "first at line 10",
	    ":12: client: duplicate key, first at line 1", NULL);
	/* In the mapping form of labels, a repeated name is a repeated key. */
	expect_errs("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  interfaceLabels:\n    eth0: a\n    eth0: b\n", ROLE_NONE, 1,
	    ":6: client.interfaceLabels.eth0: duplicate interface \"eth0\", "
	    "first at line 5", NULL);
}

static void
test_err_values(void **state)
{
	(void)state;
	expect_errs("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  chroot: var/empty\n  controlSocket: \"\"\n  user: \"\"\n"
	    "  description: \"a\\0b\"\n", ROLE_NONE, 4,
	    ":4: server.chroot: \"var/empty\": must be an absolute path",
	    ":5: server.controlSocket: \"\": must be an absolute path",
	    ":6: server.user: must not be empty",
	    ":7: server.description: contains a NUL character", NULL);
}

/* All problems in one pass, in line order, as FILE:LINE: KEY: message. */
static void
test_err_one_pass(void **state)
{
	char	 want[4096];

	(void)state;
	expect_errs("client:\n"			/* 1 */
	    "  dstadr: \"1.2.3.4:1\"\n"		/* 2 */
	    "  listenAddr: 1.2.3.4\n"		/* 3 */
	    "  writeTimeout: -5\n"		/* 4 */
	    "  clientTimeout: 3\n"		/* 5 */
	    "  excludedInterfaces: wg0\n"	/* 6 */
	    "  dstOverrides:\n"			/* 7 */
	    "    - ifName: eth1\n"		/* 8 */
	    "      dstAddr: \"1.2.3.4:0\"\n"	/* 9 */
	    "    - ifName: eth2\n"		/* 10 */
	    "      dstAddr: \"5.6.7.8:1\"\n"	/* 11 */
	    "  socketBuffer: 1K\n"		/* 12 */
	    "server:\n"				/* 13 */
	    "  listenAddr: \":1\"\n"		/* 14 */
	    "  Description: x\n"		/* 15 */
	    "bogus: 1\n",			/* 16 */
	    ROLE_NONE, 12, NULL);
	snprintf(want, sizeof(want),
	    "%1$s:1: client: missing dstAddr\n"
	    "%1$s:2: client.dstadr: unknown key, did you mean dstAddr?\n"
	    "%1$s:3: client.listenAddr: \"1.2.3.4\": missing port\n"
	    "%1$s:4: client.writeTimeout: \"-5\": must not be negative\n"
	    "%1$s:5: client.clientTimeout: only valid in the server section\n"
	    "%1$s:6: client.excludedInterfaces: expected a sequence, not a "
	    "string\n"
	    "%1$s:9: client.dstOverrides[0].dstAddr: \"1.2.3.4:0\": port must "
	    "be 1 to 65535\n"
	    "%1$s:12: client.socketBuffer: \"1K\": must be between 64K and "
	    "256M\n"
	    "%1$s:13: server: missing dstAddr\n"
	    "%1$s:15: server.Description: unknown key, did you mean "
	    "description?\n"
	    "%1$s:16: bogus: unknown key\n"
	    "%1$s: both client and server sections: choose one with -r client "
	    "or -r server\n", tmppath);
	assert_string_equal(errs, want);
}

static void
test_err_file(void **state)
{
	struct config	 c;
	char		*big;
	int		 n;

	(void)state;
	n = config_parse("/nonexistent/engarded.yml", ROLE_NONE, &c, errs,
	    sizeof(errs));
	assert_int_equal(n, 1);
	assert_string_equal(errs, "/nonexistent/engarded.yml: open: No such "
	    "file or directory\n");

	n = config_parse("/tmp", ROLE_NONE, &c, errs, sizeof(errs));
	assert_int_equal(n, 1);
	assert_string_equal(errs, "/tmp: not a regular file\n");

	/* A FIFO with no writer: refused at once, never waited on. */
	write_file("", 0);
	unlink(tmppath);
	assert_int_equal(mkfifo(tmppath, 0600), 0);
	n = config_parse(tmppath, ROLE_NONE, &c, errs, sizeof(errs));
	unlink(tmppath);
	assert_int_equal(n, 1);
	expect_err(": not a regular file");

	/* Comments only, just too big. */
	assert_non_null(big = malloc(1024 * 1024 + 1));
	memset(big, '#', 1024 * 1024 + 1);
	write_file(big, 1024 * 1024 + 1);
	n = config_parse(tmppath, ROLE_NONE, &c, errs, sizeof(errs));
	unlink(tmppath);
	assert_int_equal(n, 1);
	expect_err(": larger than 1048576 bytes");

	/* At the limit, it is read (and is empty). */
	big[0] = '\n';
	write_file(big, 1024 * 1024);
	n = config_parse(tmppath, ROLE_NONE, &c, errs, sizeof(errs));
	unlink(tmppath);
	assert_int_equal(n, 1);
	expect_err(": no client or server section");
	free(big);
}

/* Hostile input: nesting, node counts. */
static void
test_err_hostile(void **state)
{
	char	*text;
	size_t	 i, len;

	(void)state;
	expect_errs("client: [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]\n",
	    ROLE_NONE, 1, ":1: nesting deeper than 8 levels", NULL);
	expect_errs("a:\n b:\n  c:\n   d:\n    e:\n     f:\n      g:\n"
	    "       h:\n        i: 1\n", ROLE_NONE, 1,
	    ":9: nesting deeper than 8 levels", NULL);

	/* A wide flow sequence: counted and stopped. */
	len = 16 + 2 * 70000;
	assert_non_null(text = malloc(len + 4));
	strlcpy(text, "client: [", len);
	for (i = strlen(text); i < len; i += 2)
		memcpy(text + i, "a,", 2);
	memcpy(text + len, "a]\n", 4);
	expect_errs(text, ROLE_NONE, 1, ":1: more than 65536 YAML nodes",
	    NULL);
	free(text);
}

/* A small buffer takes whole lines, and NULL nothing. */
static void
test_errs_buffer(void **state)
{
	struct config	 c;
	char		 small[120], line[256];
	int		 n;

	(void)state;
	write_file("client:\n  a: 1\n  b: 2\n  c: 3\n", 29);
	n = config_parse(tmppath, ROLE_NONE, &c, small, sizeof(small));
	assert_int_equal(n, 5);
	snprintf(line, sizeof(line), "%s:1: client: missing listenAddr\n"
	    "%s:1: client: missing dstAddr\n", tmppath, tmppath);
	assert_string_equal(small, line);

	n = config_parse(tmppath, ROLE_NONE, &c, small, 10);
	assert_int_equal(n, 5);
	assert_int_equal(strlen(small), 9);
	assert_memory_equal(small, tmppath, 9);

	n = config_parse(tmppath, ROLE_NONE, &c, NULL, 0);
	assert_int_equal(n, 5);
	unlink(tmppath);
}

static void
test_helpers(void **state)
{
	struct config	 c;

	(void)state;
	expect_ok(client_all, ROLE_NONE, &c);
	check_addr(config_dst_for(&c, "wwan0"), "198.51.100.7:59502");
	check_addr(config_dst_for(&c, "eth1"), "[2001:db8::7]:59503");
	assert_ptr_equal(config_dst_for(&c, "eth0"), &c.dst);
	assert_ptr_equal(config_dst_for(&c, NULL), &c.dst);
	assert_string_equal(config_label_for(&c, "eth0"), "Fibre");
	assert_string_equal(config_label_for(&c, "wwan0"), "LTE");
	assert_null(config_label_for(&c, "eth1"));
	assert_null(config_label_for(&c, NULL));
	assert_int_equal(config_excluded(&c, "wg0"), 1);
	assert_int_equal(config_excluded(&c, "docker0"), 1);
	assert_int_equal(config_excluded(&c, "eth0"), 0);
	assert_int_equal(config_excluded(&c, "wg"), 0);
	assert_int_equal(config_excluded(&c, NULL), 0);
}

/* The same file gives the same bytes, whatever the struct held before. */
static void
test_deterministic(void **state)
{
	struct config	 a, b;

	(void)state;
	memset(&a, 0x00, sizeof(a));
	memset(&b, 0xff, sizeof(b));
	expect_ok(client_all, ROLE_NONE, &a);
	expect_ok(client_all, ROLE_NONE, &b);
	assert_memory_equal(&a, &b, sizeof(a));

	/* A failed parse leaves the defaults. */
	memset(&a, 0xff, sizeof(a));
	assert_int_equal(parse("client: {}\n", ROLE_CLIENT, &a), 2);
	config_defaults(&b, ROLE_CLIENT);
	assert_memory_equal(&a, &b, sizeof(a));
}

static void
test_print_client(void **state)
{
	struct config	 c;
	char		*out;

	(void)state;
	expect_ok(client_all, ROLE_NONE, &c);
	out = print_capture(&c);
	assert_string_equal(out,
	    "client:\n"
	    "  description: \"My engarde-client instance\"\n"
	    "  listenAddr: \"127.0.0.1:59401\"\n"
	    "  dstAddr: \"192.0.2.1:59501\"\n"
	    "  writeTimeout: 25\n"
	    "  excludedInterfaces:\n"
	    "    - \"wg0\"\n"
	    "    - \"lo\"\n"
	    "    - \"docker0\"\n"
	    "  interfaceLabels:\n"
	    "    - ifName: \"eth0\"\n"
	    "      label: \"Fibre\"\n"
	    "    - ifName: \"wwan0\"\n"
	    "      label: \"LTE\"\n"
	    "  dstOverrides:\n"
	    "    - ifName: \"wwan0\"\n"
	    "      dstAddr: \"198.51.100.7:59502\"\n"
	    "    - ifName: \"eth1\"\n"
	    "      dstAddr: \"[2001:db8::7]:59503\"\n"
	    "  webManager:\n"
	    "    listenAddr: \"0.0.0.0:9001\"\n"
	    "    username: \"engarde\"\n"
	    "    password: \"s3cret\"\n"
	    "    tls: auto\n"
	    "  user: \"nobody\"\n"
	    "  chroot: \"/var/lib/engarde\"\n"
	    "  controlSocket: \"/var/run/eg.sock\"\n"
	    "  socketBuffer: 8M\n"
	    "  dedup: off\n"
	    "  realtimePriority: 0\n");
	free(out);

	expect_ok("client:\n  listenAddr: :1\n  dstAddr: :2\n", ROLE_NONE,
	    &c);
	out = print_capture(&c);
	assert_string_equal(out,
	    "client:\n"
	    "  description: \"\"\n"
	    "  listenAddr: \"0.0.0.0:1\"\n"
	    "  dstAddr: \"0.0.0.0:2\"\n"
	    "  writeTimeout: 10\n"
	    "  excludedInterfaces: []\n"
	    "  interfaceLabels: []\n"
	    "  dstOverrides: []\n"
	    "  user: \"_engarde\"\n"
	    "  chroot: \"/var/empty\"\n"
	    "  controlSocket: \"/run/engarded.sock\"\n"
	    "  socketBuffer: 4M\n"
	    "  dedup: off\n"
	    "  realtimePriority: 0\n");
	free(out);
}

static void
test_print_server(void **state)
{
	struct config	 c;
	char		*out;

	(void)state;
	expect_ok(server_all, ROLE_NONE, &c);
	out = print_capture(&c);
	assert_string_equal(out,
	    "server:\n"
	    "  description: \"My engarde-server instance\"\n"
	    "  listenAddr: \"0.0.0.0:59501\"\n"
	    "  dstAddr: \"127.0.0.1:59301\"\n"
	    "  clientTimeout: 45\n"
	    "  writeTimeout: 0\n"
	    "  allowedSources: []\n"
	    "  maxSessions: 1024\n"
	    "  maxSessionAddresses: 16\n"
	    "  webManager:\n"
	    "    listenAddr: \"[::1]:9002\"\n"
	    "    username: \"admin\"\n"
	    "    passwordFile: \"/etc/engarde/web.password\"\n"
	    "    tls: off\n"
	    "  user: \"_eg\"\n"
	    "  chroot: \"/\"\n"
	    "  controlSocket: \"/run/engarded-server.sock\"\n"
	    "  socketBuffer: 64K\n"
	    "  dedup: off\n"
	    "  realtimePriority: 0\n");
	free(out);
}

static void
test_print_round_trip(void **state)
{
	(void)state;
	round_trip(client_all, ROLE_NONE);
	round_trip(server_all, ROLE_NONE);
	round_trip(go_both, ROLE_CLIENT);
	round_trip(go_both, ROLE_SERVER);
	round_trip("client:\n  listenAddr: :1\n  dstAddr: :2\n", ROLE_NONE);
	round_trip("server:\n  listenAddr: \"[::]:1\"\n"
	    "  dstAddr: \"[fe80::1%lo]:2\"\n  socketBuffer: 100001\n",
	    ROLE_NONE);
	/* Everything that needs escaping. */
	round_trip("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  description: \"q\\\"b\\\\t\\tn\\nr\\re\\x1b"
	    "d\\x7fc\\x85\\u00a0\\u2028\\u2029\\ufeff\\U0001F600 é 'x' #y\"\n"
	    "  interfaceLabels:\n    eth0: \"a: b, [c]\"\n"
	    "    eth1: '  lead and trail  '\n"
	    "  webManager:\n    listenAddr: :3\n    username: \"\\u0001\"\n"
	    "    password: \"{\\\"%&*!|>\"\n", ROLE_NONE);
}

/* print_config escapes what YAML cannot hold raw. */
static void
test_print_escapes(void **state)
{
	struct config	 c;
	char		*out, *line, *nl;

	(void)state;
	expect_ok("client:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  description: \"q\\\"b\\\\t\\tn\\ne\\x1bd\\x7fc\\x85"
	    "\\u2028\\ufeff é\"\n", ROLE_NONE, &c);
	out = print_capture(&c);
	assert_non_null(line = strstr(out, "  description: "));
	assert_non_null(nl = strchr(line, '\n'));
	*nl = '\0';
	assert_string_equal(line, "  description: \"q\\\"b\\\\t\\tn\\ne\\x1B"
	    "d\\x7Fc\\x85\\u2028\\uFEFF é\"");
	free(out);
}

/* A section whose webManager listens on addr; its keys start at line 6. */
#define WEB_AT(addr)	"client:\n  listenAddr: :1\n  dstAddr: :2\n" \
			"  webManager:\n    listenAddr: \"" addr "\"\n"
#define WEB		WEB_AT("127.0.0.1:9001")

/* webManager.tls: the words, the mapping, and what is kept of each. */
static void
test_web_tls(void **state)
{
	static const char *const off[] = { "off", "false", "no", "OFF",
	    "No", "\"off\"", "'False'" };
	static const char *const on[] = { "on", "true", "yes", "auto",
	    "Auto", "TRUE", "\"yes\"" };
	static const char *const loop[] = { "127.0.0.1:9001",
	    "127.1.2.3:9001", "[::1]:9001", "localhost:9001" };
	struct config	 a, b;
	char		 text[512];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		snprintf(text, sizeof(text), WEB "    tls: %s\n", off[i]);
		expect_ok(text, ROLE_NONE, &a);
		assert_int_equal(a.web.tls, WEB_TLS_OFF);
		assert_string_equal(a.web.cert, "");
		assert_string_equal(a.web.key, "");
	}
	for (i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		snprintf(text, sizeof(text), WEB_AT("0.0.0.0:9001")
		    "    tls: %s\n", on[i]);
		expect_ok(text, ROLE_NONE, &a);
		assert_int_equal(a.web.enabled, 1);
		assert_int_equal(a.web.tls, WEB_TLS_AUTO);
	}
	/* Loopback addresses of both families, and a name for one. */
	for (i = 0; i < sizeof(loop) / sizeof(loop[0]); i++) {
		snprintf(text, sizeof(text), "server:\n  listenAddr: :1\n"
		    "  dstAddr: :2\n  webManager:\n    tls: off\n"
		    "    listenAddr: \"%s\"\n", loop[i]);
		expect_ok(text, ROLE_NONE, &a);
		assert_int_equal(a.web.tls, WEB_TLS_OFF);
		assert_true(addr_is_loopback(&a.web.listen));
	}

	/* Go engarde's files have no tls: HTTPS, with a made certificate. */
	expect_ok(WEB_AT("0.0.0.0:9001") "    username: engarde\n"
	    "    password: engarde\n", ROLE_NONE, &a);
	assert_int_equal(a.web.enabled, 1);
	assert_int_equal(a.web.tls, WEB_TLS_AUTO);

	/* Files, in either order, in either style. */
	expect_ok(WEB_AT("[::]:9001") "    tls:\n"
	    "      certificate: /etc/engarde/web.crt\n"
	    "      key: \"/etc/engarde/web.key\"\n", ROLE_NONE, &a);
	assert_int_equal(a.web.tls, WEB_TLS_FILES);
	assert_string_equal(a.web.cert, "/etc/engarde/web.crt");
	assert_string_equal(a.web.key, "/etc/engarde/web.key");
	memset(&b, 0x55, sizeof(b));
	expect_ok(WEB_AT("[::]:9001") "    tls: {key: /etc/engarde/web.key, "
	    "certificate: '/etc/engarde/web.crt'}\n", ROLE_NONE, &b);
	assert_memory_equal(&a, &b, sizeof(a));

	/* A mapping with neither file is the default. */
	expect_ok(WEB "    tls: {}\n", ROLE_NONE, &a);
	assert_int_equal(a.web.tls, WEB_TLS_AUTO);
	expect_ok(WEB "    tls:\n      certificate: ~\n      key:\n",
	    ROLE_NONE, &b);
	assert_memory_equal(&a, &b, sizeof(a));
	expect_ok(WEB "    tls: auto\n", ROLE_NONE, &b);
	assert_memory_equal(&a, &b, sizeof(a));
	expect_ok(WEB, ROLE_NONE, &b);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_string_equal(b.web.cert, "");
	assert_string_equal(b.web.key, "");
}

/* Both or neither of a username and a password or password file. */
static void
test_web_credentials(void **state)
{
	struct config	 a, b;

	(void)state;
	expect_ok(WEB "    username: admin\n    password: s3cret\n",
	    ROLE_NONE, &a);
	assert_string_equal(a.web.username, "admin");
	assert_string_equal(a.web.password, "s3cret");
	assert_string_equal(a.web.passwordfile, "");

	expect_ok(WEB "    passwordFile: /etc/engarde/web.password\n"
	    "    username: admin\n", ROLE_NONE, &a);
	assert_string_equal(a.web.username, "admin");
	assert_string_equal(a.web.password, "");
	assert_string_equal(a.web.passwordfile, "/etc/engarde/web.password");

	/* No credentials at all: anyone may log in, as in Go engarde. */
	expect_ok(WEB, ROLE_NONE, &a);
	assert_string_equal(a.web.username, "");
	assert_string_equal(a.web.password, "");
	assert_string_equal(a.web.passwordfile, "");
	expect_ok(WEB "    username: \"\"\n    password: \"\"\n", ROLE_NONE,
	    &b);
	assert_memory_equal(&a, &b, sizeof(a));
	expect_ok(WEB "    username: ''\n    password: ~\n"
	    "    passwordFile:\n", ROLE_NONE, &b);
	assert_memory_equal(&a, &b, sizeof(a));
}

static void
test_err_web_credentials(void **state)
{
	(void)state;
	expect_errs(WEB "    username: a\n    password: b\n"
	    "    passwordFile: /p\n", ROLE_NONE, 1,
	    ":8: client.webManager.passwordFile: password and passwordFile "
	    "exclude each other", NULL);
	expect_errs(WEB "    passwordFile: /p\n    username: a\n"
	    "    password: \"\"\n", ROLE_NONE, 1,
	    ":6: client.webManager.passwordFile: password and passwordFile "
	    "exclude each other", NULL);

	/* A username alone. */
	expect_errs(WEB "    username: a\n", ROLE_NONE, 1,
	    ":6: client.webManager.username: username and password go "
	    "together", NULL);
	expect_errs(WEB "    username: a\n    password: \"\"\n", ROLE_NONE, 1,
	    ":6: client.webManager.username: username and password go "
	    "together", NULL);
	expect_errs(WEB "    password: ~\n    username: a\n", ROLE_NONE, 1,
	    ":7: client.webManager.username: username and password go "
	    "together", NULL);

	/* A password or password file alone. */
	expect_errs(WEB "    password: b\n", ROLE_NONE, 1,
	    ":6: client.webManager.password: username and password go "
	    "together", NULL);
	expect_errs(WEB "    username: \"\"\n    password: b\n", ROLE_NONE, 1,
	    ":7: client.webManager.password: username and password go "
	    "together", NULL);
	expect_errs(WEB "    passwordFile: /p\n", ROLE_NONE, 1,
	    ":6: client.webManager.passwordFile: username and password go "
	    "together", NULL);
	expect_errs(WEB "    password: b\n    passwordFile: /p\n", ROLE_NONE,
	    2, ":6: client.webManager.password: username and password go "
	    "together",
	    ":7: client.webManager.passwordFile: password and passwordFile "
	    "exclude each other", NULL);

	/* The file's path. */
	expect_errs(WEB "    username: a\n    passwordFile: web.password\n",
	    ROLE_NONE, 1, ":7: client.webManager.passwordFile: "
	    "\"web.password\": must be an absolute path", NULL);
	expect_errs(WEB "    username: a\n    passwordFile: \"\"\n",
	    ROLE_NONE, 1, ":7: client.webManager.passwordFile: \"\": must be "
	    "an absolute path", NULL);
	expect_errs(WEB "    username: a\n    passwordFile: [/p]\n",
	    ROLE_NONE, 1, ":7: client.webManager.passwordFile: expected a "
	    "path, not a sequence", NULL);

	/* Checked in the server section, and when disabled. */
	expect_errs("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  webManager:\n    listenAddr: \"\"\n    username: a\n",
	    ROLE_NONE, 1, ":6: server.webManager.username: username and "
	    "password go together", NULL);
}

static void
test_err_web_tls(void **state)
{
	static const char *const far[] = { "0.0.0.0:9001", ":9001",
	    "[::]:9001", "192.0.2.1:9001", "[::ffff:127.0.0.1]:9001",
	    "[2001:db8::1]:9001" };
	char	 text[512];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(far) / sizeof(far[0]); i++) {
		snprintf(text, sizeof(text), "client:\n  listenAddr: :1\n"
		    "  dstAddr: :2\n  webManager:\n    listenAddr: \"%s\"\n"
		    "    tls: off\n", far[i]);
		expect_errs(text, ROLE_NONE, 1, ":6: client.webManager.tls: "
		    "tls: off is allowed only on a loopback listenAddr", NULL);
	}
	/* On the line of tls, wherever listenAddr is. */
	expect_errs("server:\n  listenAddr: :1\n  dstAddr: :2\n"
	    "  webManager:\n    tls: no\n    listenAddr: :9001\n",
	    ROLE_NONE, 1, ":5: server.webManager.tls: tls: off is allowed "
	    "only on a loopback listenAddr", NULL);
	/* A bad listenAddr is reported alone. */
	expect_errs(WEB_AT("0.0.0.0") "    tls: off\n", ROLE_NONE, 1,
	    ":5: client.webManager.listenAddr: \"0.0.0.0\": missing port",
	    NULL);

	/* Words and types. */
	expect_errs(WEB "    tls: maybe\n", ROLE_NONE, 1,
	    ":6: client.webManager.tls: \"maybe\": expected off, auto or a "
	    "mapping with certificate and key", NULL);
	expect_errs(WEB "    tls: \"\"\n", ROLE_NONE, 1,
	    ":6: client.webManager.tls: \"\": expected off, auto or a "
	    "mapping with certificate and key", NULL);
	expect_errs(WEB "    tls: 1\n", ROLE_NONE, 1,
	    ":6: client.webManager.tls: \"1\": expected off, auto or a "
	    "mapping with certificate and key", NULL);
	expect_errs(WEB "    tls: [off]\n", ROLE_NONE, 1,
	    ":6: client.webManager.tls: expected off, auto or a mapping "
	    "with certificate and key, not a sequence", NULL);
	expect_errs(WEB "    tls: &t off\n", ROLE_NONE, 1,
	    ":6: client.webManager.tls: anchors and aliases are not "
	    "supported", NULL);

	/* The mapping: both files or neither, absolute, known keys. */
	expect_errs(WEB "    tls:\n      certificate: /c\n", ROLE_NONE, 1,
	    ":6: client.webManager.tls: certificate and key go together",
	    NULL);
	expect_errs(WEB "    tls:\n      key: /k\n      certificate: ~\n",
	    ROLE_NONE, 1, ":6: client.webManager.tls: certificate and key go "
	    "together", NULL);
	expect_errs(WEB "    tls:\n      certificate: c.pem\n"
	    "      key: ''\n", ROLE_NONE, 2,
	    ":7: client.webManager.tls.certificate: \"c.pem\": must be an "
	    "absolute path",
	    ":8: client.webManager.tls.key: \"\": must be an absolute path",
	    NULL);
	expect_errs(WEB "    tls:\n      certificate: [a]\n"
	    "      key: {b: c}\n", ROLE_NONE, 2,
	    ":7: client.webManager.tls.certificate: expected a path, not a "
	    "sequence",
	    ":8: client.webManager.tls.key: expected a path, not a mapping",
	    NULL);
	expect_errs(WEB "    tls:\n      certifcate: /c\n      key: /k\n"
	    "      key: /k2\n      cert: /x\n", ROLE_NONE, 4,
	    ":6: client.webManager.tls: certificate and key go together",
	    ":7: client.webManager.tls.certifcate: unknown key, did you mean "
	    "certificate?",
	    ":9: client.webManager.tls.key: duplicate key, first at line 8",
	    ":10: client.webManager.tls.cert: unknown key", NULL);
	expect_errs(WEB "    tsl: off\n", ROLE_NONE, 1,
	    ":6: client.webManager.tsl: unknown key, did you mean tls?", NULL);

	/* Checked when disabled too, but for the loopback rule. */
	expect_errs(WEB_AT("") "    tls: maybe\n", ROLE_NONE, 1,
	    ":6: client.webManager.tls: \"maybe\": expected off, auto or a "
	    "mapping with certificate and key", NULL);
	expect_errs(WEB_AT("") "    tls: {key: /k}\n", ROLE_NONE, 1,
	    ":6: client.webManager.tls: certificate and key go together",
	    NULL);
}

/* Paths of at most 255 bytes. */
static void
test_err_web_too_long(void **state)
{
	struct config	 c;
	char		 text[4096], a[300];

	(void)state;
	memset(a, 'p', sizeof(a) - 1);
	a[sizeof(a) - 1] = '\0';
	snprintf(text, sizeof(text), WEB "    username: u\n"
	    "    passwordFile: /%.254s\n"
	    "    tls: {certificate: /%.254s, key: /%.254s}\n", a, a, a);
	expect_ok(text, ROLE_NONE, &c);
	assert_int_equal(strlen(c.web.passwordfile), 255);
	assert_int_equal(strlen(c.web.cert), 255);
	assert_int_equal(strlen(c.web.key), 255);

	snprintf(text, sizeof(text), WEB "    username: u\n"
	    "    passwordFile: /%.255s\n"
	    "    tls: {certificate: /%.255s, key: /%.255s}\n", a, a, a);
	expect_errs(text, ROLE_NONE, 3,
	    ":7: client.webManager.passwordFile: too long (at most 255 "
	    "bytes)",
	    ":8: client.webManager.tls.certificate: too long (at most 255 "
	    "bytes)",
	    ":8: client.webManager.tls.key: too long (at most 255 bytes)",
	    NULL);
}

static void
test_print_web(void **state)
{
	struct config	 c;
	char		*out, *web;

	(void)state;
	expect_ok(WEB_AT("[::]:9001") "    tls:\n      key: /k.pem\n"
	    "      certificate: /c.pem\n    passwordFile: /p\n"
	    "    username: admin\n", ROLE_NONE, &c);
	out = print_capture(&c);
	assert_non_null(web = strstr(out, "  webManager:\n"));
	assert_non_null(strstr(out, "\n  user: "));
	*strstr(web, "\n  user: ") = '\0';
	assert_string_equal(web,
	    "  webManager:\n"
	    "    listenAddr: \"[::]:9001\"\n"
	    "    username: \"admin\"\n"
	    "    passwordFile: \"/p\"\n"
	    "    tls:\n"
	    "      certificate: \"/c.pem\"\n"
	    "      key: \"/k.pem\"");
	free(out);

	expect_ok(WEB "    tls: False\n", ROLE_NONE, &c);
	out = print_capture(&c);
	assert_non_null(web = strstr(out, "  webManager:\n"));
	*strstr(web, "\n  user: ") = '\0';
	assert_string_equal(web,
	    "  webManager:\n"
	    "    listenAddr: \"127.0.0.1:9001\"\n"
	    "    username: \"\"\n"
	    "    password: \"\"\n"
	    "    tls: off");
	free(out);

	round_trip(WEB "    tls: off\n", ROLE_NONE);
	round_trip(WEB "    tls: yes\n    username: a\n    password: b\n",
	    ROLE_NONE);
	round_trip(WEB_AT(":9001") "    tls: {certificate: \"/a b/c\\\"\", "
	    "key: \"/\\u00e9\"}\n    username: a\n    passwordFile: /p\n",
	    ROLE_NONE);
	round_trip(WEB_AT("") "    tls: off\n    username: a\n"
	    "    passwordFile: /p\n", ROLE_NONE);
}

/* A client section with these keys after listenAddr and dstAddr :2. */
#define CLIENT		"client:\n  listenAddr: :1\n  dstAddr: :2\n"
#define SERVER		"server:\n  listenAddr: :1\n  dstAddr: :2\n"

/* dstAddr as a list: one path per interface and destination. */
static void
test_dsts(void **state)
{
	struct config	 c, d;

	(void)state;
	expect_ok("client:\n  listenAddr: \"127.0.0.1:59401\"\n"
	    "  dstAddr:\n    - \"192.0.2.1:59501\"\n"
	    "    - \"[2001:db8::1]:59501\"\n", ROLE_NONE, &c);
	assert_int_equal(c.ndsts, 2);
	check_addr(&c.dsts[0], "192.0.2.1:59501");
	check_addr(&c.dsts[1], "[2001:db8::1]:59501");
	assert_memory_equal(&c.dst, &c.dsts[0], sizeof(c.dst));
	check_addr(config_dst_for(&c, "eth0"), "192.0.2.1:59501");

	/* A list of one is the scalar. */
	expect_ok("client:\n  listenAddr: \"127.0.0.1:59401\"\n"
	    "  dstAddr: [\"192.0.2.1:59501\"]\n", ROLE_NONE, &c);
	expect_ok("client:\n  listenAddr: \"127.0.0.1:59401\"\n"
	    "  dstAddr: \"192.0.2.1:59501\"\n", ROLE_NONE, &d);
	assert_int_equal(d.ndsts, 1);
	assert_memory_equal(&c, &d, sizeof(c));

	/* At the bound. */
	expect_ok("client:\n  listenAddr: :1\n"
	    "  dstAddr: [\":2\", \":3\", \"[::1]:2\", \"[::1]:3\"]\n",
	    ROLE_NONE, &c);
	assert_int_equal(c.ndsts, CONF_MAX_DSTS);
	check_addr(&c.dsts[3], "[::1]:3");

	/* The server has its one, in dsts too. */
	expect_ok(SERVER, ROLE_NONE, &c);
	assert_int_equal(c.ndsts, 1);
	check_addr(&c.dsts[0], "0.0.0.0:2");
}

/* The paths of each interface: its overrides, or every dstAddr. */
static void
test_dsts_for(void **state)
{
	struct config		 c;
	struct sockaddr_storage	 out[CONF_MAX_DSTS + 1];

	(void)state;
	expect_ok("client:\n  listenAddr: \"127.0.0.1:59401\"\n"
	    "  dstAddr: [\"192.0.2.1:59501\", \"[2001:db8::1]:59501\"]\n"
	    "  dstOverrides:\n"
	    "    - ifName: wwan0\n      dstAddr: \"198.51.100.1:59501\"\n"
	    "    - ifName: eth1\n      dstAddr: \"203.0.113.1:1\"\n"
	    "    - ifName: wwan0\n      dstAddr: \"[2001:db8::2]:59501\"\n",
	    ROLE_NONE, &c);
	assert_int_equal(c.noverrides, 3);

	assert_int_equal(config_dsts_for(&c, "eth0", out, CONF_MAX_DSTS), 2);
	check_addr(&out[0], "192.0.2.1:59501");
	check_addr(&out[1], "[2001:db8::1]:59501");
	assert_int_equal(config_dsts_for(&c, NULL, out, CONF_MAX_DSTS), 2);

	assert_int_equal(config_dsts_for(&c, "wwan0", out, CONF_MAX_DSTS),
	    2);
	check_addr(&out[0], "198.51.100.1:59501");
	check_addr(&out[1], "[2001:db8::2]:59501");
	check_addr(config_dst_for(&c, "wwan0"), "198.51.100.1:59501");

	/* An override of one family replaces both. */
	assert_int_equal(config_dsts_for(&c, "eth1", out, CONF_MAX_DSTS), 1);
	check_addr(&out[0], "203.0.113.1:1");

	/* At most max, and nothing is written past it. */
	memset(out, 0xee, sizeof(out));
	assert_int_equal(config_dsts_for(&c, "wwan0", out, 1), 1);
	check_addr(&out[0], "198.51.100.1:59501");
	assert_int_equal(((uint8_t *)&out[1])[0], 0xee);
	assert_int_equal(config_dsts_for(&c, "eth0", out, 1), 1);
	check_addr(&out[0], "192.0.2.1:59501");
	assert_int_equal(config_dsts_for(&c, "eth0", NULL, 0), 0);
	assert_int_equal(config_dsts_for(&c, "wwan0", NULL, -1), 0);

	/* A configuration made by hand with dst alone. */
	config_defaults(&c, ROLE_CLIENT);
	assert_int_equal(config_dsts_for(&c, "eth0", out, CONF_MAX_DSTS), 0);
	assert_int_equal(addr_parse("192.0.2.9:7", &c.dst, 0), 0);
	assert_int_equal(config_dsts_for(&c, "eth0", out, CONF_MAX_DSTS), 1);
	check_addr(&out[0], "192.0.2.9:7");
}

static void
test_err_dsts(void **state)
{
	(void)state;
	expect_errs("server:\n  listenAddr: :1\n"
	    "  dstAddr: [\"127.0.0.1:51820\"]\n", ROLE_NONE, 1,
	    ":3: server.dstAddr: expected an address, not a sequence: only a "
	    "client takes several", NULL);
	expect_errs("client:\n  listenAddr: :1\n  dstAddr: []\n", ROLE_NONE,
	    1, ":3: client.dstAddr: empty sequence, expected at least one "
	    "address", NULL);
	expect_errs("client:\n  listenAddr: :1\n  dstAddr:\n"
	    "    - \"192.0.2.1:1\"\n    - \"[2001:db8::1]:1\"\n"
	    "    - \"192.0.2.1:1\"\n    - \"[2001:db8:0::1]:1\"\n",
	    ROLE_NONE, 2,
	    ":6: client.dstAddr[2]: duplicate address \"192.0.2.1:1\", first "
	    "at line 4",
	    ":7: client.dstAddr[3]: duplicate address \"[2001:db8:0::1]:1\", "
	    "first at line 5", NULL);
	expect_errs("client:\n  listenAddr: :1\n  dstAddr:\n"
	    "    - \"192.0.2.1\"\n    - \"\"\n    - [x]\n    -\n",
	    ROLE_NONE, 4,
	    ":4: client.dstAddr[0]: \"192.0.2.1\": missing port",
	    ":5: client.dstAddr[1]: empty address",
	    ":6: client.dstAddr[2]: expected an address, not a sequence",
	    ":7: client.dstAddr[3]: empty address", NULL);
	expect_errs("client:\n  listenAddr: :1\n  dstAddr:\n    - &a :5\n"
	    "    - *a\n", ROLE_NONE, 2,
	    ":4: client.dstAddr[0]: anchors and aliases are not supported",
	    ":5: client.dstAddr[1]: anchors and aliases are not supported",
	    NULL);
	expect_errs("client:\n  listenAddr: :1\n"
	    "  dstAddr: [\":2\", \":3\", \":4\", \":5\",\n    \":6\"]\n",
	    ROLE_NONE, 1,
	    ":4: client.dstAddr: too many entries (at most 4)", NULL);
}

/* dstOverrides may name an interface once per destination. */
static void
test_overrides_repeat(void **state)
{
	struct config	 c;

	(void)state;
	expect_ok(CLIENT "  dstOverrides:\n"
	    "    - {ifName: eth0, dstAddr: \"192.0.2.1:1\"}\n"
	    "    - {ifName: eth0, dstAddr: \"[2001:db8::1]:1\"}\n"
	    "    - {ifName: eth0, dstAddr: \"192.0.2.1:2\"}\n"
	    "    - {ifName: eth0, dstAddr: \"[2001:db8::1]:2\"}\n"
	    "    - {ifName: eth1, dstAddr: \"192.0.2.1:1\"}\n", ROLE_NONE, &c);
	assert_int_equal(c.noverrides, 5);
	expect_errs(CLIENT "  dstOverrides:\n"
	    "    - {ifName: eth0, dstAddr: \"192.0.2.1:1\"}\n"
	    "    - {ifName: eth0, dstAddr: \"[2001:db8::1]:1\"}\n"
	    "    - {ifName: eth0, dstAddr: \"192.0.2.1:2\"}\n"
	    "    - {ifName: eth0, dstAddr: \"[2001:db8::1]:2\"}\n"
	    "    - {ifName: eth0, dstAddr: \"[2001:db8::1]:3\"}\n"
	    "    - ifName: eth0\n      dstAddr: \"[2001:db8::0:1]:1\"\n",
	    ROLE_NONE, 2,
	    ":9: client.dstOverrides[4]: too many entries for \"eth0\" "
	    "(at most 4)",
	    ":10: client.dstOverrides[5]: duplicate entry, first at line 6",
	    NULL);
}

static void
check_prefix(const struct conf_prefix *pf, const char *addr, uint32_t plen)
{
	char	 a[INET6_ADDRSTRLEN];

	assert_string_equal(addr_ntop(&pf->addr, a, sizeof(a)), addr);
	assert_int_equal(pf->plen, plen);
	assert_int_equal(addr_port(&pf->addr), 0);
}

static void
test_allowed(void **state)
{
	struct config	 c;

	(void)state;
	expect_ok(SERVER "  allowedSources:\n"
	    "    - 192.0.2.0/24\n"
	    "    - \"2001:db8::/32\"\n"
	    "    - 198.51.100.7\n"
	    "    - \"2001:db8:1::5\"\n"
	    "    - 203.0.113.77/25\n"
	    "    - \"2001:db8:ffff:ffff::1/33\"\n"
	    "    - 0.0.0.0/0\n"
	    "    - \"2001:db8::1/0\"\n"
	    "    - \"::ffff:192.0.2.1/127\"\n", ROLE_NONE, &c);
	assert_int_equal(c.nallowed, 9);
	check_prefix(&c.allowed[0], "192.0.2.0", 24);
	assert_int_equal(c.allowed[0].addr.ss_family, AF_INET);
	check_prefix(&c.allowed[1], "2001:db8::", 32);
	assert_int_equal(c.allowed[1].addr.ss_family, AF_INET6);
	check_prefix(&c.allowed[2], "198.51.100.7", 32);
	check_prefix(&c.allowed[3], "2001:db8:1::5", 128);
	/* Host bits are cleared. */
	check_prefix(&c.allowed[4], "203.0.113.0", 25);
	check_prefix(&c.allowed[5], "2001:db8:8000::", 33);
	check_prefix(&c.allowed[6], "0.0.0.0", 0);
	check_prefix(&c.allowed[7], "::", 0);
	/* Mapped IPv4 is kept as the IPv4 prefix clients are matched with. */
	check_prefix(&c.allowed[8], "192.0.2.0", 31);
	assert_int_equal(c.allowed[8].addr.ss_family, AF_INET);

	expect_ok(SERVER "  allowedSources: []\n", ROLE_NONE, &c);
	assert_int_equal(c.nallowed, 0);
	expect_ok(SERVER "  allowedSources:\n", ROLE_NONE, &c);
	assert_int_equal(c.nallowed, 0);
}

static void
test_err_allowed(void **state)
{
	struct config	 c;
	char		 text[8192];
	size_t		 len;
	int		 i, n;

	(void)state;
	expect_errs(SERVER "  allowedSources:\n"
	    "    - 192.0.2.0/33\n"
	    "    - \"2001:db8::/129\"\n"
	    "    - 192.0.2\n"
	    "    - 192.0.2.1/\n"
	    "    - 192.0.2.1/x\n"
	    "    - /24\n"
	    "    - \"fe80::1%lo/64\"\n"
	    "    - \"192.0.2.1:5\"\n"
	    "    - 192.0.2.0/-1\n"
	    "    - \"\"\n"
	    "    - {a: b}\n"
	    "    - vpn.example.com/32\n", ROLE_NONE, 12,
	    ":5: server.allowedSources[0]: \"192.0.2.0/33\": prefix length "
	    "must be 0 to 32",
	    ":6: server.allowedSources[1]: \"2001:db8::/129\": prefix length "
	    "must be 0 to 128",
	    ":7: server.allowedSources[2]: \"192.0.2\": invalid prefix, "
	    "expected an address or address/length",
	    ":8: server.allowedSources[3]: \"192.0.2.1/\": invalid prefix, "
	    "expected an address or address/length",
	    ":9: server.allowedSources[4]: \"192.0.2.1/x\": invalid prefix, "
	    "expected an address or address/length",
	    ":10: server.allowedSources[5]: \"/24\": invalid prefix, "
	    "expected an address or address/length",
	    ":11: server.allowedSources[6]: \"fe80::1%lo/64\": invalid "
	    "prefix, expected an address or address/length",
	    ":12: server.allowedSources[7]: \"192.0.2.1:5\": invalid "
	    "prefix, expected an address or address/length",
	    ":13: server.allowedSources[8]: \"192.0.2.0/-1\": invalid "
	    "prefix, expected an address or address/length",
	    ":14: server.allowedSources[9]: empty address prefix",
	    ":15: server.allowedSources[10]: expected an address prefix, not "
	    "a mapping",
	    ":16: server.allowedSources[11]: \"vpn.example.com/32\": invalid "
	    "prefix, expected an address or address/length", NULL);

	expect_errs(SERVER "  allowedSources: 192.0.2.0/24\n", ROLE_NONE, 1,
	    ":4: server.allowedSources: expected a sequence, not a string",
	    NULL);
	expect_errs(SERVER "  allowedSources:\n    - 192.0.2.0/24\n"
	    "    - \"2001:db8::/32\"\n    - 192.0.2.9/24\n"
	    "    - \"2001:db8:0::/32\"\n", ROLE_NONE, 2,
	    ":7: server.allowedSources[2]: duplicate prefix 192.0.2.0/24, "
	    "first at line 5",
	    ":8: server.allowedSources[3]: duplicate prefix 2001:db8::/32, "
	    "first at line 6", NULL);

	for (n = CONF_MAX_PREFIXES; n <= CONF_MAX_PREFIXES + 1; n++) {
		len = strlcpy(text, SERVER "  allowedSources:\n",
		    sizeof(text));
		for (i = 0; i < n; i++)
			len += snprintf(text + len, sizeof(text) - len,
			    "    - 10.0.%d.0/24\n", i);
		assert_true(len < sizeof(text));
		if (n == CONF_MAX_PREFIXES) {
			expect_ok(text, ROLE_NONE, &c);
			assert_int_equal(c.nallowed, CONF_MAX_PREFIXES);
			check_prefix(&c.allowed[63], "10.0.63.0", 24);
		} else
			expect_errs(text, ROLE_NONE, 1,
			    ":69: server.allowedSources: too many entries "
			    "(at most 64)", NULL);
	}
}

#define WG_KEY		"YJ3jLtkMMjhHTgXaT0L2fkPK4nQhLBhqkiOx2aBRnW4="

static void
test_wgkey(void **state)
{
	static const uint8_t	 want[WG_KEY_LEN] = {
		0x60, 0x9d, 0xe3, 0x2e, 0xd9, 0x0c, 0x32, 0x38, 0x47, 0x4e,
		0x05, 0xda, 0x4f, 0x42, 0xf6, 0x7e, 0x43, 0xca, 0xe2, 0x74,
		0x21, 0x2c, 0x18, 0x6a, 0x92, 0x23, 0xb1, 0xd9, 0xa0, 0x51,
		0x9d, 0x6e
	};
	static const uint8_t	 zero[WG_KEY_LEN];
	struct config		 c;
	char			*out;

	(void)state;
	expect_ok(SERVER "  wireguardPublicKey: " WG_KEY "\n", ROLE_NONE, &c);
	assert_int_equal(c.has_pubkey, 1);
	assert_memory_equal(c.wg_pubkey, want, WG_KEY_LEN);
	out = print_capture(&c);
	assert_non_null(strstr(out, "\n  wireguardPublicKey: \"" WG_KEY
	    "\"\n"));
	free(out);
	round_trip(SERVER "  wireguardPublicKey: '" WG_KEY "'\n", ROLE_NONE);
	round_trip(SERVER "  wireguardPublicKey: "
	    "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"\n", ROLE_NONE);
	round_trip(SERVER "  wireguardPublicKey: "
	    "\"//////////////////////////////////////////8=\"\n", ROLE_NONE);

	/* Not set: no key, and none printed. */
	expect_ok(SERVER "  wireguardPublicKey: \"\"\n", ROLE_NONE, &c);
	assert_int_equal(c.has_pubkey, 0);
	assert_memory_equal(c.wg_pubkey, zero, WG_KEY_LEN);
	out = print_capture(&c);
	assert_null(strstr(out, "wireguardPublicKey"));
	free(out);
	expect_ok(SERVER "  wireguardPublicKey:\n", ROLE_NONE, &c);
	assert_int_equal(c.has_pubkey, 0);
}

static void
test_err_wgkey(void **state)
{
	(void)state;
	expect_errs(SERVER "  wireguardPublicKey: "
	    "YJ3jLtkMMjhHTgXaT0L2fkPK4nQhLBhqkiOx2aBRnQ==\n", ROLE_NONE, 1, ":4: server.wireguardPublicKey: "
	    "\"YJ3jLtkMMjhHTgXaT0L2fkPK4nQhLBhqkiOx2aBRnQ==\": decodes to 31 "
	    "bytes, a WireGuard key has 32", NULL);
	expect_errs(SERVER "  wireguardPublicKey: "
	    "YJ3jLtkMMjhHTgXaT0L2fkPK4nQhLBhqkiOx2aBRnW54\n",
	    ROLE_NONE, 1, ":4: server.wireguardPublicKey: "
	    "\"YJ3jLtkMMjhHTgXaT0L2fkPK4nQhLBhqkiOx2aBRnW54\": decodes to 33 "
	    "bytes, a WireGuard key has 32", NULL);
	/* Without its padding, with a bad character, or a stray bit. */
	expect_errs(SERVER "  wireguardPublicKey: "
	    "YJ3jLtkMMjhHTgXaT0L2fkPK4nQhLBhqkiOx2aBRnW4\n", ROLE_NONE, 1,
	    ":4: server.wireguardPublicKey: "
	    "\"YJ3jLtkMMjhHTgXaT0L2fkPK4nQhLBhqkiOx2aBRnW4\": not base64",
	    NULL);
	expect_errs(SERVER "  wireguardPublicKey: "
	    "\"YJ3jLtkMMjhHTgXaT0L2fkPK4nQhLBhqkiOx2aBR-W4=\"\n", ROLE_NONE,
	    1, ":4: server.wireguardPublicKey: "
	    "\"YJ3jLtkMMjhHTgXaT0L2fkPK4nQhLBhqkiOx2aBR-W4=\": not base64",
	    NULL);
	expect_errs(SERVER "  wireguardPublicKey: "
	    "YJ3jLtkMMjhHTgXaT0L2fkPK4nQhLBhqkiOx2aBRnW5=\n", ROLE_NONE, 1,
	    ":4: server.wireguardPublicKey: "
	    "\"YJ3jLtkMMjhHTgXaT0L2fkPK4nQhLBhqkiOx2aBRnW5=\": not base64",
	    NULL);
	expect_errs(SERVER "  wireguardPublicKey: "
	    "\"YJ3jLtkMMjhHTgXaT0L2fkPK4nQh LBhqkiOx2aBRnW4=\"\n", ROLE_NONE,
	    1, ":4: server.wireguardPublicKey: "
	    "\"YJ3jLtkMMjhHTgXaT0L2fkPK4nQh LBhqkiOx2aBRnW4=\": not base64",
	    NULL);
	expect_errs(SERVER "  wireguardPublicKey: "
	    "\"YJ3jLtkMMjhHTgXaT0L2fkPK4nQhLBhqkiOx2aB=nW4=\"\n", ROLE_NONE,
	    1, ":4: server.wireguardPublicKey: "
	    "\"YJ3jLtkMMjhHTgXaT0L2fkPK4nQhLBhqkiOx2aB=nW4=\": not base64",
	    NULL);
	expect_errs(SERVER "  wireguardPublicKey: \"====\"\n", ROLE_NONE, 1,
	    ":4: server.wireguardPublicKey: \"====\": not base64", NULL);
	expect_errs(SERVER "  wireguardPublicKey: abcd\n", ROLE_NONE, 1,
	    ":4: server.wireguardPublicKey: \"abcd\": decodes to 3 bytes, a "
	    "WireGuard key has 32", NULL);
	expect_errs(SERVER "  wireguardPublicKey: [" WG_KEY "]\n", ROLE_NONE,
	    1, ":4: server.wireguardPublicKey: expected a base64 key, not a "
	    "sequence", NULL);
}

static void
test_sessions(void **state)
{
	struct config	 c;

	(void)state;
	config_defaults(&c, ROLE_CLIENT);
	assert_int_equal(c.max_sessions, CONF_MAX_SESSIONS);
	assert_int_equal(c.max_session_addrs, CONF_SESSION_ADDRS);
	expect_ok(SERVER, ROLE_NONE, &c);
	assert_int_equal(c.max_sessions, CONF_MAX_SESSIONS);
	assert_int_equal(c.max_session_addrs, CONF_SESSION_ADDRS);
	assert_int_equal(c.nallowed + c.has_pubkey, 0);
	expect_ok(SERVER "  maxSessions: 1\n  maxSessionAddresses: \"1\"\n",
	    ROLE_NONE, &c);
	assert_int_equal(c.max_sessions, 1);
	assert_int_equal(c.max_session_addrs, 1);
	expect_ok(SERVER "  maxSessions: 65536\n  maxSessionAddresses: 64\n",
	    ROLE_NONE, &c);
	assert_int_equal(c.max_sessions, CONF_SESSIONS_LIMIT);
	assert_int_equal(c.max_session_addrs, CONF_SESSION_ADDRS_MAX);
	expect_ok(SERVER "  maxSessions: ~\n  maxSessionAddresses:\n",
	    ROLE_NONE, &c);
	assert_int_equal(c.max_sessions, CONF_MAX_SESSIONS);
	assert_int_equal(c.max_session_addrs, CONF_SESSION_ADDRS);

	expect_errs(SERVER "  maxSessions: 0\n  maxSessionAddresses: 0\n",
	    ROLE_NONE, 2,
	    ":4: server.maxSessions: \"0\": must be at least 1",
	    ":5: server.maxSessionAddresses: \"0\": must be at least 1", NULL);
	expect_errs(SERVER "  maxSessions: 65537\n"
	    "  maxSessionAddresses: 65\n", ROLE_NONE, 2,
	    ":4: server.maxSessions: \"65537\": must be at most 65536",
	    ":5: server.maxSessionAddresses: \"65\": must be at most 64",
	    NULL);
	expect_errs(SERVER "  maxSessions: -1\n  maxSessionAddresses: many\n"
	    "  maxSession: 5\n", ROLE_NONE, 3,
	    ":4: server.maxSessions: \"-1\": must not be negative",
	    ":5: server.maxSessionAddresses: \"many\": not an integer",
	    ":6: server.maxSession: unknown key, did you mean maxSessions?",
	    NULL);
	expect_errs(SERVER "  maxSessions: [1]\n", ROLE_NONE, 1,
	    ":4: server.maxSessions: expected an integer, not a sequence",
	    NULL);
}

/* The admission keys are the server's alone. */
static void
test_err_admission_roles(void **state)
{
	(void)state;
	expect_errs(CLIENT "  allowedSources: [192.0.2.0/24]\n"
	    "  wireguardPublicKey: " WG_KEY "\n"
	    "  maxSessions: 5\n  maxSessionAddresses: 5\n", ROLE_NONE, 4,
	    ":4: client.allowedSources: only valid in the server section",
	    ":5: client.wireguardPublicKey: only valid in the server section",
	    ":6: client.maxSessions: only valid in the server section",
	    ":7: client.maxSessionAddresses: only valid in the server section",
	    NULL);
	expect_errs(CLIENT "  allowedSource: []\n  wireguardPubKey: x\n",
	    ROLE_NONE, 2,
	    ":4: client.allowedSource: unknown key, did you mean "
	    "allowedSources?",
	    ":5: client.wireguardPubKey: unknown key", NULL);
}

static void
test_print_admission(void **state)
{
	struct config	 c;
	char		*out, *s;

	(void)state;
	expect_ok(SERVER "  allowedSources:\n    - 192.0.2.77/24\n"
	    "    - \"2001:db8::1\"\n"
	    "  maxSessionAddresses: 2\n  maxSessions: 10\n"
	    "  wireguardPublicKey: " WG_KEY "\n", ROLE_NONE, &c);
	out = print_capture(&c);
	assert_non_null(s = strstr(out, "  allowedSources:"));
	*strstr(s, "\n  user: ") = '\0';
	assert_string_equal(s,
	    "  allowedSources:\n"
	    "    - \"192.0.2.0/24\"\n"
	    "    - \"2001:db8::1/128\"\n"
	    "  wireguardPublicKey: \"" WG_KEY "\"\n"
	    "  maxSessions: 10\n"
	    "  maxSessionAddresses: 2");
	free(out);

	expect_ok("client:\n  listenAddr: :1\n"
	    "  dstAddr: [\"192.0.2.1:2\", \"[2001:db8::1]:2\"]\n", ROLE_NONE,
	    &c);
	out = print_capture(&c);
	assert_non_null(strstr(out, "\n  dstAddr:\n    - \"192.0.2.1:2\"\n"
	    "    - \"[2001:db8::1]:2\"\n  writeTimeout: 10\n"));
	assert_null(strstr(out, "maxSessions"));
	free(out);

	round_trip(SERVER "  allowedSources: [10.1.2.3/8, \"::/0\", "
	    "\"fe80::1/10\"]\n  wireguardPublicKey: " WG_KEY "\n"
	    "  maxSessions: 65536\n  maxSessionAddresses: 1\n", ROLE_NONE);
	round_trip("client:\n  listenAddr: :1\n"
	    "  dstAddr: [\"192.0.2.1:2\", \"[fe80::1%lo]:2\"]\n"
	    "  dstOverrides:\n"
	    "    - {ifName: eth0, dstAddr: \"192.0.2.2:2\"}\n"
	    "    - {ifName: eth0, dstAddr: \"[2001:db8::2]:2\"}\n", ROLE_NONE);
	round_trip("client:\n  listenAddr: :1\n  dstAddr: [\":2\"]\n",
	    ROLE_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_client_every_key),
		cmocka_unit_test(test_server_every_key),
		cmocka_unit_test(test_labels_forms),
		cmocka_unit_test(test_go_both_sections),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_hostname),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_nulls),
		cmocka_unit_test(test_err_malformed),
		cmocka_unit_test(test_err_missing),
		cmocka_unit_test(test_err_address),
		cmocka_unit_test(test_err_numbers),
		cmocka_unit_test(test_client_timeout_zero),
		cmocka_unit_test(test_dedup),
		cmocka_unit_test(test_rtprio),
		cmocka_unit_test(test_err_unknown_key),
		cmocka_unit_test(test_err_type),
		cmocka_unit_test(test_err_too_many),
		cmocka_unit_test(test_err_too_long),
		cmocka_unit_test(test_err_roles),
		cmocka_unit_test(test_err_anchors),
		cmocka_unit_test(test_err_duplicates),
		cmocka_unit_test(test_err_values),
		cmocka_unit_test(test_err_one_pass),
		cmocka_unit_test(test_err_file),
		cmocka_unit_test(test_err_hostile),
		cmocka_unit_test(test_errs_buffer),
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_print_client),
		cmocka_unit_test(test_print_server),
		cmocka_unit_test(test_print_round_trip),
		cmocka_unit_test(test_print_escapes),
		cmocka_unit_test(test_web_tls),
		cmocka_unit_test(test_web_credentials),
		cmocka_unit_test(test_err_web_credentials),
		cmocka_unit_test(test_err_web_tls),
		cmocka_unit_test(test_err_web_too_long),
		cmocka_unit_test(test_print_web),
		cmocka_unit_test(test_dsts),
		cmocka_unit_test(test_dsts_for),
		cmocka_unit_test(test_err_dsts),
		cmocka_unit_test(test_overrides_repeat),
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_err_allowed),
		cmocka_unit_test(test_wgkey),
		cmocka_unit_test(test_err_wgkey),
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_err_admission_roles),
		cmocka_unit_test(test_print_admission),
	};

	/* Errors go to stderr, where a failing test can be read with them. */
	log_init(1, LOG_DAEMON);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
