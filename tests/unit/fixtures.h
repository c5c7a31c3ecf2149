/* fixtures.h — a consultation agenda and actors built in code, shared by the unit tests. */
#ifndef RT_FIXTURES_H
#define RT_FIXTURES_H

#include <string.h>

#include "core.h"

/* A fixed server clock: Monday 18 October 2021, 11:00 UTC (12:00 BST). */
#define FIXED_NOW_MS 1634554800000LL

static inline core_agenda fixture_agenda(bool premoderation)
{
	core_agenda a;
	memset(&a, 0, sizeof a);
	strcpy(a.id, "testconsult");
	strcpy(a.title, "Cybercrime legislation and human rights");
	strcpy(a.timezone, "Europe/London");
	a.floor = CORE_LANG_EN;
	a.channels[0] = CORE_LANG_AR;
	a.channels[1] = CORE_LANG_FR;
	a.nchannels = 2;
	a.premoderation = premoderation;
	static const char *const titles[] = {"Welcome", "Panel", "Q&A session", "Closing"};
	static const core_segment_kind kinds[] = {CORE_SEG_OPENING, CORE_SEG_PANEL, CORE_SEG_QA, CORE_SEG_CLOSING};
	for (int i = 0; i < 4; i++) {
		strcpy(a.segments[i].title, titles[i]);
		a.segments[i].kind = kinds[i];
		a.segments[i].start_min = (uint16_t)(12 * 60 + 15 * i);
		a.segments[i].duration_min = 15;
		a.segments[i].questions_open = i != 3; /* the closing segment takes no questions */
		a.segments[i].chatham_house = true;
	}
	a.nsegments = 4;
	return a;
}

static inline core_actor fixture_participant(uint8_t n)
{
	core_actor a = {.role = CORE_ROLE_PARTICIPANT, .has_pseud = true};
	memset(a.pseud.b, n, sizeof a.pseud.b);
	a.pseud.b[0] = (uint8_t)(n * 37u);
	return a;
}

/* A fresh consultation in which every fixture participant has accepted the Rule (CHR-2). */
static inline void fixture_state_init(core_state *st, const core_agenda *ag)
{
	core_state_init(st, ag);
	for (int n = 1; n <= 255; n++) {
		core_event ev;
		memset(&ev, 0, sizeof ev);
		ev.kind = CORE_EV_RULE_ACCEPTED;
		ev.author = fixture_participant((uint8_t)n).pseud;
		core_evolve(st, &ev);
	}
}

static inline core_actor fixture_role(core_role role)
{
	core_actor a = {.role = role};
	return a;
}

#endif
