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


/* Starting and stopping the children. */

#ifndef PROC_H
#define PROC_H

#include <sys/types.h>

/* What a child is started with, beyond its name. */
#define PROC_SECCOMP_LOG	0x01	/* log forbidden calls, do not kill */
#define PROC_MAC1		0x02	/* engine: ready to check mac1 */

void	proc_init(void);
pid_t	proc_start(const char *, int, int, int, const char *, const char *,
	    int);
void	proc_stop(pid_t);
struct ipcev;
void	proc_log_to_parent(struct ipcev *);

/* engine.c */
__attribute__((__noreturn__)) void engine_main(int, int, const char *,
	    const char *, int);

/* webui.c */
__attribute__((__noreturn__)) void webui_main(int, int, const char *,
	    const char *, int);

#endif /* PROC_H */
