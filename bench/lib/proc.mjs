// Reading CPU time, RSS and process trees from /proc (Linux only).
import { readdirSync, readFileSync } from 'node:fs';

const read = (file) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** utime+stime (all threads, in clock ticks), start time and ppid; undefined once gone. */
export const stat = (pid) => {
  const text = read(`/proc/${pid}/stat`);
  if (!text) return undefined;
  // The command name may contain spaces and parentheses: fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    state: fields[0],
    ppid: Number(fields[1]),
    ticks: Number(fields[11]) + Number(fields[12]),
    start: Number(fields[19]),
  };
};

export const clockTicksPerSecond = 100; // getconf CLK_TCK on Linux x86-64 and arm64

export const cmdline = (pid) => (read(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ').trim();

/** VmRSS in kB, undefined once gone. */
export const rssKb = (pid) => {
  const match = /VmRSS:\s+(\d+)/.exec(read(`/proc/${pid}/status`) ?? '');
  return match ? Number(match[1]) : undefined;
};

/** Direct children of a process (all its threads), through /proc/PID/task/TID/children. */
const children = (pid) => {
  let tids;
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const kids = [];
  for (const tid of tids) {
    const text = read(`/proc/${pid}/task/${tid}/children`);
    if (text) for (const k of text.trim().split(/\s+/)) if (k) kids.push(Number(k));
  }
  return kids;
};

/** The process and all its descendants. */
export const tree = (root) => {
  const out = [];
  const queue = [root];
  const seen = new Set();
  while (queue.length > 0) {
    const pid = queue.shift();
    if (seen.has(pid)) continue;
    seen.add(pid);
    out.push(pid);
    queue.push(...children(pid));
  }
  return out;
};

/** Every pid whose command line contains `text` (a full /proc scan: use sparingly). */
export const pidsWithCmdline = (text) =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => pid !== process.pid && cmdline(pid).includes(text));

/** Busy and total CPU time of the whole machine in seconds (summed over cores). */
export const machineSeconds = () => {
  const line = (read('/proc/stat') ?? '').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: (total - idle) / clockTicksPerSecond, total: total / clockTicksPerSecond };
};

/**
 * CPU seconds of a changing set of processes, counted from the tracker's creation: a process
 * already running then counts from its ticks at first sight, one started later counts in full.
 * A process that exits keeps what was last seen of it (its last <250 ms are lost; reaped
 * children's time is never taken from the parent's cutime, so nothing is counted twice).
 */
export const createCpuTracker = () => {
  const known = new Map(); // `${pid}:${start}` -> { base, last }
  let first = true;
  let total = 0;
  return {
    /** Feed this sample's processes (stat results); returns the cumulative CPU seconds. */
    update(stats) {
      for (const s of stats) {
        if (!s) continue;
        const key = `${s.pid}:${s.start}`;
        const entry = known.get(key);
        if (entry) {
          total += s.ticks - entry.last;
          entry.last = s.ticks;
        } else {
          const base = first ? s.ticks : 0;
          known.set(key, { base, last: s.ticks });
          total += s.ticks - base;
        }
      }
      first = false;
      return total / clockTicksPerSecond;
    },
  };
};
