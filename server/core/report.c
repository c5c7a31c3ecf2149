/* report.c — the consultation report (EX-2..EX-6): collects what the rapporteurs approved,
 * applies small-count suppression, and writes it as Markdown, HTML, CSV or JSON.
 * Pure and deterministic: no clock, no locale, no I/O; nothing here reads a pseudonym, an
 * internal question id, a question's language or any time but the agenda's date and minutes. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* The words of the document come in four languages, some with printf arguments (the comment
 * at each word says which); they are this file's own constant tables, never outside input. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/* --- formats ----------------------------------------------------------------------------- */

static const char *const format_names[CORE_REPORT_FORMAT_COUNT] = {"md", "html", "csv", "json"};
static const char *const media_types[CORE_REPORT_FORMAT_COUNT] = {"text/markdown; charset=utf-8",
                                                                  "text/html; charset=utf-8", "text/csv; charset=utf-8",
                                                                  "application/json; charset=utf-8"};

const char *core_report_format_name(core_report_format f)
{
	return (unsigned)f < CORE_REPORT_FORMAT_COUNT ? format_names[f] : "?";
}

int core_report_format_parse(const char *s)
{
	for (int i = 0; s && i < CORE_REPORT_FORMAT_COUNT; i++)
		if (strcmp(s, format_names[i]) == 0)
			return i;
	return -1;
}

const char *core_report_media_type(core_report_format f)
{
	return (unsigned)f < CORE_REPORT_FORMAT_COUNT ? media_types[f] : "application/octet-stream";
}

/* --- suppression (EX-4) ------------------------------------------------------------------ */

/* What a reader knows of a cell from its label. */
static void cell_bounds(uint32_t v, core_cell c, uint32_t k, uint64_t total, uint64_t *lo, uint64_t *hi)
{
	switch (c) {
	case CORE_CELL_SHOWN:
		*lo = *hi = v;
		break;
	case CORE_CELL_FEWER:
		*lo = 1, *hi = k - 1;
		break;
	default:
		*lo = k, *hi = total;
		break;
	}
}

bool core_report_disclosed(const uint32_t *values, const core_cell *cells, int n, uint32_t k)
{
	uint64_t total = 0, hidden = 0, lo_sum = 0, hi_sum = 0;
	for (int i = 0; i < n; i++)
		total += values[i];
	for (int i = 0; i < n; i++) {
		if (cells[i] == CORE_CELL_SHOWN)
			continue;
		uint64_t lo, hi;
		cell_bounds(values[i], cells[i], k, total, &lo, &hi);
		hidden += values[i];
		lo_sum += lo;
		hi_sum += hi;
	}
	/* The hidden cells add up to what the total leaves (`hidden`); a cell is pinned when the
	 * others' bounds leave it one value. This is exact for one sum over box bounds. */
	for (int j = 0; j < n; j++) {
		if (cells[j] == CORE_CELL_SHOWN)
			continue;
		uint64_t lo, hi;
		cell_bounds(values[j], cells[j], k, total, &lo, &hi);
		uint64_t others_lo = lo_sum - lo, others_hi = hi_sum - hi;
		uint64_t min = hidden > others_hi ? hidden - others_hi : 0, max = hidden - others_lo;
		if (min < lo)
			min = lo;
		if (max > hi)
			max = hi;
		if (min >= max)
			return true;
	}
	return false;
}

bool core_report_suppress(const uint32_t *values, int n, uint32_t k, core_cell *out)
{
	bool any = false;
	for (int i = 0; i < n; i++) {
		out[i] = values[i] >= 1 && values[i] < k ? CORE_CELL_FEWER : CORE_CELL_SHOWN;
		any |= out[i] != CORE_CELL_SHOWN;
	}
	if (!any)
		return true;
	while (core_report_disclosed(values, out, n, k)) {
		int pick = -1;
		for (int i = 0; i < n; i++)
			if (out[i] == CORE_CELL_SHOWN && values[i] >= k && (pick < 0 || values[i] < values[pick]))
				pick = i;
		if (pick < 0)
			return false;
		out[pick] = CORE_CELL_WITHHELD;
	}
	return true;
}

/* --- the document's own words ------------------------------------------------------------ */

typedef enum word {
	W_REPORT,
	W_DRAFT,
	W_DATE,
	W_DATE_UNSET,
	W_FORMAT,
	W_FORMAT_VALUE, /* %d: segments */
	W_LANGUAGES,
	W_FLOOR,
	W_INTERPRETATION,
	W_RULE_STATEMENT,
	W_PARTICIPATION,
	W_PARTICIPANTS,
	W_QUESTIONS_POSTED,
	W_BY_SEGMENT,
	W_BY_LANGUAGE,
	W_QUESTIONS,
	W_TOTAL,
	W_FEWER, /* %u: k */
	W_WITHHELD,
	W_NOT_PUBLISHED,
	W_COUNTS_AFTER_SEAL,
	W_NOTES,
	W_OTHER_THEME,
	W_KIND_QUESTION,
	W_KIND_MERGED,
	W_KIND_SUMMARY,
	W_UPVOTES,
	W_NO_ITEMS,
	W_AGENDA,
	W_SEGMENT,
	W_RULE,
	W_CHATHAM_HOUSE,
	W_ON_RECORD,
	W_PLANNED,
	W_ACTUAL,
	W_NOT_HELD,
	W_MANIFEST,
	W_K,
	W_STATUS,
	W_SEALED,
	W_DRAFT_STATUS,
	W_SCRUBBER,
	W_SUPPRESSED,
	W_NOTHING,
	W_SUPPRESSED_TABLE, /* %s: table, %u: fewer, %u: k, %u: withheld */
	W_SUPPRESSED_VOTES, /* %u: items, %u: k */
	W_TABLE_WITHHELD,   /* %s: table */
	W_CONTAINS_NOTHING,
	W_COUNT
} word;

static const char *const words[CORE_LANG_COUNT][W_COUNT] = {
    [CORE_LANG_EN] =
        {
            [W_REPORT] = "Report",
            [W_DRAFT] = "Draft: this consultation is not sealed yet. It carries no counts until it is.",
            [W_DATE] = "Date",
            [W_DATE_UNSET] = "not set",
            [W_FORMAT] = "Format",
            [W_FORMAT_VALUE] = "Online consultation; agenda segments: %d",
            [W_LANGUAGES] = "Languages",
            [W_FLOOR] = "floor",
            [W_INTERPRETATION] = "interpretation: ",
            [W_RULE_STATEMENT] =
                "This consultation was held under the Chatham House Rule: participants are free to use the "
                "information received, but neither the identity nor the affiliation of the speakers, nor that of "
                "any other participant, may be revealed.",
            [W_PARTICIPATION] = "Participation",
            [W_PARTICIPANTS] = "Participants who accepted the Rule",
            [W_QUESTIONS_POSTED] = "Questions posted",
            [W_BY_SEGMENT] = "Questions by segment",
            [W_BY_LANGUAGE] = "Questions by language",
            [W_QUESTIONS] = "Questions",
            [W_TOTAL] = "Total",
            [W_FEWER] = "fewer than %u",
            [W_WITHHELD] = "withheld",
            [W_NOT_PUBLISHED] = "Not published: too few questions to protect.",
            [W_COUNTS_AFTER_SEAL] = "Counts are published once the consultation is sealed.",
            [W_NOTES] = "Rapporteurs' notes",
            [W_OTHER_THEME] = "Other points",
            [W_KIND_QUESTION] = "question",
            [W_KIND_MERGED] = "merged questions",
            [W_KIND_SUMMARY] = "rapporteurs' summary",
            [W_UPVOTES] = "upvotes",
            [W_NO_ITEMS] = "No item was approved for the report in this segment.",
            [W_AGENDA] = "Agenda",
            [W_SEGMENT] = "Segment",
            [W_RULE] = "Rule",
            [W_CHATHAM_HOUSE] = "Chatham House",
            [W_ON_RECORD] = "on the record",
            [W_PLANNED] = "Planned (min)",
            [W_ACTUAL] = "Actual (min)",
            [W_NOT_HELD] = "not held",
            [W_MANIFEST] = "Privacy manifest",
            [W_K] = "Threshold k",
            [W_STATUS] = "Status",
            [W_SEALED] = "sealed",
            [W_DRAFT_STATUS] = "draft, not sealed: no counts",
            [W_SCRUBBER] = "Identifying-detail scrubber",
            [W_SUPPRESSED] = "Suppressed",
            [W_NOTHING] = "nothing",
            [W_SUPPRESSED_TABLE] = "%s: %u shown as fewer than %u, %u withheld so that they cannot be worked out",
            [W_SUPPRESSED_VOTES] = "upvotes of %u items shown as fewer than %u",
            [W_TABLE_WITHHELD] = "%s: not published",
            [W_CONTAINS_NOTHING] =
                "This export contains no pseudonym, token, IP address, internal identifier, name or time finer "
                "than the date. Items are renumbered and ordered by theme and upvotes, never by posting order, and "
                "no item says in which language it was asked. No table crosses two characteristics of "
                "participants.",
        },
    [CORE_LANG_FR] =
        {
            [W_REPORT] = "Rapport",
            [W_DRAFT] = "Projet : cette consultation n’est pas encore scellée. Il ne contient aucun décompte "
                        "avant qu’elle le soit.",
            [W_DATE] = "Date",
            [W_DATE_UNSET] = "non précisée",
            [W_FORMAT] = "Format",
            [W_FORMAT_VALUE] = "Consultation en ligne ; segments de l’ordre du jour : %d",
            [W_LANGUAGES] = "Langues",
            [W_FLOOR] = "langue de la salle",
            [W_INTERPRETATION] = "interprétation : ",
            [W_RULE_STATEMENT] = "Cette consultation s’est tenue selon la règle de Chatham House : les participants "
                                 "sont libres d’utiliser les informations reçues, mais ni l’identité ni "
                                 "l’affiliation des intervenants, ni celles de tout autre participant, ne "
                                 "peuvent être révélées.",
            [W_PARTICIPATION] = "Participation",
            [W_PARTICIPANTS] = "Participants ayant accepté la règle",
            [W_QUESTIONS_POSTED] = "Questions posées",
            [W_BY_SEGMENT] = "Questions par segment",
            [W_BY_LANGUAGE] = "Questions par langue",
            [W_QUESTIONS] = "Questions",
            [W_TOTAL] = "Total",
            [W_FEWER] = "moins de %u",
            [W_WITHHELD] = "masqué",
            [W_NOT_PUBLISHED] = "Non publié : trop peu de questions pour les protéger.",
            [W_COUNTS_AFTER_SEAL] = "Les décomptes sont publiés une fois la consultation scellée.",
            [W_NOTES] = "Notes des rapporteurs",
            [W_OTHER_THEME] = "Autres points",
            [W_KIND_QUESTION] = "question",
            [W_KIND_MERGED] = "questions fusionnées",
            [W_KIND_SUMMARY] = "synthèse des rapporteurs",
            [W_UPVOTES] = "votes",
            [W_NO_ITEMS] = "Aucun élément de ce segment n’a été retenu pour le rapport.",
            [W_AGENDA] = "Ordre du jour",
            [W_SEGMENT] = "Segment",
            [W_RULE] = "Règle",
            [W_CHATHAM_HOUSE] = "Chatham House",
            [W_ON_RECORD] = "public",
            [W_PLANNED] = "Prévu (min)",
            [W_ACTUAL] = "Réel (min)",
            [W_NOT_HELD] = "non tenu",
            [W_MANIFEST] = "Déclaration de confidentialité",
            [W_K] = "Seuil k",
            [W_STATUS] = "Statut",
            [W_SEALED] = "scellé",
            [W_DRAFT_STATUS] = "projet, non scellé : aucun décompte",
            [W_SCRUBBER] = "Filtre des détails identifiants",
            [W_SUPPRESSED] = "Masqué",
            [W_NOTHING] = "rien",
            [W_SUPPRESSED_TABLE] = "%s : %u affichés « moins de » (seuil %u), %u masqués pour qu’ils ne puissent "
                                   "pas être recalculés",
            [W_SUPPRESSED_VOTES] = "votes de %u éléments affichés « moins de %u »",
            [W_TABLE_WITHHELD] = "%s : non publié",
            [W_CONTAINS_NOTHING] =
                "Cet export ne contient aucun pseudonyme, jeton, adresse IP, identifiant interne, nom ni heure : "
                "seulement la date. Les éléments sont renumérotés et classés par thème et par votes, jamais dans "
                "l’ordre de dépôt, et aucun n’indique la langue dans laquelle il a été posé. Aucun tableau ne "
                "croise deux caractéristiques des participants.",
        },
    [CORE_LANG_ES] =
        {
            [W_REPORT] = "Informe",
            [W_DRAFT] = "Borrador: esta consulta aún no está sellada. No contiene recuentos hasta que lo esté.",
            [W_DATE] = "Fecha",
            [W_DATE_UNSET] = "sin fijar",
            [W_FORMAT] = "Formato",
            [W_FORMAT_VALUE] = "Consulta en línea; segmentos del programa: %d",
            [W_LANGUAGES] = "Idiomas",
            [W_FLOOR] = "idioma de sala",
            [W_INTERPRETATION] = "interpretación: ",
            [W_RULE_STATEMENT] = "Esta consulta se celebró bajo la regla de Chatham House: los participantes pueden "
                                 "usar la información recibida, pero no revelar la identidad ni la afiliación de "
                                 "los oradores ni de ningún otro participante.",
            [W_PARTICIPATION] = "Participación",
            [W_PARTICIPANTS] = "Participantes que aceptaron la regla",
            [W_QUESTIONS_POSTED] = "Preguntas enviadas",
            [W_BY_SEGMENT] = "Preguntas por segmento",
            [W_BY_LANGUAGE] = "Preguntas por idioma",
            [W_QUESTIONS] = "Preguntas",
            [W_TOTAL] = "Total",
            [W_FEWER] = "menos de %u",
            [W_WITHHELD] = "oculto",
            [W_NOT_PUBLISHED] = "No publicado: demasiado pocas preguntas para protegerlas.",
            [W_COUNTS_AFTER_SEAL] = "Los recuentos se publican cuando la consulta se sella.",
            [W_NOTES] = "Notas de los relatores",
            [W_OTHER_THEME] = "Otros puntos",
            [W_KIND_QUESTION] = "pregunta",
            [W_KIND_MERGED] = "preguntas fusionadas",
            [W_KIND_SUMMARY] = "síntesis de los relatores",
            [W_UPVOTES] = "votos",
            [W_NO_ITEMS] = "Ningún elemento de este segmento se aprobó para el informe.",
            [W_AGENDA] = "Programa",
            [W_SEGMENT] = "Segmento",
            [W_RULE] = "Regla",
            [W_CHATHAM_HOUSE] = "Chatham House",
            [W_ON_RECORD] = "público",
            [W_PLANNED] = "Previsto (min)",
            [W_ACTUAL] = "Real (min)",
            [W_NOT_HELD] = "no celebrado",
            [W_MANIFEST] = "Declaración de privacidad",
            [W_K] = "Umbral k",
            [W_STATUS] = "Estado",
            [W_SEALED] = "sellado",
            [W_DRAFT_STATUS] = "borrador, sin sellar: sin recuentos",
            [W_SCRUBBER] = "Filtro de datos identificativos",
            [W_SUPPRESSED] = "Ocultado",
            [W_NOTHING] = "nada",
            [W_SUPPRESSED_TABLE] = "%s: %u mostrados como «menos de» (umbral %u), %u ocultos para que no puedan "
                                   "deducirse",
            [W_SUPPRESSED_VOTES] = "votos de %u elementos mostrados como «menos de %u»",
            [W_TABLE_WITHHELD] = "%s: no publicado",
            [W_CONTAINS_NOTHING] =
                "Esta exportación no contiene seudónimos, tokens, direcciones IP, identificadores internos, "
                "nombres ni horas: solo la fecha. Los elementos se renumeran y se ordenan por tema y votos, nunca "
                "por orden de envío, y ninguno indica en qué idioma se formuló. Ninguna tabla cruza dos "
                "características de los participantes.",
        },
    [CORE_LANG_AR] =
        {
            [W_REPORT] = "تقرير",
            [W_DRAFT] = "مسودة: لم تُختم هذه المشاورة بعد، ولا تتضمن أي أعداد حتى تُختم.",
            [W_DATE] = "التاريخ",
            [W_DATE_UNSET] = "غير محدد",
            [W_FORMAT] = "الشكل",
            [W_FORMAT_VALUE] = "مشاورة عبر الإنترنت؛ عدد فقرات جدول الأعمال: %d",
            [W_LANGUAGES] = "اللغات",
            [W_FLOOR] = "لغة القاعة",
            [W_INTERPRETATION] = "الترجمة الفورية: ",
            [W_RULE_STATEMENT] = "عُقدت هذه المشاورة وفق قاعدة تشاتام هاوس: للمشاركين حرية استخدام المعلومات التي "
                                 "يتلقونها، دون الكشف عن هوية المتحدثين أو انتمائهم، ولا عن هوية أي مشارك آخر أو "
                                 "انتمائه.",
            [W_PARTICIPATION] = "المشاركة",
            [W_PARTICIPANTS] = "المشاركون الذين قبلوا القاعدة",
            [W_QUESTIONS_POSTED] = "الأسئلة المطروحة",
            [W_BY_SEGMENT] = "الأسئلة حسب الفقرة",
            [W_BY_LANGUAGE] = "الأسئلة حسب اللغة",
            [W_QUESTIONS] = "الأسئلة",
            [W_TOTAL] = "المجموع",
            [W_FEWER] = "أقل من %u",
            [W_WITHHELD] = "محجوب",
            [W_NOT_PUBLISHED] = "غير منشور: عدد الأسئلة أقل من أن تُحمى.",
            [W_COUNTS_AFTER_SEAL] = "تُنشر الأعداد بعد ختم المشاورة.",
            [W_NOTES] = "ملاحظات المقررين",
            [W_OTHER_THEME] = "نقاط أخرى",
            [W_KIND_QUESTION] = "سؤال",
            [W_KIND_MERGED] = "أسئلة مدمجة",
            [W_KIND_SUMMARY] = "خلاصة المقررين",
            [W_UPVOTES] = "أصوات التأييد",
            [W_NO_ITEMS] = "لم يُعتمد أي بند من هذه الفقرة للتقرير.",
            [W_AGENDA] = "جدول الأعمال",
            [W_SEGMENT] = "الفقرة",
            [W_RULE] = "القاعدة",
            [W_CHATHAM_HOUSE] = "تشاتام هاوس",
            [W_ON_RECORD] = "علني",
            [W_PLANNED] = "المخطط (دقيقة)",
            [W_ACTUAL] = "الفعلي (دقيقة)",
            [W_NOT_HELD] = "لم تُعقد",
            [W_MANIFEST] = "بيان الخصوصية",
            [W_K] = "العتبة k",
            [W_STATUS] = "الحالة",
            [W_SEALED] = "مختومة",
            [W_DRAFT_STATUS] = "مسودة غير مختومة: بلا أعداد",
            [W_SCRUBBER] = "مُرشِّح التفاصيل المُعرِّفة",
            [W_SUPPRESSED] = "المحجوب",
            [W_NOTHING] = "لا شيء",
            [W_SUPPRESSED_TABLE] = "%s: %u معروضة بعبارة «أقل من» (العتبة %u)، و%u محجوبة كي لا يمكن استنتاجها",
            [W_SUPPRESSED_VOTES] = "أصوات %u من البنود معروضة بعبارة «أقل من %u»",
            [W_TABLE_WITHHELD] = "%s: غير منشور",
            [W_CONTAINS_NOTHING] = "لا يتضمن هذا الملف أي اسم مستعار أو رمز دخول أو عنوان IP أو معرّف داخلي أو اسم أو "
                                   "وقت أدق من التاريخ. أُعيد ترقيم البنود ورُتّبت حسب الموضوع وأصوات التأييد، لا "
                                   "حسب ترتيب الطرح، ولا يذكر أي بند اللغة التي طُرح بها. ولا يقاطع أي جدول بين "
                                   "سمتين من سمات المشاركين.",
        },
};

/* Language names, in each language. */
static const char *const lang_words[CORE_LANG_COUNT][CORE_LANG_COUNT] = {
    [CORE_LANG_EN] = {"English", "Arabic", "French", "Spanish"},
    [CORE_LANG_AR] = {"الإنكليزية", "العربية", "الفرنسية", "الإسبانية"},
    [CORE_LANG_FR] = {"anglais", "arabe", "français", "espagnol"},
    [CORE_LANG_ES] = {"inglés", "árabe", "francés", "español"},
};

/* --- the report's model ------------------------------------------------------------------ */

typedef enum item_kind { ITEM_SUMMARY, ITEM_QUESTION, ITEM_MERGED } item_kind;

typedef struct item {
	item_kind kind;
	uint16_t segment;
	const char *theme; /* "" for none */
	const char *text;
	uint32_t text_len;
	uint32_t votes; /* questions only */
	uint32_t number;
} item;

/* A published table of counts with its total (EX-4). */
typedef struct table {
	word title;
	int n;
	const char *labels[CORE_MAX_SEGMENTS];
	uint32_t values[CORE_MAX_SEGMENTS];
	core_cell cells[CORE_MAX_SEGMENTS];
	uint32_t total;
	bool published;
	uint32_t fewer, withheld;
} table;

typedef struct model {
	const core_state *st;
	core_lang lang;
	uint32_t k;
	bool sealed;
	item *items;
	uint32_t nitems;
	uint32_t questions_posted;
	table by_segment, by_language;
	uint32_t fewer_votes; /* items whose upvotes show as fewer than k */
} model;

static int compare_items(const void *pa, const void *pb)
{
	const item *a = pa, *b = pb;
	if (a->segment != b->segment)
		return a->segment < b->segment ? -1 : 1;
	/* Themed items first, by theme; then the rapporteurs' summaries, then by upvotes; the text
	 * breaks ties. Never the order of posting. */
	if (!a->theme[0] != !b->theme[0])
		return a->theme[0] ? -1 : 1;
	int c = strcmp(a->theme, b->theme);
	if (c)
		return c;
	if ((a->kind == ITEM_SUMMARY) != (b->kind == ITEM_SUMMARY))
		return a->kind == ITEM_SUMMARY ? -1 : 1;
	if (a->votes != b->votes)
		return a->votes > b->votes ? -1 : 1;
	size_t n = a->text_len < b->text_len ? a->text_len : b->text_len;
	c = memcmp(a->text, b->text, n);
	if (c)
		return c;
	return a->text_len < b->text_len ? -1 : a->text_len > b->text_len;
}

static void build_table(table *t, word title, uint32_t k, uint32_t total)
{
	t->title = title;
	t->total = total;
	t->published = total >= k && core_report_suppress(t->values, t->n, k, t->cells);
	for (int i = 0; t->published && i < t->n; i++) {
		t->fewer += t->cells[i] == CORE_CELL_FEWER;
		t->withheld += t->cells[i] == CORE_CELL_WITHHELD;
	}
}

static int build_model(model *m, const core_state *st, const core_report_options *opt)
{
	memset(m, 0, sizeof *m);
	m->st = st;
	m->lang = opt->lang == CORE_LANG_NONE ? st->agenda.floor : opt->lang;
	m->k = opt->k ? opt->k : CORE_REPORT_DEFAULT_K;
	m->sealed = st->sealed;
	uint32_t cap = st->nquestions + st->nparas;
	m->items = calloc(cap ? cap : 1, sizeof *m->items);
	if (!m->items)
		return -1;
	for (uint32_t i = 0; i < st->nquestions; i++) {
		const core_question *q = &st->questions[i];
		if (!q->reported || (q->state != CORE_Q_APPROVED && q->state != CORE_Q_ANSWERED))
			continue;
		item *it = &m->items[m->nitems++];
		it->kind = ITEM_QUESTION;
		for (uint32_t j = 0; j < st->nquestions; j++)
			if (st->questions[j].state == CORE_Q_MERGED && st->questions[j].into == q->id)
				it->kind = ITEM_MERGED;
		it->segment = q->segment;
		it->theme = q->theme;
		it->text = q->text;
		it->text_len = q->text_len;
		it->votes = m->sealed ? q->votes : 0; /* EX-6: a draft carries no counts */
	}
	for (uint32_t i = 0; i < st->nparas; i++) {
		const core_paraphrase *p = &st->paras[i];
		if (p->deleted || !p->included)
			continue;
		item *it = &m->items[m->nitems++];
		it->kind = ITEM_SUMMARY;
		it->segment = p->segment;
		it->theme = p->theme;
		it->text = p->text;
		it->text_len = p->text_len;
	}
	qsort(m->items, m->nitems, sizeof *m->items, compare_items);
	for (uint32_t i = 0; i < m->nitems; i++) {
		m->items[i].number = i + 1;
		if (m->sealed && m->items[i].kind != ITEM_SUMMARY && m->items[i].votes >= 1 && m->items[i].votes < m->k)
			m->fewer_votes++;
	}
	if (!m->sealed)
		return 0;
	/* EX-4: two one-way tables over the same total; never their cross-tabulation. */
	m->questions_posted = st->nquestions;
	table *seg = &m->by_segment, *lang = &m->by_language;
	seg->n = st->agenda.nsegments;
	for (int i = 0; i < seg->n; i++)
		seg->labels[i] = st->agenda.segments[i].title;
	const core_agenda *a = &st->agenda;
	core_lang langs[CORE_MAX_CHANNELS + 1];
	int nl = 0;
	langs[nl++] = a->floor;
	for (int i = 0; i < a->nchannels; i++)
		langs[nl++] = a->channels[i];
	lang->n = nl;
	for (int i = 0; i < nl; i++)
		lang->labels[i] = lang_words[m->lang][langs[i]];
	for (uint32_t i = 0; i < st->nquestions; i++) {
		const core_question *q = &st->questions[i];
		if (q->segment < seg->n)
			seg->values[q->segment]++;
		for (int l = 0; l < nl; l++)
			if (langs[l] == q->lang)
				lang->values[l]++;
	}
	build_table(seg, W_BY_SEGMENT, m->k, m->questions_posted);
	build_table(lang, W_BY_LANGUAGE, m->k, m->questions_posted);
	return 0;
}

/* --- output ------------------------------------------------------------------------------ */

typedef struct out {
	char *buf;
	size_t len, cap;
	bool failed;
} out;

static void put(out *o, const char *s, size_t n)
{
	if (o->failed)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t ncap = o->cap ? o->cap : 4096;
		while (o->len + n + 1 > ncap)
			ncap *= 2;
		char *nb = realloc(o->buf, ncap);
		if (!nb) {
			o->failed = true;
			return;
		}
		o->buf = nb;
		o->cap = ncap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void puts_(out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void printf_(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void printf_(out *o, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp)
		o->failed = true;
	else
		put(o, tmp, (size_t)n);
}

/* Escapes s for the format: HTML text, a CSV field (always quoted), a JSON string body, or
 * Markdown text (punctuation that would be markup is backslash-escaped; line breaks become
 * spaces in table cells when `inline_md`). */
typedef enum esc { ESC_HTML, ESC_CSV, ESC_JSON, ESC_MD, ESC_MD_INLINE } esc;

static void put_esc(out *o, esc e, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (e) {
		case ESC_HTML:
			if (c == '<')
				puts_(o, "&lt;");
			else if (c == '>')
				puts_(o, "&gt;");
			else if (c == '&')
				puts_(o, "&amp;");
			else if (c == '"')
				puts_(o, "&quot;");
			else if (c == '\n')
				puts_(o, "<br>");
			else
				put(o, (const char *)&c, 1);
			break;
		case ESC_CSV:
			if (c == '"')
				puts_(o, "\"\"");
			else
				put(o, (const char *)&c, 1);
			break;
		case ESC_JSON:
			if (c == '"' || c == '\\') {
				char b[2] = {'\\', (char)c};
				put(o, b, 2);
			} else if (c == '\n') {
				puts_(o, "\\n");
			} else if (c < 0x20) {
				printf_(o, "\\u%04x", c);
			} else {
				put(o, (const char *)&c, 1);
			}
			break;
		case ESC_MD:
		case ESC_MD_INLINE:
			if (c == '\n') {
				puts_(o, e == ESC_MD_INLINE ? " " : "  \n   ");
			} else if (strchr("\\`*_[]<>#|{}!~", c) && c) {
				char b[2] = {'\\', (char)c};
				put(o, b, 2);
			} else {
				put(o, (const char *)&c, 1);
			}
			break;
		}
	}
}

static void put_esc_s(out *o, esc e, const char *s)
{
	put_esc(o, e, s, strlen(s));
}

static const char *w(const model *m, word x)
{
	return words[m->lang][x];
}

/* A count as published: the number, "fewer than k" or "withheld". */
static void count_text(const model *m, uint32_t v, core_cell c, char *buf, size_t cap)
{
	if (c == CORE_CELL_FEWER)
		snprintf(buf, cap, w(m, W_FEWER), m->k);
	else if (c == CORE_CELL_WITHHELD)
		snprintf(buf, cap, "%s", w(m, W_WITHHELD));
	else
		snprintf(buf, cap, "%u", v);
}

static core_cell single_cell(const model *m, uint32_t v)
{
	return v >= 1 && v < m->k ? CORE_CELL_FEWER : CORE_CELL_SHOWN;
}

static const char *kind_word(const model *m, item_kind k)
{
	return w(m, k == ITEM_SUMMARY ? W_KIND_SUMMARY : k == ITEM_MERGED ? W_KIND_MERGED : W_KIND_QUESTION);
}

static const char *date_of(const model *m)
{
	const core_agenda *a = &m->st->agenda;
	if (a->date[0])
		return a->date;
	if (a->nsegments && a->segments[0].date[0])
		return a->segments[0].date;
	return w(m, W_DATE_UNSET);
}

static void languages_text(const model *m, char *buf, size_t cap)
{
	const core_agenda *a = &m->st->agenda;
	size_t n = (size_t)snprintf(buf, cap, "%s (%s)", lang_words[m->lang][a->floor], w(m, W_FLOOR));
	/* "English (floor); interpretation into Arabic, French, Spanish" */
	for (int i = 0; i < a->nchannels && n < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s%s%s", i ? ", " : "; ", i ? "" : w(m, W_INTERPRETATION),
		                      lang_words[m->lang][a->channels[i]]);
}

/* Minutes, rounded, of a segment's actual time (AG-6); -1 when it never ran. A seal stops the
 * clock first; in a draft, the current segment's running stretch is not counted (the report
 * reads no clock). */
static long actual_minutes(const model *m, int seg)
{
	const core_timing *t = &m->st->timing[seg];
	if (!t->started_at)
		return -1;
	return (long)((t->elapsed_ms + 30000) / 60000);
}

/* The manifest's lines of what was suppressed, into lines[]; returns how many. */
static int suppressed_lines(const model *m, char lines[4][512])
{
	int n = 0;
	const table *ts[2] = {&m->by_segment, &m->by_language};
	for (int i = 0; i < 2 && m->sealed; i++) {
		const table *t = ts[i];
		if (!t->published)
			snprintf(lines[n++], 512, w(m, W_TABLE_WITHHELD), w(m, t->title));
		else if (t->fewer || t->withheld)
			snprintf(lines[n++], 512, w(m, W_SUPPRESSED_TABLE), w(m, t->title), t->fewer, m->k,
			         t->withheld);
	}
	if (m->fewer_votes)
		snprintf(lines[n++], 512, w(m, W_SUPPRESSED_VOTES), m->fewer_votes, m->k);
	return n;
}

/* --- Markdown ---------------------------------------------------------------------------- */

static void md_table(out *o, const model *m, const table *t)
{
	printf_(o, "### %s\n\n", w(m, t->title));
	if (!t->published) {
		printf_(o, "%s\n\n", w(m, W_NOT_PUBLISHED));
		return;
	}
	printf_(o, "| %s | %s |\n| --- | ---: |\n", t->title == W_BY_SEGMENT ? w(m, W_SEGMENT) : w(m, W_LANGUAGES),
	        w(m, W_QUESTIONS));
	for (int i = 0; i < t->n; i++) {
		char c[64];
		count_text(m, t->values[i], t->cells[i], c, sizeof c);
		puts_(o, "| ");
		put_esc_s(o, ESC_MD_INLINE, t->labels[i]);
		printf_(o, " | %s |\n", c);
	}
	printf_(o, "| %s | %u |\n\n", w(m, W_TOTAL), t->total);
}

static void render_md(out *o, const model *m)
{
	const core_state *st = m->st;
	char buf[512];
	puts_(o, "# ");
	put_esc_s(o, ESC_MD_INLINE, st->agenda.title);
	puts_(o, "\n\n");
	if (!m->sealed)
		printf_(o, "**%s**\n\n", w(m, W_DRAFT));
	printf_(o, "- %s: %s\n", w(m, W_DATE), date_of(m));
	printf_(o, "- %s: ", w(m, W_FORMAT));
	printf_(o, w(m, W_FORMAT_VALUE), st->agenda.nsegments);
	languages_text(m, buf, sizeof buf);
	printf_(o, "\n- %s: %s\n\n> %s\n\n", w(m, W_LANGUAGES), buf, w(m, W_RULE_STATEMENT));
	printf_(o, "## %s\n\n", w(m, W_PARTICIPATION));
	if (!m->sealed) {
		printf_(o, "%s\n\n", w(m, W_COUNTS_AFTER_SEAL));
	} else {
		char c[64];
		count_text(m, st->participants, single_cell(m, st->participants), c, sizeof c);
		printf_(o, "- %s: %s\n", w(m, W_PARTICIPANTS), c);
		count_text(m, m->questions_posted, single_cell(m, m->questions_posted), c, sizeof c);
		printf_(o, "- %s: %s\n\n", w(m, W_QUESTIONS_POSTED), c);
		md_table(o, m, &m->by_segment);
		md_table(o, m, &m->by_language);
	}
	for (int s = 0; s < st->agenda.nsegments; s++) {
		puts_(o, "## ");
		put_esc_s(o, ESC_MD_INLINE, st->agenda.segments[s].title);
		puts_(o, "\n\n");
		const core_note *note = &st->notes[s];
		if (note->text_len) {
			printf_(o, "**%s:** ", w(m, W_NOTES));
			put_esc(o, ESC_MD, note->text, note->text_len);
			puts_(o, "\n\n");
		}
		const char *theme = NULL;
		bool any = false;
		for (uint32_t i = 0; i < m->nitems; i++) {
			const item *it = &m->items[i];
			if (it->segment != s)
				continue;
			if (!theme || strcmp(theme, it->theme) != 0) {
				if (theme)
					puts_(o, "\n"); /* a list ends before the next heading */
				theme = it->theme;
				puts_(o, "### ");
				put_esc_s(o, ESC_MD_INLINE, theme[0] ? theme : w(m, W_OTHER_THEME));
				puts_(o, "\n\n");
			}
			any = true;
			printf_(o, "%u. ", it->number);
			put_esc(o, ESC_MD, it->text, it->text_len);
			printf_(o, " *(%s", kind_word(m, it->kind));
			if (m->sealed && it->kind != ITEM_SUMMARY) {
				char c[64];
				count_text(m, it->votes, single_cell(m, it->votes), c, sizeof c);
				printf_(o, "; %s: %s", w(m, W_UPVOTES), c);
			}
			puts_(o, ")*\n");
		}
		printf_(o, "%s\n", any ? "" : w(m, W_NO_ITEMS));
		if (!any)
			puts_(o, "\n");
	}
	printf_(o, "## %s\n\n| %s | %s | %s | %s |\n| --- | --- | ---: | ---: |\n", w(m, W_AGENDA), w(m, W_SEGMENT),
	        w(m, W_RULE), w(m, W_PLANNED), w(m, W_ACTUAL));
	for (int s = 0; s < st->agenda.nsegments; s++) {
		const core_segment *seg = &st->agenda.segments[s];
		puts_(o, "| ");
		put_esc_s(o, ESC_MD_INLINE, seg->title);
		long act = actual_minutes(m, s);
		printf_(o, " | %s | %u | ", w(m, seg->chatham_house ? W_CHATHAM_HOUSE : W_ON_RECORD),
		        (unsigned)seg->duration_min);
		if (act < 0)
			printf_(o, "%s |\n", w(m, W_NOT_HELD));
		else
			printf_(o, "%ld |\n", act);
	}
	char lines[4][512];
	int nl = suppressed_lines(m, lines);
	printf_(o, "\n## %s\n\n- %s: %u\n- %s: %s\n- %s: %s\n- %s:", w(m, W_MANIFEST), w(m, W_K), m->k, w(m, W_STATUS),
	        w(m, m->sealed ? W_SEALED : W_DRAFT_STATUS), w(m, W_SCRUBBER), CORE_SCRUB_VERSION, w(m, W_SUPPRESSED));
	if (!nl)
		printf_(o, " %s\n", w(m, W_NOTHING));
	else
		puts_(o, "\n");
	for (int i = 0; i < nl; i++)
		printf_(o, "  - %s\n", lines[i]);
	printf_(o, "\n%s\n", w(m, W_CONTAINS_NOTHING));
}

/* --- HTML -------------------------------------------------------------------------------- */

/* Print-ready on A4, right-to-left when the document's language is, with logical properties
 * only so that one style sheet serves both directions; user text isolates its own direction. */
static const char html_style[] =
    "body{font-family:'Noto Naskh Arabic','Noto Sans','DejaVu Sans',sans-serif;line-height:1.5;"
    "max-inline-size:48em;margin-inline:auto;padding:1em;color:#111}"
    "h1{font-size:1.6em}h2{font-size:1.3em;border-block-end:1px solid #999;margin-block-start:1.6em}"
    "h3{font-size:1.1em}table{border-collapse:collapse;margin-block:0.5em 1em}"
    "th,td{border:1px solid #999;padding:0.2em 0.6em;text-align:start}td.n{text-align:end}"
    ".draft{border:2px solid #a00;color:#a00;padding:0.5em;font-weight:bold}"
    ".rule{border-inline-start:4px solid #555;padding-inline-start:1em}"
    ".kind{color:#555;font-size:0.9em}ol{padding-inline-start:2em}"
    "@page{size:A4;margin:2cm}@media print{body{max-inline-size:none;padding:0}"
    "h2{break-after:avoid}li,tr{break-inside:avoid}}";

static void html_table(out *o, const model *m, const table *t)
{
	printf_(o, "<h3>%s</h3>\n", w(m, t->title));
	if (!t->published) {
		printf_(o, "<p>%s</p>\n", w(m, W_NOT_PUBLISHED));
		return;
	}
	printf_(o, "<table><thead><tr><th>%s</th><th>%s</th></tr></thead><tbody>\n",
	        t->title == W_BY_SEGMENT ? w(m, W_SEGMENT) : w(m, W_LANGUAGES), w(m, W_QUESTIONS));
	for (int i = 0; i < t->n; i++) {
		char c[64];
		count_text(m, t->values[i], t->cells[i], c, sizeof c);
		puts_(o, "<tr><td><bdi>");
		put_esc_s(o, ESC_HTML, t->labels[i]);
		printf_(o, "</bdi></td><td class=\"n\">%s</td></tr>\n", c);
	}
	printf_(o, "<tr><th>%s</th><td class=\"n\">%u</td></tr>\n</tbody></table>\n", w(m, W_TOTAL), t->total);
}

static void render_html(out *o, const model *m)
{
	const core_state *st = m->st;
	char buf[512];
	printf_(o, "<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
	        core_lang_name(m->lang), m->lang == CORE_LANG_AR ? "rtl" : "ltr");
	puts_(o, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
	         "'unsafe-inline'\">\n<title>");
	put_esc_s(o, ESC_HTML, st->agenda.title);
	printf_(o, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1 dir=\"auto\">", html_style);
	put_esc_s(o, ESC_HTML, st->agenda.title);
	puts_(o, "</h1>\n");
	if (!m->sealed)
		printf_(o, "<p class=\"draft\">%s</p>\n", w(m, W_DRAFT));
	languages_text(m, buf, sizeof buf);
	printf_(o, "<dl>\n<dt>%s</dt><dd>%s</dd>\n<dt>%s</dt><dd>", w(m, W_DATE), date_of(m), w(m, W_FORMAT));
	printf_(o, w(m, W_FORMAT_VALUE), st->agenda.nsegments);
	printf_(o, "</dd>\n<dt>%s</dt><dd>%s</dd>\n</dl>\n<p class=\"rule\">%s</p>\n", w(m, W_LANGUAGES), buf,
	        w(m, W_RULE_STATEMENT));
	printf_(o, "<h2>%s</h2>\n", w(m, W_PARTICIPATION));
	if (!m->sealed) {
		printf_(o, "<p>%s</p>\n", w(m, W_COUNTS_AFTER_SEAL));
	} else {
		char c1[64], c2[64];
		count_text(m, st->participants, single_cell(m, st->participants), c1, sizeof c1);
		count_text(m, m->questions_posted, single_cell(m, m->questions_posted), c2, sizeof c2);
		printf_(o, "<ul>\n<li>%s: %s</li>\n<li>%s: %s</li>\n</ul>\n", w(m, W_PARTICIPANTS), c1,
		        w(m, W_QUESTIONS_POSTED), c2);
		html_table(o, m, &m->by_segment);
		html_table(o, m, &m->by_language);
	}
	for (int s = 0; s < st->agenda.nsegments; s++) {
		puts_(o, "<section>\n<h2 dir=\"auto\">");
		put_esc_s(o, ESC_HTML, st->agenda.segments[s].title);
		puts_(o, "</h2>\n");
		const core_note *note = &st->notes[s];
		if (note->text_len) {
			printf_(o, "<h3>%s</h3>\n<p dir=\"auto\">", w(m, W_NOTES));
			put_esc(o, ESC_HTML, note->text, note->text_len);
			puts_(o, "</p>\n");
		}
		const char *theme = NULL;
		bool any = false;
		for (uint32_t i = 0; i < m->nitems; i++) {
			const item *it = &m->items[i];
			if (it->segment != s)
				continue;
			if (!theme || strcmp(theme, it->theme) != 0) {
				if (theme)
					puts_(o, "</ol>\n");
				theme = it->theme;
				puts_(o, "<h3 dir=\"auto\">");
				put_esc_s(o, ESC_HTML, theme[0] ? theme : w(m, W_OTHER_THEME));
				printf_(o, "</h3>\n<ol start=\"%u\">\n", it->number);
			}
			any = true;
			puts_(o, "<li><bdi>");
			put_esc(o, ESC_HTML, it->text, it->text_len);
			printf_(o, "</bdi> <span class=\"kind\">(%s", kind_word(m, it->kind));
			if (m->sealed && it->kind != ITEM_SUMMARY) {
				char c[64];
				count_text(m, it->votes, single_cell(m, it->votes), c, sizeof c);
				printf_(o, "; %s: %s", w(m, W_UPVOTES), c);
			}
			puts_(o, ")</span></li>\n");
		}
		if (theme)
			puts_(o, "</ol>\n");
		if (!any)
			printf_(o, "<p>%s</p>\n", w(m, W_NO_ITEMS));
		puts_(o, "</section>\n");
	}
	printf_(o, "<h2>%s</h2>\n<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
	        w(m, W_AGENDA), w(m, W_SEGMENT), w(m, W_RULE), w(m, W_PLANNED), w(m, W_ACTUAL));
	for (int s = 0; s < st->agenda.nsegments; s++) {
		const core_segment *seg = &st->agenda.segments[s];
		puts_(o, "<tr><td><bdi>");
		put_esc_s(o, ESC_HTML, seg->title);
		long act = actual_minutes(m, s);
		printf_(o, "</bdi></td><td>%s</td><td class=\"n\">%u</td><td class=\"n\">",
		        w(m, seg->chatham_house ? W_CHATHAM_HOUSE : W_ON_RECORD), (unsigned)seg->duration_min);
		if (act < 0)
			printf_(o, "%s</td></tr>\n", w(m, W_NOT_HELD));
		else
			printf_(o, "%ld</td></tr>\n", act);
	}
	char lines[4][512];
	int nl = suppressed_lines(m, lines);
	printf_(o,
	        "</tbody></table>\n<h2>%s</h2>\n<dl>\n<dt>%s</dt><dd>%u</dd>\n<dt>%s</dt><dd>%s</dd>\n"
	        "<dt>%s</dt><dd>%s</dd>\n<dt>%s</dt><dd>",
	        w(m, W_MANIFEST), w(m, W_K), m->k, w(m, W_STATUS), w(m, m->sealed ? W_SEALED : W_DRAFT_STATUS),
	        w(m, W_SCRUBBER), CORE_SCRUB_VERSION, w(m, W_SUPPRESSED));
	if (!nl)
		puts_(o, w(m, W_NOTHING));
	for (int i = 0; i < nl; i++)
		printf_(o, "%s%s", i ? "<br>" : "", lines[i]);
	printf_(o, "</dd>\n</dl>\n<p>%s</p>\n</body>\n</html>\n", w(m, W_CONTAINS_NOTHING));
}

/* --- CSV --------------------------------------------------------------------------------- */

/* One record per line: section, segment, item number, theme, kind, label, value (RFC 4180,
 * CRLF, every field quoted), so one sheet holds the whole report, manifest included. */
static void csv_row(out *o, const char *section, const char *segment, uint32_t number, const char *theme,
                    const char *kind, const char *label, size_t label_len, const char *value)
{
	const char *fields[7] = {section, segment, NULL, theme, kind, label, value};
	for (int i = 0; i < 7; i++) {
		if (i)
			puts_(o, ",");
		puts_(o, "\"");
		if (i == 2) {
			if (number)
				printf_(o, "%u", number);
		} else if (i == 5) {
			put_esc(o, ESC_CSV, label, label_len);
		} else if (fields[i]) {
			put_esc_s(o, ESC_CSV, fields[i]);
		}
		puts_(o, "\"");
	}
	puts_(o, "\r\n");
}

static void csv_kv(out *o, const char *section, const char *segment, const char *label, const char *value)
{
	csv_row(o, section, segment, 0, NULL, NULL, label, strlen(label), value);
}

static void csv_table(out *o, const model *m, const table *t, const char *section)
{
	if (!t->published) {
		csv_kv(o, section, NULL, w(m, W_NOT_PUBLISHED), "");
		return;
	}
	for (int i = 0; i < t->n; i++) {
		char c[64];
		count_text(m, t->values[i], t->cells[i], c, sizeof c);
		csv_kv(o, section, t->title == W_BY_SEGMENT ? t->labels[i] : NULL,
		       t->title == W_BY_SEGMENT ? w(m, W_QUESTIONS) : t->labels[i], c);
	}
	char tot[16];
	snprintf(tot, sizeof tot, "%u", t->total);
	csv_kv(o, section, NULL, w(m, W_TOTAL), tot);
}

static void render_csv(out *o, const model *m)
{
	const core_state *st = m->st;
	char buf[512], c[64];
	puts_(o, "\xEF\xBB\xBF"); /* a byte order mark: spreadsheets then read UTF-8 (Arabic) right */
	puts_(o, "\"section\",\"segment\",\"item\",\"theme\",\"kind\",\"label\",\"value\"\r\n");
	csv_kv(o, "report", NULL, w(m, W_REPORT), st->agenda.title);
	if (!m->sealed)
		csv_kv(o, "report", NULL, w(m, W_STATUS), w(m, W_DRAFT));
	csv_kv(o, "report", NULL, w(m, W_DATE), date_of(m));
	snprintf(buf, sizeof buf, w(m, W_FORMAT_VALUE), st->agenda.nsegments);
	csv_kv(o, "report", NULL, w(m, W_FORMAT), buf);
	languages_text(m, buf, sizeof buf);
	csv_kv(o, "report", NULL, w(m, W_LANGUAGES), buf);
	csv_kv(o, "report", NULL, w(m, W_RULE), w(m, W_RULE_STATEMENT));
	if (!m->sealed) {
		csv_kv(o, "participation", NULL, w(m, W_PARTICIPATION), w(m, W_COUNTS_AFTER_SEAL));
	} else {
		count_text(m, st->participants, single_cell(m, st->participants), c, sizeof c);
		csv_kv(o, "participation", NULL, w(m, W_PARTICIPANTS), c);
		count_text(m, m->questions_posted, single_cell(m, m->questions_posted), c, sizeof c);
		csv_kv(o, "participation", NULL, w(m, W_QUESTIONS_POSTED), c);
		csv_table(o, m, &m->by_segment, "questions_by_segment");
		csv_table(o, m, &m->by_language, "questions_by_language");
	}
	for (int s = 0; s < st->agenda.nsegments; s++) {
		const char *title = st->agenda.segments[s].title;
		const core_note *note = &st->notes[s];
		if (note->text_len)
			csv_row(o, "note", title, 0, NULL, NULL, note->text, note->text_len, "");
		for (uint32_t i = 0; i < m->nitems; i++) {
			const item *it = &m->items[i];
			if (it->segment != s)
				continue;
			c[0] = '\0';
			if (m->sealed && it->kind != ITEM_SUMMARY)
				count_text(m, it->votes, single_cell(m, it->votes), c, sizeof c);
			csv_row(o, "item", title, it->number, it->theme[0] ? it->theme : w(m, W_OTHER_THEME),
			        kind_word(m, it->kind), it->text, it->text_len, c);
		}
	}
	for (int s = 0; s < st->agenda.nsegments; s++) {
		const core_segment *seg = &st->agenda.segments[s];
		snprintf(c, sizeof c, "%u", (unsigned)seg->duration_min);
		csv_kv(o, "agenda", seg->title, w(m, W_PLANNED), c);
		long act = actual_minutes(m, s);
		if (act < 0)
			snprintf(c, sizeof c, "%s", w(m, W_NOT_HELD));
		else
			snprintf(c, sizeof c, "%ld", act);
		csv_kv(o, "agenda", seg->title, w(m, W_ACTUAL), c);
		csv_kv(o, "agenda", seg->title, w(m, W_RULE), w(m, seg->chatham_house ? W_CHATHAM_HOUSE : W_ON_RECORD));
	}
	snprintf(c, sizeof c, "%u", m->k);
	csv_kv(o, "manifest", NULL, w(m, W_K), c);
	csv_kv(o, "manifest", NULL, w(m, W_STATUS), w(m, m->sealed ? W_SEALED : W_DRAFT_STATUS));
	csv_kv(o, "manifest", NULL, w(m, W_SCRUBBER), CORE_SCRUB_VERSION);
	char lines[4][512];
	int nl = suppressed_lines(m, lines);
	if (!nl)
		csv_kv(o, "manifest", NULL, w(m, W_SUPPRESSED), w(m, W_NOTHING));
	for (int i = 0; i < nl; i++)
		csv_kv(o, "manifest", NULL, w(m, W_SUPPRESSED), lines[i]);
	csv_kv(o, "manifest", NULL, w(m, W_MANIFEST), w(m, W_CONTAINS_NOTHING));
}

/* --- JSON -------------------------------------------------------------------------------- */

static void json_str(out *o, const char *s, size_t n)
{
	puts_(o, "\"");
	put_esc(o, ESC_JSON, s, n);
	puts_(o, "\"");
}

static void json_s(out *o, const char *s)
{
	json_str(o, s, strlen(s));
}

/* A count as JSON: a number, or {"fewer_than": k}, or {"withheld": true}. */
static void json_count(out *o, const model *m, uint32_t v, core_cell c)
{
	if (c == CORE_CELL_FEWER)
		printf_(o, "{\"fewer_than\": %u}", m->k);
	else if (c == CORE_CELL_WITHHELD)
		puts_(o, "{\"withheld\": true}");
	else
		printf_(o, "%u", v);
}

static void json_table(out *o, const model *m, const table *t)
{
	if (!t->published) {
		puts_(o, "null");
		return;
	}
	puts_(o, "{\"cells\": [");
	for (int i = 0; i < t->n; i++) {
		puts_(o, i ? ", {\"label\": " : "{\"label\": ");
		json_s(o, t->labels[i]);
		puts_(o, ", \"questions\": ");
		json_count(o, m, t->values[i], t->cells[i]);
		puts_(o, "}");
	}
	printf_(o, "], \"total\": %u}", t->total);
}

static void render_json(out *o, const model *m)
{
	const core_state *st = m->st;
	puts_(o, "{\n  \"format\": \"roundtable.report.v1\",\n  \"title\": ");
	json_s(o, st->agenda.title);
	printf_(o, ",\n  \"status\": \"%s\",\n  \"date\": ", m->sealed ? "sealed" : "draft");
	const char *d = date_of(m);
	if (d == w(m, W_DATE_UNSET))
		puts_(o, "null");
	else
		json_s(o, d);
	printf_(o, ",\n  \"language\": \"%s\",\n  \"languages\": {\"floor\": \"%s\", \"interpretation\": [",
	        core_lang_name(m->lang), core_lang_name(st->agenda.floor));
	for (int i = 0; i < st->agenda.nchannels; i++)
		printf_(o, "%s\"%s\"", i ? ", " : "", core_lang_name(st->agenda.channels[i]));
	puts_(o, "]},\n  \"rule\": ");
	json_s(o, w(m, W_RULE_STATEMENT));
	puts_(o, ",\n  \"participation\": ");
	if (!m->sealed) {
		puts_(o, "null");
	} else {
		puts_(o, "{\"participants\": ");
		json_count(o, m, st->participants, single_cell(m, st->participants));
		puts_(o, ", \"questions_posted\": ");
		json_count(o, m, m->questions_posted, single_cell(m, m->questions_posted));
		puts_(o, ",\n    \"questions_by_segment\": ");
		json_table(o, m, &m->by_segment);
		puts_(o, ",\n    \"questions_by_language\": ");
		json_table(o, m, &m->by_language);
		puts_(o, "}");
	}
	puts_(o, ",\n  \"segments\": [");
	for (int s = 0; s < st->agenda.nsegments; s++) {
		const core_segment *seg = &st->agenda.segments[s];
		puts_(o, s ? ",\n    {\"title\": " : "\n    {\"title\": ");
		json_s(o, seg->title);
		printf_(o, ", \"rule\": \"%s\", \"planned_minutes\": %u, \"actual_minutes\": ",
		        seg->chatham_house ? "chatham_house" : "on_record", (unsigned)seg->duration_min);
		long act = actual_minutes(m, s);
		if (act < 0)
			puts_(o, "null");
		else
			printf_(o, "%ld", act);
		puts_(o, ",\n     \"note\": ");
		const core_note *note = &st->notes[s];
		if (note->text_len)
			json_str(o, note->text, note->text_len);
		else
			puts_(o, "null");
		puts_(o, ",\n     \"items\": [");
		bool first = true;
		for (uint32_t i = 0; i < m->nitems; i++) {
			const item *it = &m->items[i];
			if (it->segment != s)
				continue;
			printf_(o, "%s\n       {\"number\": %u, \"kind\": \"%s\", \"theme\": ", first ? "" : ",",
			        it->number,
			        it->kind == ITEM_SUMMARY  ? "summary"
			        : it->kind == ITEM_MERGED ? "merged_questions"
			                                  : "question");
			first = false;
			if (it->theme[0])
				json_s(o, it->theme);
			else
				puts_(o, "null");
			puts_(o, ", \"text\": ");
			json_str(o, it->text, it->text_len);
			if (m->sealed && it->kind != ITEM_SUMMARY) {
				puts_(o, ", \"upvotes\": ");
				json_count(o, m, it->votes, single_cell(m, it->votes));
			}
			puts_(o, "}");
		}
		puts_(o, first ? "]}" : "\n     ]}");
	}
	char lines[4][512];
	int nl = suppressed_lines(m, lines);
	printf_(o, "\n  ],\n  \"privacy\": {\"k\": %u, \"sealed\": %s, \"scrubber\": \"%s\", \"suppressed\": [", m->k,
	        m->sealed ? "true" : "false", CORE_SCRUB_VERSION);
	for (int i = 0; i < nl; i++) {
		if (i)
			puts_(o, ", ");
		json_s(o, lines[i]);
	}
	puts_(o, "],\n    \"statement\": ");
	json_s(o, w(m, W_CONTAINS_NOTHING));
	puts_(o, "}\n}\n");
}

char *core_report_render(const core_state *st, const core_report_options *opt, size_t *len)
{
	if ((unsigned)opt->format >= CORE_REPORT_FORMAT_COUNT ||
	    (opt->lang != CORE_LANG_NONE && (unsigned)opt->lang >= CORE_LANG_COUNT) ||
	    (opt->k && (opt->k < 2 || opt->k > CORE_REPORT_MAX_K)))
		return NULL;
	model m;
	if (build_model(&m, st, opt))
		return NULL;
	out o = {0};
	switch (opt->format) {
	case CORE_REPORT_MD:
		render_md(&o, &m);
		break;
	case CORE_REPORT_HTML:
		render_html(&o, &m);
		break;
	case CORE_REPORT_CSV:
		render_csv(&o, &m);
		break;
	default:
		render_json(&o, &m);
		break;
	}
	free(m.items);
	if (o.failed || !o.buf) {
		free(o.buf);
		return NULL;
	}
	*len = o.len;
	return o.buf;
}
