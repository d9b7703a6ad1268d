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

/*
 * The parent's side of the dashboard's key material: the configured
 * certificate and key, or a self-signed pair made at start, and the
 * password file.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "util.h"
#include "engarded.h"
#include "webcert.h"

#define CERT_DAYS	825	/* what browsers still accept */

static int	webcert_read(const char *, uint8_t *, size_t, size_t *,
		    char *, size_t);
static int	webcert_generate(const struct conf_web *, struct webcert *,
		    char *, size_t);
static int	webcert_check(struct webcert *, char *, size_t);
static int	webcert_bio_out(BIO *, uint8_t *, size_t, size_t *);

/* The pair made at the first start; kept for every reload after it. */
static struct webcert	selfsigned;

/* A small file, whole, or an error message. */
static int
webcert_read(const char *path, uint8_t *buf, size_t size, size_t *len,
    char *err, size_t errlen)
{
	struct stat	sb;
	ssize_t		n;
	size_t		off = 0;
	int		fd;

	/* Non-blocking: a FIFO in its place must not hang the parent. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) == -1 || fstat(fd, &sb) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return (-1);
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size >= (off_t)size) {
		snprintf(err, errlen, "%s: not a regular file under %zu bytes",
		    path, size);
		close(fd);
		return (-1);
	}
	while (off < size - 1 && (n = read(fd, buf + off,
	    size - 1 - off)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s: %s", path,
			    strerror(errno));
			close(fd);
			return (-1);
		}
		off += n;
	}
	close(fd);
	buf[off] = '\0';
	*len = off;
	return (0);
}

static int
webcert_bio_out(BIO *bio, uint8_t *buf, size_t size, size_t *len)
{
	char	*p;
	long	 n;

	n = BIO_get_mem_data(bio, &p);
	if (n <= 0 || (size_t)n >= size)
		return (-1);
	memcpy(buf, p, n);
	buf[n] = '\0';
	*len = n;
	return (0);
}

/*
 * A P-256 key and a certificate for it, naming localhost and the address
 * the dashboard listens on.
 */
static int
webcert_generate(const struct conf_web *web, struct webcert *wc, char *err,
    size_t errlen)
{
	EVP_PKEY	*pkey = NULL;
	X509		*x = NULL;
	X509_NAME	*name;
	X509_EXTENSION	*ext;
	X509V3_CTX	 v3;
	BIO		*bio = NULL;
	unsigned char	 serial[16];
	BIGNUM		*bn = NULL;
	char		 san[128], a[ADDR_STRLEN], host[64];
	int		 ok = -1;

	if ((pkey = EVP_EC_gen("P-256")) == NULL || (x = X509_new()) == NULL)
		goto done;
	if (RAND_bytes(serial, sizeof(serial)) != 1)
		goto done;
	serial[0] &= 0x7f;
	if ((bn = BN_bin2bn(serial, sizeof(serial), NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		goto done;
	if (X509_set_version(x, 2) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x),
	    (long)CERT_DAYS * 86400) == NULL ||
	    X509_set_pubkey(x, pkey) != 1)
		goto done;
	if (gethostname(host, sizeof(host)) == -1)
		strlcpy(host, "engarded", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	name = X509_get_subject_name(x);
	if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)host, -1, -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
	    (const unsigned char *)"engarded self-signed", -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, name) != 1)
		goto done;
	if (addr_is_any(&web->listen))
		snprintf(san, sizeof(san), "DNS:localhost,DNS:%s", host);
	else
		snprintf(san, sizeof(san), "DNS:localhost,DNS:%s,IP:%s", host,
		    addr_ntop(&web->listen, a, sizeof(a)));
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name,
	    san)) == NULL)
		goto done;
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (X509_sign(x, pkey, EVP_sha256()) == 0)
		goto done;

	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509(bio, x) != 1 ||
	    webcert_bio_out(bio, wc->cert, sizeof(wc->cert),
	    &wc->certlen) == -1)
		goto done;
	BIO_free(bio);
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL,
	    NULL) != 1 ||
	    webcert_bio_out(bio, wc->key, sizeof(wc->key), &wc->keylen) == -1)
		goto done;
	ok = 0;
 done:
	if (ok == -1)
		snprintf(err, errlen, "cannot make a self-signed certificate");
	BIO_free(bio);
	BN_free(bn);
	X509_free(x);
	EVP_PKEY_free(pkey);
	return (ok);
}

/* Both parse, and the key is the certificate's; the fingerprint is set. */
static int
webcert_check(struct webcert *wc, char *err, size_t errlen)
{
	BIO		*bio;
	X509		*x = NULL;
	EVP_PKEY	*pkey = NULL;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen, i;
	int		 ok = -1;

	if ((bio = BIO_new_mem_buf(wc->cert, wc->certlen)) == NULL)
		fatalx("BIO_new_mem_buf");
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if ((bio = BIO_new_mem_buf(wc->key, wc->keylen)) == NULL)
		fatalx("BIO_new_mem_buf");
	pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (x == NULL)
		snprintf(err, errlen, "the certificate is not PEM");
	else if (pkey == NULL)
		snprintf(err, errlen, "the key is not a PEM private key "
		    "(or it has a passphrase)");
	else if (X509_check_private_key(x, pkey) != 1)
		snprintf(err, errlen, "the key does not belong to the "
		    "certificate");
	else if (X509_digest(x, EVP_sha256(), md, &mdlen) != 1)
		snprintf(err, errlen, "cannot digest the certificate");
	else {
		/* AB:CD:...: two digits, then a colon and two each. */
		wc->fingerprint[0] = '\0';
		for (i = 0; i < mdlen && 3 * i + 2 < sizeof(wc->fingerprint);
		    i++)
			snprintf(wc->fingerprint + (i ? 3 * i - 1 : 0),
			    sizeof(wc->fingerprint) - (i ? 3 * i - 1 : 0),
			    "%s%02X", i ? ":" : "", md[i]);
		ok = 0;
	}
	X509_free(x);
	EVP_PKEY_free(pkey);
	return (ok);
}

/*
 * The certificate and key the dashboard serves with: the configured files,
 * or the self-signed pair of this run.  Returns 0, or -1 with err set.
 */
int
webcert_load(const struct conf_web *web, struct webcert *wc, char *err,
    size_t errlen)
{
	memset(wc, 0, sizeof(*wc));
	if (web->tls == WEB_TLS_FILES) {
		if (webcert_read(web->cert, wc->cert, sizeof(wc->cert),
		    &wc->certlen, err, errlen) == -1 ||
		    webcert_read(web->key, wc->key, sizeof(wc->key),
		    &wc->keylen, err, errlen) == -1)
			return (-1);
		if (webcert_check(wc, err, errlen) == -1)
			return (-1);
		wc->selfsigned = 0;
		return (0);
	}
	if (selfsigned.certlen == 0) {
		if (webcert_generate(web, &selfsigned, err, errlen) == -1 ||
		    webcert_check(&selfsigned, err, errlen) == -1) {
			memset(&selfsigned, 0, sizeof(selfsigned));
			return (-1);
		}
		selfsigned.selfsigned = 1;
	}
	*wc = selfsigned;
	return (0);
}

/* The secret of passwordFile: its first line. */
int
webcert_password(const char *path, char *buf, size_t size, char *err,
    size_t errlen)
{
	uint8_t	tmp[CONF_CRED_LEN + 2];
	size_t	len;

	if (webcert_read(path, tmp, sizeof(tmp), &len, err, errlen) == -1)
		return (-1);
	len = strcspn((char *)tmp, "\r\n");
	if (len == 0 || len >= size) {
		snprintf(err, errlen, "%s: the password must be 1 to %zu "
		    "bytes on the first line", path, size - 1);
		explicit_bzero(tmp, sizeof(tmp));
		return (-1);
	}
	memcpy(buf, tmp, len);
	buf[len] = '\0';
	explicit_bzero(tmp, sizeof(tmp));
	return (0);
}
