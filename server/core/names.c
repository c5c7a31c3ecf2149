/* names.c — the names of the core's enums as the protocol, the store and logs spell them, and
 * the reverse look-ups. One table per enum, each name beside its value; nothing else. */
#include <assert.h>
#include <string.h>

#include "core.h"

/* Indexed by value, each name beside the value it spells: a value without one is caught by
 * name_of's assert, a value out of order cannot be. */
static const char *const lang_names[CORE_LANG_COUNT] = {
    [CORE_LANG_EN] = "en", [CORE_LANG_AR] = "ar", [CORE_LANG_FR] = "fr", [CORE_LANG_ES] = "es"};
static const char *const role_names[CORE_ROLE_COUNT] = {[CORE_ROLE_PARTICIPANT] = "participant",
                                                        [CORE_ROLE_COCHAIR] = "cochair",
                                                        [CORE_ROLE_RAPPORTEUR] = "rapporteur",
                                                        [CORE_ROLE_BOOTH] = "booth",
                                                        [CORE_ROLE_STAGE] = "stage",
                                                        [CORE_ROLE_SYSTEM] = "system",
                                                        [CORE_ROLE_ORGANISER] = "organiser"};
static const char *const clock_names[CORE_CLOCK_STATE_COUNT] = {
    [CORE_CLOCK_IDLE] = "idle", [CORE_CLOCK_RUNNING] = "running", [CORE_CLOCK_PAUSED] = "paused"};
static const char *const qstate_names[CORE_Q_STATE_COUNT] = {
    [CORE_Q_PENDING] = "pending",   [CORE_Q_APPROVED] = "approved",   [CORE_Q_ANSWERED] = "answered",
    [CORE_Q_REJECTED] = "rejected", [CORE_Q_WITHDRAWN] = "withdrawn", [CORE_Q_MERGED] = "merged"};
static const char *const kind_names[CORE_SEG_KIND_COUNT] = {[CORE_SEG_OPENING] = "opening",
                                                            [CORE_SEG_PANEL] = "panel",
                                                            [CORE_SEG_QA] = "qa",
                                                            [CORE_SEG_BREAK] = "break",
                                                            [CORE_SEG_CLOSING] = "closing"};
static const char *const signal_names[CORE_SIGNAL_COUNT] = {[CORE_SIGNAL_SLOWER] = "slower",
                                                            [CORE_SIGNAL_NO_FLOOR_AUDIO] = "no_floor_audio",
                                                            [CORE_SIGNAL_MIC_OFF] = "mic_off",
                                                            [CORE_SIGNAL_NEED_DOCUMENT] = "need_document"};
static const char *const band_names[CORE_BAND_PRESENT + 1] = {
    [CORE_BAND_NONE] = "none", [CORE_BAND_FEW] = "few", [CORE_BAND_RANGE] = "range", [CORE_BAND_PRESENT] = "present"};

/* The name of value v in names[0..n), or `fallback` (a name for what cannot be) when v is out
 * of range. */
static const char *name_of(const char *const *names, unsigned n, unsigned v, const char *fallback)
{
	assert(v >= n || names[v]); /* every value of the enum has a name */
	return v < n ? names[v] : fallback;
}

static int parse_name(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *core_lang_name(core_lang lang)
{
	return name_of(lang_names, CORE_LANG_COUNT, lang, "en");
}
const char *core_role_name(core_role role)
{
	return name_of(role_names, CORE_ROLE_COUNT, role, "stage");
}
const char *core_qstate_name(core_qstate s)
{
	return name_of(qstate_names, CORE_Q_STATE_COUNT, s, "pending");
}
const char *core_segment_kind_name(core_segment_kind k)
{
	return name_of(kind_names, CORE_SEG_KIND_COUNT, k, "opening");
}
const char *core_signal_name(core_signal s)
{
	return name_of(signal_names, CORE_SIGNAL_COUNT, s, "slower");
}
const char *core_clock_state_name(core_clock_state c)
{
	return name_of(clock_names, CORE_CLOCK_STATE_COUNT, c, "idle");
}
const char *core_band_name(core_band b)
{
	return name_of(band_names, CORE_BAND_PRESENT + 1, b, "none");
}

int core_lang_parse(const char *s)
{
	return parse_name(lang_names, CORE_LANG_COUNT, s);
}
int core_role_parse(const char *s)
{
	/* The system role is never a token's: it does not parse. */
	return parse_name(role_names, CORE_ROLE_SYSTEM, s);
}
int core_qstate_parse(const char *s)
{
	return parse_name(qstate_names, CORE_Q_STATE_COUNT, s);
}
int core_segment_kind_parse(const char *s)
{
	return parse_name(kind_names, CORE_SEG_KIND_COUNT, s);
}
int core_signal_parse(const char *s)
{
	return parse_name(signal_names, CORE_SIGNAL_COUNT, s);
}
int core_clock_state_parse(const char *s)
{
	return parse_name(clock_names, CORE_CLOCK_STATE_COUNT, s);
}
