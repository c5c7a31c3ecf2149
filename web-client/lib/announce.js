// announce.js — what screen reader users hear of changes they did not make, at a rate they can
// follow: the first news is said at once, and whatever arrives in the next `gapMs` is said
// together after it, counts coalesced ("3 new questions are in the queue") instead of one
// sentence per question. Vote counts are never announced.
//
// createAnnouncer(say, { gapMs, now, setTimer }) returns { line(text), count(key), pending() }:
// line() queues a sentence as it is; count(key) adds one to a counted sentence, said as
// format(key, n) when the slot comes. say(text) receives each announcement.
export function createAnnouncer(say, format, { gapMs = 2500, now = () => Date.now(), setTimer = setTimeout } = {}) {
  let lines = [];
  let counts = new Map();
  let last = -Infinity;
  let timer = null;
  function flush() {
    timer = null;
    const parts = [...lines, ...[...counts].map(([key, n]) => format(key, n))];
    lines = [];
    counts = new Map();
    if (!parts.length) return;
    last = now();
    say(parts.join(' '));
  }
  function schedule() {
    if (timer !== null) return;
    timer = setTimer(flush, Math.max(0, last + gapMs - now()));
  }
  return {
    line(text) {
      if (text && !lines.includes(text)) lines.push(text);
      schedule();
    },
    count(key) {
      counts.set(key, (counts.get(key) || 0) + 1);
      schedule();
    },
    pending: () => timer !== null,
  };
}
