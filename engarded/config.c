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

/* Reading engarded.yml: Go engarde's format plus our own keys. */

/*
 * The file is read whole (at most CONF_MAX_SIZE bytes), turned into a small
 * bounded tree from libyaml's events, and then walked against the schema.
 * The walk reports every problem it finds as "FILE:LINE: KEY: message",
 * KEY being the dotted path with 0-based list indices, and keeps going, so
 * that one run shows all the mistakes.  Both sections are validated; only
 * the chosen one fills the caller's struct config.
 */

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <yaml.h>

#include "engarded.h"
#include "log.h"
#include "util.h"

#define CONF_MAX_SIZE		(1024 * 1024)	/* bytes of YAML */
#define CONF_MAX_DEPTH		8		/* nested collections */
#define CONF_MAX_NODES		65536
#define CONF_PATH_LEN		160		/* dotted key path */
#define CONF_MSG_LEN		512
#define CONF_MAX_ERRORS		100		/* shown; all are counted */
#define CONF_SHOW_LEN		80		/* a value quoted in an error */
#define CONF_SUGGEST_LEN	64		/* longest key we suggest for */
#define CONF_SUGGEST_DIST	2

#define SOCKBUF_MIN		(64 * 1024)
#define SOCKBUF_MAX		(256 * 1024 * 1024)
#define WRITE_TIMEOUT_MAX	3600000		/* ms, one hour */
#define CLIENT_TIMEOUT_MAX	86400		/* s, one day */

#define R_CLIENT		(1 << ROLE_CLIENT)
#define R_SERVER		(1 << ROLE_SERVER)
#define R_BOTH			(R_CLIENT | R_SERVER)

enum ynode_type {
	YN_SCALAR,
	YN_ALIAS,
	YN_SEQ,
	YN_MAP
};

TAILQ_HEAD(ynodes, ynode);

/* One YAML node; a mapping holds its keys and values alternately. */
struct ynode {
	TAILQ_ENTRY(ynode)	 entry;
	struct ynodes		 kids;
	struct ynode		*parent;
	enum ynode_type		 type;
	int			 plain;		/* unquoted, untagged scalar */
	int			 anchor;	/* carries an anchor */
	size_t			 line;		/* 1-based */
	char			*str;		/* scalar, NUL terminated */
	size_t			 len;
};

/* An error held back until all are known, to be shown in line order. */
struct cerr {
	size_t		 line;		/* SIZE_MAX for the whole file */
	char		*text;
};

struct cparse {
	const char	*file;
	char		*errs;
	size_t		 errslen;
	int		 nerrs;
	int		 errsfull;	/* a line did not fit in errs */
	int		 nheld;
	int		 ndropped;	/* past CONF_MAX_ERRORS */
	struct cerr	 held[CONF_MAX_ERRORS];
	size_t		 nnodes;
	char		 path[CONF_PATH_LEN];
};

struct keydef {
	const char	*name;
	int		 roles;
};

enum sect_key {
	SK_DESCRIPTION,
	SK_LISTEN,
	SK_DST,
	SK_WRITE_TIMEOUT,
	SK_CLIENT_TIMEOUT,
	SK_EXCLUDED,
	SK_LABELS,
	SK_OVERRIDES,
	SK_WEB,
	SK_USER,
	SK_CHROOT,
	SK_CSOCK,
	SK_SOCKBUF,
	SK_DEDUP,
	SK_RTPRIO,
	SK_ALLOWED,
	SK_PUBKEY,
	SK_MAX_SESSIONS,
	SK_MAX_SESSION_ADDRS,
	SK_MAX
};

static const struct keydef sect_keys[SK_MAX] = {
	[SK_DESCRIPTION] =	{ "description",	R_BOTH },
	[SK_LISTEN] =		{ "listenAddr",		R_BOTH },
	[SK_DST] =		{ "dstAddr",		R_BOTH },
	[SK_WRITE_TIMEOUT] =	{ "writeTimeout",	R_BOTH },
	[SK_CLIENT_TIMEOUT] =	{ "clientTimeout",	R_SERVER },
	[SK_EXCLUDED] =		{ "excludedInterfaces",	R_CLIENT },
	[SK_LABELS] =		{ "interfaceLabels",	R_CLIENT },
	[SK_OVERRIDES] =	{ "dstOverrides",	R_CLIENT },
	[SK_WEB] =		{ "webManager",		R_BOTH },
	[SK_USER] =		{ "user",		R_BOTH },
	[SK_CHROOT] =		{ "chroot",		R_BOTH },
	[SK_CSOCK] =		{ "controlSocket",	R_BOTH },
	[SK_SOCKBUF] =		{ "socketBuffer",	R_BOTH },
	[SK_DEDUP] =		{ "dedup",		R_BOTH },
	[SK_RTPRIO] =		{ "realtimePriority",	R_BOTH },
	[SK_ALLOWED] =		{ "allowedSources",	R_SERVER },
	[SK_PUBKEY] =		{ "wireguardPublicKey",	R_SERVER },
	[SK_MAX_SESSIONS] =	{ "maxSessions",	R_SERVER },
	[SK_MAX_SESSION_ADDRS] = { "maxSessionAddresses", R_SERVER },
};

enum top_key {
	TK_CLIENT,
	TK_SERVER,
	TK_MAX
};

static const struct keydef top_keys[TK_MAX] = {
	[TK_CLIENT] =		{ "client",		R_BOTH },
	[TK_SERVER] =		{ "server",		R_BOTH },
};

enum entry_key {
	EK_IFNAME,
	EK_VALUE,
	EK_MAX
};

static const struct keydef override_keys[EK_MAX] = {
	[EK_IFNAME] =		{ "ifName",		R_BOTH },
	[EK_VALUE] =		{ "dstAddr",		R_BOTH },
};

static const struct keydef label_keys[EK_MAX] = {
	[EK_IFNAME] =		{ "ifName",		R_BOTH },
	[EK_VALUE] =		{ "label",		R_BOTH },
};

enum web_key {
	WK_LISTEN,
	WK_USERNAME,
	WK_PASSWORD,
	WK_PASSWORDFILE,
	WK_TLS,
	WK_MAX
};

static const struct keydef web_keys[WK_MAX] = {
	[WK_LISTEN] =		{ "listenAddr",		R_BOTH },
	[WK_USERNAME] =		{ "username",		R_BOTH },
	[WK_PASSWORD] =		{ "password",		R_BOTH },
	[WK_PASSWORDFILE] =	{ "passwordFile",	R_BOTH },
	[WK_TLS] =		{ "tls",		R_BOTH },
};

enum tls_key {
	TLK_CERT,
	TLK_KEY,
	TLK_MAX
};

static const struct keydef tls_keys[TLK_MAX] = {
	[TLK_CERT] =		{ "certificate",	R_BOTH },
	[TLK_KEY] =		{ "key",		R_BOTH },
};

/* The scalar values of webManager.tls, any case, quoted or not. */
static const struct {
	const char	*word;
	int		 tls;
} tls_words[] = {
	{ "off",	WEB_TLS_OFF },
	{ "false",	WEB_TLS_OFF },
	{ "no",		WEB_TLS_OFF },
	{ "on",		WEB_TLS_AUTO },
	{ "true",	WEB_TLS_AUTO },
	{ "yes",	WEB_TLS_AUTO },
	{ "auto",	WEB_TLS_AUTO },
};

static void	 conf_err(struct cparse *, size_t, const char *, ...)
		    __attribute__((__format__ (printf, 3, 4)));
static void	 conf_emit(struct cparse *, const char *);
static void	 conf_flush(struct cparse *);
static const char *show(const char *, size_t, char *, size_t);
static size_t	 path_push(struct cparse *, const char *, ...)
		    __attribute__((__format__ (printf, 2, 3)));
static size_t	 path_key(struct cparse *, const struct ynode *);
static void	 path_pop(struct cparse *, size_t);
static int	 read_file(struct cparse *, char **, size_t *);
static struct ynode *node_add(struct cparse *, struct ynode *,
		    enum ynode_type, size_t);
static void	 node_free(struct ynode *);
static void	 yaml_problem(struct cparse *, const yaml_parser_t *,
		    const char *, size_t);
static struct ynode *tree_build(struct cparse *, const char *, size_t);
static int	 node_null(const struct ynode *);
static int	 node_empty(const struct ynode *);
static const char *node_what(const struct ynode *);
static int	 check_anchor(struct cparse *, const struct ynode *);
static int	 edit_distance(const char *, const char *);
static const char *suggest(const char *, const struct keydef *, size_t);
static void	 map_collect(struct cparse *, const struct ynode *,
		    const struct keydef *, size_t, const struct ynode **,
		    const struct ynode **);
static int	 get_scalar(struct cparse *, const struct ynode *,
		    const char *);
static int	 get_string(struct cparse *, const struct ynode *, char *,
		    size_t);
static int	 get_ifname(struct cparse *, const struct ynode *, char *);
static int	 get_path(struct cparse *, const struct ynode *, char *,
		    size_t);
static int	 get_addr(struct cparse *, const struct ynode *,
		    struct sockaddr_storage *);
static int	 get_uint(struct cparse *, const struct ynode *, long long,
		    long long, uint32_t *);
static int	 get_size(struct cparse *, const struct ynode *, uint32_t *);
static int	 get_bool(struct cparse *, const struct ynode *, int *);
static int	 check_coll(struct cparse *, const struct ynode *,
		    enum ynode_type);
static int	 too_many(struct cparse *, const struct ynode *, int, int);
static int	 get_prefix(struct cparse *, const struct ynode *,
		    struct conf_prefix *);
static int	 b64_value(unsigned char);
static int	 get_wgkey(struct cparse *, const struct ynode *, uint8_t *);
static void	 parse_dst(struct cparse *, const struct ynode *,
		    enum eg_role, struct config *);
static void	 parse_allowed(struct cparse *, const struct ynode *,
		    struct config *);
static void	 parse_excluded(struct cparse *, const struct ynode *,
		    struct config *);
static int	 dup_ifname(struct cparse *, const struct ynode *,
		    const char *, const char *, size_t, int, const size_t *);
static void	 parse_label(struct cparse *, const struct ynode *, int,
		    const struct ynode *, const struct ynode *,
		    struct config *, size_t *);
static void	 parse_labels(struct cparse *, const struct ynode *,
		    struct config *);
static void	 parse_overrides(struct cparse *, const struct ynode *,
		    struct config *);
static void	 parse_tls(struct cparse *, const struct ynode *,
		    const struct ynode *, struct conf_web *);
static void	 check_credentials(struct cparse *, const struct ynode **,
		    const struct ynode **);
static void	 parse_web(struct cparse *, const struct ynode *,
		    struct config *);
static void	 parse_section(struct cparse *, const struct ynode *,
		    const struct ynode *, enum eg_role, struct config *);
static const char *role_name(enum eg_role);

void
config_defaults(struct config *conf, enum eg_role role)
{
	memset(conf, 0, sizeof(*conf));
	conf->role = role;
	conf->write_timeout = ENGARDED_WRITE_TIMEOUT;
	conf->client_timeout = ENGARDED_CLIENT_TIMEOUT;
	strlcpy(conf->user, ENGARDED_USER, sizeof(conf->user));
	strlcpy(conf->chroot, ENGARDED_CHROOT, sizeof(conf->chroot));
	strlcpy(conf->csock, ENGARDED_SOCKET, sizeof(conf->csock));
	conf->sockbuf = ENGARDED_SOCKBUF;
	conf->max_sessions = CONF_MAX_SESSIONS;
	conf->max_session_addrs = CONF_SESSION_ADDRS;
}

int
config_parse(const char *file, enum eg_role role, struct config *conf,
    char *errs, size_t errslen)
{
	struct cparse		 p;
	struct config		 sect[TK_MAX];
	const struct ynode	*keys[TK_MAX] = { NULL }, *vals[TK_MAX];
	struct ynode		*stream = NULL, *root;
	char			*buf = NULL;
	size_t			 len;
	int			 i;

	memset(&p, 0, sizeof(p));
	p.file = file;
	p.errs = errs;
	p.errslen = errslen;
	if (errs != NULL && errslen > 0)
		errs[0] = '\0';
	config_defaults(conf, role);

	if (read_file(&p, &buf, &len) == -1)
		goto done;
	if ((stream = tree_build(&p, buf, len)) == NULL)
		goto done;

	root = TAILQ_FIRST(&stream->kids);
	if (root != NULL && !node_null(root)) {
		/* Without a top-level mapping, there is nothing more to say. */
		if (check_anchor(&p, root) == -1)
			goto done;
		if (root->type != YN_MAP) {
			conf_err(&p, root->line, "expected a mapping with a "
			    "client or server section, not %s",
			    node_what(root));
			goto done;
		}
		map_collect(&p, root, top_keys, TK_MAX, keys, vals);
	}

	/* Both sections are checked, whichever is used. */
	for (i = 0; i < TK_MAX; i++)
		if (keys[i] != NULL)
			parse_section(&p, keys[i], vals[i],
			    i == TK_CLIENT ? ROLE_CLIENT : ROLE_SERVER,
			    &sect[i]);

	p.path[0] = '\0';
	if (role == ROLE_NONE) {
		if (keys[TK_CLIENT] != NULL && keys[TK_SERVER] != NULL)
			conf_err(&p, 0, "both client and server sections: "
			    "choose one with -r client or -r server");
		else if (keys[TK_CLIENT] != NULL)
			role = ROLE_CLIENT;
		else if (keys[TK_SERVER] != NULL)
			role = ROLE_SERVER;
		else
			conf_err(&p, 0, "no client or server section");
	} else if (role == ROLE_CLIENT || role == ROLE_SERVER) {
		if (keys[role == ROLE_CLIENT ? TK_CLIENT : TK_SERVER] == NULL)
			conf_err(&p, 0, "no %s section", role_name(role));
	} else
		conf_err(&p, 0, "invalid role %d", (int)role);

	/* Copy bytes, padding included, so that memcmp holds. */
	if (p.nerrs == 0)
		memcpy(conf, &sect[role == ROLE_CLIENT ? TK_CLIENT : TK_SERVER],
		    sizeof(*conf));
 done:
	conf_flush(&p);
	if (stream != NULL)
		node_free(stream);
	free(buf);
	return (p.nerrs);
}

const struct sockaddr_storage *
config_dst_for(const struct config *conf, const char *ifname)
{
	int	 i;

	if (ifname != NULL)
		for (i = 0; i < conf->noverrides; i++)
			if (strncmp(conf->overrides[i].ifname, ifname,
			    IFNAMSIZ) == 0)
				return (&conf->overrides[i].dst);
	return (&conf->dst);
}

/*
 * The destinations of the paths over ifname: its dstOverrides entries when
 * it has any, otherwise every dstAddr.  At most max are stored in out;
 * returns how many.
 */
int
config_dsts_for(const struct config *conf, const char *ifname,
    struct sockaddr_storage *out, int max)
{
	int	 i, n = 0;

	if (max <= 0)
		return (0);
	if (ifname != NULL)
		for (i = 0; i < conf->noverrides && i < CONF_MAX_IFS &&
		    n < max; i++)
			if (strncmp(conf->overrides[i].ifname, ifname,
			    IFNAMSIZ) == 0)
				memcpy(&out[n++], &conf->overrides[i].dst,
				    sizeof(*out));
	if (n > 0)
		return (n);
	/* A configuration filled in by hand may have dst alone. */
	if (conf->ndsts == 0 && conf->dst.ss_family != AF_UNSPEC) {
		memcpy(out, &conf->dst, sizeof(*out));
		return (1);
	}
	for (i = 0; i < conf->ndsts && i < CONF_MAX_DSTS && n < max; i++)
		memcpy(&out[n++], &conf->dsts[i], sizeof(*out));
	return (n);
}

const char *
config_label_for(const struct config *conf, const char *ifname)
{
	int	 i;

	if (ifname != NULL)
		for (i = 0; i < conf->nlabels; i++)
			if (strncmp(conf->labels[i].ifname, ifname,
			    IFNAMSIZ) == 0)
				return (conf->labels[i].label);
	return (NULL);
}

int
config_excluded(const struct config *conf, const char *ifname)
{
	int	 i;

	if (ifname != NULL)
		for (i = 0; i < conf->nexcluded; i++)
			if (strncmp(conf->excluded[i], ifname, IFNAMSIZ) == 0)
				return (1);
	return (0);
}

/*
 * Record one error line.  The walk follows the schema, not the file, so
 * lines are held and sorted by line number (stably, file-wide errors last)
 * before they are shown; past CONF_MAX_ERRORS they are only counted.
 */
static void
conf_err(struct cparse *p, size_t line, const char *fmt, ...)
{
	char	 msg[CONF_MSG_LEN];
	char	 out[PATH_MAX + CONF_PATH_LEN + CONF_MSG_LEN], *text;
	va_list	 ap;
	size_t	 key;
	int	 i;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	if (line > 0 && p->path[0] != '\0')
		snprintf(out, sizeof(out), "%s:%zu: %s: %s", p->file, line,
		    p->path, msg);
	else if (line > 0)
		snprintf(out, sizeof(out), "%s:%zu: %s", p->file, line, msg);
	else
		snprintf(out, sizeof(out), "%s: %s", p->file, msg);
	p->nerrs++;

	if (p->nheld == CONF_MAX_ERRORS) {
		p->ndropped++;
		return;
	}
	if ((text = strdup(out)) == NULL) {
		/* Better out of order than lost. */
		conf_emit(p, out);
		return;
	}
	key = line > 0 ? line : SIZE_MAX;
	for (i = p->nheld; i > 0 && p->held[i - 1].line > key; i--)
		;
	memmove(&p->held[i + 1], &p->held[i],
	    (p->nheld - i) * sizeof(p->held[0]));
	p->held[i].line = key;
	p->held[i].text = text;
	p->nheld++;
}

/*
 * Show one error line: logged, and appended to the caller's buffer with a
 * newline, so that the caller can append lines of its own.  Only whole
 * lines are appended, up to the first that does not fit (a first line
 * longer than the whole buffer is cut, without its newline).
 */
static void
conf_emit(struct cparse *p, const char *text)
{
	size_t	 used;

	log_warnx("%s", text);
	if (p->errs == NULL || p->errslen == 0 || p->errsfull)
		return;
	used = strlen(p->errs);
	if (used + strlen(text) + 1 >= p->errslen) {
		if (used == 0)
			strlcpy(p->errs, text, p->errslen);
		p->errsfull = 1;
		return;
	}
	strlcat(p->errs, text, p->errslen);
	strlcat(p->errs, "\n", p->errslen);
}

static void
conf_flush(struct cparse *p)
{
	char	 out[PATH_MAX + CONF_MSG_LEN];
	int	 i;

	for (i = 0; i < p->nheld; i++) {
		conf_emit(p, p->held[i].text);
		free(p->held[i].text);
	}
	if (p->ndropped > 0) {
		snprintf(out, sizeof(out), "%s: %d more errors not shown",
		    p->file, p->ndropped);
		conf_emit(p, out);
	}
	p->nheld = p->ndropped = 0;
}

/*
 * A value from the file, made safe for a one-line message: printable ASCII
 * is kept, anything else becomes \xNN, and long values are cut with "...".
 */
static const char *
show(const char *s, size_t len, char *buf, size_t bufsz)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i, o = 0;
	unsigned char		 c;

	for (i = 0; i < len; i++) {
		if (o + 8 >= bufsz) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = c;
		} else if (c >= 0x20 && c < 0x7f)
			buf[o++] = c;
		else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 0xf];
		}
	}
	buf[o] = '\0';
	return (buf);
}

/* Extend the dotted key path; returns the length to restore. */
static size_t
path_push(struct cparse *p, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 len = strlen(p->path);

	va_start(ap, fmt);
	vsnprintf(p->path + len, sizeof(p->path) - len, fmt, ap);
	va_end(ap);
	return (len);
}

/* Extend the path by a mapping key node, quoted safely. */
static size_t
path_key(struct cparse *p, const struct ynode *key)
{
	char	 buf[CONF_SHOW_LEN];

	return (path_push(p, "%s%s", p->path[0] != '\0' ? "." : "",
	    show(key->str, key->len, buf, sizeof(buf))));
}

static void
path_pop(struct cparse *p, size_t len)
{
	p->path[len] = '\0';
}

static int
read_file(struct cparse *p, char **bufp, size_t *lenp)
{
	struct stat	 sb;
	char		*buf;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd;

	/* Without O_NONBLOCK, opening a FIFO would wait for a writer. */
	if ((fd = open(p->file, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		conf_err(p, 0, "open: %s", strerror(errno));
		return (-1);
	}
	if (fstat(fd, &sb) == -1) {
		conf_err(p, 0, "fstat: %s", strerror(errno));
		close(fd);
		return (-1);
	}
	if (!S_ISREG(sb.st_mode)) {
		conf_err(p, 0, "not a regular file");
		close(fd);
		return (-1);
	}
	if ((buf = malloc(CONF_MAX_SIZE + 1)) == NULL) {
		conf_err(p, 0, "%s", strerror(errno));
		close(fd);
		return (-1);
	}
	/* Read one byte more than allowed to see whether it is too big. */
	while (len <= CONF_MAX_SIZE) {
		n = read(fd, buf + len, CONF_MAX_SIZE + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			conf_err(p, 0, "read: %s", strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += n;
	}
	if (len > CONF_MAX_SIZE) {
		conf_err(p, 0, "larger than %d bytes", CONF_MAX_SIZE);
		goto fail;
	}
	close(fd);
	*bufp = buf;
	*lenp = len;
	return (0);
 fail:
	free(buf);
	close(fd);
	return (-1);
}

static struct ynode *
node_add(struct cparse *p, struct ynode *parent, enum ynode_type type,
    size_t line)
{
	struct ynode	*n;

	if (++p->nnodes > CONF_MAX_NODES) {
		conf_err(p, line, "more than %d YAML nodes", CONF_MAX_NODES);
		return (NULL);
	}
	if ((n = calloc(1, sizeof(*n))) == NULL) {
		conf_err(p, line, "%s", strerror(errno));
		return (NULL);
	}
	TAILQ_INIT(&n->kids);
	n->type = type;
	n->line = line;
	n->parent = parent;
	if (parent != NULL)
		TAILQ_INSERT_TAIL(&parent->kids, n, entry);
	return (n);
}

/* Depth is bounded by CONF_MAX_DEPTH, so recursion is too. */
static void
node_free(struct ynode *n)
{
	struct ynode	*k;

	while ((k = TAILQ_FIRST(&n->kids)) != NULL) {
		TAILQ_REMOVE(&n->kids, k, entry);
		node_free(k);
	}
	free(n->str);
	free(n);
}

static void
yaml_problem(struct cparse *p, const yaml_parser_t *y, const char *buf,
    size_t len)
{
	const char	*problem = y->problem != NULL ? y->problem : "error";
	size_t		 i, line = 1;

	switch (y->error) {
	case YAML_MEMORY_ERROR:
		conf_err(p, 0, "out of memory");
		break;
	case YAML_READER_ERROR:
		for (i = 0; i < y->problem_offset && i < len; i++)
			if (buf[i] == '\n')
				line++;
		conf_err(p, line, "malformed YAML: %s", problem);
		break;
	default:
		if (y->context != NULL)
			conf_err(p, y->problem_mark.line + 1,
			    "malformed YAML: %s (%s at line %zu)", problem,
			    y->context, y->context_mark.line + 1);
		else
			conf_err(p, y->problem_mark.line + 1,
			    "malformed YAML: %s", problem);
		break;
	}
}

/*
 * Turn libyaml's events into a tree under a "stream" node whose only child
 * is the document's root (none for an empty file).
 */
static struct ynode *
tree_build(struct cparse *p, const char *buf, size_t len)
{
	yaml_parser_t	 y;
	yaml_event_t	 ev;
	struct ynode	*stream, *cur, *n;
	size_t		 line;
	int		 depth = 0, ndocs = 0, done = 0;

	if ((stream = node_add(p, NULL, YN_SEQ, 0)) == NULL)
		return (NULL);
	if (!yaml_parser_initialize(&y)) {
		conf_err(p, 0, "out of memory");
		node_free(stream);
		return (NULL);
	}
	yaml_parser_set_input_string(&y, (const unsigned char *)buf, len);

	cur = stream;
	while (!done) {
		if (!yaml_parser_parse(&y, &ev)) {
			yaml_problem(p, &y, buf, len);
			goto fail;
		}
		line = ev.start_mark.line + 1;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++ndocs > 1) {
				conf_err(p, line, "more than one YAML "
				    "document");
				goto fail_ev;
			}
			break;
		case YAML_SCALAR_EVENT:
			if ((n = node_add(p, cur, YN_SCALAR, line)) == NULL)
				goto fail_ev;
			n->anchor = ev.data.scalar.anchor != NULL;
			n->plain = ev.data.scalar.style ==
			    YAML_PLAIN_SCALAR_STYLE &&
			    ev.data.scalar.tag == NULL;
			n->len = ev.data.scalar.length;
			if ((n->str = malloc(n->len + 1)) == NULL) {
				conf_err(p, line, "%s", strerror(errno));
				goto fail_ev;
			}
			memcpy(n->str, ev.data.scalar.value, n->len);
			n->str[n->len] = '\0';
			break;
		case YAML_ALIAS_EVENT:
			if ((n = node_add(p, cur, YN_ALIAS, line)) == NULL)
				goto fail_ev;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > CONF_MAX_DEPTH) {
				conf_err(p, line, "nesting deeper than %d "
				    "levels", CONF_MAX_DEPTH);
				goto fail_ev;
			}
			if ((n = node_add(p, cur, ev.type ==
			    YAML_MAPPING_START_EVENT ? YN_MAP : YN_SEQ,
			    line)) == NULL)
				goto fail_ev;
			n->anchor = ev.type == YAML_MAPPING_START_EVENT ?
			    ev.data.mapping_start.anchor != NULL :
			    ev.data.sequence_start.anchor != NULL;
			cur = n;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			cur = cur->parent;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&y);
	return (stream);
 fail_ev:
	yaml_event_delete(&ev);
 fail:
	yaml_parser_delete(&y);
	node_free(stream);
	return (NULL);
}

/* Plain empty, "~" and "null" mean "not set", as in YAML 1.1. */
static int
node_null(const struct ynode *n)
{
	if (n == NULL)
		return (1);
	if (n->type != YN_SCALAR || !n->plain)
		return (0);
	return (n->len == 0 || strcmp(n->str, "~") == 0 ||
	    strcmp(n->str, "null") == 0 || strcmp(n->str, "Null") == 0 ||
	    strcmp(n->str, "NULL") == 0);
}

/* Not set, or set to an empty string. */
static int
node_empty(const struct ynode *n)
{
	return (node_null(n) || (n->type == YN_SCALAR && n->len == 0));
}

static const char *
node_what(const struct ynode *n)
{
	switch (n->type) {
	case YN_SCALAR:
		return ("a string");
	case YN_ALIAS:
		return ("an alias");
	case YN_SEQ:
		return ("a sequence");
	case YN_MAP:
		return ("a mapping");
	}
	return ("?");
}

/* Aliases would let a small file expand into a large one: none at all. */
static int
check_anchor(struct cparse *p, const struct ynode *n)
{
	if (n->type != YN_ALIAS && !n->anchor)
		return (0);
	conf_err(p, n->line, "anchors and aliases are not supported");
	return (-1);
}

/* Levenshtein distance, ignoring case. */
static int
edit_distance(const char *a, const char *b)
{
	int	 row[CONF_SUGGEST_LEN + 1], la, lb, i, j, prev, next, cost;

	la = strlen(a);
	lb = strlen(b);
	if (la > CONF_SUGGEST_LEN || lb > CONF_SUGGEST_LEN)
		return (INT_MAX);
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			cost = tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]);
			next = prev + cost;
			if (row[j] + 1 < next)
				next = row[j] + 1;
			if (row[j - 1] + 1 < next)
				next = row[j - 1] + 1;
			prev = row[j];
			row[j] = next;
		}
	}
	return (row[lb]);
}

/* The closest known key, or NULL when none is close. */
static const char *
suggest(const char *key, const struct keydef *defs, size_t ndefs)
{
	const char	*best = NULL;
	size_t		 i;
	int		 d, bestd = CONF_SUGGEST_DIST + 1;

	for (i = 0; i < ndefs; i++) {
		d = edit_distance(key, defs[i].name);
		if (d < bestd) {
			bestd = d;
			best = defs[i].name;
		}
	}
	return (best);
}

/*
 * Match a mapping's keys against defs: keys[i] and vals[i] are set for
 * each known key found; unknown, duplicate and non-string keys are errors.
 */
static void
map_collect(struct cparse *p, const struct ynode *map,
    const struct keydef *defs, size_t ndefs, const struct ynode **keys,
    const struct ynode **vals)
{
	const struct ynode	*k, *v;
	const char		*hint;
	size_t			 i, save;

	for (i = 0; i < ndefs; i++)
		keys[i] = vals[i] = NULL;
	for (k = TAILQ_FIRST(&map->kids); k != NULL;
	    k = TAILQ_NEXT(v, entry)) {
		if ((v = TAILQ_NEXT(k, entry)) == NULL)
			break;
		if (check_anchor(p, k) == -1)
			continue;
		if (k->type != YN_SCALAR) {
			conf_err(p, k->line, "expected a string key, not %s",
			    node_what(k));
			continue;
		}
		for (i = 0; i < ndefs; i++)
			if (strlen(k->str) == k->len &&
			    strcmp(k->str, defs[i].name) == 0)
				break;
		save = path_key(p, k);
		if (i == ndefs) {
			hint = suggest(k->str, defs, ndefs);
			conf_err(p, k->line, "unknown key%s%s%s",
			    hint != NULL ? ", did you mean " : "",
			    hint != NULL ? hint : "", hint != NULL ? "?" : "");
		} else if (keys[i] != NULL)
			conf_err(p, k->line, "duplicate key, first at line %zu",
			    keys[i]->line);
		else {
			keys[i] = k;
			vals[i] = v;
		}
		path_pop(p, save);
	}
}

/* A scalar, checked for anchors and NUL bytes; what names the expected. */
static int
get_scalar(struct cparse *p, const struct ynode *n, const char *what)
{
	if (check_anchor(p, n) == -1)
		return (-1);
	if (n->type != YN_SCALAR) {
		conf_err(p, n->line, "expected %s, not %s", what,
		    node_what(n));
		return (-1);
	}
	if (strlen(n->str) != n->len) {
		conf_err(p, n->line, "contains a NUL character");
		return (-1);
	}
	return (0);
}

/* on, off, true, false, yes or no, in any case, quoted or not. */
static int
get_bool(struct cparse *p, const struct ynode *n, int *dst)
{
	static const char	*yes[] = { "on", "true", "yes" };
	static const char	*no[] = { "off", "false", "no" };
	char			 buf[CONF_SHOW_LEN];
	size_t			 i;

	if (get_scalar(p, n, "on or off") == -1)
		return (-1);
	for (i = 0; i < 3; i++) {
		if (strcasecmp(n->str, yes[i]) == 0) {
			*dst = 1;
			return (0);
		}
		if (strcasecmp(n->str, no[i]) == 0) {
			*dst = 0;
			return (0);
		}
	}
	conf_err(p, n->line, "\"%s\": expected on or off", show(n->str, n->len,
	    buf, sizeof(buf)));
	return (-1);
}

static int
get_string(struct cparse *p, const struct ynode *n, char *dst, size_t len)
{
	if (get_scalar(p, n, "a string") == -1)
		return (-1);
	if (n->len >= len) {
		conf_err(p, n->line, "too long (at most %zu bytes)", len - 1);
		return (-1);
	}
	memset(dst, 0, len);
	memcpy(dst, n->str, n->len);
	return (0);
}

/* What Linux accepts as a name: no slash, colon or white space. */
static int
get_ifname(struct cparse *p, const struct ynode *n, char *dst)
{
	char	 buf[CONF_SHOW_LEN];
	size_t	 i;

	if (node_empty(n)) {
		conf_err(p, n->line, "empty interface name");
		return (-1);
	}
	if (get_string(p, n, dst, IFNAMSIZ) == -1)
		return (-1);
	for (i = 0; i < n->len; i++)
		if (n->str[i] == '/' || n->str[i] == ':' ||
		    isspace((unsigned char)n->str[i]))
			break;
	if (i < n->len || strcmp(n->str, ".") == 0 ||
	    strcmp(n->str, "..") == 0) {
		conf_err(p, n->line, "\"%s\": invalid interface name",
		    show(n->str, n->len, buf, sizeof(buf)));
		return (-1);
	}
	return (0);
}

static int
get_path(struct cparse *p, const struct ynode *n, char *dst, size_t len)
{
	char	 buf[CONF_SHOW_LEN];

	if (get_scalar(p, n, "a path") == -1)
		return (-1);
	if (n->str[0] != '/') {
		conf_err(p, n->line, "\"%s\": must be an absolute path",
		    show(n->str, n->len, buf, sizeof(buf)));
		return (-1);
	}
	return (get_string(p, n, dst, len));
}

static int
get_addr(struct cparse *p, const struct ynode *n,
    struct sockaddr_storage *ss)
{
	char		 buf[CONF_SHOW_LEN];
	const char	*s, *colon;

	if (get_scalar(p, n, "an address") == -1)
		return (-1);
	s = n->str;
	show(s, n->len, buf, sizeof(buf));
	if (addr_parse(s, ss, 1) == 0)
		return (0);

	colon = strrchr(s, ':');
	if (errno == ENOENT)
		conf_err(p, n->line, "\"%s\": host not found", buf);
	else if (errno == ERANGE)
		conf_err(p, n->line, "\"%s\": port must be 1 to 65535", buf);
	else if (colon == NULL || colon[1] == '\0' ||
	    (s[0] == '[' && colon < strchr(s, ']')))
		conf_err(p, n->line, "\"%s\": missing port", buf);
	else
		conf_err(p, n->line, "\"%s\": invalid address, expected "
		    "host:port or [address]:port", buf);
	memset(ss, 0, sizeof(*ss));
	return (-1);
}

/* A decimal integer, plain or quoted, between min and max. */
static int
get_uint(struct cparse *p, const struct ynode *n, long long min,
    long long max, uint32_t *v)
{
	char		 buf[CONF_SHOW_LEN];
	const char	*s, *errstr;
	long long	 ll;

	if (get_scalar(p, n, "an integer") == -1)
		return (-1);
	s = n->str;
	show(s, n->len, buf, sizeof(buf));
	if (*s == '-' || *s == '+')
		s++;
	if (*s == '\0' || strspn(s, "0123456789") != strlen(s)) {
		conf_err(p, n->line, "\"%s\": not an integer", buf);
		return (-1);
	}
	ll = strtonum(n->str, LLONG_MIN, LLONG_MAX, &errstr);
	if (errstr != NULL && n->str[0] == '-')
		ll = LLONG_MIN;
	else if (errstr != NULL)
		ll = LLONG_MAX;
	if (ll < 0 && min >= 0) {
		conf_err(p, n->line, "\"%s\": must not be negative", buf);
		return (-1);
	}
	if (ll < min) {
		conf_err(p, n->line, "\"%s\": must be at least %lld", buf, min);
		return (-1);
	}
	if (ll > max) {
		conf_err(p, n->line, "\"%s\": must be at most %lld", buf, max);
		return (-1);
	}
	*v = ll;
	return (0);
}

/* Bytes, with an optional K or M (1024-based) suffix. */
static int
get_size(struct cparse *p, const struct ynode *n, uint32_t *v)
{
	char		 buf[CONF_SHOW_LEN], num[16];
	const char	*errstr;
	long long	 ll, mult = 1;
	size_t		 digits;

	if (get_scalar(p, n, "a size") == -1)
		return (-1);
	show(n->str, n->len, buf, sizeof(buf));
	digits = strspn(n->str, "0123456789");
	if (digits > 0 && n->len == digits + 1) {
		switch (n->str[digits]) {
		case 'k':
		case 'K':
			mult = 1024;
			break;
		case 'm':
		case 'M':
			mult = 1024 * 1024;
			break;
		default:
			mult = 0;
			break;
		}
	}
	if (digits == 0 || mult == 0 || (n->len != digits &&
	    n->len != digits + 1)) {
		conf_err(p, n->line, "\"%s\": not a size (bytes, or with a K "
		    "or M suffix)", buf);
		return (-1);
	}
	/* Anything this long is out of range anyway. */
	if (digits >= sizeof(num))
		ll = LLONG_MAX;
	else {
		memcpy(num, n->str, digits);
		num[digits] = '\0';
		ll = strtonum(num, 0, LLONG_MAX / mult, &errstr);
		ll = errstr != NULL ? LLONG_MAX : ll * mult;
	}
	if (ll < SOCKBUF_MIN || ll > SOCKBUF_MAX) {
		conf_err(p, n->line, "\"%s\": must be between %dK and %dM",
		    buf, SOCKBUF_MIN / 1024, SOCKBUF_MAX / (1024 * 1024));
		return (-1);
	}
	*v = ll;
	return (0);
}

/* Check for a collection of the given type. */
static int
check_coll(struct cparse *p, const struct ynode *n, enum ynode_type type)
{
	if (check_anchor(p, n) == -1)
		return (-1);
	if (n->type != type) {
		conf_err(p, n->line, "expected %s, not %s",
		    type == YN_MAP ? "a mapping" : "a sequence", node_what(n));
		return (-1);
	}
	return (0);
}

/* Report a list past its bound, once, at the first entry too many. */
static int
too_many(struct cparse *p, const struct ynode *n, int count, int max)
{
	if (count < max)
		return (0);
	conf_err(p, n->line, "too many entries (at most %d)", max);
	return (1);
}

/*
 * A numeric address prefix, "address/length", or a bare address for one
 * host.  Bits set past the length are cleared rather than refused, as
 * most daemons do; -nv shows what is kept.
 */
static int
get_prefix(struct cparse *p, const struct ynode *n, struct conf_prefix *pf)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&pf->addr;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&pf->addr;
	char			 buf[CONF_SHOW_LEN], host[INET6_ADDRSTRLEN];
	const char		*slash, *errstr;
	uint8_t			*bytes;
	long long		 plen, bits;
	size_t			 hlen;
	int			 i, max;

	memset(pf, 0, sizeof(*pf));
	if (get_scalar(p, n, "an address prefix") == -1)
		return (-1);
	show(n->str, n->len, buf, sizeof(buf));
	if (n->len == 0) {
		conf_err(p, n->line, "empty address prefix");
		return (-1);
	}
	slash = strchr(n->str, '/');
	hlen = slash != NULL ? (size_t)(slash - n->str) : n->len;
	if (hlen == 0 || hlen >= sizeof(host))
		goto bad;
	memcpy(host, n->str, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		bytes = (uint8_t *)&sin->sin_addr;
		max = 32;
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		bytes = sin6->sin6_addr.s6_addr;
		max = 128;
	} else
		goto bad;

	plen = max;
	if (slash != NULL) {
		if (slash[1] == '\0' ||
		    strspn(slash + 1, "0123456789") != strlen(slash + 1))
			goto bad;
		plen = strtonum(slash + 1, 0, max, &errstr);
		if (errstr != NULL) {
			conf_err(p, n->line, "\"%s\": prefix length must be "
			    "0 to %d", buf, max);
			memset(pf, 0, sizeof(*pf));
			return (-1);
		}
	}
	for (i = 0; i < max / 8; i++) {
		bits = plen - i * 8;
		if (bits <= 0)
			bytes[i] = 0;
		else if (bits < 8)
			bytes[i] &= (uint8_t)(0xff << (8 - bits));
	}
	pf->plen = plen;
	/* IPv4 written as mapped IPv6: an IPv4 prefix, as clients are met. */
	if (max == 128 && plen >= 96 &&
	    IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
		memcpy(host, &sin6->sin6_addr.s6_addr[12], 4);
		memset(pf, 0, sizeof(*pf));
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, host, 4);
		pf->plen = plen - 96;
	}
	return (0);
 bad:
	conf_err(p, n->line, "\"%s\": invalid prefix, expected an address or "
	    "address/length", buf);
	memset(pf, 0, sizeof(*pf));
	return (-1);
}

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A');
	if (c >= 'a' && c <= 'z')
		return (c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (c - '0' + 52);
	if (c == '+')
		return (62);
	if (c == '/')
		return (63);
	return (-1);
}

/*
 * A WireGuard key as wg(8) prints it: base64 with its padding, 32 bytes.
 * The decoder is strict, so that a key has one spelling: no white space,
 * padding only at the end, and the bits past the last byte zero.  It is
 * our own, to keep libcrypto out of what parses the file.
 */
static int
get_wgkey(struct cparse *p, const struct ynode *n, uint8_t *key)
{
	uint8_t		 out[WG_KEY_LEN];
	char		 buf[CONF_SHOW_LEN];
	const char	*s = n->str;
	size_t		 len, pad = 0, dlen, i, o = 0;
	uint32_t	 acc = 0;
	int		 bits = 0;

	if (get_scalar(p, n, "a base64 key") == -1)
		return (-1);
	len = n->len;
	show(s, len, buf, sizeof(buf));
	if (len % 4 != 0)
		goto bad;
	while (pad < 2 && pad < len && s[len - 1 - pad] == '=')
		pad++;
	for (i = 0; i < len - pad; i++)
		if (b64_value(s[i]) == -1)
			goto bad;
	dlen = len / 4 * 3 - pad;
	if (dlen != WG_KEY_LEN) {
		conf_err(p, n->line, "\"%s\": decodes to %zu bytes, a "
		    "WireGuard key has %d", buf, dlen, WG_KEY_LEN);
		return (-1);
	}
	for (i = 0; i < len - pad; i++) {
		acc = (acc << 6 | b64_value(s[i])) & 0xfff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = acc >> bits;
		}
	}
	if ((acc & ((1U << bits) - 1)) != 0)
		goto bad;
	memcpy(key, out, WG_KEY_LEN);
	return (0);
 bad:
	conf_err(p, n->line, "\"%s\": not base64", buf);
	return (-1);
}

static void
parse_excluded(struct cparse *p, const struct ynode *n, struct config *c)
{
	const struct ynode	*item;
	size_t			 save;
	int			 i = 0;

	if (check_coll(p, n, YN_SEQ) == -1)
		return;
	TAILQ_FOREACH(item, &n->kids, entry) {
		if (too_many(p, item, i, CONF_MAX_IFS))
			break;
		save = path_push(p, "[%d]", i++);
		if (get_ifname(p, item, c->excluded[c->nexcluded]) == 0)
			c->nexcluded++;
		path_pop(p, save);
	}
}

/*
 * An interface named twice in a list is ambiguous.  The names already taken
 * are at base, stride bytes apart, and were found at lines[].
 */
static int
dup_ifname(struct cparse *p, const struct ynode *n, const char *ifname,
    const char *base, size_t stride, int count, const size_t *lines)
{
	char	 buf[CONF_SHOW_LEN];
	int	 i;

	for (i = 0; i < count; i++) {
		if (strcmp(base + i * stride, ifname) != 0)
			continue;
		conf_err(p, n->line, "duplicate interface \"%s\", first at "
		    "line %zu", show(ifname, strlen(ifname), buf, sizeof(buf)),
		    lines[i]);
		return (1);
	}
	return (0);
}

/*
 * One label from either form: the name node, the label node (or NULL), and
 * for the sequence form (seq) the entry, whose path gets ".ifName" and
 * ".label" for errors in each.
 */
static void
parse_label(struct cparse *p, const struct ynode *entry, int seq,
    const struct ynode *name, const struct ynode *label, struct config *c,
    size_t *lines)
{
	struct conf_label	 l;
	size_t			 save;
	int			 ok = 1;

	memset(&l, 0, sizeof(l));
	save = seq ? path_push(p, ".ifName") : strlen(p->path);
	if (get_ifname(p, name, l.ifname) == -1 ||
	    dup_ifname(p, name, l.ifname, c->labels[0].ifname,
	    sizeof(c->labels[0]), c->nlabels, lines))
		ok = 0;
	path_pop(p, save);

	if (label != NULL && check_anchor(p, label) == -1)
		ok = 0;
	else if (node_empty(label)) {
		conf_err(p, entry->line, "missing label");
		ok = 0;
	} else {
		save = seq ? path_push(p, ".label") : strlen(p->path);
		if (get_string(p, label, l.label, sizeof(l.label)) == -1)
			ok = 0;
		path_pop(p, save);
	}
	if (ok) {
		lines[c->nlabels] = name->line;
		memcpy(&c->labels[c->nlabels++], &l, sizeof(l));
	}
}

/*
 * Labels come either as a mapping "ifname: label" or, like dstOverrides,
 * as a sequence of "ifName:" and "label:" mappings.
 */
static void
parse_labels(struct cparse *p, const struct ynode *n, struct config *c)
{
	const struct ynode	*k, *v, *item, *keys[EK_MAX], *vals[EK_MAX];
	size_t			 save, lines[CONF_MAX_IFS] = { 0 };
	int			 i = 0;

	if (check_anchor(p, n) == -1)
		return;
	if (n->type == YN_MAP) {
		for (k = TAILQ_FIRST(&n->kids); k != NULL;
		    k = TAILQ_NEXT(v, entry)) {
			if ((v = TAILQ_NEXT(k, entry)) == NULL)
				break;
			if (too_many(p, k, i++, CONF_MAX_IFS))
				break;
			if (check_anchor(p, k) == -1)
				continue;
			if (k->type != YN_SCALAR) {
				conf_err(p, k->line, "expected an interface "
				    "name, not %s", node_what(k));
				continue;
			}
			save = path_key(p, k);
			parse_label(p, k, 0, k, v, c, lines);
			path_pop(p, save);
		}
	} else if (n->type == YN_SEQ) {
		TAILQ_FOREACH(item, &n->kids, entry) {
			if (too_many(p, item, i, CONF_MAX_IFS))
				break;
			save = path_push(p, "[%d]", i++);
			if (check_coll(p, item, YN_MAP) == 0) {
				map_collect(p, item, label_keys, EK_MAX, keys,
				    vals);
				if (keys[EK_IFNAME] == NULL)
					conf_err(p, item->line,
					    "missing ifName");
				else
					parse_label(p, item, 1,
					    vals[EK_IFNAME], vals[EK_VALUE], c,
					    lines);
			}
			path_pop(p, save);
		}
	} else
		conf_err(p, n->line, "expected a mapping or a sequence, not %s",
		    node_what(n));
}

/*
 * An interface may be named more than once, one entry per destination
 * (an IPv4 and an IPv6 address of the server, say), up to CONF_MAX_DSTS;
 * the same interface and address twice is a mistake.
 */
static void
parse_overrides(struct cparse *p, const struct ynode *n, struct config *c)
{
	const struct ynode	*item, *keys[EK_MAX], *vals[EK_MAX];
	struct conf_override	 o;
	char			 buf[CONF_SHOW_LEN];
	size_t			 save, save2, lines[CONF_MAX_IFS] = { 0 };
	int			 i = 0, j, same, ok;

	if (check_coll(p, n, YN_SEQ) == -1)
		return;
	TAILQ_FOREACH(item, &n->kids, entry) {
		if (too_many(p, item, i, CONF_MAX_IFS))
			break;
		save = path_push(p, "[%d]", i++);
		if (check_coll(p, item, YN_MAP) == -1) {
			path_pop(p, save);
			continue;
		}
		map_collect(p, item, override_keys, EK_MAX, keys, vals);
		memset(&o, 0, sizeof(o));
		ok = 1;
		if (keys[EK_IFNAME] == NULL) {
			conf_err(p, item->line, "missing ifName");
			ok = 0;
		} else {
			save2 = path_push(p, ".ifName");
			if (get_ifname(p, vals[EK_IFNAME], o.ifname) == -1)
				ok = 0;
			path_pop(p, save2);
		}
		if (node_empty(vals[EK_VALUE])) {
			conf_err(p, item->line, "missing dstAddr");
			ok = 0;
		} else {
			save2 = path_push(p, ".dstAddr");
			if (get_addr(p, vals[EK_VALUE], &o.dst) == -1)
				ok = 0;
			path_pop(p, save2);
		}
		for (j = same = 0; ok && j < c->noverrides; j++) {
			if (strcmp(c->overrides[j].ifname, o.ifname) != 0)
				continue;
			if (addr_cmp(&c->overrides[j].dst, &o.dst) == 0) {
				conf_err(p, item->line, "duplicate entry, "
				    "first at line %zu", lines[j]);
				ok = 0;
			} else if (++same == CONF_MAX_DSTS) {
				conf_err(p, item->line, "too many entries for "
				    "\"%s\" (at most %d)", show(o.ifname,
				    strlen(o.ifname), buf, sizeof(buf)),
				    CONF_MAX_DSTS);
				ok = 0;
			}
		}
		if (ok) {
			lines[c->noverrides] = item->line;
			memcpy(&c->overrides[c->noverrides++], &o, sizeof(o));
		}
		path_pop(p, save);
	}
}

/*
 * dstAddr: one address, as in Go engarde, or in the client section a list
 * of them, for a path per interface and destination (an IPv4 and an IPv6
 * address of the server, say).  dst is the first, dsts all of them.
 */
static void
parse_dst(struct cparse *p, const struct ynode *n, enum eg_role role,
    struct config *c)
{
	const struct ynode	*item;
	struct sockaddr_storage	 ss;
	char			 buf[CONF_SHOW_LEN];
	size_t			 save, lines[CONF_MAX_DSTS];
	int			 i = 0, j, ok;

	if (n->type == YN_SEQ && role != ROLE_CLIENT) {
		conf_err(p, n->line, "expected an address, not a sequence: "
		    "only a client takes several");
		return;
	}
	if (n->type == YN_MAP && role == ROLE_CLIENT) {
		conf_err(p, n->line, "expected an address or a sequence of "
		    "addresses, not a mapping");
		return;
	}
	if (n->type != YN_SEQ) {
		if (node_empty(n) || get_addr(p, n, &c->dsts[0]) == -1)
			return;
		c->ndsts = 1;
		memcpy(&c->dst, &c->dsts[0], sizeof(c->dst));
		return;
	}
	if (TAILQ_EMPTY(&n->kids)) {
		conf_err(p, n->line, "empty sequence, expected at least one "
		    "address");
		return;
	}
	TAILQ_FOREACH(item, &n->kids, entry) {
		if (too_many(p, item, i, CONF_MAX_DSTS))
			break;
		save = path_push(p, "[%d]", i++);
		ok = 0;
		if (check_anchor(p, item) == 0) {
			if (node_empty(item))
				conf_err(p, item->line, "empty address");
			else
				ok = get_addr(p, item, &ss) == 0;
		}
		for (j = 0; ok && j < c->ndsts; j++)
			if (addr_cmp(&c->dsts[j], &ss) == 0) {
				conf_err(p, item->line, "duplicate address "
				    "\"%s\", first at line %zu", show(item->str,
				    item->len, buf, sizeof(buf)), lines[j]);
				ok = 0;
			}
		if (ok) {
			lines[c->ndsts] = item->line;
			memcpy(&c->dsts[c->ndsts++], &ss, sizeof(ss));
		}
		path_pop(p, save);
	}
	if (c->ndsts > 0)
		memcpy(&c->dst, &c->dsts[0], sizeof(c->dst));
}

/* Who may start a session on the server; none listed means anyone. */
static void
parse_allowed(struct cparse *p, const struct ynode *n, struct config *c)
{
	const struct ynode	*item;
	struct conf_prefix	 pf;
	char			 buf[CONF_SHOW_LEN], a[INET6_ADDRSTRLEN];
	size_t			 save, lines[CONF_MAX_PREFIXES];
	int			 i = 0, j, ok;

	if (check_coll(p, n, YN_SEQ) == -1)
		return;
	TAILQ_FOREACH(item, &n->kids, entry) {
		if (too_many(p, item, i, CONF_MAX_PREFIXES))
			break;
		save = path_push(p, "[%d]", i++);
		ok = get_prefix(p, item, &pf) == 0;
		/* Compared as kept, host bits cleared. */
		for (j = 0; ok && j < c->nallowed; j++)
			if (memcmp(&c->allowed[j], &pf, sizeof(pf)) == 0) {
				snprintf(buf, sizeof(buf), "%s/%u",
				    addr_ntop(&pf.addr, a, sizeof(a)),
				    pf.plen);
				conf_err(p, item->line, "duplicate prefix %s, "
				    "first at line %zu", buf, lines[j]);
				ok = 0;
			}
		if (ok) {
			lines[c->nallowed] = item->line;
			memcpy(&c->allowed[c->nallowed++], &pf, sizeof(pf));
		}
		path_pop(p, save);
	}
}

/*
 * webManager.tls (key and value n): a word, or a mapping naming the
 * certificate and key files, or neither for a self-signed certificate.
 * Errors about the whole of it go on the line of the key.
 */
static void
parse_tls(struct cparse *p, const struct ynode *key, const struct ynode *n,
    struct conf_web *w)
{
	const struct ynode	*keys[TLK_MAX], *vals[TLK_MAX];
	char			 buf[CONF_SHOW_LEN];
	size_t			 i, save;
	int			 ok = 1;

	if (check_anchor(p, n) == -1)
		return;
	if (n->type == YN_SCALAR) {
		for (i = 0; i < sizeof(tls_words) / sizeof(tls_words[0]); i++)
			if (strlen(n->str) == n->len &&
			    strcasecmp(n->str, tls_words[i].word) == 0) {
				w->tls = tls_words[i].tls;
				return;
			}
		conf_err(p, n->line, "\"%s\": expected off, auto or a mapping "
		    "with certificate and key", show(n->str, n->len, buf,
		    sizeof(buf)));
		return;
	}
	if (n->type != YN_MAP) {
		conf_err(p, n->line, "expected off, auto or a mapping with "
		    "certificate and key, not %s", node_what(n));
		return;
	}
	map_collect(p, n, tls_keys, TLK_MAX, keys, vals);
	if (!node_null(vals[TLK_CERT])) {
		save = path_push(p, ".certificate");
		if (get_path(p, vals[TLK_CERT], w->cert, sizeof(w->cert)) == -1)
			ok = 0;
		path_pop(p, save);
	}
	if (!node_null(vals[TLK_KEY])) {
		save = path_push(p, ".key");
		if (get_path(p, vals[TLK_KEY], w->key, sizeof(w->key)) == -1)
			ok = 0;
		path_pop(p, save);
	}
	if (node_null(vals[TLK_CERT]) != node_null(vals[TLK_KEY]))
		conf_err(p, key->line, "certificate and key go together");
	else if (!node_null(vals[TLK_CERT]) && ok)
		w->tls = WEB_TLS_FILES;
}

/*
 * A username needs a password or a password file, and the other way
 * round; without either, anyone may log in, as in Go engarde.  What counts
 * is what the file gives, so that a value found too long is not reported
 * twice.
 */
static void
check_credentials(struct cparse *p, const struct ynode **keys,
    const struct ynode **vals)
{
	const struct ynode	*pw;
	size_t			 save;
	int			 user, pass;

	if (!node_null(vals[WK_PASSWORD]) &&
	    !node_null(vals[WK_PASSWORDFILE])) {
		save = path_push(p, ".passwordFile");
		conf_err(p, keys[WK_PASSWORDFILE]->line,
		    "password and passwordFile exclude each other");
		path_pop(p, save);
	}
	user = !node_empty(vals[WK_USERNAME]);
	pass = !node_empty(vals[WK_PASSWORD]) ||
	    !node_null(vals[WK_PASSWORDFILE]);
	if (user && !pass) {
		save = path_push(p, ".username");
		conf_err(p, keys[WK_USERNAME]->line,
		    "username and password go together");
		path_pop(p, save);
	} else if (pass && !user) {
		pw = !node_empty(vals[WK_PASSWORD]) ? keys[WK_PASSWORD] :
		    keys[WK_PASSWORDFILE];
		save = path_push(p, ".%s", pw == keys[WK_PASSWORD] ?
		    "password" : "passwordFile");
		conf_err(p, pw->line, "username and password go together");
		path_pop(p, save);
	}
}

/*
 * An empty or missing listenAddr disables the web manager: the other keys
 * are still checked, but nothing of them is kept.
 */
static void
parse_web(struct cparse *p, const struct ynode *n, struct config *c)
{
	const struct ynode	*keys[WK_MAX], *vals[WK_MAX];
	struct conf_web		*w = &c->web;
	size_t			 save;

	if (check_coll(p, n, YN_MAP) == -1)
		return;
	map_collect(p, n, web_keys, WK_MAX, keys, vals);
	if (!node_empty(vals[WK_LISTEN])) {
		save = path_push(p, ".listenAddr");
		if (get_addr(p, vals[WK_LISTEN], &w->listen) == 0)
			w->enabled = 1;
		path_pop(p, save);
	}
	if (!node_null(vals[WK_USERNAME])) {
		save = path_push(p, ".username");
		get_string(p, vals[WK_USERNAME], w->username,
		    sizeof(w->username));
		path_pop(p, save);
	}
	if (!node_null(vals[WK_PASSWORD])) {
		save = path_push(p, ".password");
		get_string(p, vals[WK_PASSWORD], w->password,
		    sizeof(w->password));
		path_pop(p, save);
	}
	if (!node_null(vals[WK_PASSWORDFILE])) {
		save = path_push(p, ".passwordFile");
		get_path(p, vals[WK_PASSWORDFILE], w->passwordfile,
		    sizeof(w->passwordfile));
		path_pop(p, save);
	}
	check_credentials(p, keys, vals);
	if (!node_null(vals[WK_TLS])) {
		save = path_push(p, ".tls");
		parse_tls(p, keys[WK_TLS], vals[WK_TLS], w);
		/* Plain HTTP shows the password: keep it on the host. */
		if (w->tls == WEB_TLS_OFF && w->enabled &&
		    !addr_is_loopback(&w->listen))
			conf_err(p, keys[WK_TLS]->line, "tls: off is allowed "
			    "only on a loopback listenAddr");
		path_pop(p, save);
	}
	if (!w->enabled)
		memset(w, 0, sizeof(*w));
}

/* One section, validated whole and stored in c (which it initialises). */
static void
parse_section(struct cparse *p, const struct ynode *key,
    const struct ynode *val, enum eg_role role, struct config *c)
{
	const struct ynode	*keys[SK_MAX], *vals[SK_MAX], *v;
	size_t			 save, save2;
	int			 i;

	config_defaults(c, role);
	for (i = 0; i < SK_MAX; i++)
		keys[i] = vals[i] = NULL;
	save = path_push(p, "%s", role_name(role));
	if (check_anchor(p, val) == -1)
		goto done;
	if (!node_null(val)) {
		if (check_coll(p, val, YN_MAP) == -1)
			goto done;
		map_collect(p, val, sect_keys, SK_MAX, keys, vals);
	}

	for (i = 0; i < SK_MAX; i++) {
		if ((v = vals[i]) == NULL)
			continue;
		save2 = path_push(p, ".%s", sect_keys[i].name);
		if ((sect_keys[i].roles & (1 << role)) == 0) {
			conf_err(p, keys[i]->line, "only valid in the %s "
			    "section", role_name(role == ROLE_CLIENT ?
			    ROLE_SERVER : ROLE_CLIENT));
			goto next;
		}
		if (check_anchor(p, v) == -1 || node_null(v))
			goto next;
		switch (i) {
		case SK_DESCRIPTION:
			get_string(p, v, c->description,
			    sizeof(c->description));
			break;
		case SK_LISTEN:
			if (!node_empty(v))
				get_addr(p, v, &c->listen);
			break;
		case SK_DST:
			parse_dst(p, v, role, c);
			break;
		case SK_WRITE_TIMEOUT:
			get_uint(p, v, 0, WRITE_TIMEOUT_MAX,
			    &c->write_timeout);
			break;
		case SK_CLIENT_TIMEOUT:
			/* Go engarde reads 0 as its default: so do we. */
			get_uint(p, v, 0, CLIENT_TIMEOUT_MAX,
			    &c->client_timeout);
			if (c->client_timeout == 0)
				c->client_timeout = ENGARDED_CLIENT_TIMEOUT;
			break;
		case SK_EXCLUDED:
			parse_excluded(p, v, c);
			break;
		case SK_LABELS:
			parse_labels(p, v, c);
			break;
		case SK_OVERRIDES:
			parse_overrides(p, v, c);
			break;
		case SK_WEB:
			parse_web(p, v, c);
			break;
		case SK_USER:
			if (get_string(p, v, c->user, sizeof(c->user)) == 0 &&
			    c->user[0] == '\0')
				conf_err(p, v->line, "must not be empty");
			break;
		case SK_CHROOT:
			get_path(p, v, c->chroot, sizeof(c->chroot));
			break;
		case SK_CSOCK:
			get_path(p, v, c->csock, sizeof(c->csock));
			break;
		case SK_SOCKBUF:
			get_size(p, v, &c->sockbuf);
			break;
		case SK_DEDUP:
			get_bool(p, v, &c->dedup);
			break;
		case SK_RTPRIO:
			get_uint(p, v, 0, CONF_RTPRIO_MAX, &c->rtprio);
			break;
		case SK_ALLOWED:
			parse_allowed(p, v, c);
			break;
		case SK_PUBKEY:
			if (!node_empty(v) &&
			    get_wgkey(p, v, c->wg_pubkey) == 0)
				c->has_pubkey = 1;
			break;
		case SK_MAX_SESSIONS:
			get_uint(p, v, 1, CONF_SESSIONS_LIMIT,
			    &c->max_sessions);
			break;
		case SK_MAX_SESSION_ADDRS:
			get_uint(p, v, 1, CONF_SESSION_ADDRS_MAX,
			    &c->max_session_addrs);
			break;
		}
 next:
		path_pop(p, save2);
	}

	if (node_empty(vals[SK_LISTEN]))
		conf_err(p, key->line, "missing listenAddr");
	if (node_empty(vals[SK_DST]))
		conf_err(p, key->line, "missing dstAddr");
 done:
	path_pop(p, save);
}

static const char *
role_name(enum eg_role role)
{
	switch (role) {
	case ROLE_CLIENT:
		return ("client");
	case ROLE_SERVER:
		return ("server");
	default:
		return ("none");
	}
}
