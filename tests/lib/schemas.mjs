// schemas.mjs — the protocol's JSON Schemas (protocol/messages), compiled once with ajv, for
// the fixture checks and for validating every message the real server sends in tests.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const messagesDir = path.join(repo, 'protocol', 'messages');

const ajv = new Ajv2020({ allErrors: true, strict: true });
ajv.addSchema(JSON.parse(fs.readFileSync(path.join(messagesDir, 'defs.schema.json'), 'utf8')));

const validators = new Map();
for (const f of fs.readdirSync(messagesDir)) {
  if (!f.endsWith('.schema.json') || f === 'defs.schema.json') continue;
  validators.set(f.replace(/\.schema\.json$/, ''), ajv.compile(JSON.parse(fs.readFileSync(path.join(messagesDir, f), 'utf8'))));
}

export const messageTypes = [...validators.keys()];

// Returns null when msg is a valid message of `type`, or a description of what is wrong.
export function schemaErrors(type, msg) {
  const v = validators.get(type);
  if (!v) return `no schema for message type ${JSON.stringify(type)}`;
  return v(msg) ? null : ajv.errorsText(v.errors);
}

export function agendaErrors(agenda) {
  const v = ajv.compile(JSON.parse(fs.readFileSync(path.join(repo, 'protocol', 'agenda.schema.json'), 'utf8')));
  return v(agenda) ? null : ajv.errorsText(v.errors);
}
