// csv.js — CSV in the organiser's browser: reading a registration list or a Zoom attendance
// report, and writing the mail-merge sheet. RFC 4180, with the spreadsheet-formula guard of the
// server's attendance CSV (a field that would start a formula is kept as text). Everything here
// runs in the page: a registration list (names, e-mail addresses) never leaves it. No DOM: it
// can be tested in node.

// --- reading ------------------------------------------------------------------------------------

// The delimiter of a file as spreadsheets export it: a comma, or the semicolon of locales whose
// decimal mark is a comma, or a tab; whichever the first line holds most of, outside quotes.
export function detectDelimiter(text) {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch] += 1;
  }
  return Object.keys(counts).reduce((best, d) => (counts[d] > counts[best] ? d : best), ',');
}

// The rows of a CSV text, each an array of strings (RFC 4180: quoted fields may hold the
// delimiter, quotes doubled and line breaks; CRLF or LF ends a record). A byte order mark is
// dropped, and so are lines with nothing on them. Lenient where spreadsheets are: a quote inside
// an unquoted field is kept as it is.
export function parse(text, { delimiter = detectDelimiter(text) } = {}) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endField = () => {
    row.push(field);
    field = '';
    wasQuoted = false;
  };
  const endRow = () => {
    endField();
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
  };
  for (; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"' && field === '' && !wasQuoted) {
      quoted = true;
      wasQuoted = true;
    } else if (ch === delimiter) {
      endField();
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      endRow();
    } else {
      field += ch;
    }
  }
  if (field !== '' || row.length || wasQuoted) endRow();
  return rows;
}

// A table from rows: the first row (or the first that has every one of `wanted`, compared
// without case, for reports that open with a preamble as Zoom's do) is the header.
// { header: [...], records: [{column: value}], at: index of the header row } or null.
export function table(rows, wanted = []) {
  const want = wanted.map((w) => w.toLowerCase());
  const at = rows.findIndex((r) => want.every((w) => r.some((c) => c.trim().toLowerCase().startsWith(w))));
  if (at < 0) return null;
  const header = rows[at].map((h) => h.trim());
  const records = rows.slice(at + 1).map((r) => Object.fromEntries(header.map((h, k) => [h, (r[k] ?? '').trim()])));
  return { header, records, at };
}

// --- writing ------------------------------------------------------------------------------------

// One field: quoted only when it must be; a field a spreadsheet would read as a formula (it
// starts with =, +, -, @, a tab or a carriage return) is quoted and starts with a single quote,
// so that it stays text (the server's report_csv_field does the same).
export function field(value) {
  let s = value === null || value === undefined ? '' : String(value);
  const formula = /^[=+\-@\t\r]/.test(s);
  if (formula) s = `'${s}`;
  if (formula || /[",\r\n;]/.test(s)) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

// Rows (arrays) as CSV text, CRLF after every record (RFC 4180).
export function write(rows) {
  return rows.map((r) => `${r.map(field).join(',')}\r\n`).join('');
}

// --- matching registrations to invitations ----------------------------------------------------

// The references of a registration list's chosen column, in order, blanks left out.
export function references(records, column) {
  return records.map((r) => (r[column] ?? '').trim()).filter((v) => v !== '');
}

// The mail-merge rows: each registration's reference with its personal link. `links` are the
// invitations as printed at creation ({label, url}). By default the n-th registration takes the
// n-th invitation (invitations "invitation 1", "invitation 2"… made for the list); with
// byLabel, the registration's reference is the invitation's label (invitations --add REG-0042).
// { rows: [[reference, link]], unmatched: [reference], spare: number of links left over }.
export function mailMerge(refs, links, { byLabel = false } = {}) {
  const rows = [];
  const unmatched = [];
  const used = new Set();
  if (byLabel) {
    const byName = new Map(links.map((l) => [l.label, l]));
    for (const ref of refs) {
      const l = byName.get(ref);
      if (l && !used.has(l.label)) {
        rows.push([ref, l.url]);
        used.add(l.label);
      } else {
        unmatched.push(ref);
      }
    }
  } else {
    refs.forEach((ref, k) => {
      if (k < links.length) {
        rows.push([ref, links[k].url]);
        used.add(links[k].label);
      } else {
        unmatched.push(ref);
      }
    });
  }
  const byUrl = new Map(links.map((l) => [l.url, l.label]));
  return { rows, unmatched, spare: links.length - used.size, labelOf: new Map(rows.map(([ref, url]) => [ref, byUrl.get(url)])) };
}

// Text compared without case, accents, punctuation or extra spaces ("Dr. Aïcha  Ben-Ali" and
// "dr aicha ben ali" are the same person to a Zoom report).
export function normalise(s) {
  return String(s ?? '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}

// The first column of header whose name starts with one of the candidates (without case).
export function column(header, candidates) {
  for (const c of candidates) {
    const hit = header.find((h) => h.toLowerCase().startsWith(c.toLowerCase()));
    if (hit) return hit;
  }
  return null;
}

// A Zoom attendance report (the "Participants" CSV: name, e-mail, minutes, one line per join)
// matched to invitation labels through the registration list, here in the page: a line's e-mail
// address, else its name, finds the registration, whose reference is the label. Minutes of
// several joins add up, at most `capMinutes` (the session's length) per label.
// Returns { minutes: Map(label -> minutes), unmatched: number of report lines matched to no
// registration }. Only `minutes` (label -> number) is ever sent to the server.
export function zoomMinutes(reportText, registrations, { refColumn, nameColumn, emailColumn, labelOf = null, capMinutes = Infinity }) {
  const rows = parse(reportText);
  const t = table(rows, ['name', 'duration']) || table(rows, ['name']);
  if (!t) return { minutes: new Map(), unmatched: 0, lines: 0 };
  const zName = column(t.header, ['Name (original name)', 'Name', 'Participant', 'User Name']);
  const zEmail = column(t.header, ['User Email', 'Email', 'E-mail']);
  const zMinutes = column(t.header, ['Duration (Minutes)', 'Total Duration (Minutes)', 'Duration', 'Time in Session (minutes)']);
  const byEmail = new Map();
  const byName = new Map();
  for (const r of registrations) {
    const ref = (r[refColumn] ?? '').trim();
    if (!ref) continue;
    if (emailColumn && r[emailColumn]) byEmail.set(r[emailColumn].trim().toLowerCase(), ref);
    if (nameColumn && r[nameColumn]) byName.set(normalise(r[nameColumn]), ref);
  }
  const minutes = new Map();
  let unmatched = 0;
  let lines = 0;
  for (const rec of t.records) {
    const m = Number(String(rec[zMinutes] ?? '').replace(',', '.'));
    if (!Number.isFinite(m) || m < 0) continue;
    lines += 1;
    const email = zEmail ? (rec[zEmail] || '').toLowerCase() : '';
    // "Name (Original Name)": the name shown, renamed or not, and the one joined with.
    const shown = zName ? String(rec[zName] || '') : '';
    const names = [shown.replace(/\(.*?\)/g, ' '), ...[...shown.matchAll(/\((.*?)\)/g)].map((m) => m[1])];
    const found = (email && byEmail.get(email)) || names.map((n) => byName.get(normalise(n))).find(Boolean);
    const ref = found && labelOf ? labelOf.get(found) : found;
    if (!ref) {
      unmatched += 1;
      continue;
    }
    minutes.set(ref, Math.min(capMinutes, (minutes.get(ref) || 0) + Math.round(m)));
  }
  return { minutes, unmatched, lines };
}
