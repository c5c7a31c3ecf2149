// polls.js — the client's view of anonymous polls (POLL-1), as pure functions the reducer
// (state.js) calls: the snapshot's polls and this participant's answers, and each poll.changed.
// No DOM. Nothing here says who answered: the server sends totals, suppressed, and each
// participant only their own answer.

// The snapshot's list as { id: poll }, and `you.polls` as { id: answer }.
export function pollsOf(list) {
  const polls = {};
  for (const p of list || []) polls[p.id] = p;
  return polls;
}

export function pollAnswersOf(list) {
  const answers = {};
  for (const [id, a] of list || []) answers[id] = a;
  return answers;
}

// poll.changed: the poll's view replaces the one held; `mine` is this participant's answer now.
// A closed poll keeps no answer of anyone, so the participant's own goes too.
export function applyPoll(state, msg) {
  const polls = { ...(state.polls || {}), [msg.poll.id]: msg.poll };
  let pollAnswers = state.pollAnswers || {};
  if (msg.mine) pollAnswers = { ...pollAnswers, [msg.poll.id]: msg.mine };
  else if (msg.poll.state === 'closed' && pollAnswers[msg.poll.id]) {
    pollAnswers = { ...pollAnswers };
    delete pollAnswers[msg.poll.id];
  }
  return { ...state, polls, pollAnswers };
}

// Polls by id, newest first; `states` filters.
export function listPolls(state, states = ['draft', 'open', 'closed']) {
  return Object.values(state.polls || {}).filter((p) => states.includes(p.state)).sort((a, b) => b.id - a.id);
}

// What the stage shows: the newest poll whose result is shown, else the newest open one.
export function stagePoll(state) {
  const list = listPolls(state, ['open', 'closed']);
  return list.find((p) => p.shown && p.result) || list.find((p) => p.state === 'open') || null;
}

// A poll's text in the UI language, else the floor language's (the server requires that one).
export function pollText(texts, lang, floor) {
  return (texts && (texts[lang] || texts[floor] || Object.values(texts)[0])) || '';
}
