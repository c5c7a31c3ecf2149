// check-schemas.mjs — one protocol example against its schema: valid-* must pass, invalid-*
// must fail. Usage: node tests/protocol/check-schemas.mjs protocol/examples/TYPE/FILE.json
//                   node tests/protocol/check-schemas.mjs --agenda FILE [--expect-invalid]
import fs from 'node:fs';
import path from 'node:path';
import { schemaErrors, agendaErrors } from '../lib/schemas.mjs';

const args = process.argv.slice(2);
function finish(ok, what) {
  console.log(`${ok ? 'ok' : 'FAIL'}: ${what}`);
  process.exit(ok ? 0 : 1);
}

if (args[0] === '--agenda') {
  const errs = agendaErrors(JSON.parse(fs.readFileSync(args[1], 'utf8')));
  const expectInvalid = args.includes('--expect-invalid');
  finish(expectInvalid ? errs !== null : errs === null,
    `${args[1]} ${errs ? 'does not validate: ' + errs : 'validates'}`);
}
const file = args[0];
const name = file ? path.basename(file) : '';
if (!file || args.length !== 1 || name === 'expected.json' || !/^(in)?valid(-.*)?\.json$/.test(name)) {
  console.error('usage: check-schemas.mjs protocol/examples/TYPE/(valid|invalid)-NAME.json | --agenda FILE [--expect-invalid]');
  process.exit(2);
}
const type = path.basename(path.dirname(file));
const msg = JSON.parse(fs.readFileSync(file, 'utf8'));
const errs = schemaErrors(type, msg);
const valid = name.startsWith('valid');
if (msg.type !== type) finish(valid === false && errs !== null, `${file}: type ${msg.type} in folder ${type}`);
finish(valid ? errs === null : errs !== null,
  `${type}/${name} ${errs ? 'fails its schema: ' + errs : 'passes its schema'} (expected to ${valid ? 'pass' : 'fail'})`);
