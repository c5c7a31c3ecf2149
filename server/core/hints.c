/* hints.c — what may name or describe a person in a text, for the moderators' eyes only (CHR-6):
 * runs of capitalised words no sentence start explains, honorifics and titles before a name, and
 * authors describing themselves ("I work at", "أعمل في"), in English, French, Spanish and Arabic.
 * A hint never refuses nor changes a text: the co-chairs see a flag and decide. Pure; not the
 * scrubber's sure findings (scrub.c, denylist.c). */
#include <assert.h>
#include <stdbool.h>
#include <string.h>

#include <unictype.h>

#include "core.h"
#include "scrub.h"
#include "scrub_internal.h"

static const char *const hint_names[CORE_HINT_KIND_COUNT] = {"capitals", "title", "self"};

const char *core_hint_kind_name(core_hint_kind k)
{
	return (unsigned)k < CORE_HINT_KIND_COUNT ? hint_names[k] : "?";
}

/* --- the words of a text ----------------------------------------------------------------- */

#define MAX_WORDS (CORE_SCRUB_MAX_CP / 2 + 1)

typedef struct word {
	int16_t s, e;   /* code points of the text */
	int16_t fs, fe; /* its folded letters in the pool */
	bool cap;       /* starts with a capital and is not all capitals (an acronym) */
	bool sentence;  /* the first word of a sentence, a line or the text */
	bool spaced;    /* only white space (no line break) since the previous word */
	bool dotted;    /* only a full stop and white space since the previous word ("Dr. Ali") */
	bool arabic;    /* written in Arabic letters */
} word;

/* The lists a word is on (classify), as bits. */
enum { ON_OPENERS = 1, ON_INSTITUTIONS = 2, ON_TITLES = 4, ON_PARTICLES = 8, ON_NOT_NAMES = 16 };

#define BUCKETS 256

typedef struct words {
	word w[MAX_WORDS];
	int n;
	uint32_t pool[CORE_SCRUB_MAX_CP];
	int npool;
	uint8_t on[MAX_WORDS];
	/* words by their first folded code point (its low byte): head[b], then next[k]; -1 ends */
	int16_t head[BUCKETS], next[MAX_WORDS];
} words;

static bool joiner(uint32_t c)
{
	return c == '-' || c == '\'' || c == 0x2019 || c == 0x2010 || c == 0x2011;
}

/* Folds for comparing words: core_scrub_fold, and a typographic apostrophe as a straight one.
 * ASCII, most of what the lists hold, takes the short way. */
static uint32_t fold(uint32_t c)
{
	/* Latin-1 letters as core_scrub_fold folds them: the base letter, in lower case */
	static const uint8_t latin1[64] = {'a', 'a', 'a', 'a',  'a',  'a',  0xE6, 'c', 'e', 'e',  'e',  'e',  'i',
	                                   'i', 'i', 'i', 0xF0, 'n',  'o',  'o',  'o', 'o', 'o',  0xD7, 0xF8, 'u',
	                                   'u', 'u', 'u', 'y',  0xFE, 0xDF, 'a',  'a', 'a', 'a',  'a',  'a',  0xE6,
	                                   'c', 'e', 'e', 'e',  'e',  'i',  'i',  'i', 'i', 0xF0, 'n',  'o',  'o',
	                                   'o', 'o', 'o', 0xF7, 0xF8, 'u',  'u',  'u', 'u', 'y',  0xFE, 'y'};
	if (c < 128)
		return c >= 'A' && c <= 'Z' ? c + 32 : c == '\t' || c == '\n' ? ' ' : c;
	if (c >= 0xC0 && c <= 0xFF)
		return latin1[c - 0xC0];
	if (c >= 0x0621 && c <= 0x065F) {
		/* Arabic letters as core_scrub_fold folds them: hamza carriers and alef forms to their
		 * base, ta marbuta and alef maqsura to ha and ya, tatweel and harakat dropped */
		switch (c) {
		case 0x0622:
		case 0x0623:
		case 0x0625:
			return 0x0627;
		case 0x0624:
			return 0x0648;
		case 0x0626:
		case 0x0649:
			return 0x064A;
		case 0x0629:
			return 0x0647;
		case 0x0640:
			return 0;
		default:
			return c >= 0x064B ? 0 : c;
		}
	}
	return c == 0x2019 ? '\'' : core_scrub_fold(c);
}

static void split(const cps *t, words *ws)
{
	ws->n = ws->npool = 0;
	int gap_start = 0;
	for (int i = 0; i < t->n && ws->n < MAX_WORDS;) {
		if (!is_word(t->c[i])) {
			i++;
			continue;
		}
		int e = i;
		while (is_word(at(t, e)) || (joiner(at(t, e)) && is_word(at(t, e + 1))))
			e++;
		word *w = &ws->w[ws->n];
		w->s = (int16_t)i;
		w->e = (int16_t)e;
		w->fs = (int16_t)ws->npool;
		int upper = 0, letters = 0;
		for (int k = i; k < e; k++) {
			uint32_t f = fold(t->c[k]);
			if (f)
				ws->pool[ws->npool++] = f;
			if (uc_is_alpha(t->c[k])) {
				letters++;
				upper += uc_is_upper(t->c[k]) || uc_is_general_category(t->c[k], UC_CATEGORY_Lt);
			}
		}
		w->fe = (int16_t)ws->npool;
		bool first_upper = uc_is_upper(t->c[i]) || uc_is_general_category(t->c[i], UC_CATEGORY_Lt);
		w->cap = first_upper && letters >= 2 && upper < letters;
		w->arabic = t->c[i] >= 0x0600 && t->c[i] <= 0x06FF;
		bool stop = ws->n == 0, other = false, line = false;
		int dots = 0;
		for (int k = gap_start; k < i; k++) {
			uint32_t c = t->c[k];
			if (c == '.' || c == '!' || c == '?' || c == ':' || c == ';' || c == 0x061F || c == 0x061B ||
			    c == 0x06D4 || c == 0x2026)
				stop = true;
			if (c == '\n')
				stop = line = true;
			if (c == '.')
				dots++;
			else if (!is_space(c))
				other = true;
		}
		w->sentence = stop;
		ws->on[ws->n] = 0;
		w->spaced = ws->n > 0 && !stop && !other && !line;
		w->dotted = ws->n > 0 && dots == 1 && !other && !line;
		ws->n++;
		gap_start = i = e;
	}
}

/* The first code point of s, folded. */
static uint32_t first_folded(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c = p[0];
	if (c >= 128 && !core_utf8_decode(p, strnlen(s, 4), &c))
		return 0;
	return fold(c);
}

/* Whether word w, folded, is s (UTF-8, folded the same way on the fly). */
static bool is(const words *ws, const word *w, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int k = w->fs;
	while (p[i]) {
		uint32_t c = p[i];
		size_t n = 1;
		if (c >= 128 && !(n = core_utf8_decode(p + i, strnlen((const char *)p + i, 4), &c)))
			return false; /* the lists are valid UTF-8: a NUL ends a sequence short */
		i += n;
		uint32_t f = fold(c);
		if (!f)
			continue;
		if (k >= w->fe || ws->pool[k] != f)
			return false;
		k++;
	}
	/* an English possessive: "Convention's" is "convention" */
	return k == w->fe || (k == w->fe - 2 && ws->pool[k] == '\'' && ws->pool[k + 1] == 's');
}

/* Marks the words on list with bit `on`: each entry is compared with the words that start
 * like it only, so that a text is read once per list rather than once per word and entry. */
static void mark(words *ws, const char *const *list, uint8_t on)
{
	for (int e = 0; list[e]; e++)
		for (int k = ws->head[first_folded(list[e]) % BUCKETS]; k >= 0; k = ws->next[k])
			if (is(ws, &ws->w[k], list[e]))
				ws->on[k] |= on;
}

/* --- the lists --------------------------------------------------------------------------- */

/* Words that start sentences and explain their capital there. */
static const char *const openers[] = {
    "the", "a", "an", "what", "how", "why", "when", "where", "who", "whom", "which", "whose", "is", "are", "was",
    "were", "will", "would", "can", "could", "should", "shall", "may", "might", "must", "do", "does", "did", "has",
    "have", "had", "in", "on", "at", "for", "as", "if", "our", "my", "we", "i", "this", "that", "these", "those",
    "there", "it", "its", "to", "from", "with", "by", "of", "and", "but", "or", "so", "also", "please", "thank",
    "thanks", "given", "since", "after", "before", "under", "between", "about", "regarding", "following", "many",
    "some", "any", "all", "each", "every", "one", "no", "not", "yes", "let", "could", "dear",
    /* fr */
    "le", "la", "les", "l'", "un", "une", "des", "du", "de", "comment", "quel", "quelle", "quels", "quelles", "est-ce",
    "est", "pourquoi", "quand", "ou", "où", "qui", "que", "qu'", "dans", "en", "pour", "par", "sur", "avec", "nous",
    "notre", "nos", "je", "j'ai", "il", "elle", "ils", "elles", "ce", "cette", "ces", "selon", "merci", "peut-on",
    "faut-il", "existe-t-il", "y", "et", "mais", "si", "au", "aux", "entre", "quelle", "combien", "lorsque", "depuis",
    "concernant",
    /* es */
    "el", "los", "las", "una", "unos", "unas", "cómo", "como", "qué", "que", "por", "para", "cuál", "cuáles", "cuándo",
    "dónde", "quién", "quiénes", "es", "son", "se", "nuestra", "nuestro", "nuestros", "nuestras", "mi", "mis", "al",
    "del", "con", "sin", "sobre", "según", "gracias", "hay", "existe", "cuántos", "cuántas", "habrá", "puede", "pueden",
    "debe", "deben", "también", "tras", "desde", "ante", "bajo", NULL};

/* Capitalised words of institutions, treaties, places and the calendar: not people. */
static const char *const institutions[] = {
    "united", "nations", "un", "onu", "convention", "committee", "council", "assembly", "general", "security", "human",
    "rights", "article", "articles", "conference", "states", "state", "parties", "party", "member", "members", "rule",
    "chatham", "house", "ad", "hoc", "budapest", "treaty", "protocol", "union", "european", "african", "arab", "league",
    "court", "office", "secretariat", "secretary", "commission", "organization", "organisation", "group", "working",
    "internet", "international", "national", "criminal", "justice", "law", "cybercrime", "crime", "drugs", "government",
    "ministry", "republic", "kingdom", "federation", "south", "north", "east", "west", "middle", "latin", "america",
    "asia", "africa", "europe", "pacific", "gulf", "cooperation", "high", "commissioner", "special", "rapporteur",
    "rapporteurs", "agenda", "session", "annex", "chapter", "section", "part", "paragraph", "resolution", "declaration",
    "charter", "universal", "covenant", "civil", "political", "economic", "social", "cultural", "development",
    "sustainable", "goals", "data", "protection", "regulation", "privacy", "forum", "summit", "panel", "chair",
    "co-chair", "co-chairs", "vice", "final", "draft", "text", "new", "york", "geneva", "vienna", "costa", "rica",
    "saudi", "arabia", "sri", "lanka", "zealand", "salvador", "burkina", "faso", "sierra", "leone", "puerto", "rico",
    "hong", "kong", "emirates", "czech", "dominican", "papua", "guinea", "ivory", "coast", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "june", "july",
    "august", "september", "october", "november", "december", "english", "french", "spanish", "arabic", "russian",
    "chinese", "q&a", "zoom", "teams", "webex", "google", "microsoft", "meta", "facebook", "whatsapp", "signal",
    "telegram", "twitter", "apple", "amazon", "ai", "act", "code", "procedure", "evidence", "mutual", "legal",
    "assistance", "first", "second", "third", "additional", "optional", "cyber", "digital", "bureau", "agency",
    "institute", "centre", "center", "network", "alliance", "partnership", "initiative", "programme", "program", "fund",
    "bank", "world", "health", "trade", "labour", "labor", "office", "parliament", "senate", "congress", "constitution",
    "supreme",
    /* fr */
    "nations", "unies", "comité", "conseil", "assemblée", "générale", "droits", "homme", "l'homme", "article",
    "conférence", "états", "parties", "partie", "règle", "traité", "protocole", "européenne", "africaine", "arabe",
    "ligue", "cour", "bureau", "secrétariat", "commission", "groupe", "travail", "ministère", "république", "royaume",
    "coopération", "haut", "commissaire", "rapporteur", "spécial", "spéciale", "ordre", "jour", "séance", "annexe",
    "chapitre", "résolution", "charte", "pacte", "développement", "union", "lundi", "mardi", "mercredi", "jeudi",
    "vendredi", "samedi", "dimanche", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre", "côte", "d'ivoire", "sud", "nord", "ouest", "est", "moyen-orient",
    "amérique", "afrique", "asie", "comité", "spécial", "convention", "droit", "pénal", "preuves", "entraide",
    "judiciaire", "numérique",
    /* es */
    "naciones", "unidas", "comité", "especial", "consejo", "asamblea", "general", "derechos", "humanos", "artículo",
    "conferencia", "estados", "parte", "regla", "tratado", "protocolo", "unión", "europea", "africana", "liga", "corte",
    "oficina", "secretaría", "comisión", "grupo", "trabajo", "ministerio", "república", "reino", "cooperación", "alto",
    "comisionado", "relator", "relatora", "programa", "sesión", "anexo", "capítulo", "resolución", "carta", "pacto",
    "desarrollo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo", "enero", "febrero", "marzo",
    "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre", "américa", "latina",
    "caribe", "sur", "norte", "oriente", "medio", "convención", "derecho", "penal", "pruebas", "asistencia", "jurídica",
    "mutua", "digital", NULL};

/* Particles inside a name: "Luis de la Fuente", "Ahmed bin Salem", "Ludwig van Beethoven". */
static const char *const particles[] = {"de",  "la",  "del", "las",  "los", "van", "von", "der", "den",
                                        "da",  "di",  "du",  "des",  "dos", "das", "le",  "el",  "al",
                                        "bin", "ibn", "ben", "bint", "d'",  "do",  NULL};

/* Honorifics and titles (abbreviations without their full stop: "Dr." is the word "Dr" then a
 * full stop). */
static const char *const titles[] = {
    "ambassador", "minister", "dr", "mr", "mrs", "ms", "miss", "prof", "professor", "judge", "justice", "senator",
    "president", "director", "secretary", "chairman", "chairwoman", "commissioner", "sir", "dame", "lord", "lady",
    "general", "colonel", "captain", "rev", "reverend", "sheikh", "sheikha", "deputy", "mp", "excellency", "hon",
    "honourable", "honorable",
    /* fr */
    "ambassadeur", "ambassadrice", "ministre", "m", "mme", "mlle", "pr", "maître", "me", "docteur", "juge", "sénateur",
    "sénatrice", "présidente", "directeur", "directrice", "monsieur", "madame", "mademoiselle", "député", "députée",
    "professeure", "commissaire",
    /* es */
    "embajador", "embajadora", "ministro", "ministra", "sr", "sra", "srta", "dra", "licenciado", "licenciada", "lic",
    "ing", "ingeniero", "ingeniera", "doctor", "doctora", "profesor", "profesora", "juez", "jueza", "senador",
    "senadora", "presidenta", "directora", "señor", "señora", "señorita", "don", "doña", "diputado", "diputada",
    /* ar */
    "السفير", "السفيرة", "الوزير", "الوزيرة", "الدكتور", "الدكتورة", "د", "الأستاذ", "الأستاذة", "السيد", "السيدة",
    "القاضي", "القاضية", "المحامي", "المحامية", "الشيخ", "الشيخة", "المهندس", "المهندسة", "النائب", "النائبة",
    "البروفيسور", "معالي", "سعادة", NULL};

/* Arabic words that follow a title without being a name: prepositions, pronouns, particles. */
static const char *const arabic_not_names[] = {
    "في",   "من",   "على",  "عن",    "إلى",  "الى",   "أن",   "إن",    "أنه",  "هذا",   "هذه",  "ذلك",   "تلك",
    "الذي", "التي", "لدى",  "مع",    "ثم",   "أو",    "قد",   "لم",    "لن",   "لا",    "ما",   "هل",    "كيف",
    "عند",  "بعد",  "قبل",  "حول",   "بين",  "كان",   "كانت", "قال",   "قالت", "ذكر",   "ذكرت", "أشار",  "أشارت",
    "يرى",  "ترى",  "نفسه", "نفسها", "وزير", "وزيرة", "رئيس", "رئيسة", "مدير", "مديرة", "سفير", "سفيرة", NULL};

/* The author describing themselves, word by word; the first word may carry a proclitic و or ف
 * in Arabic. */
static const char *const self[] = {
    "i work at", "i work for", "i'm working at", "i'm working for", "i am working at", "i am working for",
    "my organisation", "my organization", "our organisation", "our organization", "my ngo", "our ngo", "my employer",
    "my company", "my name is", "i represent", "i'm the director of", "i am the director of",
    /* fr */
    "je travaille à", "je travaille a", "je travaille chez", "je travaille pour", "je travaille au",
    "je travaille auprès", "mon organisation", "notre organisation", "mon ong", "notre ong", "mon employeur",
    "je m'appelle", "je représente", "je suis le directeur", "je suis la directrice",
    /* es */
    "trabajo en", "trabajo para", "mi organización", "nuestra organización", "mi ong", "nuestra ong", "mi empleador",
    "me llamo", "mi nombre es", "represento a", "soy director", "soy directora",
    /* ar */
    "أعمل في", "أعمل لدى", "أعمل لصالح", "أعمل مع", "منظمتي", "منظمتنا", "مؤسستي", "مؤسستنا", "اسمي", "أمثل",
    "أنا مدير", "أنا مديرة", NULL};

/* --- the rules --------------------------------------------------------------------------- */

/* Which lists each word is on; a title with an elided French article ("l'ambassadrice") is a
 * title. */
static void classify(words *ws)
{
	for (int b = 0; b < BUCKETS; b++)
		ws->head[b] = -1;
	for (int k = ws->n - 1; k >= 0; k--) {
		const word *w = &ws->w[k];
		int b = w->fe > w->fs ? (int)(ws->pool[w->fs] % BUCKETS) : 0;
		ws->next[k] = ws->head[b];
		ws->head[b] = (int16_t)k;
	}
	mark(ws, openers, ON_OPENERS);
	mark(ws, institutions, ON_INSTITUTIONS);
	mark(ws, titles, ON_TITLES);
	mark(ws, particles, ON_PARTICLES);
	mark(ws, arabic_not_names, ON_NOT_NAMES);
	for (int k = 0; k < ws->n; k++) {
		const uint32_t *p = ws->pool + ws->w[k].fs;
		if (ws->w[k].fe - ws->w[k].fs < 3 || (p[0] != 'l' && p[0] != 'd') || p[1] != '\'')
			continue;
		word rest = ws->w[k];
		rest.fs = (int16_t)(rest.fs + 2);
		for (int e = 0; titles[e] && !(ws->on[k] & ON_TITLES); e++)
			if (is(ws, &rest, titles[e]))
				ws->on[k] |= ON_TITLES;
	}
}

typedef struct found {
	core_hint *out;
	int n, max;
	const cps *t;
} found;

static void hint(found *f, core_hint_kind kind, int s, int e)
{
	if (f->n < f->max)
		f->out[f->n++] = (core_hint){kind, f->t->off[s], f->t->off[e]};
}

static bool on(const words *ws, const word *w, uint8_t list)
{
	return ws->on[w - ws->w] & list;
}

/* Whether word k could be part of a name: capitalised, neither an institution's word nor a
 * title, and not a sentence's opening word. */
static bool namely(const words *ws, int k)
{
	const word *w = &ws->w[k];
	return w->cap && !on(ws, w, ON_INSTITUTIONS) && !on(ws, w, ON_TITLES) &&
	       !(w->sentence && on(ws, w, ON_OPENERS));
}

/* CORE_HINT_CAPITALS: two or more name-like capitalised words in a row, joined by single spaces
 * and the particles of names ("Luis de la Fuente"); or an initial before one ("J. Smith"). */
static void capitals(const cps *t, const words *ws, found *f)
{
	for (int k = 0; k < ws->n; k++) {
		const word *w = &ws->w[k];
		/* "J. Smith": an initial, a full stop, a name */
		if (w->e - w->s == 1 && uc_is_upper(t->c[w->s]) && k + 1 < ws->n && ws->w[k + 1].dotted &&
		    at(t, w->e) == '.' && namely(ws, k + 1) && !on(ws, w, ON_TITLES) &&
		    !(k > 0 && ws->w[k - 1].e == w->s - 1 && at(t, w->s - 1) == '.')) {
			hint(f, CORE_HINT_CAPITALS, w->s, ws->w[k + 1].e);
			k++;
			continue;
		}
		if (!namely(ws, k))
			continue;
		int names = 1, last = k, j = k + 1;
		while (j < ws->n && ws->w[j].spaced) {
			if (namely(ws, j)) {
				names++;
				last = j++;
				continue;
			}
			int p = j;
			while (p < ws->n && p - j < 2 && ws->w[p].spaced && !ws->w[p].cap &&
			       on(ws, &ws->w[p], ON_PARTICLES))
				p++;
			if (p == j || p >= ws->n || !ws->w[p].spaced || !namely(ws, p))
				break;
			j = p;
		}
		if (names >= 2)
			hint(f, CORE_HINT_CAPITALS, w->s, ws->w[last].e);
		k = last;
	}
}

/* CORE_HINT_TITLE: a title, then a name. In Latin scripts the name is capitalised; in Arabic it
 * is neither a definite noun (ال…) nor a preposition or pronoun. */
static void titled(const cps *t, const words *ws, found *f)
{
	for (int k = 0; k + 1 < ws->n; k++) {
		const word *w = &ws->w[k], *nx = &ws->w[k + 1];
		if (!on(ws, w, ON_TITLES) || !(nx->spaced || nx->dotted))
			continue;
		int b = w->s - 1;
		while (b >= 0 && is_space(t->c[b]))
			b--;
		if (b >= 0 && uc_is_general_category(t->c[b], UC_CATEGORY_Nd))
			continue; /* "5 M. de personnes": a unit, not a title */
		bool name;
		if (w->arabic) {
			const uint32_t *p = ws->pool + nx->fs;
			bool definite = nx->fe - nx->fs > 2 && p[0] == 0x0627 && p[1] == 0x0644;
			name = nx->arabic && !definite && !on(ws, nx, ON_NOT_NAMES) && !on(ws, nx, ON_TITLES);
			/* د. only with its full stop; the other titles without one */
			if (is(ws, w, "د") != nx->dotted)
				name = false;
		} else {
			/* "Mr Smith", "M. Dupont"; one letter ("M") only with its full stop */
			name = !nx->arabic && nx->cap && !on(ws, nx, ON_INSTITUTIONS) && !on(ws, nx, ON_TITLES) &&
			       (w->e - w->s > 1 || nx->dotted);
		}
		if (name)
			hint(f, CORE_HINT_TITLE, w->s, nx->e);
	}
}

static bool arabic_proclitic(uint32_t c)
{
	return c == 0x0648 || c == 0x0641; /* و ف */
}

/* Whether the words from k on read as phrase p (words separated by single spaces). */
static bool reads(const words *ws, int k, const char *p, int *last)
{
	char one[64];
	for (int j = k;; j++) {
		const char *sp = strchr(p, ' ');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		if (j >= ws->n || n >= sizeof one || (j > k && !ws->w[j].spaced))
			return false;
		memcpy(one, p, n);
		one[n] = '\0';
		word w = ws->w[j];
		bool same = is(ws, &w, one);
		if (!same && j == k && w.arabic && w.fe - w.fs > 1 && arabic_proclitic(ws->pool[w.fs])) {
			w.fs++;
			same = is(ws, &w, one);
		}
		if (!same)
			return false;
		if (!sp) {
			*last = j;
			return true;
		}
		p = sp + 1;
	}
}

/* CORE_HINT_SELF: the author says where they work, what they represent or what they are called. */
static void selves(const words *ws, found *f)
{
	int16_t last[MAX_WORDS]; /* where the phrase starting at word k ends, or -1 */
	for (int k = 0; k < ws->n; k++)
		last[k] = -1;
	for (int p = 0; self[p]; p++) {
		/* the words that start like the phrase, and in Arabic those with و or ف before it */
		const uint32_t starts[3] = {first_folded(self[p]), 0x0648, 0x0641};
		for (int b = 0; b < (starts[0] >= 0x0600 ? 3 : 1); b++)
			for (int k = ws->head[starts[b] % BUCKETS]; k >= 0; k = ws->next[k]) {
				int end;
				if (last[k] < 0 && reads(ws, k, self[p], &end))
					last[k] = (int16_t)end;
			}
	}
	for (int k = 0; k < ws->n; k++)
		if (last[k] >= 0)
			hint(f, CORE_HINT_SELF, ws->w[k].s, ws->w[last[k]].e);
}

int core_scrub_hints(const char *text, size_t len, core_hint *out, int max)
{
	static_assert(sizeof(cps) + sizeof(words) < 48000, "the text and its words fit the stack");
	cps t;
	words ws;
	if (len > CORE_SCRUB_MAX_BYTES || core_scrub_decode(text, len, &t))
		return -1;
	split(&t, &ws);
	classify(&ws);
	found f = {out, 0, max, &t};
	selves(&ws, &f);
	titled(&t, &ws, &f);
	capitals(&t, &ws, &f);
	return f.n;
}

bool core_scrub_may_identify(const char *text, size_t len)
{
	core_hint h[1];
	return text && len && core_scrub_hints(text, len, h, 1) > 0;
}
