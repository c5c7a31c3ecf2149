// clock.js — the agenda clock as the client shows it (protocol/README.md, "The clock"). The
// server owns the clock; a client only estimates how far its own clock is from the server's
// and computes the countdown from the segment state it was sent. No DOM, no socket: it can be
// tested in node.

// --- offset from the server's clock -----------------------------------------------------------

// How many clock.sync round trips one estimate takes; the one with the smallest delay wins,
// as its midpoint is the closest to the moment the server read its clock.
export const SYNC_SAMPLES = 5;

// Keeps the best of several round trips. sample(sent, received, serverNow): the client's clock
// when clock.sync left and when clock.now arrived, and the server's milliseconds it carried.
export class OffsetEstimate {
  constructor() {
    this.best = null; // { rtt, offset }
    this.count = 0;
  }

  sample(sent, received, serverNow) {
    const rtt = received - sent;
    if (!(rtt >= 0) || !Number.isFinite(serverNow)) return; // a clock that jumped back mid-trip
    this.count += 1;
    const offset = serverNow - (sent + received) / 2;
    if (!this.best || rtt < this.best.rtt) this.best = { rtt, offset };
  }

  // Milliseconds to add to the client's clock to read the server's; null before any sample.
  get offset() {
    return this.best ? this.best.offset : null;
  }

  // The estimate is off by at most half the best round trip.
  get error() {
    return this.best ? this.best.rtt / 2 : null;
  }
}

// --- the countdown ------------------------------------------------------------------------------

// Milliseconds left in the current segment at server time `serverNow` (negative in overrun);
// null while the clock has not started.
export function remainingMs(clock, serverNow) {
  if (!clock || clock.state === 'idle') return null;
  const running = clock.state === 'running' && typeof clock.started_at === 'number' ? serverNow - clock.started_at : 0;
  return clock.allotted_ms - clock.elapsed_ms - running;
}

// Milliseconds the current segment has run (paused time excluded).
export function elapsedMs(clock, serverNow) {
  if (!clock || clock.state === 'idle') return 0;
  const running = clock.state === 'running' && typeof clock.started_at === 'number' ? serverNow - clock.started_at : 0;
  return clock.elapsed_ms + running;
}

// 'normal', 'warning' (at most warning_minutes left) or 'overrun' (past the end); null when idle.
export function phaseOf(remaining, settings) {
  if (remaining === null || remaining === undefined) return null;
  if (remaining < 0) return 'overrun';
  const warn = ((settings && settings.warning_minutes) ?? 2) * 60000;
  return warn > 0 && remaining <= warn ? 'warning' : 'normal';
}

// The whole seconds a countdown shows: rounded up while time is left (it reads 0:00 only at the
// end), rounded down in overrun (it reads +0:01 one second after).
export function shownSeconds(remaining) {
  return remaining >= 0 ? Math.ceil(remaining / 1000) : Math.floor(-remaining / 1000);
}

// Milliseconds until the shown seconds next change: when to render again.
export function msToNextChange(remaining) {
  if (remaining === null) return null;
  if (remaining >= 0) return remaining % 1000 || 1000;
  return 1000 - (-remaining % 1000);
}

// "M:SS" or "H:MM:SS" for a number of seconds.
export function formatSeconds(total) {
  const s = Math.abs(Math.trunc(total));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

// The countdown's text: "12:34" left, or "+1:05" in overrun.
export function formatRemaining(remaining) {
  if (remaining === null) return '';
  return `${remaining < 0 ? '+' : ''}${formatSeconds(shownSeconds(remaining))}`;
}

// A signed difference in minutes and seconds ("+3:20", "−2:00", "0:00"), for actual versus
// planned durations.
export function formatDifference(ms) {
  const s = Math.round(ms / 1000);
  if (s === 0) return '0:00';
  return `${s > 0 ? '+' : '\u2212'}${formatSeconds(s)}`;
}

// --- the agenda against the clock -------------------------------------------------------------

// Every segment as planned and as it ran, for the co-chairs' table and the report (AG-6):
// planned start (an instant, or null when the agenda has no date and no `today` was given),
// planned and allotted minutes, actual start, actual duration so far, and the difference.
export function agendaRows(consultation, serverNow, today = null) {
  const c = consultation;
  const clock = c.clock || { state: 'idle' };
  return c.segments.map((seg, i) => {
    const timing = (c.timing && c.timing[i]) || { started_at: null, elapsed_ms: 0, allotted_ms: seg.duration * 60000 };
    const live = clock.state !== 'idle' && clock.segment === i;
    const actual = live ? elapsedMs(clock, serverNow) : timing.elapsed_ms;
    const started = timing.started_at ?? (live && clock.state === 'running' ? clock.started_at : null);
    const day = seg.date || c.date || today;
    const plannedMs = seg.duration * 60000;
    return {
      index: i,
      title: seg.title,
      kind: seg.kind,
      live,
      plannedStart: day ? zonedInstant(day, seg.start, c.timezone) : null,
      plannedMs,
      allottedMs: live ? clock.allotted_ms : timing.allotted_ms,
      actualStart: started,
      actualMs: started === null && !live ? null : actual,
      differenceMs: started === null && !live ? null : actual - plannedMs,
    };
  });
}

// --- time zones (AG-5) ------------------------------------------------------------------------

const partsFormatters = new Map();

function partsIn(timeZone) {
  if (!partsFormatters.has(timeZone)) {
    partsFormatters.set(timeZone, new Intl.DateTimeFormat('en-GB', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    }));
  }
  return partsFormatters.get(timeZone);
}

// The wall-clock fields of an instant in a zone.
function wallFields(instant, timeZone) {
  const f = {};
  for (const p of partsIn(timeZone).formatToParts(new Date(instant))) f[p.type] = Number(p.value);
  return f;
}

// How far a zone's wall clock is ahead of UTC at an instant, in milliseconds.
export function zoneOffsetMs(instant, timeZone) {
  const f = wallFields(instant, timeZone);
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour % 24, f.minute, f.second);
  return asUtc - (Math.floor(instant / 1000) * 1000);
}

// The instant at which the wall clock in timeZone reads day ("YYYY-MM-DD") at hhmm ("HH:MM").
// A time skipped by a spring-forward change is taken after it; one repeated in autumn, the
// first time.
export function zonedInstant(day, hhmm, timeZone) {
  const [y, mo, d] = day.split('-').map(Number);
  const [h, mi] = hhmm.split(':').map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  // Try the offsets in force a day either side of that wall time; keep one that reads back.
  const candidates = [zoneOffsetMs(wall - 86400000, timeZone), zoneOffsetMs(wall + 86400000, timeZone)]
    .map((off) => wall - off)
    .sort((a, b) => a - b);
  for (const instant of candidates) {
    if (instant + zoneOffsetMs(instant, timeZone) === wall) return instant;
  }
  // In a gap: the wall time does not exist; read it with the offset from before the change.
  return wall - zoneOffsetMs(wall - 86400000, timeZone);
}

// Today's date ("YYYY-MM-DD") in a zone at an instant.
export function dayIn(instant, timeZone) {
  const f = wallFields(instant, timeZone);
  return `${f.year}-${String(f.month).padStart(2, '0')}-${String(f.day).padStart(2, '0')}`;
}

const timeFormatters = new Map();

// Zones for which Intl gives only "GMT+2": the abbreviation invitations write, by zone and by
// its offset from UTC in minutes (so that a zone with summer time has one for each).
const ZONE_NAMES = {
  'Africa/Johannesburg': { 120: 'SAST' },
  'Africa/Nairobi': { 180: 'EAT' },
  'Africa/Lagos': { 60: 'WAT' },
  'Asia/Tokyo': { 540: 'JST' },
  'Asia/Kolkata': { 330: 'IST' },
  'Asia/Singapore': { 480: 'SGT' },
  'Asia/Jakarta': { 420: 'WIB' },
  'Australia/Sydney': { 600: 'AEST', 660: 'AEDT' },
  'America/Sao_Paulo': { [-180]: 'BRT' },
};

const nameFormatters = new Map();

// The zone's abbreviation at an instant, in Latin letters whatever the viewer's language, as an
// invitation writes it: "BST", "CEST", "EDT", "SAST", "UTC"; "GMT+5" only for a zone no
// convention names.
export function zoneAbbreviation(instant, timeZone) {
  let fallback = null;
  for (const locale of ['en-GB', 'en-US']) {
    const key = `${locale}|${timeZone}`;
    if (!nameFormatters.has(key)) nameFormatters.set(key, new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' }));
    const part = nameFormatters.get(key).formatToParts(new Date(instant)).find((p) => p.type === 'timeZoneName');
    const name = part ? part.value : '';
    if (name && !/^GMT[+-−]/.test(name)) return name;
    fallback = fallback || name;
  }
  const table = ZONE_NAMES[timeZone];
  const named = table && table[Math.round(zoneOffsetMs(instant, timeZone) / 60000)];
  return named || fallback || timeZone;
}

// "12:00 BST": an instant's time of day in a zone, in the viewer's locale conventions, with the
// zone's abbreviation (zoneAbbreviation).
export function formatTime(instant, timeZone, locale = undefined) {
  const key = `${locale || ''}|${timeZone}`;
  if (!timeFormatters.has(key)) {
    timeFormatters.set(key, new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' }));
  }
  return `${timeFormatters.get(key).format(new Date(instant))} ${zoneAbbreviation(instant, timeZone)}`;
}

const dateFormatters = new Map();

// "Thu 3 Dec": an instant's day in a zone, short, in the viewer's locale conventions.
export function formatDay(instant, timeZone, locale = undefined) {
  const key = `${locale || ''}|${timeZone}`;
  if (!dateFormatters.has(key)) {
    dateFormatters.set(key, new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short', day: 'numeric', month: 'short' }));
  }
  return dateFormatters.get(key).format(new Date(instant));
}

// The viewer's own zone, as the browser reports it.
export function viewerZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

// A planned time in the event's zone and, when the viewer's wall clock differs, in theirs:
// { event: "12:00 BST", viewer: "13:00 CEST" | null }. Each part carries its day ("Fri 4 Dec
// 10:00 JST") whenever that day is not the viewer's today (at `now`): a 21:00 New York event
// read in Tokyo is the next morning there, and says so.
export function bothZones(instant, eventZone, viewer = viewerZone(), locale = undefined, now = Date.now()) {
  const today = dayIn(now, viewer);
  const part = (zone) => {
    const time = formatTime(instant, zone, locale);
    return dayIn(instant, zone) === today ? time : `${formatDay(instant, zone, locale)} ${time}`;
  };
  const same = viewer === eventZone || zoneOffsetMs(instant, viewer) === zoneOffsetMs(instant, eventZone);
  return { event: part(eventZone), viewer: same ? null : part(viewer) };
}
