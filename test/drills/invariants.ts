/**
 * What a drill checks after the console has been killed again and again: read from the files
 * the runs left and from /proc, never from the console's own account of itself.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { logFileTime } from '../../src/runner/logs/log-files.js';

/** One run of a task: its log file, from its name's time to its last write. */
export type RunSpan = {
  taskId: string;
  file: string;
  startedAt: number;
  lastWriteAt: number;
  /** The dates its processor said it processed ("Processing … i/N: DATE"). */
  dates: string[];
  /** The i of each of those lines, in the order the log holds them. */
  steps: number[];
};

export const runSpans = (stateDir: string): RunSpan[] => {
  const logs = path.join(stateDir, 'logs');
  if (!existsSync(logs)) return [];
  return readdirSync(logs).flatMap((taskId) =>
    readdirSync(path.join(logs, taskId))
      .filter((name) => name.endsWith('.log'))
      .map((name) => {
        const file = path.join(logs, taskId, name);
        const text = readFileSync(file, 'utf8');
        const matches = [
          ...text.matchAll(/Processing (?:game )?(?:day|date) (\d+)\/\d+: (\d{4}-\d{2}-\d{2})/g),
        ];
        const dates = matches.map((m) => m[2]!);
        const steps = matches.map((m) => Number(m[1]));
        return {
          taskId,
          file,
          // The log's name is its start, in local time, as the console names it.
          startedAt: logFileTime(name) ?? Number.NaN,
          lastWriteAt: statSync(file).mtimeMs,
          dates,
          steps,
        };
      }),
  );
};

/**
 * Pairs of runs of one task that were alive at the same time. A run's life is taken as from
 * its log file's creation to its last write: the console's own closing note comes after the
 * process ended, and a run never starts before the file it writes to.
 */
export const overlappingRuns = (spans: readonly RunSpan[]): [RunSpan, RunSpan][] => {
  const pairs: [RunSpan, RunSpan][] = [];
  const byTask = new Map<string, RunSpan[]>();
  for (const span of spans) byTask.set(span.taskId, [...(byTask.get(span.taskId) ?? []), span]);
  for (const runs of byTask.values()) {
    const sorted = [...runs].sort((a, b) => a.startedAt - b.startedAt);
    for (let i = 1; i < sorted.length; i++) {
      const [before, after] = [sorted[i - 1]!, sorted[i]!];
      if (after.startedAt < before.lastWriteAt) pairs.push([before, after]);
    }
  }
  return pairs;
};

/**
 * Lines missing from a run's log: its processor numbers the dates it works on 1, 2, 3… (from
 * where its checkpoint resumed), so a hole or a repeat in that count in the log file means a
 * line it wrote did not reach the log whole.
 */
export const logHoles = (spans: readonly RunSpan[]): string[] =>
  spans.flatMap((span) =>
    span.steps.flatMap((step, i) =>
      i > 0 && step !== span.steps[i - 1]! + 1
        ? [`${span.file}: date ${span.steps[i - 1]} then ${step}`]
        : [],
    ),
  );

/**
 * Live processes whose command line mentions `needle` or that run in a folder under it (the
 * demo's processors run as `node processors/…` in the plan's folder).
 */
export const processesMentioning = (needle: string): string[] => {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'latin1').replace(/\0/g, ' ');
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${entry}/cwd`);
      } catch {
        // not ours to read
      }
      if (cmdline.includes(needle) || cwd.startsWith(needle))
        found.push(`${entry} ${cmdline.trim()}`);
    } catch {
      // ended while we looked
    }
  }
  return found;
};

/** The journal as the next console would read it: it must always parse. */
export const readJournalFile = (stateDir: string): { tasks: Record<string, unknown> } | 'none' => {
  const file = path.join(stateDir, 'journal.json');
  if (!existsSync(file)) return 'none';
  return JSON.parse(readFileSync(file, 'utf8')) as { tasks: Record<string, unknown> };
};

/** A small seeded generator, so a failing drill can be replayed with DRILL_SEED. */
export const seededRandom = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
