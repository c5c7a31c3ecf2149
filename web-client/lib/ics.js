// ics.js — calendar files (RFC 5545) for invitations, written in the organiser's browser: one
// VEVENT per session, times in UTC, the description giving the time in the zones the organiser
// lists ("12:00 BST", "13:00 CEST", "07:00 EDT", as invitations write them) and, in a personal
// file, the invitation's own link. Nothing here is sent anywhere. No DOM: it can be tested in
// node. The server's `roundtable ics` writes the same shape without personal links.
import { dayIn, formatDay, formatTime } from './clock.js';

const encoder = new TextEncoder();

// An instant as an RFC 5545 UTC date-time: 20211028T110000Z.
export function utcStamp(instant) {
  return new Date(instant).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

// TEXT escaped (RFC 5545 3.3.11): backslash, semicolon, comma, and line breaks as \n.
export function escapeText(s) {
  return String(s ?? '')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

// One content line folded at 75 octets (RFC 5545 3.1): each continuation starts with a space,
// and no UTF-8 sequence is cut. Returns the line with CRLF after every physical line.
export function fold(line) {
  const out = [];
  let cur = '';
  let octets = 0;
  for (const ch of line) {
    const n = encoder.encode(ch).length;
    if (octets + n > 75) {
      out.push(cur);
      cur = ' ';
      octets = 1;
    }
    cur += ch;
    octets += n;
  }
  out.push(cur);
  return `${out.join('\r\n')}\r\n`;
}

// The lines that say when a session is, one per zone: "Thu 28 Oct 2021, 12:00–13:30 BST".
export function whenLines(start, end, zones) {
  return zones.map((zone) => {
    const endTime = formatTime(end, zone, 'en-GB');
    const endDay = dayIn(end, zone) === dayIn(start, zone) ? '' : `${formatDay(end, zone, 'en-GB')} `;
    const year = dayIn(start, zone).slice(0, 4);
    const startTime = formatTime(start, zone, 'en-GB').replace(/ \S+$/, '');
    return `${formatDay(start, zone, 'en-GB')} ${year}, ${startTime}\u2013${endDay}${endTime}`;
  });
}

// A session's description: its programme and title, when it is in each listed zone, and the
// link (a personal one: "do not pass it on").
export function describe({ programme = '', title, start, end, zones, link = '', personal = false }) {
  const lines = [];
  if (programme) lines.push(programme);
  lines.push(title, '', ...whenLines(start, end, zones));
  if (link) {
    lines.push('', personal ? `Your personal link (do not pass it on): ${link}` : `Link: ${link}`);
  }
  return lines.join('\n');
}

// A VCALENDAR of events: [{ uid, start, end, summary, description, url?, alarmMinutes? }], all
// instants in ms. `stamp` is DTSTAMP (when the file was made).
export function calendar(events, { stamp = Date.now(), name = '' } = {}) {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Roundtable//Invitations//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH'];
  if (name) lines.push(`X-WR-CALNAME:${escapeText(name)}`);
  for (const e of events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${e.uid}`,
      `DTSTAMP:${utcStamp(stamp)}`,
      `DTSTART:${utcStamp(e.start)}`,
      `DTEND:${utcStamp(e.end)}`,
      `SUMMARY:${escapeText(e.summary)}`,
    );
    if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
    if (e.url) lines.push(`URL:${e.url}`);
    if (e.alarmMinutes) {
      lines.push('BEGIN:VALARM', 'ACTION:DISPLAY', `DESCRIPTION:${escapeText(e.summary)}`, `TRIGGER:-PT${Math.round(e.alarmMinutes)}M`, 'END:VALARM');
    }
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('');
}

// A file name for a calendar: "training-programme-session-3.ics", ASCII only.
export function icsName(...parts) {
  const slug = parts.join(' ').normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
  return `${slug || 'calendar'}.ics`;
}
