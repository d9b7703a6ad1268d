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

/* Printing one role's configuration back as canonical YAML (-nv). */

/*
 * The canonical form, which config_parse reads back into the same bytes:
 *
 * - one top-level "client:" or "server:" mapping, keys indented by two
 *   spaces, in this order: description, listenAddr, dstAddr, then
 *   clientTimeout (server only), writeTimeout, then excludedInterfaces,
 *   interfaceLabels and dstOverrides (client only), then allowedSources,
 *   wireguardPublicKey, maxSessions and maxSessionAddresses (server only),
 *   webManager, user, chroot, controlSocket, socketBuffer, dedup,
 *   realtimePriority;
 * - dstAddr is one address, or a block sequence when a client has several;
 * - every key is printed, defaults included, except wireguardPublicKey,
 *   printed only when set, in base64 as wg(8) shows it, and webManager,
 *   printed only when enabled, with listenAddr, username, then password or
 *   passwordFile (whichever is set; password when neither), then tls as
 *   "off", "auto" or a mapping of certificate and key;
 * - strings, interface names and addresses are double-quoted; '"' and '\'
 *   are escaped, and so is every character YAML does not allow raw in a
 *   quoted scalar (controls, NEL, line and paragraph separators, BOM):
 *   \t \n \r, else \xNN, \uNNNN or \UNNNNNNNN;
 * - addresses are numeric, "a.b.c.d:port" or "[v6]:port", with "%scope"
 *   (interface name, or index when it has none) for scoped IPv6;
 * - integers are plain decimal; socketBuffer is plain, in the largest unit
 *   that divides it exactly: "4M", "64K" or bytes;
 * - prefixes are "address/length", host bits clear, double-quoted;
 * - lists are block sequences, or "[]" when empty; interfaceLabels uses the
 *   sequence form ("- ifName:" and "label:") in the order of the file.
 */

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <net/if.h>

#include <stdio.h>
#include <string.h>

#include "engarded.h"
#include "util.h"

static void	 print_str(const char *, size_t);
static void	 print_addr(const struct sockaddr_storage *);
static void	 print_size(uint32_t);
static void	 print_web(const struct conf_web *);
static void	 print_lists(const struct config *);
static void	 print_dsts(const struct config *);
static void	 print_key(const uint8_t *, size_t);
static void	 print_admission(const struct config *);

void
print_config(const struct config *conf)
{
	if (conf->role != ROLE_CLIENT && conf->role != ROLE_SERVER)
		return;
	printf("%s:\n", conf->role == ROLE_CLIENT ? "client" : "server");
	printf("  description: ");
	print_str(conf->description, sizeof(conf->description));
	printf("\n  listenAddr: ");
	print_addr(&conf->listen);
	printf("\n");
	print_dsts(conf);
	if (conf->role == ROLE_SERVER)
		printf("  clientTimeout: %u\n", conf->client_timeout);
	printf("  writeTimeout: %u\n", conf->write_timeout);
	if (conf->role == ROLE_CLIENT)
		print_lists(conf);
	else
		print_admission(conf);
	print_web(&conf->web);
	printf("  user: ");
	print_str(conf->user, sizeof(conf->user));
	printf("\n  chroot: ");
	print_str(conf->chroot, sizeof(conf->chroot));
	printf("\n  controlSocket: ");
	print_str(conf->csock, sizeof(conf->csock));
	printf("\n  socketBuffer: ");
	print_size(conf->sockbuf);
	printf("\n  dedup: %s\n", conf->dedup ? "on" : "off");
	printf("  realtimePriority: %u\n", conf->rtprio);

	/* Whoever prints to stderr next must come after us. */
	fflush(stdout);
}

/*
 * A double-quoted YAML scalar of at most max bytes.  Valid UTF-8 passes
 * through unless YAML forbids the character raw; a stray byte becomes \xNN
 * (U+00NN).
 */
static void
print_str(const char *s, size_t max)
{
	const unsigned char	*u = (const unsigned char *)s;
	unsigned int		 cp;
	size_t			 i, n, len;

	len = strnlen(s, max);
	putchar('"');
	for (i = 0; i < len; i += n) {
		/* Decode one character; n == 0 marks an invalid byte. */
		n = 0;
		cp = u[i];
		if (u[i] < 0x80)
			n = 1;
		else if (u[i] >= 0xc2 && u[i] <= 0xdf && i + 1 < len &&
		    (u[i + 1] & 0xc0) == 0x80) {
			n = 2;
			cp = (u[i] & 0x1f) << 6 | (u[i + 1] & 0x3f);
		} else if (u[i] >= 0xe0 && u[i] <= 0xef && i + 2 < len &&
		    (u[i + 1] & 0xc0) == 0x80 && (u[i + 2] & 0xc0) == 0x80) {
			n = 3;
			cp = (u[i] & 0x0f) << 12 | (u[i + 1] & 0x3f) << 6 |
			    (u[i + 2] & 0x3f);
			if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))
				n = 0;
		} else if (u[i] >= 0xf0 && u[i] <= 0xf4 && i + 3 < len &&
		    (u[i + 1] & 0xc0) == 0x80 && (u[i + 2] & 0xc0) == 0x80 &&
		    (u[i + 3] & 0xc0) == 0x80) {
			n = 4;
			cp = (u[i] & 0x07) << 18 | (u[i + 1] & 0x3f) << 12 |
			    (u[i + 2] & 0x3f) << 6 | (u[i + 3] & 0x3f);
			if (cp < 0x10000 || cp > 0x10ffff)
				n = 0;
		}
		if (n == 0) {
			printf("\\x%02X", u[i]);
			n = 1;
			continue;
		}

		if (cp == '"' || cp == '\\')
			printf("\\%c", cp);
		else if (cp == '\t')
			printf("\\t");
		else if (cp == '\n')
			printf("\\n");
		else if (cp == '\r')
			printf("\\r");
		else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			printf("\\x%02X", cp);
		else if (cp == 0x2028 || cp == 0x2029 || cp == 0xfeff ||
		    cp == 0xfffe || cp == 0xffff)
			printf("\\u%04X", cp);
		else
			fwrite(u + i, 1, n, stdout);
	}
	putchar('"');
}

static void
print_addr(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in6	*sin6;
	char				 buf[ADDR_STRLEN];
	char				 a[INET6_ADDRSTRLEN];
	char				 ifname[IF_NAMESIZE];

	sin6 = (const struct sockaddr_in6 *)ss;
	if (ss->ss_family != AF_INET6 || sin6->sin6_scope_id == 0) {
		print_str(addr_fmt(ss, buf, sizeof(buf)), sizeof(buf));
		return;
	}
	/* addr_fmt leaves out the scope, without which it is another. */
	if (if_indextoname(sin6->sin6_scope_id, ifname) != NULL)
		snprintf(buf, sizeof(buf), "[%s%%%s]:%d",
		    addr_ntop(ss, a, sizeof(a)), ifname, addr_port(ss));
	else
		snprintf(buf, sizeof(buf), "[%s%%%u]:%d",
		    addr_ntop(ss, a, sizeof(a)), sin6->sin6_scope_id,
		    addr_port(ss));
	print_str(buf, sizeof(buf));
}

static void
print_size(uint32_t size)
{
	if (size != 0 && size % (1024 * 1024) == 0)
		printf("%uM", size / (1024 * 1024));
	else if (size != 0 && size % 1024 == 0)
		printf("%uK", size / 1024);
	else
		printf("%u", size);
}

static void
print_web(const struct conf_web *web)
{
	if (!web->enabled)
		return;
	printf("  webManager:\n    listenAddr: ");
	print_addr(&web->listen);
	printf("\n    username: ");
	print_str(web->username, sizeof(web->username));
	/*
	 * The password is printed as it is, as Go engarde did: whoever can
	 * read this output can read the file it came from.
	 */
	if (web->passwordfile[0] != '\0') {
		printf("\n    passwordFile: ");
		print_str(web->passwordfile, sizeof(web->passwordfile));
	} else {
		printf("\n    password: ");
		print_str(web->password, sizeof(web->password));
	}
	printf("\n");
	switch (web->tls) {
	case WEB_TLS_OFF:
		printf("    tls: off\n");
		break;
	case WEB_TLS_FILES:
		printf("    tls:\n      certificate: ");
		print_str(web->cert, sizeof(web->cert));
		printf("\n      key: ");
		print_str(web->key, sizeof(web->key));
		printf("\n");
		break;
	default:
		printf("    tls: auto\n");
		break;
	}
}

static void
print_lists(const struct config *conf)
{
	int	 i;

	printf("  excludedInterfaces:%s\n", conf->nexcluded == 0 ? " []" : "");
	for (i = 0; i < conf->nexcluded && i < CONF_MAX_IFS; i++) {
		printf("    - ");
		print_str(conf->excluded[i], IFNAMSIZ);
		printf("\n");
	}
	printf("  interfaceLabels:%s\n", conf->nlabels == 0 ? " []" : "");
	for (i = 0; i < conf->nlabels && i < CONF_MAX_IFS; i++) {
		printf("    - ifName: ");
		print_str(conf->labels[i].ifname, IFNAMSIZ);
		printf("\n      label: ");
		print_str(conf->labels[i].label,
		    sizeof(conf->labels[i].label));
		printf("\n");
	}
	printf("  dstOverrides:%s\n", conf->noverrides == 0 ? " []" : "");
	for (i = 0; i < conf->noverrides && i < CONF_MAX_IFS; i++) {
		printf("    - ifName: ");
		print_str(conf->overrides[i].ifname, IFNAMSIZ);
		printf("\n      dstAddr: ");
		print_addr(&conf->overrides[i].dst);
		printf("\n");
	}
}

/* One address as in Go engarde, unless a client has several. */
static void
print_dsts(const struct config *conf)
{
	int	 i;

	if (conf->role != ROLE_CLIENT || conf->ndsts <= 1) {
		printf("  dstAddr: ");
		print_addr(&conf->dst);
		printf("\n");
		return;
	}
	printf("  dstAddr:\n");
	for (i = 0; i < conf->ndsts && i < CONF_MAX_DSTS; i++) {
		printf("    - ");
		print_addr(&conf->dsts[i]);
		printf("\n");
	}
}

/* Standard base64 with padding, double-quoted. */
static void
print_key(const uint8_t *key, size_t len)
{
	static const char	 b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t		 v;
	size_t			 i;

	putchar('"');
	for (i = 0; i < len; i += 3) {
		v = (uint32_t)key[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)key[i + 1] << 8;
		if (i + 2 < len)
			v |= key[i + 2];
		putchar(b64[v >> 18 & 0x3f]);
		putchar(b64[v >> 12 & 0x3f]);
		putchar(i + 1 < len ? b64[v >> 6 & 0x3f] : '=');
		putchar(i + 2 < len ? b64[v & 0x3f] : '=');
	}
	putchar('"');
}

static void
print_admission(const struct config *conf)
{
	char	 a[INET6_ADDRSTRLEN], buf[INET6_ADDRSTRLEN + 8];
	int	 i;

	printf("  allowedSources:%s\n", conf->nallowed == 0 ? " []" : "");
	for (i = 0; i < conf->nallowed && i < CONF_MAX_PREFIXES; i++) {
		snprintf(buf, sizeof(buf), "%s/%u",
		    addr_ntop(&conf->allowed[i].addr, a, sizeof(a)),
		    conf->allowed[i].plen);
		printf("    - ");
		print_str(buf, sizeof(buf));
		printf("\n");
	}
	if (conf->has_pubkey) {
		printf("  wireguardPublicKey: ");
		print_key(conf->wg_pubkey, sizeof(conf->wg_pubkey));
		printf("\n");
	}
	printf("  maxSessions: %u\n", conf->max_sessions);
	printf("  maxSessionAddresses: %u\n", conf->max_session_addrs);
}
