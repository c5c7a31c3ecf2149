/* seats.c — who leaves a waiting list for a seat, and in which order (seats.h). Pure: labels and
 * numbers in, an order and a count out; the store and the links are the command line's. */
#include "seats.h"

#include <stdbool.h>
#include <string.h>

/* The group name at *w, with its length, moving *w past it and its space; false at the end. */
static bool next_group(const char **w, const char **name, size_t *len)
{
	if (!**w)
		return false;
	*name = *w;
	*len = strcspn(*w, " ");
	*w += *len;
	*w += **w == ' ';
	return true;
}

int core_group_rank(const char *priority, const char *g)
{
	const char *w = priority, *name;
	size_t len;
	int rank = 0;
	for (; next_group(&w, &name, &len); rank++)
		if (g && len == strlen(g) && !strncmp(name, g, len))
			return rank;
	return g ? -1 : rank;
}

const char *core_group_name(const char *priority, int rank, size_t *len)
{
	const char *w = priority, *name;
	for (int i = 0; next_group(&w, &name, len); i++)
		if (i == rank)
			return name;
	*len = 0;
	return NULL;
}

int core_seats_free(int seats, int invited)
{
	if (seats < 0)
		return -1;
	return seats > invited ? seats - invited : 0;
}

/* Whether a takes a seat before b. */
static bool before(const core_waiting *a, const core_waiting *b)
{
	return a->rank < b->rank || (a->rank == b->rank && a->arrival < b->arrival);
}

int core_seats_promote(core_waiting *w, int n, int seats, int invited)
{
	/* Insertion sort: stable, and one comparison per entry on the list as the store keeps it. */
	for (int i = 1; i < n; i++) {
		core_waiting e = w[i];
		int j = i;
		for (; j > 0 && before(&e, &w[j - 1]); j--)
			w[j] = w[j - 1];
		w[j] = e;
	}
	int free_seats = core_seats_free(seats, invited);
	return free_seats < 0 || free_seats > n ? n : free_seats;
}
