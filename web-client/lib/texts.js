// texts.js — the agenda's texts in the viewer's language (AG-1, LC-2). The consultation's title,
// each segment's title and each listening note come as the floor language's text (`title`,
// `note`) with, when the agenda gives them, the same text in other languages beside it
// (`titles`, `notes`: {"ar": "…"}). Every view shows the viewer's language, and the floor
// language's where the agenda gives none. Pure: no DOM, no network.

// One text in `lang`: its own translation, else the floor language's text.
export function textIn(text, texts, lang) {
  return (texts && typeof texts[lang] === 'string' && texts[lang]) || text;
}

const cache = new WeakMap(); // consultation -> Map(lang -> the consultation in that language)

// The consultation with its title, segment titles and listening notes in `lang`; the same object
// when nothing changes, and the same copy for the same consultation and language, so that views
// see a change only when there is one.
export function consultationIn(c, lang) {
  if (!c || !(c.titles || c.segments.some((s) => s.titles) || Object.values(c.listening || {}).some((l) => l.notes))) return c;
  let byLang = cache.get(c);
  if (!byLang) cache.set(c, (byLang = new Map()));
  let shown = byLang.get(lang);
  if (!shown) {
    const listening = {};
    for (const [key, l] of Object.entries(c.listening || {})) listening[key] = l.notes ? { ...l, note: textIn(l.note, l.notes, lang) } : l;
    shown = {
      ...c,
      title: textIn(c.title, c.titles, lang),
      segments: c.segments.map((s) => (s.titles ? { ...s, title: textIn(s.title, s.titles, lang) } : s)),
      listening,
    };
    byLang.set(lang, shown);
  }
  return shown;
}

const states = new WeakMap(); // state -> { lang, shown }

// The state as a view shows it to a viewer reading `lang`: its consultation's texts in that
// language. The same object for the same state and language.
export function stateIn(state, lang) {
  const c = consultationIn(state.consultation, lang);
  if (c === state.consultation) return state;
  const kept = states.get(state);
  if (kept && kept.lang === lang) return kept.shown;
  const shown = { ...state, consultation: c };
  states.set(state, { lang, shown });
  return shown;
}
