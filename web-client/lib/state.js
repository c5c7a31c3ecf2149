// state.js — the client's view of a consultation, as a pure reducer over protocol v1 messages
// (protocol/README.md). No DOM, no socket: it can be tested in node.

export const initialState = Object.freeze({
  role: null,
  seq: 0,
  consultation: null,
  questions: {}, // id -> question view
  mine: new Set(),
  voted: new Set(),
});

function upsert(state, q) {
  return { ...state, questions: { ...state.questions, [q.id]: q } };
}

function withSeq(state, msg) {
  return typeof msg.seq === 'number' && msg.seq > state.seq ? { ...state, seq: msg.seq } : state;
}

// Applies one server message. `pending` describes the command an ack or error answers (its
// type and question), as recorded by the connection when it was sent.
export function reduce(state, msg, pending) {
  switch (msg.type) {
    case 'snapshot': {
      const questions = {};
      for (const q of msg.questions) questions[q.id] = q;
      return {
        role: msg.role,
        seq: msg.seq,
        consultation: msg.consultation,
        questions,
        mine: new Set(msg.you.mine),
        voted: new Set(msg.you.voted),
      };
    }
    case 'question.posted':
    case 'question.approved':
    case 'question.rejected':
      return withSeq(upsert(state, msg.question), msg);
    case 'question.votes': {
      const q = state.questions[msg.question];
      const next = q ? upsert(state, { ...q, votes: msg.votes }) : state;
      return withSeq(next, msg);
    }
    case 'ack': {
      const q = msg.result.question;
      // Events carry seq; an ack may arrive after them, so it never moves a question back.
      const known = state.questions[q.id];
      let next = known && msg.seq < state.seq ? state : upsert(state, q);
      if (pending && pending.type === 'question.post') {
        next = { ...next, mine: new Set([...next.mine, q.id]) };
      }
      if ('voted' in msg.result) {
        const voted = new Set(next.voted);
        if (msg.result.voted) voted.add(q.id); else voted.delete(q.id);
        next = { ...next, voted };
      }
      return next;
    }
    default:
      return state;
  }
}

// Questions in a state, sorted by votes (then oldest first) or by time.
export function listQuestions(state, questionState, order = 'votes') {
  const list = Object.values(state.questions).filter((q) => q.state === questionState);
  if (order === 'votes') list.sort((a, b) => b.votes - a.votes || a.id - b.id);
  else list.sort((a, b) => a.id - b.id);
  return list;
}

export function myQuestions(state) {
  return [...state.mine].map((id) => state.questions[id]).filter(Boolean).sort((a, b) => b.id - a.id);
}

export function languagesOf(consultation) {
  return consultation ? [consultation.floor, ...consultation.channels] : [];
}
