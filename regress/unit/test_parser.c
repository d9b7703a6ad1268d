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

/* Unit tests of the engardectl command parser. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "parser.h"

#define MAXWORDS	8

static struct parse_result	*parse_words(const char *, ...);
static void	 assert_said(const char *);

/* What parse said on stderr in the last call. */
static char	 said[4096];

/* Parse the words up to NULL, catching what parse prints. */
static struct parse_result *
parse_words(const char *first, ...)
{
	struct parse_result	*r;
	va_list			 ap;
	char			*argv[MAXWORDS + 1];
	const char		*w;
	FILE			*f;
	size_t			 n;
	int			 argc = 0, saved;

	va_start(ap, first);
	for (w = first; w != NULL; w = va_arg(ap, const char *)) {
		assert_true(argc < MAXWORDS);
		argv[argc++] = (char *)w;
	}
	va_end(ap);
	argv[argc] = NULL;

	fflush(stderr);
	assert_non_null(f = tmpfile());
	assert_true((saved = dup(STDERR_FILENO)) != -1);
	assert_true(dup2(fileno(f), STDERR_FILENO) != -1);
	r = parse(argc, argv);
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) != -1);
	close(saved);
	rewind(f);
	n = fread(said, 1, sizeof(said) - 1, f);
	said[n] = '\0';
	fclose(f);
	return (r);
}

#define PARSE(...)	parse_words(__VA_ARGS__, (const char *)NULL)

static void
assert_said(const char *s)
{
	if (strstr(said, s) == NULL)
		fail_msg("expected \"%s\" in \"%s\"", s, said);
}

/* Parse the words, which must succeed silently with action. */
#define OK(action_, ...) do {						\
	struct parse_result	*r_ = PARSE(__VA_ARGS__);		\
	assert_non_null(r_);						\
	assert_int_equal(r_->action, (action_));			\
	assert_string_equal(said, "");					\
} while (0)

/* Parse the words, which must fail saying msg. */
#define BAD(msg_, ...) do {						\
	assert_null(PARSE(__VA_ARGS__));				\
	assert_said(msg_);						\
} while (0)

static void
test_full_words(void **state)
{
	struct parse_result	*r;

	(void)state;
	OK(SHOW_INTERFACES, "show", "interfaces");
	OK(SHOW_CLIENTS, "show", "clients");
	OK(SHOW_STATUS, "show", "status");
	OK(SHOW_SESSIONS, "show", "sessions");
	OK(SHOW_PATHS, "show", "paths");
	OK(RESET_EXCLUSIONS, "reset", "exclusions");
	OK(RELOAD, "reload");
	OK(LOG_VERBOSE, "log", "verbose");
	OK(LOG_BRIEF, "log", "brief");

	assert_non_null(r = PARSE("exclude", "eth0"));
	assert_int_equal(r->action, EXCLUDE);
	assert_string_equal(r->ifname, "eth0");
	assert_non_null(r = PARSE("include", "wwan0"));
	assert_int_equal(r->action, INCLUDE);
	assert_string_equal(r->ifname, "wwan0");

	/* Nothing of an earlier result stays behind. */
	assert_non_null(r = PARSE("show", "status"));
	assert_string_equal(r->ifname, "");
}

static void
test_prefixes(void **state)
{
	struct parse_result	*r;

	(void)state;
	OK(SHOW_INTERFACES, "sh", "i");
	OK(SHOW_INTERFACES, "s", "interf");
	OK(SHOW_CLIENTS, "sho", "c");
	OK(SHOW_STATUS, "show", "st");
	OK(SHOW_SESSIONS, "show", "se");
	OK(SHOW_SESSIONS, "sh", "session");
	OK(SHOW_PATHS, "show", "p");
	OK(SHOW_PATHS, "show", "path");
	OK(RESET_EXCLUSIONS, "res", "e");
	OK(RELOAD, "rel");
	OK(LOG_VERBOSE, "l", "v");
	OK(LOG_BRIEF, "lo", "b");

	assert_non_null(r = PARSE("e", "eth0"));
	assert_int_equal(r->action, EXCLUDE);
	assert_string_equal(r->ifname, "eth0");
	assert_non_null(r = PARSE("inc", "eth1"));
	assert_int_equal(r->action, INCLUDE);
	assert_string_equal(r->ifname, "eth1");

	/* An interface name is taken whole, never as a prefix. */
	assert_non_null(r = PARSE("exclude", "show"));
	assert_string_equal(r->ifname, "show");
}

static void
test_ambiguous(void **state)
{
	(void)state;
	BAD("ambiguous argument: re\n", "re");
	assert_said("valid commands/arguments:\n");
	assert_said("  reset\n");
	assert_said("  reload\n");
	assert_said("  show\n");

	BAD("ambiguous argument: r\n", "r", "exclusions");

	/* status and sessions both begin with s. */
	BAD("ambiguous argument: s\n", "show", "s");
	assert_said("  status\n  sessions\n");
}

static void
test_unknown(void **state)
{
	(void)state;
	BAD("unknown argument: frobnicate\n", "frobnicate");
	assert_said("valid commands/arguments:\n");
	assert_said("  exclude\n");
	assert_said("  log\n");

	BAD("unknown argument: routes\n", "show", "routes");
	assert_said("  interfaces\n  clients\n  status\n  sessions\n"
	    "  paths\n");

	/* Longer than a keyword is not a prefix of it. */
	BAD("unknown argument: shows\n", "shows", "status");
	BAD("unknown argument: loud\n", "log", "loud");
	BAD("unknown argument: \n", "");
	BAD("unknown argument: -j\n", "show", "-j");
	BAD("unknown argument: pathss\n", "show", "pathss");
	BAD("unknown argument: sessionsx\n", "show", "sessionsx");
	BAD("unknown argument: session-list\n", "show", "session-list");
}

static void
test_missing(void **state)
{
	(void)state;
	BAD("missing argument\n", NULL);
	assert_said("  show\n");

	BAD("missing argument\n", "show");
	assert_said("valid commands/arguments:\n  interfaces\n");

	BAD("missing argument\n", "exclude");
	assert_said("  <interface>\n");
	BAD("missing argument\n", "include");
	BAD("missing argument\n", "reset");
	assert_said("  exclusions\n");
	BAD("missing argument\n", "log");
	assert_said("  verbose\n  brief\n");
}

static void
test_superfluous(void **state)
{
	(void)state;
	BAD("superfluous argument: now\n", "reload", "now");
	BAD("superfluous argument: x\n", "show", "status", "x");
	BAD("superfluous argument: x\n", "show", "sessions", "x");
	BAD("superfluous argument: eth0\n", "show", "paths", "eth0");
	BAD("superfluous argument: all\n", "sh", "p", "all");
	BAD("superfluous argument: eth1\n", "exclude", "eth0", "eth1");
	BAD("superfluous argument: all\n", "reset", "exclusions", "all");
	BAD("superfluous argument: 2\n", "log", "verbose", "2");
}

static void
test_ifname(void **state)
{
	struct parse_result	*r;

	(void)state;
	/* IFNAMSIZ is 16: 15 characters and the NUL. */
	assert_non_null(r = PARSE("exclude", "abcdefghijklmno"));
	assert_string_equal(r->ifname, "abcdefghijklmno");
	BAD("interface name too long: abcdefghijklmnop",
	    "exclude", "abcdefghijklmnop");
	BAD("interface name too long: ", "include",
	    "an-interface-name-far-too-long-for-linux");

	BAD("invalid interface name", "exclude", "");
	BAD("invalid interface name", "exclude", "a/b");
	BAD("invalid interface name", "exclude", "a b");
	BAD("invalid interface name", "exclude", "eth0:1");
	BAD("invalid interface name", "exclude", ".");
	BAD("invalid interface name", "exclude", "..");

	assert_non_null(r = PARSE("include", "-eth0"));
	assert_string_equal(r->ifname, "-eth0");
	assert_non_null(r = PARSE("include", "wg.v\xc3\xa4"));
	assert_string_equal(r->ifname, "wg.v\xc3\xa4");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_words),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_ambiguous),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_superfluous),
		cmocka_unit_test(test_ifname),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
