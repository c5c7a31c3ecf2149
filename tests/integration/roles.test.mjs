// The role matrix: every client message × every role, from one table written from the
// protocol README's command table (not from the server's own), against the real binary.
// An allowed command may still be refused for its state, but never with auth.forbidden; a
// forbidden one always gets auth.forbidden; before auth everything gets auth.required.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';

const ROLES = ['participant', 'invited', 'cochair', 'rapporteur', 'booth', 'stage'];
const P = ['participant', 'invited'];

// [message, who may send it, a valid body]. consultation.seal comes last: it ends the rest.
function table(q) {
  return [
    ['question.post', P, { text: 'A question for the matrix', lang: 'en' }],
    ['question.vote', P, { question: q }],
    ['question.unvote', P, { question: q }],
    ['question.withdraw', P, { question: q }],
    ['listening.set', P, { lang: 'fr' }],
    ['rule.accept', P, {}],
    ['question.approve', ['cochair'], { question: q }],
    ['question.reject', ['cochair'], { question: q }],
    ['question.edit', ['cochair'], { question: q, text: 'Edited by the matrix' }],
    ['question.merge', ['cochair'], { question: q, into: q }],
    ['question.pin', ['cochair'], { question: q }],
    ['question.unpin', ['cochair'], { question: q }],
    ['question.answer_now', ['cochair'], { question: null }],
    ['question.answer', ['cochair'], { question: q }],
    ['question.reopen', ['cochair'], { question: q }],
    ['question.move', ['cochair'], { question: q, segment: 0 }],
    ['segment.open', ['cochair'], { segment: 0 }],
    ['segment.close', ['cochair'], { segment: 1 }],
    ['agenda.goto', ['cochair'], { segment: 0 }],
    ['clock.start', ['cochair'], {}],
    ['clock.pause', ['cochair'], {}],
    ['clock.resume', ['cochair'], {}],
    ['clock.adjust', ['cochair'], { minutes: 1 }],
    ['question.select_next', ['cochair'], { question: null }],
    ['floor.set', ['cochair', 'stage'], { lang: 'en' }],
    ['booth.signal', ['booth'], { signal: 'slower' }],
    ['note.set', ['rapporteur'], { segment: 0, text: 'A note', version: 0 }],
    ['question.tag', ['rapporteur'], { question: q, theme: 'Matrix' }],
    ['report.include', ['rapporteur'], { question: q, included: false }],
    ['paraphrase.save', ['rapporteur'], { paraphrase: null, segment: 0, theme: '', text: 'A summary', included: false }],
    ['paraphrase.delete', ['rapporteur'], { paraphrase: 1 }],
    ['report.export', ['cochair', 'rapporteur'], { format: 'json' }],
    ['report.finalise', ['rapporteur'], {}], // before the seal: report.not_sealed (EX-7)
    ['booth.acknowledge', ['cochair'], { lang: 'ar', signal: 'slower' }],
    ['question.unmerge', ['cochair'], { question: q }],
    ['link.pause', ['cochair'], { minutes: 5 }],
    ['link.resume', ['cochair'], {}],
    ['queue.pause', ['cochair'], {}],
    ['queue.resume', ['cochair'], {}],
    ['question.reject_all', ['cochair'], { questions: [q] }],
    // CHR-3: an invitation's holder draws or asks (here refused as drawn: it has one); co-chairs allow.
    ['credential.draw', ['invited'], { blinded: 'A'.repeat(342) }],
    ['credential.reissue', ['invited'], {}],
    ['credential.allow', ['cochair'], {}],
    ['poll.create', ['cochair'], { kind: 'scale', text: { en: 'A poll for the matrix' } }],
    ['poll.open', ['cochair'], { poll: 1 }],
    ['poll.answer', P, { poll: 1, value: 3 }],
    ['poll.show', ['cochair'], { poll: 1, shown: true }],
    ['poll.close', ['cochair'], { poll: 1 }],
    ['speaker.request', P, { lang: 'en' }],
    ['speaker.withdraw', P, {}],
    ['speaker.call', ['cochair'], {}],
    ['speaker.skip', ['cochair'], { ticket: 1 }],
    ['speakers.close', ['cochair'], {}],
    ['speakers.open', ['cochair'], {}],
    ['clock.sync', ROLES, {}],
    ['consultation.seal', ['cochair'], {}],
  ];
}

test('every command × every role: allowed, or auth.forbidden; before auth, auth.required', async (t) => {
  const srv = await startServer();
  try {
    const token = {
      participant: srv.tokens.participant,
      invited: srv.tokens.invitations[0],
      cochair: srv.tokens.cochair,
      rapporteur: srv.tokens.rapporteur,
      booth: srv.tokens.booth.fr,
      stage: srv.tokens.stage,
    };
    const clients = {};
    for (const role of ROLES) clients[role] = await srv.connect(token[role]);
    const author = await srv.connect(srv.tokens.invitations[1]);
    const q = (await author.command({ type: 'question.post', text: 'The matrix seed', lang: 'en' })).result.question.id;
    const { default: WebSocket } = await import('ws');
    // Without auth: each command on a fresh socket, as only the first frame may authenticate.
    const anonymous = async (frame) => {
      const anon = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, 'roundtable.v1');
      const replies = [];
      anon.on('message', (d) => replies.push(JSON.parse(String(d))));
      const closed = new Promise((r) => anon.once('close', (code) => r(code)));
      await new Promise((r) => anon.once('open', r));
      anon.send(frame);
      return { replies, code: await closed };
    };

    const rows = table(q);
    const seen = new Set(rows.map((r) => r[0]));
    // The table covers every client message of the protocol except auth.
    const { readdirSync, readFileSync } = await import('node:fs');
    for (const f of readdirSync(new URL('../../protocol/messages/', import.meta.url))) {
      if (!f.endsWith('.schema.json') || f === 'defs.schema.json') continue;
      const schema = JSON.parse(readFileSync(new URL(`../../protocol/messages/${f}`, import.meta.url)));
      if (/^client to server/.test(schema.description) && schema.title !== 'auth') assert.ok(seen.has(schema.title), `${schema.title} is not in the matrix`);
    }
    let cells = 0;
    for (const [type, allowed, body] of rows) {
      await t.test(type, async () => {
        for (const role of ROLES) {
          const reply = await clients[role].command({ type, ...body });
          cells += 1;
          if (allowed.includes(role)) assert.notEqual(reply.code, 'auth.forbidden', `${role} may send ${type}`);
          else assert.equal(reply.code, 'auth.forbidden', `${role} must not send ${type}: ${JSON.stringify(reply)}`);
        }
        const id = `anon-${type}`;
        const anon = await anonymous(JSON.stringify({ type, id, ...body }));
        assert.deepEqual(anon.replies, [{ type: 'error', id, code: 'auth.required' }]);
        assert.equal(anon.code, 1008);
        cells += 1;
      });
    }
    assert.equal(cells, rows.length * (ROLES.length + 1));
    console.log(`role matrix: ${rows.length} messages × ${ROLES.length + 1} roles = ${cells} cells`);
  } finally {
    await srv.stop();
  }
});
