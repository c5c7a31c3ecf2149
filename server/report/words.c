/* words.c — the report's own words in its four languages, and the languages' names in each.
 * A table here, not generated from the web client's catalogues (web-client/i18n): the
 * document's sentences are not in them, and their language names differ from these (capitals
 * in French and Spanish, another Arabic spelling), so generating would change the report's
 * bytes. Not the web client's words, nor the protocol's names ("en", "md"). */
#include "internal.h"

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
            [W_FINAL_STATUS] = "final, sealed",
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
            [W_COLON] = ":",
            [W_SEMICOLON] = "; ",
            [W_COMMA] = ", ",
            [W_SMALL_GROUP] = "warning: fewer than %u participants took part; even \u201Cfewer than %u\u201D may tell "
                              "readers who they were, so share this report with care",
            [W_DRAFT_SEALED] = "Draft: the consultation is sealed and its counts are final; the rapporteurs have "
                               "not finalised this report yet.",
            [W_FINAL] = "Final: the rapporteurs have finalised this report.",
            [W_SEALED_DRAFT_STATUS] = "draft, sealed: counts final",
            [W_POLL_TITLE] = "Poll %u: %s",
            [W_POLL_ANSWER] = "Answer",
            [W_REQUESTED_BY_SEGMENT] = "Interventions requested by segment",
            [W_REQUESTED_BY_LANGUAGE] = "Interventions requested by language",
            [W_TAKEN_BY_SEGMENT] = "Interventions taken by segment",
            [W_TAKEN_BY_LANGUAGE] = "Interventions taken by language",
            [W_INTERVENTIONS] = "Interventions",
            [W_INTERVENTIONS_NOT_PUBLISHED] = "Not published: too few interventions to protect.",
            [W_POLL_COUNT] = "Answers",
            [W_REISSUED] = "Credentials re-issued after a lost device (each could upvote again)",
        },
    [CORE_LANG_FR] =
        {
            [W_REPORT] = "Rapport",
            [W_DRAFT] = "Projet\u00A0: cette consultation n’est pas encore scellée. Il ne contient aucun décompte "
                        "avant qu’elle le soit.",
            [W_DATE] = "Date",
            [W_DATE_UNSET] = "non précisée",
            [W_FORMAT] = "Format",
            [W_FORMAT_VALUE] = "Consultation en ligne\u202F; segments de l’ordre du jour\u00A0: %d",
            [W_LANGUAGES] = "Langues",
            [W_FLOOR] = "langue de la salle",
            [W_INTERPRETATION] = "interprétation\u00A0: ",
            [W_RULE_STATEMENT] =
                "Cette consultation s’est tenue selon la règle de Chatham House\u00A0: les participants "
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
            [W_NOT_PUBLISHED] = "Non publié\u00A0: trop peu de questions pour les protéger.",
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
            [W_FINAL_STATUS] = "définitif, scellé",
            [W_DRAFT_STATUS] = "projet, non scellé\u00A0: aucun décompte",
            [W_SCRUBBER] = "Filtre des détails identifiants",
            [W_SUPPRESSED] = "Masqué",
            [W_NOTHING] = "rien",
            [W_SUPPRESSED_TABLE] =
                "%s\u00A0: %u affichés «\u202Fmoins de\u202F» (seuil %u), %u masqués pour qu’ils ne puissent "
                "pas être recalculés",
            [W_SUPPRESSED_VOTES] = "votes de %u éléments affichés «\u202Fmoins de %u\u202F»",
            [W_TABLE_WITHHELD] = "%s\u00A0: non publié",
            [W_CONTAINS_NOTHING] =
                "Cet export ne contient aucun pseudonyme, jeton, adresse IP, identifiant interne, nom ni heure\u00A0: "
                "seulement la date. Les éléments sont renumérotés et classés par thème et par votes, jamais dans "
                "l’ordre de dépôt, et aucun n’indique la langue dans laquelle il a été posé. Aucun tableau ne "
                "croise deux caractéristiques des participants.",
            [W_COLON] = "\u00A0:",
            [W_SEMICOLON] = "\u202F; ",
            [W_COMMA] = ", ",
            [W_SMALL_GROUP] = "avertissement\u00A0: moins de %u participants ont pris part\u00A0; même «\u202Fmoins de "
                              "%u\u202F» peut laisser deviner qui ils étaient, diffusez ce rapport avec prudence",
            [W_DRAFT_SEALED] = "Projet\u00A0: la consultation est scellée et ses décomptes sont définitifs\u202F; les "
                               "rapporteurs n’ont pas encore finalisé ce rapport.",
            [W_FINAL] = "Version finale\u00A0: les rapporteurs ont finalisé ce rapport.",
            [W_SEALED_DRAFT_STATUS] = "projet, scellé\u00A0: décomptes définitifs",
            [W_POLL_TITLE] = "Sondage %u\u00A0: %s",
            [W_POLL_ANSWER] = "Réponse",
            [W_REQUESTED_BY_SEGMENT] = "Demandes de parole par segment",
            [W_REQUESTED_BY_LANGUAGE] = "Demandes de parole par langue",
            [W_TAKEN_BY_SEGMENT] = "Prises de parole par segment",
            [W_TAKEN_BY_LANGUAGE] = "Prises de parole par langue",
            [W_INTERVENTIONS] = "Interventions",
            [W_INTERVENTIONS_NOT_PUBLISHED] = "Non publié\u00A0: trop peu d’interventions pour les protéger.",
            [W_POLL_COUNT] = "Réponses",
            [W_REISSUED] = "Justificatifs renouvelés après la perte d’un appareil (chacun a pu voter une seconde fois)",
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
            [W_FINAL_STATUS] = "definitivo, sellado",
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
            [W_COLON] = ":",
            [W_SEMICOLON] = "; ",
            [W_COMMA] = ", ",
            [W_SMALL_GROUP] = "advertencia: participaron menos de %u personas; incluso «menos de %u» puede revelar "
                              "quiénes fueron, comparta este informe con cuidado",
            [W_DRAFT_SEALED] = "Borrador: la consulta está sellada y sus recuentos son definitivos; los relatores "
                               "aún no han finalizado este informe.",
            [W_FINAL] = "Versión final: los relatores han finalizado este informe.",
            [W_SEALED_DRAFT_STATUS] = "borrador, sellado: recuentos definitivos",
            [W_POLL_TITLE] = "Encuesta %u: %s",
            [W_POLL_ANSWER] = "Respuesta",
            [W_REQUESTED_BY_SEGMENT] = "Intervenciones solicitadas por segmento",
            [W_REQUESTED_BY_LANGUAGE] = "Intervenciones solicitadas por idioma",
            [W_TAKEN_BY_SEGMENT] = "Intervenciones realizadas por segmento",
            [W_TAKEN_BY_LANGUAGE] = "Intervenciones realizadas por idioma",
            [W_INTERVENTIONS] = "Intervenciones",
            [W_INTERVENTIONS_NOT_PUBLISHED] = "No publicado: demasiado pocas intervenciones para protegerlas.",
            [W_POLL_COUNT] = "Respuestas",
            [W_REISSUED] = "Credenciales renovadas tras la pérdida de un dispositivo (cada una pudo votar de nuevo)",
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
            [W_FINAL_STATUS] = "نهائي، مختوم",
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
            [W_COLON] = ":",
            [W_SEMICOLON] = "؛ ",
            [W_COMMA] = "، ",
            [W_SMALL_GROUP] =
                "تحذير: شارك أقل من %u مشاركين؛ وحتى عبارة «أقل من %u» قد تكشف هويتهم، فشارك هذا التقرير بحذر",
            [W_DRAFT_SEALED] = "مسودة: خُتمت المشاورة وأعدادها نهائية، لكن المقررين لم يعتمدوا هذا التقرير نهائيًا بعد.",
            [W_FINAL] = "نهائي: اعتمد المقررون هذا التقرير نهائيًا.",
            [W_SEALED_DRAFT_STATUS] = "مسودة مختومة: أعداد نهائية",
            [W_POLL_TITLE] = "استطلاع %u: %s",
            [W_POLL_ANSWER] = "الإجابة",
            [W_REQUESTED_BY_SEGMENT] = "المداخلات المطلوبة حسب الفقرة",
            [W_REQUESTED_BY_LANGUAGE] = "المداخلات المطلوبة حسب اللغة",
            [W_TAKEN_BY_SEGMENT] = "المداخلات المُلقاة حسب الفقرة",
            [W_TAKEN_BY_LANGUAGE] = "المداخلات المُلقاة حسب اللغة",
            [W_INTERVENTIONS] = "المداخلات",
            [W_INTERVENTIONS_NOT_PUBLISHED] = "غير منشور: عدد المداخلات أقل من أن تُحمى.",
            [W_POLL_COUNT] = "الإجابات",
            [W_REISSUED] = "الاعتمادات المجدَّدة بعد فقدان جهاز (كان بإمكان كل منها التصويت مجددًا)",
        },
};

/* Language names, in each language. */
static const char *const lang_words[CORE_LANG_COUNT][CORE_LANG_COUNT] = {
    [CORE_LANG_EN] = {"English", "Arabic", "French", "Spanish"},
    [CORE_LANG_AR] = {"الإنكليزية", "العربية", "الفرنسية", "الإسبانية"},
    [CORE_LANG_FR] = {"anglais", "arabe", "français", "espagnol"},
    [CORE_LANG_ES] = {"inglés", "árabe", "francés", "español"},
};

const char *report_w(const report_doc *d, report_word x)
{
	return words[d->m->lang][x];
}

const char *report_lang_word(const report_doc *d, core_lang lang)
{
	return lang_words[d->m->lang][lang];
}
