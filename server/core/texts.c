/* texts.c — the agenda's texts in several languages (AG-1, LC-2): which one a viewer, a report
 * or a log reads, its own language's where the agenda gives it, the floor language's otherwise.
 * Not the parsing of the agenda file (wire/files.c) nor how the texts are stored (store). */
#include "core.h"

static const char *pick(const char *floor_text, const char *in, core_lang lang)
{
	return (unsigned)lang < CORE_LANG_COUNT && in[0] ? in : floor_text;
}

const char *core_agenda_title(const core_agenda *a, core_lang lang)
{
	return pick(a->title, (unsigned)lang < CORE_LANG_COUNT ? a->title_in[lang] : "", lang);
}

const char *core_segment_title(const core_segment *seg, core_lang lang)
{
	return pick(seg->title, (unsigned)lang < CORE_LANG_COUNT ? seg->title_in[lang] : "", lang);
}

const char *core_listening_note(const core_listening *li, core_lang lang)
{
	return pick(li->note, (unsigned)lang < CORE_LANG_COUNT ? li->note_in[lang] : "", lang);
}
