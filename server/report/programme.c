/* programme.c — a programme's report (EX-4 at programme level): per session, attendance by the
 * programme's rule and, once sealed, the engagement figures of the session's own report
 * (participants, questions, languages of the questions), each count under the same small-count
 * suppression. Pure like the rest of report/: it reads loaded sessions, returns bytes. Not one
 * invitation's attendance: that is the attendance sheet's, which organisers alone receive. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A count as the reports publish it: exact, or "fewer than k" for 1..k-1. */
static void count_text(uint32_t v, uint32_t k, char buf[REPORT_COUNT_MAX])
{
	if (core_report_cell(v, k) == CORE_CELL_FEWER)
		snprintf(buf, REPORT_COUNT_MAX, "fewer than %u", k);
	else
		snprintf(buf, REPORT_COUNT_MAX, "%u", v);
}

/* What one session's row says, as text, the same in every format. */
typedef struct session_row {
	char date[16], status[16], attended[REPORT_COUNT_MAX], rate[REPORT_COUNT_MAX];
	char participants[REPORT_COUNT_MAX], questions[REPORT_COUNT_MAX];
	char languages[256], offered[64];
} session_row;

static void fill_row(const report_programme *p, int i, uint32_t k, session_row *r)
{
	const report_session *s = &p->sessions[i];
	const core_state *st = s->st;
	memset(r, 0, sizeof *r);
	snprintf(r->date, sizeof r->date, "%s", report_agenda_date(&st->agenda));
	snprintf(r->status, sizeof r->status, "%s",
	         st->sealed                     ? "sealed"
	         : st->clock == CORE_CLOCK_IDLE ? "not started"
	                                        : "not sealed");
	count_text(s->attended, k, r->attended);
	if (!s->started && !st->sealed)
		snprintf(r->rate, sizeof r->rate, "not held yet");
	else if (p->invited && core_report_cell(s->attended, k) == CORE_CELL_SHOWN)
		snprintf(r->rate, sizeof r->rate, "%u%%",
		         (unsigned)((s->attended * 100 + p->invited / 2) / p->invited));
	else
		snprintf(r->rate, sizeof r->rate, "%s", p->invited ? "withheld" : "no invitations");
	size_t used = (size_t)snprintf(r->offered, sizeof r->offered, "%s", core_lang_name(st->agenda.floor));
	for (int c = 0; c < st->agenda.nchannels && used < sizeof r->offered; c++)
		used += (size_t)snprintf(r->offered + used, sizeof r->offered - used, " %s",
		                         core_lang_name(st->agenda.channels[c]));
	if (!st->sealed) {
		/* EX-6: a session not sealed carries no count. */
		snprintf(r->participants, sizeof r->participants, "after the seal");
		snprintf(r->questions, sizeof r->questions, "after the seal");
		snprintf(r->languages, sizeof r->languages, "after the seal");
		return;
	}
	count_text(st->participants, k, r->participants);
	core_report_model m;
	if (core_report_model_build(&m, st, CORE_LANG_NONE, k)) {
		snprintf(r->questions, sizeof r->questions, "unavailable");
		return;
	}
	count_text(m.questions_posted, k, r->questions);
	const core_report_table *t = &m.by_language;
	used = 0;
	if (!t->published)
		snprintf(r->languages, sizeof r->languages, "withheld");
	for (int j = 0; t->published && j < t->n && used < sizeof r->languages; j++) {
		char v[REPORT_COUNT_MAX];
		if (t->cells[j] == CORE_CELL_WITHHELD)
			snprintf(v, sizeof v, "withheld");
		else
			count_text(t->values[j], k, v);
		used += (size_t)snprintf(r->languages + used, sizeof r->languages - used, "%s%s %s", j ? "; " : "",
		                         core_lang_name(t->langs[j]), v);
	}
	core_report_model_free(&m);
}

/* A JSON string (the titles are UTF-8 already checked by the agenda's decoder). */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static const char listened[] = "not kept: listener counts live in memory only (LC-6)";

static void write_md(FILE *f, const report_programme *p, uint32_t k)
{
	char certified[REPORT_COUNT_MAX];
	count_text(p->certified, k, certified);
	fprintf(f,
	        "# %s\n\nProgramme report: %d sessions; %u personal invitations; a session is attended at %d%% of "
	        "its scheduled time; the certificate needs %d sessions; invitations meeting it: %s.\n\n",
	        p->title, p->n, p->invited, p->attend_percent, p->certificate, certified);
	fprintf(f, "| Session | Date | Status | Attended | Attendance rate | Participants who accepted the Rule "
	           "| Questions posted | Questions by language | Languages offered |\n"
	           "|---|---|---|---|---|---|---|---|---|\n");
	for (int i = 0; i < p->n; i++) {
		session_row r;
		fill_row(p, i, k, &r);
		fprintf(f, "| %d. ", i + 1);
		for (const char *t = p->sessions[i].st->agenda.title; *t; t++)
			fprintf(f, *t == '|' ? "\\|" : "%c", *t);
		fprintf(f, " | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.date, r.status, r.attended, r.rate,
		        r.participants, r.questions, r.languages, r.offered);
	}
	fprintf(f,
	        "\nLanguages listened: %s.\n\nCounts from 1 to %u are shown as \"fewer than %u\" (k = %u); "
	        "a session's figures appear once it is sealed. No figure here is about one person.\n",
	        listened, k - 1, k, k);
}

static void write_csv(FILE *f, const report_programme *p, uint32_t k)
{
	fprintf(f, "session,title,date,status,scheduled minutes,invitations,attended,attendance rate,participants,"
	           "questions posted,questions by language,languages offered\r\n");
	for (int i = 0; i < p->n; i++) {
		session_row r;
		fill_row(p, i, k, &r);
		fprintf(f, "%d,", i + 1);
		report_csv_field(f, p->sessions[i].st->agenda.title);
		fprintf(f, ",%s,%s,%lld,%u,", r.date, r.status, (long long)(p->sessions[i].scheduled_ms / 60000),
		        p->invited);
		const char *fields[] = {r.attended, r.rate, r.participants, r.questions, r.languages, r.offered};
		for (size_t j = 0; j < sizeof fields / sizeof fields[0]; j++) {
			report_csv_field(f, fields[j]);
			fputs(j + 1 < sizeof fields / sizeof fields[0] ? "," : "\r\n", f);
		}
	}
}

static void write_json(FILE *f, const report_programme *p, uint32_t k)
{
	char certified[REPORT_COUNT_MAX];
	count_text(p->certified, k, certified);
	fputs("{\"format\": \"roundtable.programme-report.v1\", \"title\": ", f);
	json_str(f, p->title);
	fprintf(f,
	        ", \"k\": %u, \"invitations\": %u, \"attend_percent\": %d, \"certificate_sessions\": %d, "
	        "\"certified\": ",
	        k, p->invited, p->attend_percent, p->certificate);
	json_str(f, certified);
	fputs(", \"languages_listened\": ", f);
	json_str(f, listened);
	fputs(", \"sessions\": [", f);
	for (int i = 0; i < p->n; i++) {
		session_row r;
		fill_row(p, i, k, &r);
		fprintf(f, "%s\n  {\"session\": %d, \"title\": ", i ? "," : "", i + 1);
		json_str(f, p->sessions[i].st->agenda.title);
		fprintf(f, ", \"scheduled_minutes\": %lld", (long long)(p->sessions[i].scheduled_ms / 60000));
		const char *names[] = {"date",
		                       "status",
		                       "attended",
		                       "attendance_rate",
		                       "participants",
		                       "questions_posted",
		                       "questions_by_language",
		                       "languages_offered"};
		const char *values[] = {r.date,         r.status,    r.attended,  r.rate,
		                        r.participants, r.questions, r.languages, r.offered};
		for (size_t j = 0; j < sizeof names / sizeof names[0]; j++) {
			fprintf(f, ", \"%s\": ", names[j]);
			json_str(f, values[j]);
		}
		fputc('}', f);
	}
	fputs("\n]}\n", f);
}

char *report_programme_render(const report_programme *p, const report_options *opt, size_t *len)
{
	uint32_t k = opt->k ? opt->k : CORE_REPORT_DEFAULT_K;
	if (k < 2 || k > CORE_REPORT_MAX_K ||
	    (opt->format != REPORT_MD && opt->format != REPORT_CSV && opt->format != REPORT_JSON))
		return NULL;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	if (!f)
		return NULL;
	if (opt->format == REPORT_MD)
		write_md(f, p, k);
	else if (opt->format == REPORT_CSV)
		write_csv(f, p, k);
	else
		write_json(f, p, k);
	bool failed = ferror(f) != 0;
	if (fclose(f) != 0 || failed) {
		free(buf);
		return NULL;
	}
	*len = size;
	return buf;
}
