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

/* engardectl: the text output, aligned columns and key: value lines. */

#include <sys/types.h>
#include <sys/socket.h>

#include <err.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util.h"
#include "engardectl.h"

#define TABLE_MAXCOLS	16

/* A table of cells built first, so that widths come from the data. */
struct table {
	size_t		  ncols;
	const char	**head;
	const int	 *right;	/* right-align the column */
	char		**cells;	/* nrows * ncols */
	size_t		  nrows;
	size_t		  row;		/* being filled */
	size_t		  col;
};

static void	table_init(struct table *, size_t, const char **,
		    const int *, size_t);
static void	table_add(struct table *, const char *, ...)
		    __attribute__((__format__ (printf, 2, 3)));
static void	table_print(struct table *);
static size_t	text_width(const char *);
static void	text_clean(char *, int);
static const char *fmt_bytes(uint64_t, char *, size_t);
static const char *fmt_duration(int64_t, const char *, char *, size_t);
static const char *fmt_seconds(int64_t, char *, size_t);
static const char *fmt_pct(uint32_t, int, char *, size_t);
static const char *fmt_ms(uint32_t, char *, size_t);
static void	quality_cells(struct table *, const struct ctl_quality *);
static void	replay_note(int);
static void	path_quality(const struct ctl_quality *);
static void	path_counters(const struct ctl_counters *);
static void	path_iface(const struct ctl_iface *);
static void	path_client(const struct ctl_client *);
static void	show_interfaces(const struct ctl_iface *, size_t);
static void	show_clients(const struct ctl_client *, size_t);
static void	show_sessions(const struct ctl_session *, size_t);
static void	show_paths(const struct ctl_iface *, size_t,
		    const struct ctl_client *, size_t);
static void	show_status(const struct ctl_status *);
static int	show_result(const struct ctl_result *, enum actions);

const struct output text_output = {
	.interfaces = show_interfaces,
	.clients = show_clients,
	.sessions = show_sessions,
	.paths = show_paths,
	.status = show_status,
	.result = show_result
};

static void
table_init(struct table *t, size_t ncols, const char **head, const int *right,
    size_t nrows)
{
	if (ncols > TABLE_MAXCOLS)
		errx(1, "table of %zu columns", ncols);
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->head = head;
	t->right = right;
	t->nrows = nrows;
	if (nrows > 0 && (t->cells = calloc(nrows * ncols,
	    sizeof(*t->cells))) == NULL)
		err(1, NULL);
}

/* Fill the next cell, row by row. */
static void
table_add(struct table *t, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	if (t->row >= t->nrows)
		errx(1, "table overflow");
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		err(1, NULL);
	va_end(ap);
	text_clean(s, 0);
	t->cells[t->row * t->ncols + t->col] = s;
	if (++t->col == t->ncols) {
		t->col = 0;
		t->row++;
	}
}

static void
table_print(struct table *t)
{
	size_t		 w[TABLE_MAXCOLS], i, c, len, pad;
	const char	*s;

	for (c = 0; c < t->ncols; c++)
		w[c] = text_width(t->head[c]);
	for (i = 0; i < t->row * t->ncols; i++) {
		c = i % t->ncols;
		if ((len = text_width(t->cells[i])) > w[c])
			w[c] = len;
	}
	for (i = 0; i <= t->row; i++) {
		for (c = 0; c < t->ncols; c++) {
			s = i == 0 ? t->head[c] : t->cells[(i - 1) *
			    t->ncols + c];
			pad = w[c] - text_width(s);
			if (c > 0)
				fputs("  ", stdout);
			if (t->right[c])
				printf("%*s", (int)pad, "");
			fputs(s, stdout);
			/* No trailing blanks after the last column. */
			if (!t->right[c] && c + 1 < t->ncols)
				printf("%*s", (int)pad, "");
		}
		putchar('\n');
	}
	for (i = 0; i < t->row * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
}

/* Columns on a terminal: a wide character takes two, a bad byte one. */
static size_t
text_width(const char *s)
{
	mbstate_t	mbs;
	wchar_t		wc;
	size_t		n, w = 0, left = strlen(s);
	int		cw;

	memset(&mbs, 0, sizeof(mbs));
	while (left > 0) {
		n = mbrtowc(&wc, s, left, &mbs);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&mbs, 0, sizeof(mbs));
			w++;
			s++;
			left--;
			continue;
		}
		if ((cw = wcwidth(wc)) > 0)
			w += cw;
		s += n;
		left -= n;
	}
	return (w);
}

/*
 * Names come from a configuration file: keep escapes off the terminal.
 * Newlines and tabs stay with keepnl, but no newline at the end.
 */
static void
text_clean(char *s, int keepnl)
{
	size_t	len;

	for (len = 0; s[len] != '\0'; len++)
		if (((unsigned char)s[len] < 0x20 &&
		    !(keepnl && (s[len] == '\n' || s[len] == '\t'))) ||
		    s[len] == 0x7f)
			s[len] = '?';
	while (len > 0 && s[len - 1] == '\n')
		s[--len] = '\0';
}

/* Bytes in powers of 1024, as 12, 530K or 1.2M. */
static const char *
fmt_bytes(uint64_t n, char *buf, size_t len)
{
	static const char	 units[] = "KMGTPE";
	double			 v = n;
	size_t			 u = 0;

	if (n < 1024) {
		snprintf(buf, len, "%" PRIu64, n);
		return (buf);
	}
	v /= 1024;
	/* Move up when the rounded figure would read 1024. */
	while (v >= 1023.5 && u + 1 < sizeof(units) - 1) {
		v /= 1024;
		u++;
	}
	if (v < 9.95)
		snprintf(buf, len, "%.1f%c", v, units[u]);
	else
		snprintf(buf, len, "%.0f%c", v, units[u]);
	return (buf);
}

/* A duration as 2h 3m 10s, the parts joined by sep. */
static const char *
fmt_duration(int64_t ms, const char *sep, char *buf, size_t len)
{
	long long	s, d, h, m;

	if (ms < 0) {
		strlcpy(buf, "-", len);
		return (buf);
	}
	s = ms / 1000;
	d = s / 86400;
	h = s / 3600 % 24;
	m = s / 60 % 60;
	s %= 60;
	if (d > 0)
		snprintf(buf, len, "%lldd%s%lldh%s%lldm%s%llds", d, sep, h,
		    sep, m, sep, s);
	else if (h > 0)
		snprintf(buf, len, "%lldh%s%lldm%s%llds", h, sep, m, sep, s);
	else if (m > 0)
		snprintf(buf, len, "%lldm%s%llds", m, sep, s);
	else
		snprintf(buf, len, "%llds", s);
	return (buf);
}

/* Milliseconds ago as seconds with one decimal; -1 is never. */
static const char *
fmt_seconds(int64_t ms, char *buf, size_t len)
{
	if (ms < 0)
		strlcpy(buf, "never", len);
	else
		snprintf(buf, len, "%lld.%llds", (long long)(ms / 1000),
		    (long long)(ms % 1000 / 100));
	return (buf);
}

/* Parts per million as a percentage with 1 or 2 decimals, rounded. */
static const char *
fmt_pct(uint32_t ppm, int decimals, char *buf, size_t len)
{
	uint64_t	unit, scale, v;

	unit = decimals == 2 ? 100 : 1000;
	scale = decimals == 2 ? 100 : 10;
	v = ((uint64_t)ppm + unit / 2) / unit;
	snprintf(buf, len, "%" PRIu64 ".%0*" PRIu64 "%%", v / scale,
	    decimals, v % scale);
	return (buf);
}

/* Microseconds as milliseconds, with fewer decimals as they grow. */
static const char *
fmt_ms(uint32_t us, char *buf, size_t len)
{
	if (us == 0)
		strlcpy(buf, "0", len);
	else if (us < 995)
		snprintf(buf, len, "%.2f", us / 1000.0);
	else if (us < 9950)
		snprintf(buf, len, "%.1f", us / 1000.0);
	else
		snprintf(buf, len, "%.0f", us / 1000.0);
	return (buf);
}

/*
 * The loss, first and delay columns of a path: "-" before anything was
 * measured, and a "!" after the delay when copies fall outside
 * WireGuard's replay window.
 */
static void
quality_cells(struct table *t, const struct ctl_quality *q)
{
	const char	*bang = q->replay ? "!" : "";
	char		 pct[16], p50[16], p99[16];

	if (q->samples == 0) {
		table_add(t, "-");
		table_add(t, "-");
		table_add(t, "-%s", bang);
		return;
	}
	table_add(t, "%s", fmt_pct(q->loss_ppm, 1, pct, sizeof(pct)));
	table_add(t, "%s", fmt_pct(q->first_ppm, 1, pct, sizeof(pct)));
	table_add(t, "%s/%sms%s", fmt_ms(q->delay_p50_us, p50, sizeof(p50)),
	    fmt_ms(q->delay_p99_us, p99, sizeof(p99)), bang);
}

static void
replay_note(int replay)
{
	if (replay)
		printf("!: copies beyond WireGuard's replay window "
		    "(see show paths)\n");
}

static void
show_interfaces(const struct ctl_iface *ci, size_t n)
{
	static const char	*head[] = { "INTERFACE", "LABEL", "STATUS",
				    "SOURCE", "DESTINATION", "LAST-RX", "LOSS",
				    "FIRST", "DELAY", "PKTS-IN", "BYTES-IN",
				    "PKTS-OUT", "BYTES-OUT", "DROPS" };
	static const int	 right[] = { 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1,
				    1, 1 };
	struct table		 t;
	char			 src[ADDR_STRLEN], dst[ADDR_STRLEN];
	char			 rx[32], bin[16], bout[16];
	size_t			 i;
	int			 replay = 0;

	table_init(&t, sizeof(head) / sizeof(head[0]), head, right, n);
	for (i = 0; i < n; i++, ci++) {
		table_add(&t, "%s", ci->ifname);
		table_add(&t, "%s", ci->label[0] != '\0' ? ci->label : "-");
		if (ci->reason[0] != '\0')
			table_add(&t, "%s (%s)", ci->status, ci->reason);
		else
			table_add(&t, "%s", ci->status);
		table_add(&t, "%s", addr_ntop(&ci->local, src, sizeof(src)));
		table_add(&t, "%s", addr_fmt(&ci->dst, dst, sizeof(dst)));
		table_add(&t, "%s", fmt_seconds(ci->last_rx_ms, rx,
		    sizeof(rx)));
		quality_cells(&t, &ci->q);
		replay |= ci->q.replay != 0;
		table_add(&t, "%" PRIu64, ci->c.pkts_in);
		table_add(&t, "%s", fmt_bytes(ci->c.bytes_in, bin,
		    sizeof(bin)));
		table_add(&t, "%" PRIu64, ci->c.pkts_out);
		table_add(&t, "%s", fmt_bytes(ci->c.bytes_out, bout,
		    sizeof(bout)));
		table_add(&t, "%" PRIu64, ci->c.drops);
	}
	table_print(&t);
	replay_note(replay);
}

static void
show_clients(const struct ctl_client *cl, size_t n)
{
	static const char	*head[] = { "ADDRESS", "SESSION", "LOCAL",
				    "LAST-SEEN", "AGE", "OWN-SOCKET", "LOSS",
				    "FIRST", "DELAY", "PKTS-IN", "BYTES-IN",
				    "PKTS-OUT", "BYTES-OUT", "DROPS" };
	static const int	 right[] = { 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1,
				    1, 1 };
	struct table		 t;
	char			 addr[ADDR_STRLEN], local[ADDR_STRLEN];
	char			 seen[32], age[64], bin[16], bout[16];
	size_t			 i;
	int			 replay = 0;

	table_init(&t, sizeof(head) / sizeof(head[0]), head, right, n);
	for (i = 0; i < n; i++, cl++) {
		table_add(&t, "%s", addr_fmt(&cl->addr, addr, sizeof(addr)));
		if (cl->session != 0)
			table_add(&t, "%u", cl->session);
		else
			table_add(&t, "-");
		table_add(&t, "%s", addr_fmt(&cl->local, local,
		    sizeof(local)));
		table_add(&t, "%s", fmt_seconds(cl->last_rx_ms, seen,
		    sizeof(seen)));
		table_add(&t, "%s", fmt_duration(cl->age_ms, "", age,
		    sizeof(age)));
		table_add(&t, "%s", cl->own_socket ? "yes" : "no");
		quality_cells(&t, &cl->q);
		replay |= cl->q.replay != 0;
		table_add(&t, "%" PRIu64, cl->c.pkts_in);
		table_add(&t, "%s", fmt_bytes(cl->c.bytes_in, bin,
		    sizeof(bin)));
		table_add(&t, "%" PRIu64, cl->c.pkts_out);
		table_add(&t, "%s", fmt_bytes(cl->c.bytes_out, bout,
		    sizeof(bout)));
		table_add(&t, "%" PRIu64, cl->c.drops);
	}
	table_print(&t);
	replay_note(replay);
}

static void
show_sessions(const struct ctl_session *cs, size_t n)
{
	static const char	*head[] = { "ID", "ADDRESSES", "INDEXES",
				    "WG-LOCAL", "AGE", "LAST-SEEN",
				    "INITIATIONS", "PKTS-IN", "BYTES-IN",
				    "PKTS-OUT", "BYTES-OUT", "REFUSED" };
	static const int	 right[] = { 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1,
				    1 };
	struct table		 t;
	char			 wg[ADDR_STRLEN], age[64], seen[32];
	char			 bin[16], bout[16];
	size_t			 i;

	table_init(&t, sizeof(head) / sizeof(head[0]), head, right, n);
	for (i = 0; i < n; i++, cs++) {
		table_add(&t, "%u", cs->id);
		table_add(&t, "%u", cs->naddrs);
		table_add(&t, "%u", cs->nindexes);
		table_add(&t, "%s", addr_fmt(&cs->wg_local, wg, sizeof(wg)));
		table_add(&t, "%s", fmt_duration(cs->age_ms, "", age,
		    sizeof(age)));
		table_add(&t, "%s", fmt_seconds(cs->last_rx_ms, seen,
		    sizeof(seen)));
		table_add(&t, "%" PRIu64, cs->initiations);
		table_add(&t, "%" PRIu64, cs->c.pkts_in);
		table_add(&t, "%s", fmt_bytes(cs->c.bytes_in, bin,
		    sizeof(bin)));
		table_add(&t, "%" PRIu64, cs->c.pkts_out);
		table_add(&t, "%s", fmt_bytes(cs->c.bytes_out, bout,
		    sizeof(bout)));
		table_add(&t, "%" PRIu64, cs->addr_limit);
	}
	table_print(&t);
}

/* Every figure of a path's quality, one per line. */
static void
path_quality(const struct ctl_quality *q)
{
	char	b1[16], b2[16];

	if (q->samples == 0)
		printf("  quality: nothing measured yet\n");
	else {
		printf("  measured on: %u messages of the last 10 to 20 s\n",
		    q->samples);
		printf("  loss: %s\n", fmt_pct(q->loss_ppm, 2, b1,
		    sizeof(b1)));
		printf("  first to arrive: %s of the messages\n",
		    fmt_pct(q->first_ppm, 2, b1, sizeof(b1)));
		printf("  delay behind the fastest path: %sms median, "
		    "%sms 99th percentile\n", fmt_ms(q->delay_p50_us, b1,
		    sizeof(b1)), fmt_ms(q->delay_p99_us, b2, sizeof(b2)));
	}
	if (q->replay)
		printf("  replay window: exceeded: copies come so late that "
		    "WireGuard refuses them as replays; they count as lost\n");
	else
		printf("  replay window: within\n");
	printf("  lifetime: %" PRIu64 " received, %" PRIu64 " first, %"
	    PRIu64 " lost, %" PRIu64 " late\n", q->received, q->first,
	    q->lost, q->late);
}

static void
path_counters(const struct ctl_counters *c)
{
	char	b[16];

	printf("  in: %" PRIu64 " packets, %s bytes\n", c->pkts_in,
	    fmt_bytes(c->bytes_in, b, sizeof(b)));
	printf("  out: %" PRIu64 " packets, %s bytes\n", c->pkts_out,
	    fmt_bytes(c->bytes_out, b, sizeof(b)));
	printf("  drops: %" PRIu64 ", errors: %" PRIu64 "\n", c->drops,
	    c->errors);
}

static void
path_iface(const struct ctl_iface *ci)
{
	char	ifname[sizeof(ci->ifname)], label[sizeof(ci->label)];
	char	status[sizeof(ci->status)], reason[sizeof(ci->reason)];
	char	buf[ADDR_STRLEN], rx[32];

	strlcpy(ifname, ci->ifname, sizeof(ifname));
	text_clean(ifname, 0);
	strlcpy(label, ci->label, sizeof(label));
	text_clean(label, 0);
	strlcpy(status, ci->status, sizeof(status));
	text_clean(status, 0);
	strlcpy(reason, ci->reason, sizeof(reason));
	text_clean(reason, 0);

	printf("interface %s\n", ifname);
	printf("  label: %s\n", label[0] != '\0' ? label : "-");
	if (reason[0] != '\0')
		printf("  status: %s (%s)\n", status, reason);
	else
		printf("  status: %s\n", status);
	printf("  source: %s\n", addr_ntop(&ci->local, buf, sizeof(buf)));
	printf("  destination: %s\n", addr_fmt(&ci->dst, buf, sizeof(buf)));
	printf("  last received: %s%s\n", fmt_seconds(ci->last_rx_ms, rx,
	    sizeof(rx)), ci->last_rx_ms >= 0 ? " ago" : "");
	path_quality(&ci->q);
	path_counters(&ci->c);
}

static void
path_client(const struct ctl_client *cl)
{
	char	buf[ADDR_STRLEN], seen[32], age[64];

	printf("client %s\n", addr_fmt(&cl->addr, buf, sizeof(buf)));
	if (cl->session != 0)
		printf("  session: %u\n", cl->session);
	else
		printf("  session: -\n");
	printf("  local: %s\n", addr_fmt(&cl->local, buf, sizeof(buf)));
	printf("  last seen: %s%s\n", fmt_seconds(cl->last_rx_ms, seen,
	    sizeof(seen)), cl->last_rx_ms >= 0 ? " ago" : "");
	printf("  age: %s\n", fmt_duration(cl->age_ms, " ", age,
	    sizeof(age)));
	printf("  own socket: %s\n", cl->own_socket ? "yes" : "no");
	path_quality(&cl->q);
	path_counters(&cl->c);
}

/* One block per path, a blank line between blocks. */
static void
show_paths(const struct ctl_iface *ci, size_t ni,
    const struct ctl_client *cl, size_t nc)
{
	size_t	i;

	for (i = 0; i < ni; i++) {
		if (i > 0)
			putchar('\n');
		path_iface(&ci[i]);
	}
	for (i = 0; i < nc; i++) {
		if (i > 0 || ni > 0)
			putchar('\n');
		path_client(&cl[i]);
	}
}

static void
show_status(const struct ctl_status *st)
{
	char	buf[ADDR_STRLEN], b1[16], descr[CTL_DESCR_LEN];
	char	version[sizeof(st->version)], up[64];

	strlcpy(descr, st->description, sizeof(descr));
	text_clean(descr, 0);
	strlcpy(version, st->version, sizeof(version));
	text_clean(version, 0);
	printf("role: %s\n", st->role == 1 ? "client" : "server");
	printf("description: %s\n", descr[0] != '\0' ? descr : "-");
	printf("version: %s\n", version);
	printf("uptime: %s\n", fmt_duration(st->uptime_ms, " ", up,
	    sizeof(up)));
	if (st->verbose > 1)
		printf("log: verbose (%u)\n", st->verbose);
	else
		printf("log: %s\n", st->verbose ? "verbose" : "brief");
	printf("listen: %s\n", addr_fmt(&st->listen, buf, sizeof(buf)));
	printf("WireGuard: %s\n", addr_fmt(&st->wireguard, buf,
	    sizeof(buf)));
	if (st->role == 1)
		printf("active paths: %u\n", st->npaths);
	else {
		printf("clients: %u\n", st->nclients);
		printf("sessions: %u (at most %u, of at most %u addresses "
		    "each)\n",
		    st->nsessions, st->max_sessions, st->max_session_addrs);
		printf("sessions made: %" PRIu64 ", expired: %" PRIu64
		    ", revived by an unknown or expired index: %" PRIu64
		    " (%" PRIu64 " of them unanswered by WireGuard)\n",
		    st->sessions_made, st->sessions_expired,
		    st->sessions_revived, st->sessions_unanswered);
		printf("mac1: %s\n", st->mac1_checked ?
		    "checked against wireguardPublicKey" :
		    "not checked (no wireguardPublicKey)");
		if (st->nallowed == 0)
			printf("allowedSources: any source\n");
		else
			printf("allowedSources: %u prefix%s\n", st->nallowed,
			    st->nallowed == 1 ? "" : "es");
	}
	printf("from WireGuard: %" PRIu64 " packets, %s bytes\n",
	    st->wg.pkts_in, fmt_bytes(st->wg.bytes_in, b1, sizeof(b1)));
	printf("to WireGuard: %" PRIu64 " packets, %s bytes, %" PRIu64
	    " dropped\n", st->wg.pkts_out, fmt_bytes(st->wg.bytes_out, b1,
	    sizeof(b1)), st->wg.drops);
	printf("dropped: %" PRIu64 " oversized, %" PRIu64 " empty, %" PRIu64
	    " no WireGuard peer yet, %" PRIu64 " no usable path, %" PRIu64
	    " client table full\n", st->oversized, st->empty, st->no_wg_peer,
	    st->no_path, st->peer_limit);
	if (st->role != 1)
		printf("admission dropped: %" PRIu64 " not WireGuard, %" PRIu64
		    " unknown source, %" PRIu64 " not in allowedSources, %"
		    PRIu64 " bad mac1, %" PRIu64 " session limit, %" PRIu64
		    " address limit, %" PRIu64 " no socket yet\n", st->not_wg,
		    st->stranger, st->denied, st->bad_mac1, st->session_limit,
		    st->addr_limit, st->no_wg_socket);
	else
		printf("from the listen socket, dropped: %" PRIu64 " not "
		    "WireGuard, %" PRIu64 " data not from WireGuard's "
		    "address\n", st->not_wg, st->not_from_wg);
	printf("handshake copies not passed on: %" PRIu64 "\n",
	    st->hs_copies);
	printf("dedup: %s, data copies not passed on: %" PRIu64 "\n",
	    st->dedup ? "on" : "off", st->data_copies);
	printf("control errors: %" PRIu64 "\n", st->ctl_errors);
}

static int
show_result(const struct ctl_result *res, enum actions action)
{
	extern char	*__progname;
	char		 text[CTL_TEXT_LEN], *line, *p;

	strlcpy(text, res->text, sizeof(text));
	text_clean(text, 1);
	switch (res->code) {
	case CTL_OK:
		if (action == RELOAD && text[0] != '\0')
			printf("%s\n", text);
		else if (action == RELOAD)
			printf("reload ok\n");
		else
			printf("ok\n");
		return (0);
	case CTL_ALREADY_EXCLUDED:
		printf("already excluded\n");
		return (0);
	case CTL_ALREADY_INCLUDED:
		printf("already included\n");
		return (0);
	}

	/* An error: every line of it said on stderr. */
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	if (text[0] == '\0')
		strlcpy(text, "engarded reported an error", sizeof(text));
	for (p = text; (line = strsep(&p, "\n")) != NULL;)
		fprintf(stderr, "%s: %s\n", __progname, line);
	return (1);
}
