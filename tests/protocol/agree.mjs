// agree.mjs — the schemas and the server's decoder give every client frame the same answer.
// From each client message's valid examples it makes frames at the edges of each field (each
// value its definition allows at a boundary, one step past it, other types, null, the field left
// out) and one with a field no schema has; ajv (the schema) and protocol_fixture --lines (the
// decoder) must both accept or both refuse each. Not which error the decoder names: the
// examples' expected.json say that.
// Usage: node tests/protocol/agree.mjs PATH/TO/protocol_fixture
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { repo, schemaErrors } from '../lib/schemas.mjs';

const fixture = process.argv[2];
if (!fixture) {
  console.error('usage: agree.mjs PATH/TO/protocol_fixture');
  process.exit(2);
}
const messagesDir = path.join(repo, 'protocol', 'messages');
const examplesDir = path.join(repo, 'protocol', 'examples');
const defs = JSON.parse(fs.readFileSync(path.join(messagesDir, 'defs.schema.json'), 'utf8')).$defs;
const read = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));

// A field's schema with its $ref (and a oneOf of a $ref and null) resolved one level.
function resolve(s) {
  if (s.$ref) return { ...defs[s.$ref.replace(/^.*#\/\$defs\//, '')], ...s, $ref: undefined };
  if (s.oneOf) return { anyOf: s.oneOf.map(resolve) };
  return s;
}

const repeat = (unit, n) => (n >= 0 ? unit.repeat(n) : undefined);
// Values at and just past the edges of one schema, and values of the other JSON types.
function edges(s) {
  const out = [null, true, false, 0, 1, -1, 1.5, 2147483647, 2147483648, 9007199254740991, 9007199254740992,
    '', 'x', 'en', [], {}];
  for (const alt of s.anyOf || [s]) {
    for (const v of alt.enum || []) out.push(v, `${v}x`, String(v).toUpperCase());
    if (alt.const !== undefined) out.push(alt.const);
    for (const k of ['minimum', 'maximum']) if (alt[k] !== undefined) out.push(alt[k] - 1, alt[k], alt[k] + 1);
    for (const k of ['minLength', 'maxLength']) {
      if (alt[k] === undefined) continue;
      for (const n of [alt[k] - 1, alt[k], alt[k] + 1]) out.push(repeat('a', n), repeat('é', n), repeat('😀', n));
    }
    if (alt.pattern) {
      const m = /\{(\d+)(?:,(\d+))?\}\$$/.exec(alt.pattern);
      const hi = m ? Number(m[2] || m[1]) : 8;
      const lo = m ? Number(m[1]) : 1;
      for (const n of [lo - 1, lo, hi, hi + 1]) out.push(repeat('A', n));
      out.push(`${repeat('A', lo - 1)}+`, `${repeat('A', lo - 1)} `);
    }
  }
  return out.filter((v) => v !== undefined);
}

const frames = [];
for (const f of fs.readdirSync(messagesDir).sort()) {
  if (!f.endsWith('.schema.json') || f === 'defs.schema.json') continue;
  const schema = read(path.join(messagesDir, f));
  if (!/^client to server/.test(schema.description)) continue;
  const type = schema.properties.type.const;
  const dir = path.join(examplesDir, type);
  const valid = fs.existsSync(dir) ? fs.readdirSync(dir).filter((e) => /^valid(-.*)?\.json$/.test(e)) : [];
  if (!valid.length) {
    console.log(`FAIL: ${type} has no valid example in protocol/examples/${type}`);
    process.exitCode = 1;
    continue;
  }
  for (const e of valid) {
    const base = read(path.join(dir, e));
    frames.push({ type, what: `${e} as it is`, msg: base });
    frames.push({ type, what: `${e} with a field no schema has`, msg: { ...base, zz_unknown: 1 } });
    for (const [field, fs_] of Object.entries(schema.properties)) {
      if (field === 'type') continue;
      const { [field]: _, ...without } = base;
      frames.push({ type, what: `${e} without ${field}`, msg: without });
      for (const v of edges(resolve(fs_))) {
        frames.push({ type, what: `${e} with ${field} = ${JSON.stringify(v).slice(0, 40)}`, msg: { ...base, [field]: v } });
      }
    }
  }
}

const input = frames.map((fr) => JSON.stringify(fr.msg)).join('\n') + '\n';
const answers = execFileSync(fixture, ['--lines'], { input, maxBuffer: 64 << 20 }).toString().trim().split('\n');
if (answers.length !== frames.length) {
  console.log(`FAIL: ${frames.length} frames, ${answers.length} answers`);
  process.exit(1);
}
let disagree = 0;
frames.forEach((fr, i) => {
  const errs = schemaErrors(fr.type, fr.msg);
  const decoded = answers[i] === 'ok';
  if ((errs === null) !== decoded) {
    disagree++;
    console.log(`FAIL: ${fr.type}: ${fr.what}: the schema ${errs === null ? 'accepts it' : `refuses it (${errs})`}, the decoder ${decoded ? 'accepts it' : `says ${answers[i]}`}`);
  }
});
console.log(`${disagree ? 'FAIL' : 'ok'}: ${frames.length} frames, ${disagree} answered differently by the schemas and the decoder`);
if (disagree) process.exitCode = 1;
