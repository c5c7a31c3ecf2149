// commands.mjs — benchmark of the command path (decode, decide, group commit, ack, fan-out):
// N participants each keep one command in flight for a fixed time against a real server on
// 127.0.0.1, and the script prints throughput and ack latency. Stops by itself.
//
//   node tests/load/commands.mjs [--clients 200] [--seconds 10] [--bin build/roundtable]
import { performance } from 'node:perf_hooks';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const clients = Number(arg('clients', 200));
const seconds = Number(arg('seconds', 10));
if (arg('bin')) process.env.ROUNDTABLE_BIN = arg('bin');
// Imported once the binary is chosen: the harness reads ROUNDTABLE_BIN when it loads.
const { loadLimits, openAgenda, startServer } = await import('../lib/harness.mjs');

// Limits lifted as far as the agenda format allows: the benchmark measures the command path.
const srv = await startServer({
  invitations: 0, validate: false, keepLog: false, serveArgs: loadLimits, agenda: { ...openAgenda, limits: { open_questions: 100, votes_per_minute: 600 } },
});
const chair = await srv.connect(srv.tokens.cochair);
const seed = await srv.connect(srv.tokens.participant);
const q = (await seed.command({ type: 'question.post', text: 'Benchmark question', lang: 'en' })).result.question.id;
await chair.command({ type: 'question.approve', question: q });

const parts = [];
for (let i = 0; i < clients; i++) parts.push(await srv.connect(srv.tokens.participant));

const latencies = [];
let errors = 0;
const end = performance.now() + seconds * 1000;
// Each participant alternates upvote and take-back: every command changes state and is
// broadcast to everyone connected.
await Promise.all(parts.map(async (p) => {
  let voted = false;
  while (performance.now() < end) {
    const t0 = performance.now();
    const r = await p.command({ type: voted ? 'question.unvote' : 'question.vote', question: q }, 10000);
    latencies.push(performance.now() - t0);
    if (r.type !== 'ack') errors++;
    voted = !voted;
  }
}));
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))].toFixed(2);
console.log(`clients ${clients}, ${seconds} s, each command broadcast to ${clients + 2} connections`);
console.log(`commands acknowledged: ${latencies.length - errors} (${((latencies.length - errors) / seconds).toFixed(0)}/s), errors: ${errors}`);
console.log(`ack latency ms: p50 ${pct(0.5)}, p90 ${pct(0.9)}, p99 ${pct(0.99)}, max ${latencies.at(-1).toFixed(2)}`);
for (const p of parts) p.ws.terminate();
srv.clients = [];
await srv.stop();
