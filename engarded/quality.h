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


/* Passive per-path loss and delay, from the copies of WireGuard data. */

#ifndef QUALITY_H
#define QUALITY_H

#include <stddef.h>
#include <stdint.h>

/*
 * Every copy of a data message carries the same receiver index and
 * counter.  The paths of one group (client: its interfaces; server: the
 * addresses of one session) each deliver a copy or not; the copies are
 * remembered in a ring of entries until the ring needs the slot back or
 * qual_expire() finds them old, and then the message is "finalised":
 * each path expected to carry it is charged a loss when its copy never
 * came.  Nothing is allocated after qual_group_init().
 *
 * A copy is "late" when it comes after its message was finalised, or so
 * far behind the highest counter of its key pair that WireGuard would
 * refuse it (more than QUAL_REPLAY_WINDOW): it counts as lost.  A
 * message no path brought in time charges nobody.  One sender is
 * measured: its latest receiver index and, while rekeying, the one
 * before (qual_track() in quality.c); copies of others are only counted
 * as received.
 */

#define QUAL_MEMBERS		64	/* paths of one group: bits of a mask */
#define QUAL_BUCKETS		96	/* delay histogram, 4 an octave */
#define QUAL_REPLAY_WINDOW	8128	/* counters WireGuard accepts behind */
#define QUAL_SLOTS_MAX		(1U << 20)
#define QUAL_DATA_MIN		16	/* bytes of the header read */

/* One window's share of the figures of a path. */
struct qual_epoch {
	uint32_t	expected;	/* finalised, this path expected */
	uint32_t	lost;		/* of those, never came or too late */
	uint32_t	first;		/* of those, this path came first */
	uint32_t	samples;	/* delay samples (sum of hist) */
	uint32_t	replay;		/* copies beyond the replay window */
	uint64_t	max_lag;	/* counters behind the highest seen */
	/* Delay behind the first copy, log scale; first copies are 0. */
	uint32_t	hist[QUAL_BUCKETS];
};

/* Embedded in the caller's per-path structure. */
struct qual_path {
	struct qual_epoch	ep[2];		/* [0] current, [1] previous */
	uint64_t		received;	/* copies, late ones included */
	uint64_t		first;		/* messages it brought first */
	uint64_t		lost;		/* charged when finalised */
	uint64_t		late;		/* copies after their time */
};

/* One message lately seen (private to quality.c). */
struct qual_entry;

/* The highest counter seen of one key pair's receiver index. */
struct qual_track {
	uint32_t	index;
	int		used;
	uint64_t	max;
	uint64_t	floor;		/* counters below go unmeasured */
};

struct qual_group {
	struct qual_entry	*ring;		/* nslots entries */
	uint32_t		 nslots;	/* a power of two */
	uint64_t		 active;	/* members expected to carry */
	uint64_t		 present;	/* bits in use */
	struct qual_path	*member[QUAL_MEMBERS];	/* NULL when free */
	struct qual_track	 cur;		/* the latest key pair */
	struct qual_track	 prev;		/* the one before, rekeying */
	struct qual_track	 cand;		/* another, not yet believed */
	uint32_t		 stray;		/* its copies, none of cur's */
};

/* Both epochs of a path, summed. */
struct qual_report {
	uint32_t	loss_ppm;	/* lost / expected, parts per million */
	uint32_t	first_ppm;	/* first / expected */
	uint32_t	delay_p50_us;	/* upper bound of the bucket */
	uint32_t	delay_p99_us;
	uint32_t	samples;	/* expected: 0 means nothing measured */
	uint32_t	delay_samples;	/* copies timed, first ones included */
	uint32_t	replay;		/* copies beyond the replay window */
	uint32_t	max_lag;	/* counters, saturated */
};

/* The ring is allocated here only; nslots a power of two. */
int	qual_group_init(struct qual_group *, uint32_t);
void	qual_group_free(struct qual_group *);
/* Returns the path's bit, or -1 when full; it starts inactive. */
int	qual_member_add(struct qual_group *, struct qual_path *);
void	qual_member_del(struct qual_group *, int);
void	qual_set_active(struct qual_group *, int, int);
/* A copy of a data message over the path of a bit, at now_us. */
void	qual_copy(struct qual_group *, int, const uint8_t *, size_t,
	    uint64_t);
/* Finalise messages older than age_us: every few seconds. */
void	qual_expire(struct qual_group *, uint64_t, uint64_t);
/* Every few seconds: the figures span the last two epochs. */
void	qual_rotate(struct qual_path *);
void	qual_report(const struct qual_path *, struct qual_report *);
unsigned int qual_bucket(uint64_t);
uint32_t qual_bucket_us(unsigned int);

#endif /* QUALITY_H */
