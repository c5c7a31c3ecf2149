// The web client's pure reducer (web-client/lib/state.js), fed the protocol's own examples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repo } from '../lib/schemas.mjs';
import { initialState, reduce, listQuestions, myQuestions } from '../../web-client/lib/state.js';

const example = (type, name) =>
  JSON.parse(fs.readFileSync(path.join(repo, 'protocol', 'examples', type, name), 'utf8'));

test('snapshot, then events, never show a question twice', () => {
  let s = reduce(initialState, example('snapshot', 'valid-participant.json'));
  assert.equal(s.role, 'participant');
  assert.equal(s.seq, 41);
  assert.deepEqual([...s.mine], [13]);
  assert.deepEqual([...s.voted], [12]);
  s = reduce(s, example('question.votes', 'valid.json'));
  assert.equal(s.questions[12].votes, 8);
  assert.equal(s.seq, 45);
  const approved = example('question.approved', 'valid.json');
  s = reduce(s, approved);
  s = reduce(s, approved);
  assert.equal(listQuestions(s, 'approved').length, 1);
  // A votes event for a question this client never saw changes nothing.
  const before = s;
  s = reduce(s, { type: 'question.votes', seq: 46, question: 99, votes: 3 });
  assert.deepEqual(s.questions, before.questions);
});

test('acks record own posts and votes; sorting by votes then time', () => {
  let s = reduce(initialState, example('snapshot', 'valid-cochair.json'));
  const post = example('ack', 'valid-post.json');
  s = reduce(s, post, { type: 'question.post' });
  assert.ok(s.mine.has(13));
  assert.equal(myQuestions(s)[0].state, 'pending');
  s = reduce(s, example('ack', 'valid-vote.json'), { type: 'question.vote' });
  assert.ok(s.voted.has(12));
  s = reduce(s, { type: 'ack', id: 'u', seq: 50, result: { question: { ...s.questions[12], votes: 6 }, voted: false } },
    { type: 'question.unvote' });
  assert.ok(!s.voted.has(12));
  s = reduce(s, { type: 'question.approved', seq: 51, question: { ...s.questions[13], state: 'approved', votes: 6 } });
  assert.deepEqual(listQuestions(s, 'approved', 'votes').map((q) => q.id), [12, 13]);
  s = reduce(s, { type: 'question.votes', seq: 52, question: 13, votes: 9 });
  assert.deepEqual(listQuestions(s, 'approved', 'votes').map((q) => q.id), [13, 12]);
  assert.deepEqual(listQuestions(s, 'approved', 'time').map((q) => q.id), [12, 13]);
  // An ack older than the events already applied does not move a question back.
  s = reduce(s, { type: 'ack', id: 'old', seq: 42, result: { question: { ...s.questions[13], state: 'pending', votes: 0 } } });
  assert.equal(s.questions[13].state, 'approved');
});
