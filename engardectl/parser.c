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

/* The engardectl command parser: token tables linked by next. */

#include <ctype.h>
#include <err.h>
#include <stdio.h>
#include <string.h>

#include "parser.h"

enum token_type {
	ENDTOKEN,
	KEYWORD,
	IFNAME
};

struct token {
	enum token_type		 type;
	const char		*keyword;
	int			 value;
	const struct token	*next;
};

static const struct token t_main[];
static const struct token t_show[];
static const struct token t_reset[];
static const struct token t_log[];
static const struct token t_ifname[];

static const struct token t_main[] = {
	{ KEYWORD,	"show",		NONE,		t_show },
	{ KEYWORD,	"exclude",	EXCLUDE,	t_ifname },
	{ KEYWORD,	"include",	INCLUDE,	t_ifname },
	{ KEYWORD,	"reset",	NONE,		t_reset },
	{ KEYWORD,	"reload",	RELOAD,		NULL },
	{ KEYWORD,	"log",		NONE,		t_log },
	{ ENDTOKEN,	"",		NONE,		NULL }
};

static const struct token t_show[] = {
	{ KEYWORD,	"interfaces",	SHOW_INTERFACES, NULL },
	{ KEYWORD,	"clients",	SHOW_CLIENTS,	NULL },
	{ KEYWORD,	"status",	SHOW_STATUS,	NULL },
	{ KEYWORD,	"sessions",	SHOW_SESSIONS,	NULL },
	{ KEYWORD,	"paths",	SHOW_PATHS,	NULL },
	{ ENDTOKEN,	"",		NONE,		NULL }
};

static const struct token t_reset[] = {
	{ KEYWORD,	"exclusions",	RESET_EXCLUSIONS, NULL },
	{ ENDTOKEN,	"",		NONE,		NULL }
};

static const struct token t_log[] = {
	{ KEYWORD,	"verbose",	LOG_VERBOSE,	NULL },
	{ KEYWORD,	"brief",	LOG_BRIEF,	NULL },
	{ ENDTOKEN,	"",		NONE,		NULL }
};

static const struct token t_ifname[] = {
	{ IFNAME,	"",		NONE,		NULL },
	{ ENDTOKEN,	"",		NONE,		NULL }
};

static const struct token	*match_token(const char *,
				    const struct token []);
static void			 show_valid_args(const struct token []);
static int			 parse_ifname(const char *,
				    struct parse_result *);

static struct parse_result	res;

/*
 * Parse the command words (the options already taken).  Returns the result,
 * or NULL after saying on stderr what was wrong.
 */
struct parse_result *
parse(int argc, char *argv[])
{
	const struct token	*table = t_main;
	const struct token	*match;
	const char		*word;

	memset(&res, 0, sizeof(res));
	res.action = NONE;

	for (;;) {
		word = argc > 0 ? argv[0] : NULL;
		if ((match = match_token(word, table)) == NULL) {
			show_valid_args(table);
			return (NULL);
		}
		switch (match->type) {
		case KEYWORD:
			if (match->value != NONE)
				res.action = match->value;
			break;
		case IFNAME:
			if (parse_ifname(word, &res) == -1)
				return (NULL);
			break;
		case ENDTOKEN:
			break;
		}
		argc--;
		argv++;
		if (match->next == NULL)
			break;
		table = match->next;
	}

	if (argc > 0) {
		warnx("superfluous argument: %s", argv[0]);
		return (NULL);
	}
	return (&res);
}

/*
 * The one token of table that word names.  A keyword matches when word is
 * the whole keyword or an unambiguous prefix of it.
 */
static const struct token *
match_token(const char *word, const struct token table[])
{
	const struct token	*t = NULL;
	size_t			 i, len;
	int			 match = 0;

	if (word == NULL) {
		warnx("missing argument");
		return (NULL);
	}
	len = strlen(word);
	for (i = 0; table[i].type != ENDTOKEN; i++) {
		switch (table[i].type) {
		case KEYWORD:
			if (len == 0)
				break;
			/* A whole word wins over a longer one it begins. */
			if (strcmp(word, table[i].keyword) == 0)
				return (&table[i]);
			if (strncmp(word, table[i].keyword, len) == 0) {
				match++;
				t = &table[i];
			}
			break;
		case IFNAME:
			match++;
			t = &table[i];
			break;
		case ENDTOKEN:
			break;
		}
	}

	if (match > 1) {
		warnx("ambiguous argument: %s", word);
		return (NULL);
	}
	if (match == 0) {
		warnx("unknown argument: %s", word);
		return (NULL);
	}
	return (t);
}

static void
show_valid_args(const struct token table[])
{
	size_t	i;

	fprintf(stderr, "valid commands/arguments:\n");
	for (i = 0; table[i].type != ENDTOKEN; i++) {
		switch (table[i].type) {
		case KEYWORD:
			fprintf(stderr, "  %s\n", table[i].keyword);
			break;
		case IFNAME:
			fprintf(stderr, "  <interface>\n");
			break;
		case ENDTOKEN:
			break;
		}
	}
}

/* The rules of the Linux kernel for a device name. */
static int
parse_ifname(const char *word, struct parse_result *r)
{
	const unsigned char	*p;

	if (strlen(word) >= sizeof(r->ifname)) {
		warnx("interface name too long: %s (at most %zu characters)",
		    word, sizeof(r->ifname) - 1);
		return (-1);
	}
	if (*word == '\0' || strcmp(word, ".") == 0 ||
	    strcmp(word, "..") == 0)
		goto bad;
	for (p = (const unsigned char *)word; *p != '\0'; p++)
		if (*p == '/' || *p == ':' || isspace(*p))
			goto bad;
	strlcpy(r->ifname, word, sizeof(r->ifname));
	return (0);
 bad:
	warnx("invalid interface name: \"%s\"", word);
	return (-1);
}
