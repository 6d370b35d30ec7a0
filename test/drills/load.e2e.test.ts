/**
 * The load drill: a generated plan of short tasks (each prints a few lines and exits) run at
 * `concurrency: 50`, headless and from the console (`a`, then `y`). Asserted: every task ran
 * once and succeeded, the journal says so, no more than 50 ran at once (from the tasks' own
 * times), the journal was written at most once per coalescing gap, keys reached the screen,
 * nothing was left running. Printed, not asserted: ideal and actual wall time, overhead, key
 * latency, machine load. `npm test` runs 200 tasks; `npm run drill` 1000 (LOAD_TASKS).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { journalGapMs } from '../../src/runner/session/journal-keeper.js';
import { repoRoot } from '../support/demo-copy.js';
import { startTmux } from '../support/tmux.js';
import { waitFor } from '../support/wait-for.js';
import { processesMentioning } from './invariants.js';
import {
  countJournalWrites,
  historyCount,
  journalProblems,
  maxConcurrent,
  taskSpans,
  wallFigures,
} from './load-figures.js';
import { writeLoadPlan } from './load-plan.js';

const bin = path.join(repoRoot, 'bin/backfill-console.js');
const tasks = Number(process.env.LOAD_TASKS ?? 200);
const concurrency = 50;
const sleepSeconds = Number(process.env.LOAD_SLEEP_SECONDS ?? 0.3);

let term: ReturnType<typeof startTmux> | undefined;
let drillDir: string | undefined;
afterEach(() => {
  term?.kill();
  term = undefined;
  // Whatever a failed drill left running must not outlive it.
  for (const line of drillDir ? processesMentioning(drillDir) : []) {
    try {
      process.kill(Number(line.split(' ')[0]), 'SIGKILL');
    } catch {
      // gone
    }
  }
});

/** A fresh folder with the plan, its state folder made so the journal can be watched. */
const loadRun = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'load-drill-'));
  drillDir = dir;
  const plan = writeLoadPlan(dir, { tasks, concurrency, sleepSeconds });
  const stateDir = path.join(dir, '.backfill');
  mkdirSync(stateDir, { mode: 0o700 });
  const taskIds = (
    JSON.parse(readFileSync(plan, 'utf8')) as { processors: { id: string }[] }
  ).processors.flatMap((p) =>
    Array.from({ length: 20 }, (_, i) => `${p.id}@w${String(i + 1).padStart(2, '0')}`),
  );
  return { dir, plan, stateDir, taskIds, journal: countJournalWrites(stateDir) };
};

/** The invariants after a run, and the figures printed beside them. */
const checkAndReport = async (
  mode: string,
  run: ReturnType<typeof loadRun>,
  elapsedMs: number,
  extra: Record<string, unknown> = {},
) => {
  const writes = await run.journal.settled();
  run.journal.stop();
  const spans = taskSpans(run.stateDir);
  const figures = wallFigures(spans, concurrency);
  const uptime = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(
    `load drill (${mode}): ${JSON.stringify({
      tasks,
      concurrency,
      ...figures,
      commandMs: Math.round(elapsedMs),
      journalWrites: writes,
      maxConcurrent: maxConcurrent(spans),
      ...extra,
      loadAverage: uptime,
      cores: os.availableParallelism(),
    })}`,
  );

  // Every task ran exactly once, to its end, and said every line.
  expect(spans.map((s) => s.taskId).sort()).toEqual([...run.taskIds].sort());
  expect(spans.filter((s) => !(s.ended >= s.started) || s.lines !== 3)).toEqual([]);
  expect(maxConcurrent(spans)).toBeLessThanOrEqual(concurrency);
  // The journal the next console reads: every task ended with exit 0 on its first attempt.
  expect(journalProblems(run.stateDir, run.taskIds, 1)).toEqual([]);
  expect(historyCount(run.stateDir)).toBe(tasks);
  // Coalesced: at most one write per gap while it ran (and the last one on the way out), where
  // a write per change would be three per task.
  expect(writes).toBeGreaterThan(0);
  expect(writes).toBeLessThanOrEqual(Math.ceil(elapsedMs / journalGapMs) + 2);
  expect(processesMentioning(run.dir)).toEqual([]);
};

describe('the load drill', () => {
  it(
    `runs ${tasks} short tasks at ${concurrency} at once headless: all complete, journal consistent, writes coalesced`,
    async () => {
      const run = loadRun();
      const started = performance.now();
      const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(
          'node',
          [bin, 'run', '--plan', run.plan],
          { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 10 * 60_000 },
          (error, stdout) =>
            resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout }),
        );
      });
      const elapsedMs = performance.now() - started;
      // The run's last lines say why, when it did not end well.
      const ending = result.stdout.slice(-3000);
      expect(ending).toContain(`${tasks}/${tasks} tasks succeeded`);
      expect(result.code, ending).toBe(0);
      await checkAndReport('headless', run, elapsedMs);
    },
    15 * 60_000,
  );

  it(
    `runs ${tasks} short tasks at ${concurrency} at once from the console (a, y) with keys answering`,
    async () => {
      const run = loadRun();
      const [first, second] = run.taskIds;
      const tui = startTmux(['node', bin, '--plan', run.plan], { columns: 120, rows: 40 });
      term = tui;
      const screen = tui.screen;
      await tui.waitForScreen((s) => s.includes(`${first} ·`), 'the table and its detail line');
      const started = performance.now();
      tui.keys('a');
      await tui.waitForScreen((s) => s.includes('y or ⏎ starts this run'), 'the dry run');
      tui.keys('y');
      // Under way with many at once. Not "exactly 50": statuses reach the screen once a frame,
      // and in a frame some of the 50 have ended and their slots' next tasks not yet started.
      const runningNow = (s: string) => Number(/▶ (\d+) running/.exec(s)?.[1] ?? 0);
      await tui.waitForScreen((s) => runningNow(s) >= 25, 'at least 25 running', 60_000);

      // j and k in turn while it runs; each sample ends with the first screen that shows the
      // detail line of the newly selected task.
      const latencies: number[] = [];
      // The header, not the run's notice: a key pressed late clears notices.
      const finished = (s: string) =>
        (s.split('\n')[0] ?? '').includes(`✓ ${tasks} succeeded`) && !/▶ \d+ running/.test(s);
      for (let n = 0; n < 40 && !finished(screen()); n++) {
        const [key, target] = n % 2 === 0 ? ['j', second] : ['k', first];
        const sentAt = performance.now();
        tui.keys(key);
        // A tight look (a capture takes a few ms), not waitFor's 20 ms steps: this is timed.
        // The deadline only guards against a hang; how long a key took is printed, not judged.
        const shown = () =>
          screen()
            .split('\n')
            .some((line) => line.startsWith(`${target} ·`));
        while (!shown()) {
          if (performance.now() - sentAt > 5 * 60_000)
            throw new Error(`${key} never moved the selection to ${target}:\n${screen()}`);
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        latencies.push(performance.now() - sentAt);
        // Keys as a person presses them, not back to back.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await tui.waitForScreen(finished, 'the run to finish', 10 * 60_000);
      const elapsedMs = performance.now() - started;
      tui.keys('q');
      await waitFor('the console to exit', () => tui.exitStatus() !== undefined, 20_000);
      expect(tui.exitStatus()).toBe(0);
      // The tmux server's own command line names the plan: it must not count as left behind.
      tui.kill();
      term = undefined;
      expect(latencies.length).toBeGreaterThan(0);
      const sorted = [...latencies].sort((a, b) => a - b);
      const at = (p: number) => Math.round(sorted[Math.floor((sorted.length - 1) * p)] ?? NaN);
      await checkAndReport('console', run, elapsedMs, {
        keySamples: latencies.length,
        keyP50Ms: at(0.5),
        keyP95Ms: at(0.95),
        keyMaxMs: at(1),
      });
    },
    15 * 60_000,
  );
});
