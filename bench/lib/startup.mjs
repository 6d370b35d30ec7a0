// Start-up and the big plan: how long `--help` takes, how long until the first frame (the
// demo, a generated plan of 50 processors x 20 windows = 1000 tasks, and tail -f and mprocs
// beside them), and how fast a key answers on the 1000-task plan, with nothing running and
// with 50 tasks running. Each first frame is timed from just before the tmux session is
// created (which spawns the program) to the first capture that shows it.
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { track, killTmux } from './cleanup.mjs';
import { startTmux } from './tmux.mjs';
import { mprocsBinary } from './subjects.mjs';
import { median, percentile, round, sleep, waitFor } from './util.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const consoleBin = path.join(root, 'bin/backfill-console.js');
const ticker = path.join(root, 'bench/lib/ticker.mjs');

/** Wall time of a whole process, in ms: the median of `times` runs. */
const wallMs = (argv, times) => {
  const samples = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    const result = spawnSync(argv[0], argv.slice(1), { stdio: 'ignore', timeout: 30_000 });
    if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${result.status}`);
    samples.push(performance.now() - started);
  }
  return { medianMs: round(median(samples)), samples: samples.map((s) => round(s)) };
};

/** 50 processors (five phases of ten, each depending on the one before it) x 20 windows. */
export const writeBigPlan = (dir, { processors = 50, windows = 20, everyMs = 200 } = {}) => {
  const ids = Array.from(
    { length: processors },
    (_, i) => `proc_${String(i + 1).padStart(2, '0')}`,
  );
  const plan = {
    version: 1,
    name: `generated ${processors} x ${windows}`,
    settings: { stopGraceSeconds: 2, concurrency: 50 },
    windows: Array.from({ length: windows }, (_, i) => {
      const day = `2024-${String(Math.floor(i / 2) + 1).padStart(2, '0')}-${i % 2 ? '15' : '01'}`;
      return { id: `w${String(i + 1).padStart(2, '0')}`, start: day, end: day };
    }),
    phases: Array.from({ length: 5 }, (_, i) => ({ id: String(i + 1), title: `Phase ${i + 1}` })),
    processors: ids.map((id, i) => ({
      id,
      phase: String(Math.floor(i / 10) + 1),
      command: [process.execPath, ticker, '--every-ms', String(everyMs), '--seconds', '150'],
      ...(i % 10 > 0 ? { dependsOn: [ids[i - 1]] } : {}),
    })),
  };
  const file = path.join(dir, 'backfill.yaml');
  writeFileSync(file, JSON.stringify(plan, null, 2)); // JSON is YAML
  return { file, ids, windowIds: plan.windows.map((w) => w.id) };
};

/**
 * Tasks of the plan in `dir` still alive: a quit with "s" must leave none. Each is killed
 * (its process group) so it cannot load the runs that follow.
 */
const killLeftTasks = (dir) => {
  const logs = path.join(dir, '.backfill/logs');
  let left = 0;
  for (const task of existsSync(logs) ? readdirSync(logs) : []) {
    for (const f of readdirSync(path.join(logs, task)).filter((n) => n.endsWith('.log.pid'))) {
      const pid = Number(readFileSync(path.join(logs, task, f), 'utf8'));
      try {
        process.kill(-pid, 'SIGKILL');
        left++;
      } catch {
        // Gone, as it should be.
      }
    }
  }
  return left;
};

const screenOf = async (tmux) => (await tmux.capture()).lines.join('\n');

/** Starts `argv` in a fresh tmux server and times the first capture for which `shown` holds. */
const firstFrame = async ({ name, argv, cwd, columns, rows, shown }) => {
  const started = performance.now();
  const tmux = await startTmux({ name, argv, cwd, columns, rows, onTrack: track });
  try {
    for (;;) {
      const capture = await tmux.capture();
      if (shown(capture.lines.join('\n'))) return { ms: round(capture.at - started), tmux };
      if (capture.at - started > 30_000) throw new Error(`${name}: no first frame within 30 s`);
      await sleep(2);
    }
  } catch (error) {
    tmux.kill();
    throw error;
  }
};

const quitConsole = async (tmux) => {
  await tmux.keys('q');
  await waitFor(
    'the console to exit',
    async () => {
      if ((await tmux.paneState()).dead) return true;
      const screen = await screenOf(tmux);
      // Tasks running: stop them and quit.
      if (/stop (them|it) and quit/.test(screen)) await tmux.keys('s');
      return false;
    },
    { deadlineMs: 20_000, intervalMs: 100 },
  );
};

/** j and k in turn; each sample ends with the first capture whose detail line names the new task. */
const keySamples = async (tmux, firstId, secondId, count) => {
  const samples = [];
  let missed = 0;
  const detailNames = (id) => (screen) => screen.split('\n').some((l) => l.startsWith(`${id} ·`));
  for (let i = 0; i < count; i++) {
    const [key, target] = i % 2 === 0 ? ['j', secondId] : ['k', firstId];
    const sentAt = performance.now();
    await tmux.keys(key);
    for (;;) {
      const capture = await tmux.capture();
      if (detailNames(target)(capture.lines.join('\n'))) {
        samples.push(capture.at - sentAt);
        break;
      }
      if (capture.at - sentAt > 2_000) {
        missed++;
        // Resynchronise: wait until the selection is where the next key expects it.
        await waitFor(
          'the selection to settle',
          async () => detailNames(target)(await screenOf(tmux)),
          {
            deadlineMs: 10_000,
            intervalMs: 50,
          },
        );
        break;
      }
      await sleep(2);
    }
    await sleep(80 + Math.random() * 80);
  }
  return {
    samples: samples.map((s) => round(s)),
    p50Ms: round(percentile(samples, 50)),
    p95Ms: round(percentile(samples, 95)),
    missed,
  };
};

export const runStartup = async ({ index, columns, rows, repeats, minKeySamples }) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-startup-'));
  track({ kind: 'dir', dir });
  const result = { scenario: 'startup' };
  result.help = wallMs([process.execPath, consoleBin, '--help'], 5 * repeats);
  result.nodeNothing = wallMs([process.execPath, '-e', '0'], 5 * repeats);

  // The demo, copied so its state folder is the bench's own.
  const demo = path.join(dir, 'demo');
  cpSync(path.join(root, 'examples/demo'), demo, { recursive: true });
  const big = writeBigPlan(dir);
  const logFile = path.join(dir, 'floor.log');
  writeFileSync(logFile, 'first line of the floor\n');
  const mprocsConfig = path.join(dir, 'mprocs.yaml');
  writeFileSync(
    mprocsConfig,
    JSON.stringify({ procs: { p1: { cmd: ['sleep', '60'] }, p2: { cmd: ['sleep', '60'] } } }),
  );
  const subjects = {
    consoleDemo: {
      argv: [process.execPath, consoleBin, '--plan', path.join(demo, 'backfill.yaml')],
      shown: (s) =>
        s.includes('player_prop_predictions') || s.includes('team_offense_game_summary'),
    },
    console1000: {
      argv: [process.execPath, consoleBin, '--plan', big.file],
      shown: (s) => /proc_01\s+w01/.test(s),
    },
    floor: { argv: ['tail', '-f', logFile], shown: (s) => s.includes('first line of the floor') },
    peer: { argv: [mprocsBinary(), '--config', mprocsConfig], shown: (s) => s.includes('p2') },
  };
  result.firstFrame = {};
  let n = 0;
  for (const [what, subject] of Object.entries(subjects)) {
    const samples = [];
    for (let r = 0; r < repeats; r++) {
      const name = `bench-${process.pid}-${index}-start-${n++}`;
      const { ms, tmux } = await firstFrame({ name, cwd: dir, columns, rows, ...subject });
      samples.push(ms);
      if (what.startsWith('console')) await quitConsole(tmux).catch(() => undefined);
      tmux.kill();
      killTmux(name);
      // The next console on the same plan must not find this one's lock.
      rmSync(path.join(path.dirname(subject.argv.at(-1) ?? ''), '.backfill', 'console.lock'), {
        force: true,
      });
    }
    result.firstFrame[what] = { medianMs: round(median(samples)), samples };
  }

  // Keys on the 1000-task plan: nothing running, then 50 running (a run of the plan launches
  // the first task of each of the five dependency chains in every window: 5 x 20 = 100 ready,
  // 50 at once by the plan's concurrency).
  const name = `bench-${process.pid}-${index}-keys`;
  const { tmux } = await firstFrame({
    name,
    cwd: dir,
    columns,
    rows,
    argv: [process.execPath, consoleBin, '--plan', big.file],
    shown: subjects.console1000.shown,
  });
  try {
    const [first] = big.ids;
    const a = `${first}@${big.windowIds[0]}`;
    const b = `${first}@${big.windowIds[1]}`;
    await waitFor('the detail line', async () => (await screenOf(tmux)).includes(`${a} ·`), {
      deadlineMs: 10_000,
    });
    result.keys1000Idle = await keySamples(tmux, a, b, minKeySamples);
    await tmux.keys('a');
    await waitFor(
      'the dry run',
      async () => (await screenOf(tmux)).includes('y or ⏎ starts this run'),
      {
        deadlineMs: 10_000,
      },
    );
    await tmux.keys('y');
    await waitFor('50 running tasks', async () => /▶ 50 running/.test(await screenOf(tmux)), {
      deadlineMs: 60_000,
      intervalMs: 200,
    });
    // Let the 50 start-ups settle before timing keys.
    await sleep(3_000);
    result.keys1000Running = await keySamples(tmux, a, b, minKeySamples);
    await quitConsole(tmux);
  } finally {
    tmux.kill();
    killTmux(name);
    result.tasksLeftRunning = killLeftTasks(dir);
  }
  return result;
};

export const startupText = (r) => {
  const f = r.firstFrame ?? {};
  const lines = [
    `--help: ${r.help?.medianMs} ms wall (node -e 0: ${r.nodeNothing?.medianMs} ms)`,
    `first frame: demo ${f.consoleDemo?.medianMs} ms · 1000-task plan ${f.console1000?.medianMs} ms · tail -f ${f.floor?.medianMs} ms · mprocs ${f.peer?.medianMs} ms`,
    `keys on the 1000-task plan (j/k, p50/p95): nothing running ${r.keys1000Idle?.p50Ms}/${r.keys1000Idle?.p95Ms} ms (${r.keys1000Idle?.samples.length} samples, ${r.keys1000Idle?.missed} missed) · 50 running ${r.keys1000Running?.p50Ms}/${r.keys1000Running?.p95Ms} ms (${r.keys1000Running?.samples.length}, ${r.keys1000Running?.missed} missed)`,
    `tasks left running after "q s" on the 1000-task plan: ${r.tasksLeftRunning ?? '?'} (must be 0)`,
  ];
  return lines.join('\n');
};
