// credentials.test.mjs — invitations' unlinkable credentials (CHR-3, RFC 9474) with the real
// binary, the web client's own blindrsa.js and the real SQLite file: one draw per invitation, a
// second refused; the credential keeps a participant's questions and vote across reconnects and a
// restart; a forged credential, another consultation's, or none, act as nobody; re-issues are
// bounded and counted; the seal leaves no key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as blindrsa from '../../web-client/lib/blindrsa.js';
import { run, startServer } from '../lib/harness.mjs';

const sql = (db, query) => execFileSync('sqlite3', [db, query], { encoding: 'utf8' }).trim();
const ok = (m) => assert.equal(m.type, 'ack', JSON.stringify(m));

test('one credential per invitation, kept across reconnects and a restart; forgeries act as nobody', { timeout: 120000 }, async () => {
  const srv = await startServer({ invitations: 2, keepData: true });
  const other = await startServer({ invitations: 1 });
  const db = path.join(srv.dataDir, 'roundtable.db');
  try {
    // The key is made with the consultation, before any invitation is used.
    assert.equal(sql(db, 'SELECT count(*) FROM consultation WHERE length(credential_key) > 1000'), '1');
    const token = srv.tokens.invitations[0];
    const chair = await srv.connect(srv.tokens.cochair);
    ok(await chair.command({ type: 'clock.start' }));

    // Without a credential: the key, and nothing else may be done.
    const bare = await srv.connect(token, { draw: false });
    const key = bare.credentialKey;
    assert.equal(key.state, 'draw');
    assert.equal(blindrsa.fromBase64url(key.n).length, 256, 'a 2048-bit modulus');
    assert.equal(key.e, 'AQAB');
    assert.equal((await bare.command({ type: 'rule.accept' })).code, 'credential.required');
    assert.equal((await bare.command({ type: 'credential.allow' })).code, 'auth.forbidden');
    // A blinded message that is not one is a typed error and uses nothing up.
    const junk = await bare.command({ type: 'credential.draw', blinded: 'A'.repeat(10) });
    assert.equal(junk.code, 'protocol.invalid_field');
    const big = await bare.command({ type: 'credential.draw', blinded: blindrsa.toBase64url(new Uint8Array(256).fill(255)) });
    assert.equal(big.code, 'protocol.invalid_field');
    assert.equal(sql(db, 'SELECT count(*) FROM credential'), '0');

    // Draw once, signed by the server's OpenSSL, finalized and verified by blindrsa.js; a
    // second draw is refused.
    const cred = await srv.drawCredential(bare);
    const again = await bare.command({ type: 'credential.draw', blinded: blindrsa.toBase64url(new Uint8Array(256).fill(1)) });
    assert.equal(again.code, 'credential.drawn');
    bare.close();
    // CHR-3: the database holds that the invitation drew, and nothing of what.
    assert.equal(sql(db, 'SELECT drawn, allowed, requested FROM credential'), '1|0|0');
    const dump = execFileSync('sqlite3', [db, '.dump'], { encoding: 'utf8' });
    const hex = (b64) => Buffer.from(blindrsa.fromBase64url(b64)).toString('hex').toUpperCase();
    assert.ok(!dump.toUpperCase().includes(hex(cred.credential).slice(0, 32)), 'the credential is not stored');
    assert.ok(!dump.toUpperCase().includes(hex(cred.signature).slice(0, 32)), 'its signature is not stored');

    // With the credential: a participant who posts and votes, and keeps both on reconnecting.
    const a = await srv.connect(token, { credential: cred });
    assert.equal(a.credentialKey, undefined);
    const b = await srv.connect(srv.tokens.invitations[1]); // draws its own
    const post = await a.command({ type: 'question.post', text: 'Who audits the audit?', lang: 'en' });
    ok(post);
    const mine = post.result.question.id;
    ok(await chair.command({ type: 'question.approve', question: mine }));
    const theirs = await b.command({ type: 'question.post', text: 'And the auditors?', lang: 'en' });
    ok(theirs);
    ok(await chair.command({ type: 'question.approve', question: theirs.result.question.id }));
    ok(await a.command({ type: 'question.vote', question: theirs.result.question.id }));
    a.close();
    const back = await srv.connect(token, { credential: cred, acceptRule: false });
    assert.deepEqual(back.snapshot.you.mine, [mine]);
    assert.deepEqual(back.snapshot.you.voted, [theirs.result.question.id]);
    assert.equal(back.snapshot.you.rule_accepted, true);
    // One vote per invitation holds: the same credential votes as the same participant.
    assert.equal((await back.command({ type: 'question.vote', question: theirs.result.question.id })).code, 'vote.already');
    back.close();

    // A restart keeps the key: the same credential is the same participant.
    await srv.restart();
    const after = await srv.connect(token, { credential: cred, acceptRule: false });
    assert.deepEqual(after.snapshot.you.mine, [mine]);
    after.close();

    // A forged signature, a tampered credential, another consultation's credential: refused,
    // the connection acts as nobody until it draws (which it may not: it drew).
    const forged = { credential: cred.credential, signature: blindrsa.toBase64url(new Uint8Array(256).fill(7)) };
    const tampered = { ...cred, credential: blindrsa.toBase64url(blindrsa.fromBase64url(cred.credential).map((x, i) => (i ? x : x ^ 1))) };
    const stranger = await other.connect(other.tokens.invitations[0], { acceptRule: false });
    stranger.close();
    const foreign = [...other.credentials.values()][0];
    for (const c of [forged, tampered, foreign]) {
      await assert.rejects(srv.connect(token, { credential: c }), /credential\.invalid/);
      const x = await srv.connect(token, { credential: null, draw: false });
      assert.equal(x.credentialKey.state, 'drawn');
      x.close();
    }
  } finally {
    await other.stop();
    await srv.stop();
  }
});

test('a lost credential: a bounded, counted re-issue; the seal leaves no key', { timeout: 120000 }, async () => {
  const srv = await startServer({ invitations: 2, keepData: true });
  const db = path.join(srv.dataDir, 'roundtable.db');
  try {
    const token = srv.tokens.invitations[0];
    const chair = await srv.connect(srv.tokens.cochair);
    await srv.connect(token); // draws and uses its credential
    // A new browser: nothing kept. It may not draw; it asks, and the co-chairs see the request.
    for (let reissue = 1; reissue <= 2; reissue += 1) {
      const lost = await srv.connect(token, { credential: null, draw: false });
      assert.equal(lost.credentialKey.state, 'drawn');
      const asked = await lost.command({ type: 'credential.reissue' });
      assert.equal(asked.type, 'credential.key');
      assert.equal(asked.state, 'requested');
      const seen = await chair.next((m) => m.type === 'credential.requests' && m.pending === 1);
      assert.equal(seen.reissued, reissue - 1);
      const allowed = await chair.command({ type: 'credential.allow' });
      assert.equal(allowed.type, 'credential.requests');
      assert.deepEqual([allowed.allowed, allowed.pending], [1, 0]);
      lost.close();
      const fresh = await srv.connect(token, { credential: null, draw: false });
      assert.equal(fresh.credentialKey.state, 'allowed');
      const cred = await srv.drawCredential(fresh);
      fresh.close();
      const p = await srv.connect(token, { credential: cred });
      assert.deepEqual(p.snapshot.you.mine, [], 'a re-issued credential is a new participant');
      p.close();
      assert.equal(sql(db, 'SELECT reissued FROM consultation'), String(reissue));
    }
    // Two re-issues at most.
    const last = await srv.connect(token, { credential: null, draw: false });
    assert.equal((await last.command({ type: 'credential.reissue' })).code, 'credential.reissue_limit');
    last.close();
    // The organiser may allow one by label from the command line, within the same bound.
    const cli = (label) => run(['invitations', srv.consultation, '--data', srv.dataDir, '--reissue', label]);
    const refusedCli = await cli('invitation 1');
    assert.equal(refusedCli.code, 1, refusedCli.stderr);
    assert.match(refusedCli.stderr, /re-issued 2 times already/);
    const second = srv.tokens.invitations[1];
    await srv.connect(second);
    const byCli = await cli('invitation 2');
    assert.equal(byCli.code, 0, byCli.stderr);
    assert.match(byCli.stdout, /^invitation 2: may draw a new credential/m);
    const lost2 = await srv.connect(second, { credential: null, draw: false });
    assert.equal(lost2.credentialKey.state, 'allowed');
    await srv.drawCredential(lost2);
    lost2.close();
    assert.equal(sql(db, 'SELECT reissued FROM consultation'), '3');

    // A co-chair who joins now is told the counts with its snapshot.
    const late = await srv.connect(srv.tokens.cochair);
    const counts = await late.next((m) => m.type === 'credential.requests');
    assert.deepEqual([counts.pending, counts.reissued], [0, 3]);
    assert.equal(sql(db, 'SELECT count(*) FROM consultation WHERE credential_key IS NOT NULL'), '1');
    const ack = await chair.command({ type: 'consultation.seal' });
    ok(ack);
    await chair.next((m) => m.type === 'consultation.sealed');
    // The sealed report says how many credentials were re-issued, from the live room...
    const said = /Credentials re-issued after a lost device \(each could upvote again\): 3\n/;
    const md = await chair.command({ type: 'report.export', format: 'md' });
    assert.match(md.content, said);
    const json = await chair.command({ type: 'report.export', format: 'json' });
    assert.equal(JSON.parse(json.content).participation.credentials_reissued, 3);
    await srv.stop();
    // CHR-5: no key, no credential row; the count of re-issues stays for the report.
    assert.equal(sql(db, 'SELECT count(*) FROM consultation WHERE credential_key IS NOT NULL'), '0');
    assert.equal(sql(db, 'SELECT count(*) FROM credential'), '0');
    assert.equal(sql(db, 'SELECT reissued FROM consultation'), '3');
    // ... and from the stored one, byte for byte the same.
    const exported = (format) => run(['export', srv.consultation, '--format', format, '--data', srv.dataDir]);
    const cliMd = await exported('md');
    assert.equal(cliMd.code, 0, cliMd.stderr);
    assert.equal(cliMd.stdout, md.content);
    const cliJson = await exported('json');
    assert.equal(JSON.parse(cliJson.stdout).participation.credentials_reissued, 3);
  } finally {
    await srv.stop();
  }
});
