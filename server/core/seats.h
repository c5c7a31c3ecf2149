/* seats.h — personal invitations' seats in the core: the priority groups of a waiting list, the
 * order in which waiting labels take seats, and how many take one now. Pure: the store keeps the
 * list and the seats, the command line runs the result. Not attendance (attend.h). */
#ifndef RT_SEATS_H
#define RT_SEATS_H

#include <stddef.h>
#include <stdint.h>

/* The rank of group g among `priority`'s groups (space-separated names, the first served
 * first), or -1 when g is not one of them. With g NULL: the number of groups, the rank of those
 * added without a group, who wait after every listed group. */
int core_group_rank(const char *priority, const char *g);
/* The name of the group of rank `rank` in `priority`: a pointer into priority, and its length
 * in *len; NULL, with *len 0, when rank names no listed group. */
const char *core_group_name(const char *priority, int rank, size_t *len);

/* One label on a waiting list. */
typedef struct core_waiting {
	const char *label; /* borrowed */
	int rank;          /* its priority group (core_group_rank) */
	int64_t arrival;   /* when it joined the list: a later one, a larger number */
} core_waiting;

/* Seats free for a cap of `seats` (-1: no cap) with `invited` invitations working (revoked ones
 * no longer count): -1 for no cap, else 0 or more. */
int core_seats_free(int seats, int invited);
/* Puts w[0..n) in the order the list takes seats: lower rank first, then the earlier arrival
 * (first come, first served), then as given. Returns how many of its first entries leave the
 * list for a seat now: every one with no cap, else as many as there are free seats. Stable, and
 * linear on a list already in order (as the store keeps it). */
int core_seats_promote(core_waiting *w, int n, int seats, int invited);

#endif
