// Operations: GET /healthz and GET /metrics tell an operator that the server is healthy
// and busy, in Prometheus' text format, without anything private.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { parseMetrics, startServer } from '../lib/harness.mjs';

test('GET /healthz and GET /metrics: liveness, connections by role, commands, events, commits, and nothing private', async () => {
  const srv = await startServer();
  try {
    const health = await fetch(srv.baseUrl + 'healthz');
    assert.equal(health.status, 200);
    assert.equal(await health.text(), 'ok\n');
    assert.equal(health.headers.get('cache-control'), 'no-store');
    assert.equal(health.headers.get('x-content-type-options'), 'nosniff');

    const before = parseMetrics(await (await fetch(srv.baseUrl + 'metrics')).text());
    const chair = await srv.connect(srv.tokens.cochair);
    const alice = await srv.connect(srv.tokens.participant);
    const bob = await srv.connect(srv.tokens.invitations[0]);
    await srv.connect(srv.tokens.stage);
    await srv.connect(srv.tokens.booth.ar);
    const waiting = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, 'roundtable.v1');
    await new Promise((r) => waiting.once('open', r));
    const text = 'A question whose words must never reach the metrics';
    const q = (await alice.command({ type: 'question.post', text, lang: 'en' })).result.question.id;
    await chair.command({ type: 'question.approve', question: q });
    await bob.command({ type: 'question.vote', question: q });
    assert.equal((await bob.command({ type: 'question.approve', question: q })).code, 'auth.forbidden');

    const res = await fetch(srv.baseUrl + 'metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    const m = parseMetrics(body);
    assert.equal(m.get('roundtable_connections{role="participant"}'), 2);
    assert.equal(m.get('roundtable_connections{role="cochair"}'), 1);
    assert.equal(m.get('roundtable_connections{role="stage"}'), 1);
    assert.equal(m.get('roundtable_connections{role="booth"}'), 1);
    assert.equal(m.get('roundtable_connections{role="rapporteur"}'), 0);
    assert.equal(m.get('roundtable_connections{role="none"}'), 1);
    assert.equal(m.get('roundtable_consultations'), 1);
    // Two rule acceptances, post, approve, vote, and the refused approve (plus any the clock did).
    assert.ok(m.get('roundtable_commands_total') - before.get('roundtable_commands_total') >= 6);
    assert.ok(m.get('roundtable_commands_refused_total') >= 1);
    assert.ok(m.get('roundtable_events_total') >= 5);
    const commits = m.get('roundtable_commit_seconds_count');
    assert.ok(commits >= 1);
    assert.equal(m.get('roundtable_commit_seconds_bucket{le="+Inf"}'), commits);
    let last = 0;
    for (const [k, v] of m) {
      if (!k.startsWith('roundtable_commit_seconds_bucket')) continue;
      assert.ok(v >= last, 'buckets are cumulative');
      last = v;
    }
    assert.ok(m.get('roundtable_commit_seconds_sum') > 0);
    assert.equal(m.get('roundtable_queue_bytes'), 0);
    assert.ok(Math.abs(m.get('roundtable_start_time_seconds') - Date.now() / 1000) < 600);

    // CHR-7: no consultation, token, text or address in it.
    const secrets = [srv.consultation, text, 'A question', srv.tokens.participant, srv.tokens.cochair,
      srv.tokens.stage, srv.tokens.invitations[0], '127.0.0.1'];
    for (const s of secrets) assert.ok(!body.includes(s), `the metrics must not contain ${s}`);

    // A refused handshake is counted.
    const foreign = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, 'roundtable.v1', { origin: 'https://evil.example' });
    await new Promise((r) => foreign.once('error', r));
    const after = parseMetrics(await (await fetch(srv.baseUrl + 'metrics')).text());
    assert.equal(after.get('roundtable_refused_connections_total'), m.get('roundtable_refused_connections_total') + 1);
    waiting.close();
    // Only GET /healthz and /metrics exist there.
    assert.equal((await fetch(srv.baseUrl + 'metrics/x')).status, 404);
  } finally {
    await srv.stop();
  }
});
