// Reading producer lines (`id seq epoch_ms payload`) off a captured screen.

const lineRe = /(?:^|[^\w])(p[1-9]) (\d+) (\d{13})(?=\s|$)/g;

/**
 * Every producer line visible, in screen order (row by row, left to right), the newest
 * timestamp, and per producer the highest seq.
 */
export const parseScreen = (lines) => {
  const entries = [];
  let newestEpoch;
  const maxSeq = {};
  for (const row of lines) {
    lineRe.lastIndex = 0;
    let m;
    while ((m = lineRe.exec(row))) {
      const entry = { id: m[1], seq: Number(m[2]), epoch: Number(m[3]) };
      entries.push(entry);
      if (newestEpoch === undefined || entry.epoch > newestEpoch) newestEpoch = entry.epoch;
      if (!(entry.id in maxSeq) || entry.seq > maxSeq[entry.id]) maxSeq[entry.id] = entry.seq;
    }
  }
  return { entries, newestEpoch, maxSeq };
};

/**
 * Within one pane the lines shown are consecutive: per producer, in screen order, each seq
 * should be the previous plus one. Counts the steps that are not (a line shown twice, a line
 * skipped, a torn frame). Only meaningful where each producer has one pane with whole rows
 * (the console's split view).
 */
export const seqJumps = (entries) => {
  const last = {};
  let jumps = 0;
  for (const { id, seq } of entries) {
    if (id in last && seq !== last[id] + 1) jumps++;
    last[id] = seq;
  }
  return jumps;
};

/** Rows that differ between two screens (by index), for telling what changed while quiet. */
export const changedRows = (before, after) => {
  const rows = [];
  const n = Math.max(before.length, after.length);
  for (let i = 0; i < n; i++) if (before[i] !== after[i]) rows.push(i);
  return rows;
};
