/* test_wire.c — the codec: strict decoding with one typed answer per frame, encodings that
 * carry only the documented fields, and the agenda file with JSON-path errors. */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "check.h"
#include "fixtures.h"
#include "wire.h"

typedef struct decode_case {
	const char *frame;
	rt_err err;
	const char *id;    /* expected id ("" for none) */
	const char *field; /* expected field at fault ("" for none) */
} decode_case;

#define TOK "q4pYHk1u6vG0m0QmVgX1yQ"

static const decode_case decode_cases[] = {
    {"{\"type\":\"auth\",\"token\":\"" TOK "\"}", RT_OK, "", ""},
    {"{\"type\":\"auth\",\"token\":\"" TOK "\",\"device\":\"" TOK "\"}", RT_OK, "", ""},
    {"{\"type\":\"auth\",\"token\":\"short\"}", RT_E_PROTOCOL_INVALID_FIELD, "", "token"},
    {"{\"type\":\"auth\",\"token\":\"" TOK "\",\"device\":\"a+b/c\"}", RT_E_PROTOCOL_INVALID_FIELD, "", "device"},
    {"{\"type\":\"auth\",\"token\":\"" TOK "\",\"email\":\"x@y.org\"}", RT_E_PROTOCOL_UNKNOWN_FIELD, "", "email"},
    {"{\"type\":\"question.post\",\"id\":\"c1\",\"text\":\"Hi\",\"lang\":\"en\"}", RT_OK, "c1", ""},
    {"{\"type\":\"question.post\",\"id\":\"c2\",\"text\":\"Hi\",\"lang\":\"en\",\"country\":\"FR\"}",
     RT_E_PROTOCOL_UNKNOWN_FIELD, "c2", "country"},
    {"{\"type\":\"question.post\",\"id\":\"c3\",\"text\":\"Hi\"}", RT_E_PROTOCOL_MISSING_FIELD, "c3", "lang"},
    {"{\"type\":\"question.post\",\"text\":\"Hi\",\"lang\":\"en\"}", RT_E_PROTOCOL_MISSING_FIELD, "", "id"},
    {"{\"type\":\"question.post\",\"id\":\"c4\",\"text\":\"\",\"lang\":\"en\"}", RT_E_PROTOCOL_INVALID_FIELD, "c4",
     "text"},
    {"{\"type\":\"question.post\",\"id\":\"c5\",\"text\":7,\"lang\":\"en\"}", RT_E_PROTOCOL_INVALID_FIELD, "c5",
     "text"},
    {"{\"type\":\"question.post\",\"id\":\"c6\",\"text\":\"Hi\",\"lang\":\"EN\"}", RT_E_PROTOCOL_INVALID_FIELD, "c6",
     "lang"},
    {"{\"type\":\"question.post\",\"id\":\"bad id\",\"text\":\"Hi\",\"lang\":\"en\"}", RT_E_PROTOCOL_INVALID_FIELD, "",
     "id"},
    {"{\"type\":\"question.vote\",\"id\":\"v1\",\"question\":3}", RT_OK, "v1", ""},
    {"{\"type\":\"question.vote\",\"id\":\"v2\",\"question\":0}", RT_E_PROTOCOL_INVALID_FIELD, "v2", "question"},
    {"{\"type\":\"question.vote\",\"id\":\"v3\",\"question\":2147483648}", RT_E_PROTOCOL_INVALID_FIELD, "v3",
     "question"},
    {"{\"type\":\"question.vote\",\"id\":\"v4\",\"question\":1.5}", RT_E_PROTOCOL_INVALID_FIELD, "v4", "question"},
    {"{\"type\":\"question.vote\",\"id\":\"v5\",\"question\":\"3\"}", RT_E_PROTOCOL_INVALID_FIELD, "v5", "question"},
    {"{\"type\":\"question.approve\",\"id\":\"a1\",\"question\":2147483647}", RT_OK, "a1", ""},
    {"{\"type\":\"question.delete\",\"id\":\"d1\",\"question\":1}", RT_E_PROTOCOL_UNKNOWN_TYPE, "d1", ""},
    {"{\"type\":\"snapshot\",\"seq\":1}", RT_E_PROTOCOL_UNKNOWN_TYPE, "", ""},
    {"{\"id\":\"n1\"}", RT_E_PROTOCOL_UNKNOWN_TYPE, "n1", ""},
    {"{\"type\":7}", RT_E_PROTOCOL_UNKNOWN_TYPE, "", ""},
    {"[1,2]", RT_E_PROTOCOL_MALFORMED, "", ""},
    {"\"auth\"", RT_E_PROTOCOL_MALFORMED, "", ""},
    {"{\"type\":\"auth\",", RT_E_PROTOCOL_MALFORMED, "", ""},
    {"{\"type\":\"auth\",\"type\":\"auth\",\"token\":\"" TOK "\"}", RT_E_PROTOCOL_MALFORMED, "", ""},
    {"{\"type\":\"question.post\",\"id\":\"u1\",\"text\":\"\xff\",\"lang\":\"en\"}", RT_E_PROTOCOL_MALFORMED, "", ""},
    {"{\"type\":\"question.post\",\"id\":\"u2\",\"text\":\"a\\u0000b\",\"lang\":\"en\"}", RT_E_PROTOCOL_MALFORMED, "",
     ""},
};

static void test_decode(void)
{
	wire_message *m = malloc(sizeof *m);
	for (size_t i = 0; i < sizeof decode_cases / sizeof decode_cases[0]; i++) {
		const decode_case *c = &decode_cases[i];
		rt_err err = wire_decode(c->frame, strlen(c->frame), m);
		if (err != c->err)
			fprintf(stderr, "frame %s\n", c->frame);
		CHECK_EQ_STR(rt_err_code(err), rt_err_code(c->err));
		CHECK_EQ_STR(m->id, c->id);
		CHECK_EQ_STR(m->field, c->field);
	}
	const char *post = "{\"type\":\"question.post\",\"id\":\"c1\",\"text\":\"Et l'article 5 ?\",\"lang\":\"fr\"}";
	CHECK_EQ_INT(wire_decode(post, strlen(post), m), RT_OK);
	CHECK_EQ_INT(m->kind, WIRE_MSG_COMMAND);
	CHECK_EQ_INT(m->cmd.kind, CORE_CMD_QUESTION_POST);
	CHECK_EQ_INT(m->cmd.lang, CORE_LANG_FR);
	CHECK_EQ_INT(m->cmd.text_len, strlen("Et l'article 5 ?"));
	CHECK(memcmp(m->cmd.text, "Et l'article 5 ?", m->cmd.text_len) == 0);
	const char *auth = "{\"type\":\"auth\",\"token\":\"" TOK "\"}";
	CHECK_EQ_INT(wire_decode(auth, strlen(auth), m), RT_OK);
	CHECK_EQ_INT(m->kind, WIRE_MSG_AUTH);
	CHECK_EQ_STR(m->token, TOK);
	CHECK(!m->has_device);
	/* 2,000 code points pass the codec (the core then applies 500); 2,001 do not. */
	for (int n = 2000; n <= 2001; n++) {
		char *frame = malloc((size_t)n * 2 + 100);
		int off = sprintf(frame, "{\"type\":\"question.post\",\"id\":\"L\",\"lang\":\"ar\",\"text\":\"");
		for (int i = 0; i < n; i++)
			off += sprintf(frame + off, "\xd8\xb3");
		strcpy(frame + off, "\"}");
		CHECK_EQ_INT(wire_decode(frame, strlen(frame), m), n == 2000 ? RT_OK : RT_E_PROTOCOL_INVALID_FIELD);
		free(frame);
	}
	free(m);
}

/* Parses a buffer's payload back into JSON (the caller decrefs). */
static json_t *parse(wire_buf *b)
{
	json_t *j = b ? json_loadb((const char *)wire_buf_payload(b), b->len, 0, NULL) : NULL;
	CHECK(j != NULL);
	return j;
}

/* Whether obj has exactly the keys listed (NULL-terminated). */
static bool exactly_keys(json_t *obj, const char *const *keys)
{
	size_t n = 0;
	for (; keys[n]; n++)
		if (!json_object_get(obj, keys[n]))
			return false;
	return json_object_size(obj) == n;
}

static const char *const question_keys[] = {"id",    "segment", "text",   "lang",    "state",
                                            "votes", "edited",  "pinned", "version", NULL};

static void test_encode(void)
{
	core_agenda ag = fixture_agenda(true);
	core_state st;
	fixture_state_init(&st, &ag);
	core_actor p1 = fixture_participant(1), p2 = fixture_participant(2);
	core_decision dec;
	/* Question 1 by p1 approved and upvoted by p2; question 2 by p2 pending; 3 by p1 rejected. */
	const struct {
		core_actor *who;
		core_command cmd;
	} script[] = {
	    {&p1, {.kind = CORE_CMD_QUESTION_POST, .text = "One", .text_len = 3, .lang = CORE_LANG_EN}},
	    {&p2, {.kind = CORE_CMD_QUESTION_POST, .text = "Two", .text_len = 3, .lang = CORE_LANG_AR}},
	    {&p1, {.kind = CORE_CMD_QUESTION_POST, .text = "Three", .text_len = 5, .lang = CORE_LANG_FR}},
	    {NULL, {.kind = CORE_CMD_QUESTION_APPROVE, .question = 1}},
	    {NULL, {.kind = CORE_CMD_QUESTION_REJECT, .question = 3}},
	    {&p2, {.kind = CORE_CMD_QUESTION_VOTE, .question = 1}},
	};
	core_actor chair = fixture_role(CORE_ROLE_COCHAIR);
	for (size_t i = 0; i < sizeof script / sizeof script[0]; i++) {
		CHECK_EQ_INT(
		    core_decide(&st, script[i].who ? script[i].who : &chair, &script[i].cmd, FIXED_NOW_MS, &dec),
		    RT_OK);
		CHECK_EQ_INT(core_evolve(&st, &dec.events[0]), 0);
	}
	static const char *const snap_keys[] = {"type",      "seq", "role",   "consultation",
	                                        "questions", "you", "limits", NULL};

	/* Participant p1: sees approved 1 and its own 3 (rejected), not p2's pending 2. */
	wire_buf *b = wire_encode_snapshot(&st, &p1, 16);
	CHECK_EQ_INT(b->headroom, 16);
	json_t *j = parse(b);
	CHECK(exactly_keys(j, snap_keys));
	CHECK_EQ_INT(json_integer_value(json_object_get(j, "seq")), 6);
	/* The text maxima the core applies, for clients to count against. */
	json_t *lim = json_object_get(j, "limits");
	CHECK_EQ_INT(json_integer_value(json_object_get(lim, "question")), CORE_TEXT_MAX_CP);
	CHECK_EQ_INT(json_integer_value(json_object_get(lim, "paraphrase")), CORE_TEXT_MAX_CP);
	CHECK_EQ_INT(json_integer_value(json_object_get(lim, "note")), CORE_NOTE_MAX_CP);
	CHECK_EQ_INT(json_integer_value(json_object_get(lim, "theme")), CORE_THEME_MAX_CP);
	json_t *qs = json_object_get(j, "questions");
	CHECK_EQ_INT(json_array_size(qs), 2);
	CHECK_EQ_INT(json_integer_value(json_object_get(json_array_get(qs, 0), "id")), 1);
	CHECK_EQ_INT(json_integer_value(json_object_get(json_array_get(qs, 1), "id")), 3);
	for (size_t i = 0; i < json_array_size(qs); i++)
		CHECK(exactly_keys(json_array_get(qs, i), question_keys));
	json_t *you = json_object_get(j, "you");
	CHECK_EQ_INT(json_array_size(json_object_get(you, "mine")), 2);
	CHECK_EQ_INT(json_array_size(json_object_get(you, "voted")), 0);
	json_t *cons = json_object_get(j, "consultation");
	CHECK_EQ_STR(json_string_value(json_object_get(cons, "timezone")), "Europe/London");
	CHECK_EQ_STR(json_string_value(json_object_get(json_array_get(json_object_get(cons, "segments"), 0), "start")),
	             "12:00");
	CHECK(json_object_get(cons, "date") == NULL);
	/* AG-1, LC-2: no texts in other languages, no "titles" */
	CHECK(json_object_get(cons, "titles") == NULL);
	CHECK(json_object_get(json_array_get(json_object_get(cons, "segments"), 0), "titles") == NULL);
	json_decref(j);
	wire_buf_unref(b);
	/* ... and with some, every language the agenda gives, to every viewer */
	strcpy(st.agenda.title_in[CORE_LANG_AR], "مشاورة");
	strcpy(st.agenda.title_in[CORE_LANG_ES], "Consulta");
	strcpy(st.agenda.segments[1].title_in[CORE_LANG_FR], "Table ronde");
	strcpy(st.agenda.listening[CORE_LANG_EN].note, "Original audio");
	strcpy(st.agenda.listening[CORE_LANG_EN].note_in[CORE_LANG_AR], "الصوت الأصلي");
	b = wire_encode_snapshot(&st, &p1, 16);
	j = parse(b);
	cons = json_object_get(j, "consultation");
	json_t *titles = json_object_get(cons, "titles");
	CHECK_EQ_INT(json_object_size(titles), 2);
	CHECK_EQ_STR(json_string_value(json_object_get(titles, "ar")), "مشاورة");
	CHECK_EQ_STR(json_string_value(json_object_get(titles, "es")), "Consulta");
	json_t *segs = json_object_get(cons, "segments");
	CHECK(json_object_get(json_array_get(segs, 0), "titles") == NULL);
	CHECK_EQ_STR(json_string_value(json_object_get(json_object_get(json_array_get(segs, 1), "titles"), "fr")),
	             "Table ronde");
	json_t *en = json_object_get(json_object_get(cons, "listening"), "en");
	CHECK_EQ_STR(json_string_value(json_object_get(json_object_get(en, "notes"), "ar")), "الصوت الأصلي");
	json_decref(j);
	wire_buf_unref(b);
	memset(st.agenda.title_in, 0, sizeof st.agenda.title_in);
	memset(st.agenda.segments[1].title_in, 0, sizeof st.agenda.segments[1].title_in);
	memset(&st.agenda.listening[CORE_LANG_EN], 0, sizeof st.agenda.listening[CORE_LANG_EN]);

	/* p2 voted for 1 and sees its own pending 2. */
	j = parse(b = wire_encode_snapshot(&st, &p2, 0));
	you = json_object_get(j, "you");
	CHECK_EQ_INT(json_integer_value(json_array_get(json_object_get(you, "voted"), 0)), 1);
	CHECK_EQ_INT(json_integer_value(json_array_get(json_object_get(you, "mine"), 0)), 2);
	CHECK_EQ_INT(json_array_size(json_object_get(j, "questions")), 2);
	json_decref(j);
	wire_buf_unref(b);

	/* The co-chair sees all three, and nothing in them tells who posted. */
	j = parse(b = wire_encode_snapshot(&st, &(core_actor){.role = CORE_ROLE_COCHAIR}, 0));
	CHECK_EQ_INT(json_array_size(json_object_get(j, "questions")), 3);
	CHECK_EQ_INT(json_array_size(json_object_get(json_object_get(j, "you"), "mine")), 0);
	CHECK_EQ_STR(json_string_value(json_object_get(j, "role")), "cochair");
	json_decref(j);
	wire_buf_unref(b);

	/* The stage sees the approved one only. */
	j = parse(b = wire_encode_snapshot(&st, &(core_actor){.role = CORE_ROLE_STAGE}, 0));
	CHECK_EQ_INT(json_array_size(json_object_get(j, "questions")), 1);
	json_decref(j);
	wire_buf_unref(b);

	/* Event types per audience. */
	core_event posted = {.kind = CORE_EV_QUESTION_POSTED, .seq = 9, .question = 1, .state = CORE_Q_APPROVED};
	j = parse(b = wire_encode_event(&st, &posted, CORE_AUD_PUBLIC, 0));
	CHECK_EQ_STR(json_string_value(json_object_get(j, "type")), "question.approved");
	CHECK(exactly_keys(json_object_get(j, "question"), question_keys));
	json_decref(j);
	wire_buf_unref(b);
	j = parse(b = wire_encode_event(&st, &posted, CORE_AUD_MODERATION, 0));
	CHECK_EQ_STR(json_string_value(json_object_get(j, "type")), "question.posted");
	json_decref(j);
	wire_buf_unref(b);
	core_event vote = {.kind = CORE_EV_VOTE_ADDED, .seq = 6, .question = 1, .votes = 1};
	j = parse(b = wire_encode_event(&st, &vote, CORE_AUD_PUBLIC, 0));
	static const char *const votes_keys[] = {"type", "seq", "question", "votes", NULL};
	CHECK(exactly_keys(j, votes_keys));
	CHECK_EQ_INT(json_integer_value(json_object_get(j, "votes")), 1);
	json_decref(j);
	wire_buf_unref(b);

	/* Acks carry the question and, for votes, whether the sender now votes for it. */
	core_command vote_cmd = {.kind = CORE_CMD_QUESTION_VOTE, .question = 1};
	j = parse(b = wire_encode_ack(&st, "c9", vote.seq, &vote_cmd, 1, &p2, 0));
	CHECK_EQ_STR(json_string_value(json_object_get(j, "id")), "c9");
	CHECK(json_is_true(json_object_get(json_object_get(j, "result"), "voted")));
	json_decref(j);
	wire_buf_unref(b);

	/* Errors: null id, params.field, params.max. */
	j = parse(b = wire_encode_error("", RT_E_PROTOCOL_MALFORMED, NULL, NULL, 0));
	CHECK(json_is_null(json_object_get(j, "id")));
	CHECK(json_object_get(j, "params") == NULL);
	json_decref(j);
	wire_buf_unref(b);
	j = parse(b = wire_encode_error("c1", RT_E_PROTOCOL_UNKNOWN_FIELD, "name", NULL, 0));
	CHECK_EQ_STR(json_string_value(json_object_get(json_object_get(j, "params"), "field")), "name");
	CHECK_EQ_STR(json_string_value(json_object_get(j, "code")), "protocol.unknown_field");
	json_decref(j);
	wire_buf_unref(b);
	core_err_params too_long = CORE_ERR_PARAMS_NONE;
	too_long.max = 500;
	j = parse(b = wire_encode_error("c2", RT_E_QUESTION_TEXT_TOO_LONG, NULL, &too_long, 0));
	CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(j, "params"), "max")), 500);
	static const char *const max_keys[] = {"max", NULL};
	CHECK(exactly_keys(json_object_get(j, "params"), max_keys));
	json_decref(j);

	/* Reference counting: two holders, freed with the last (ASan checks the rest). */
	CHECK(wire_buf_ref(b) == b);
	CHECK_EQ_INT(b->refs, 2);
	wire_buf_unref(b);
	CHECK_EQ_INT(b->refs, 1);
	wire_buf_unref(b);
	wire_buf_unref(NULL);
	core_state_free(&st);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	*len = 0;
	if (!f)
		return NULL;
	char *buf = malloc(1 << 16);
	*len = fread(buf, 1, (1 << 16) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* That the agenda's errors are exactly n, each beginning as one of want says. */
static void check_agenda_errors(const wire_agenda_errors *errs, const char *const *want, size_t n)
{
	CHECK_EQ_INT(errs->n, (int)n);
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (int k = 0; k < errs->n; k++)
			found = found || strncmp(errs->msg[k], want[i], strlen(want[i])) == 0;
		if (!found)
			fprintf(stderr, "no error for %s\n", want[i]);
		CHECK(found);
	}
}

static void test_agenda(void)
{
	core_agenda a;
	wire_agenda_errors errs;
	size_t len;
	char *text = read_all(RT_SOURCE_DIR "/protocol/agendas/engagement-session.json", &len);
	CHECK(text != NULL);
	CHECK_EQ_INT(wire_decode_agenda(text, len, &a, &errs), 0);
	CHECK_EQ_INT(errs.n, 0);
	CHECK_EQ_INT(a.nsegments, 4);
	CHECK_EQ_INT(a.segments[0].start_min, 11 * 60 + 30);
	CHECK_EQ_INT(a.segments[1].duration_min, 35);
	CHECK_EQ_INT(a.segments[2].kind, CORE_SEG_QA);
	CHECK(!a.segments[0].questions_open);
	CHECK(a.segments[2].questions_open);
	CHECK_EQ_INT(a.nchannels, 3);
	CHECK_EQ_INT(a.floor, CORE_LANG_EN);
	CHECK(a.premoderation);
	/* LC-1: each language's listening instructions. */
	CHECK_EQ_STR(a.listening[CORE_LANG_AR].zoom_channel, "Arabic");
	CHECK(strstr(a.listening[CORE_LANG_FR].note, "téléphone") != NULL);
	CHECK_EQ_STR(a.listening[CORE_LANG_EN].zoom_channel, "");
	CHECK(a.listening[CORE_LANG_EN].note[0] != '\0');
	CHECK(!a.segments[3].starts_empty); /* QA-6: carry_over defaults to true */
	free(text);
	/* QA-6: a closing segment that starts empty; carry_over must be a boolean. */
	text = read_all(RT_SOURCE_DIR "/protocol/agendas/regional-consultation.json", &len);
	CHECK(text != NULL);
	CHECK_EQ_INT(wire_decode_agenda(text, len, &a, &errs), 0);
	CHECK(a.segments[3].starts_empty && !a.segments[2].starts_empty);
	/* AG-1, LC-2: texts in several languages; the floor's stays where a plain string goes. */
	CHECK_EQ_STR(a.title, "Regional consultation with non-state stakeholders: Africa");
	CHECK(strstr(a.title_in[CORE_LANG_AR], "أفريقيا") != NULL);
	CHECK_EQ_STR(a.title_in[CORE_LANG_EN], "");
	CHECK_EQ_STR(core_agenda_title(&a, CORE_LANG_ES),
	             "Consulta regional con las partes interesadas no estatales: África");
	CHECK_EQ_STR(core_segment_title(&a.segments[2], CORE_LANG_AR), "نقاش مفتوح");
	CHECK_EQ_STR(core_segment_title(&a.segments[2], CORE_LANG_FR), "Open discussion"); /* the floor's */
	CHECK_EQ_STR(core_segment_title(&a.segments[3], CORE_LANG_AR), "Summary of findings and closing");
	CHECK_EQ_STR(core_segment_title(&a.segments[3], CORE_LANG_NONE), "Summary of findings and closing");
	CHECK(strstr(core_listening_note(&a.listening[CORE_LANG_FR], CORE_LANG_FR), "Choisissez") != NULL);
	CHECK(strstr(core_listening_note(&a.listening[CORE_LANG_FR], CORE_LANG_ES), "Choose French") != NULL);
	free(text);
	/* An object without the floor language's text, a language not one of the four, a text too
	 * long in one language and one of the wrong type: each refused at its place. */
	const char *texts =
	    "{\"format\":\"roundtable.agenda.v1\",\"title\":{\"ar\":\"عنوان\",\"de\":\"Titel\"},"
	    "\"timezone\":\"UTC\",\"floor\":\"fr\",\"channels\":[\"ar\"],"
	    "\"listening\":{\"ar\":{\"note\":{\"fr\":\"Note\",\"ar\":7}}},"
	    "\"segments\":[{\"title\":{\"fr\":\"Ouverture\",\"es\":\"\"},\"kind\":\"qa\",\"start\":\"10:00\","
	    "\"duration\":30,\"questions\":true,\"rule\":\"chatham_house\"},"
	    "{\"title\":{},\"kind\":\"qa\",\"start\":\"10:30\","
	    "\"duration\":30,\"questions\":true,\"rule\":\"chatham_house\"}]}";
	CHECK_EQ_INT(wire_decode_agenda(texts, strlen(texts), &a, &errs), -1);
	static const char *const text_errors[] = {
	    "title.fr: is required: the floor language's text",
	    "title.de: must be one of en, ar, fr, es",
	    "listening.ar.note.ar: must be a string of 1 to 500 characters",
	    "segments[0].title.es: must be a string of 1 to 200 characters",
	    "segments[1].title.fr: is required: the floor language's text",
	};
	check_agenda_errors(&errs, text_errors, sizeof text_errors / sizeof text_errors[0]);
	const char *carry =
	    "{\"format\":\"roundtable.agenda.v1\",\"title\":\"T\",\"timezone\":\"UTC\",\"floor\":\"en\","
	    "\"channels\":[],\"segments\":[{\"title\":\"Q\",\"kind\":\"qa\",\"start\":\"10:00\","
	    "\"duration\":30,\"questions\":true,\"rule\":\"chatham_house\",\"carry_over\":\"no\"}]}";
	CHECK_EQ_INT(wire_decode_agenda(carry, strlen(carry), &a, &errs), -1);
	CHECK(errs.n == 1 && strstr(errs.msg[0], "segments[0].carry_over: must be true or false") != NULL);

	const char *bad =
	    "{\"format\":\"roundtable.agenda.v1\",\"timezone\":\"London time\",\"date\":\"2021-13-01\","
	    "\"floor\":\"en\",\"channels\":[\"ar\",\"en\",\"ar\"],\"organiser\":\"x\","
	    "\"listening\":{\"es\":{\"zoom_channel\":\"Spanish\"},\"ar\":{\"zoom_channel\":\"\",\"volume\":3},"
	    "\"en\":\"Original audio\"},\"segments\":["
	    "{\"title\":\"Welcome\",\"kind\":\"opening\",\"start\":\"11:30\",\"duration\":15,"
	    "\"questions\":false,\"rule\":\"chatham_house\"},"
	    "{\"title\":\"\",\"kind\":\"workshop\",\"start\":\"11:75\",\"duration\":-5,"
	    "\"questions\":\"yes\",\"rule\":\"public\",\"speaker\":\"Dr X\"}]}";
	CHECK_EQ_INT(wire_decode_agenda(bad, strlen(bad), &a, &errs), -1);
	static const char *const want[] = {
	    "organiser: ",
	    "title: ",
	    "timezone: ",
	    "date: ",
	    "channels[1]: ",
	    "channels[2]: ",
	    "listening.es: ",
	    "listening.ar.volume: ",
	    "listening.ar.zoom_channel: ",
	    "listening.en: ",
	    "segments[1].speaker: ",
	    "segments[1].title: ",
	    "segments[1].kind: ",
	    "segments[1].start: ",
	    "segments[1].duration: ",
	    "segments[1].questions: ",
	    "segments[1].rule: ",
	};
	check_agenda_errors(&errs, want, sizeof want / sizeof want[0]);
	CHECK_EQ_INT(wire_decode_agenda("{\"format\":", 10, &a, &errs), -1);
	CHECK(strncmp(errs.msg[0], "line 1", 6) == 0);
	CHECK_EQ_INT(wire_decode_agenda("[]", 2, &a, &errs), -1);
}

/* The control socket's reply, as the server writes it and the command line reads it. */
static void test_control_reply(void)
{
	wire_control_reply rep;
	char *r = wire_encode_control_reply(RT_OK, NULL, 3);
	CHECK_EQ_INT(wire_decode_control_reply(r, strlen(r), &rep), 0);
	CHECK(rep.ok);
	CHECK_EQ_INT(rep.count, 3);
	CHECK_EQ_STR(rep.error, "");
	free(r);
	r = wire_encode_control_reply(RT_E_NOT_FOUND, "the database is read-only", -1);
	CHECK_EQ_INT(wire_decode_control_reply(r, strlen(r), &rep), 0);
	CHECK(!rep.ok);
	CHECK_EQ_INT(rep.count, -1);
	CHECK_EQ_STR(rep.error, "not_found");
	CHECK_EQ_STR(rep.message, "the database is read-only");
	free(r);
	static const char *const bad[] = {
	    "", "not json", "{}", "{\"ok\": 1}", "{\"ok\": true, \"count\": \"3\"}", "{\"ok\": false, \"error\": 3}"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_EQ_INT(wire_decode_control_reply(bad[i], strlen(bad[i]), &rep), -1);
		CHECK(!rep.ok);
	}
}

int main(void)
{
	test_decode();
	test_encode();
	test_agenda();
	test_control_reply();
	return check_done();
}
