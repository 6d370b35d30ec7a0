// The three programs measured under the same producers: the console, the floor (tail -f in the
// pane) and the peer (mprocs). Each says how to start it, how to get it showing all four
// producers, which key to time, how to quit it and how to check the lines it kept.
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep, waitFor } from './util.mjs';
import { checkLogFiles, listLogFiles } from './lines.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const producerScript = path.join(root, 'bench/lib/producer.mjs');

/** The bundled mprocs binary itself (not the npm JS wrapper), so its own process is measured. */
export const mprocsBinary = () => {
  const require = createRequire(path.join(root, 'package.json'));
  try {
    return require('mprocs');
  } catch (error) {
    throw new Error(
      `mprocs is not installed (npm install, it is a devDependency): ${error.message}`,
    );
  }
};

const screenText = (capture) => capture.lines.join('\n');
const lastScreen = (tmux) => async () => screenText(await tmux.capture());

/** Waits until `pred(screen text)` holds; throws with the last screen on timeout. */
const waitScreen = (tmux, what, pred, deadlineMs = 20_000) =>
  waitFor(what, async () => pred(screenText(await tmux.capture())), {
    deadlineMs,
    intervalMs: 50,
    describe: lastScreen(tmux),
  });

/**
 * Presses `key` and polls the screen until `changed(screen)` holds. Returns milliseconds from
 * just before send-keys to the reply of the first capture showing the change, or undefined on
 * timeout (a missed sample, counted separately).
 */
const timeKey = async (tmux, key, changed, pollMs, deadlineMs = 2_000) => {
  const sentAt = performance.now();
  await tmux.keys(key);
  for (;;) {
    const capture = await tmux.capture();
    if (changed(screenText(capture))) return capture.at - sentAt;
    if (capture.at - sentAt > deadlineMs) return undefined;
    if (pollMs > 0) await sleep(pollMs);
  }
};

const countMatches = (text, re) => (text.match(re) ?? []).length;

export const subjects = {
  console: {
    title: 'console',
    /** Producers are the console's own tasks: it spawns them into its log files. */
    setup: ({ dir, ids, producerArgv, cpuProfDir }) => {
      const processors = ids.map((id) => ({ id, phase: '1', command: producerArgv(id) }));
      const plan = {
        version: 1,
        name: 'bench',
        settings: { stopGraceSeconds: 2 },
        windows: [{ id: 'w1', start: '2024-01-01', end: '2024-01-02' }],
        phases: [{ id: '1', title: 'Bench producers' }],
        processors,
      };
      const planFile = path.join(dir, 'backfill.yaml');
      writeFileSync(planFile, JSON.stringify(plan, null, 2)); // JSON is YAML
      const nodeFlags = cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [];
      return {
        argv: [
          process.execPath,
          ...nodeFlags,
          path.join(root, 'bin/backfill-console.js'),
          '--plan',
          planFile,
        ],
      };
    },
    /** Start each task (Enter, j, Enter…), check four are running, open the split view. */
    ready: async ({ tmux, ids }) => {
      await waitScreen(tmux, 'the console task table', (s) =>
        ids.every((id) => new RegExp(`\\b${id}\\s+w1\\b`).test(s)),
      );
      for (let i = 0; i < ids.length; i++) {
        if (i > 0) await tmux.keys('j');
        await tmux.keys('Enter');
        await sleep(60);
      }
      await waitScreen(
        tmux,
        `${ids.length} running tasks in the table`,
        (s) => countMatches(s, /^\W*p\d+\s+w1\s+running\b/gm) === ids.length,
      );
      await tmux.keys('v');
      await waitScreen(
        tmux,
        `the split view with ${ids.length} panes`,
        (s) => countMatches(s, /── p\d+ w1 · [^─]*?· following/g) === ids.length,
      );
    },
    /** `f` toggles follow on the selected task's pane: its title says "paused at line …". */
    keyToggle: (tmux, phase, pollMs) =>
      phase % 2 === 0
        ? timeKey(tmux, 'f', (s) => s.includes('paused at line'), pollMs)
        : timeKey(tmux, 'f', (s) => !s.includes('paused at line'), pollMs),
    /** Every producer's last line is on screen (the split view shows all four). */
    caughtUp: (parsed, reports) => reports.every((r) => parsed.maxSeq[r.id] === r.lines),
    /**
     * q; with tasks running the console asks first (stop them, or leave them running): answer
     * y, which stops them. The producers have usually exited by now and it just leaves.
     */
    quit: async ({ tmux }) => {
      await tmux.keys('q');
      const started = Date.now();
      let answered = 0;
      await waitFor(
        'the console to exit after q',
        async () => {
          const state = await tmux.paneState();
          if (state.dead) return state;
          const screen = screenText(await tmux.capture());
          const asking = /\(y\/n\)|stop (them|it) and quit|quit\?/i.test(screen);
          // The prompt's wording changes with the console; after 3 s answer y regardless.
          if (
            (asking || Date.now() - started > 3_000) &&
            answered < 3 &&
            Date.now() - started > answered * 2_000
          ) {
            answered++;
            await tmux.keys('y');
          }
          return undefined;
        },
        { deadlineMs: 20_000, intervalMs: 100, describe: lastScreen(tmux) },
      );
    },
    /** Every producer line must be in the console's log files exactly once, in order. */
    verify: ({ dir, reports }) =>
      checkLogFiles(listLogFiles(path.join(dir, '.backfill', 'logs')), reports),
    seqJumpsMeaningful: true,
  },

  floor: {
    title: 'floor (tail -f)',
    /** The bench starts the producers into files; one tail follows the four files in the pane. */
    setup: ({ dir, ids, producerArgv, track }) => {
      const files = ids.map((id) => path.join(dir, `${id}.log`));
      for (const file of files) closeSync(openSync(file, 'w'));
      const errFd = openSync(path.join(dir, 'producers.err'), 'a');
      ids.forEach((id, i) => {
        const child = spawn(process.execPath, [...producerArgv(id).slice(1), '--out', files[i]], {
          stdio: ['ignore', 'ignore', errFd],
          detached: true,
        });
        track({ kind: 'pid', pid: child.pid, group: true });
        child.unref();
      });
      closeSync(errFd);
      return { argv: ['tail', '-q', '-n', '+1', '-f', ...files], files };
    },
    ready: async ({ tmux }) => {
      // tail has nothing to show until the producers start; give it a moment to open the files.
      await sleep(300);
      const state = await tmux.paneState();
      if (state.dead) throw new Error(`tail exited (${state.status}) before the run`);
    },
    caughtUp: undefined,
    quit: async ({ tmux }) => {
      await tmux.keys('C-c');
      await waitFor('tail to exit', async () => (await tmux.paneState()).dead, {
        deadlineMs: 5_000,
      });
    },
    verify: ({ setupResult, reports }) => checkLogFiles(setupResult.files, reports),
    seqJumpsMeaningful: false,
  },

  peer: {
    title: 'peer (mprocs)',
    setup: ({ dir, ids, producerArgv }) => {
      const procs = Object.fromEntries(ids.map((id) => [id, { cmd: producerArgv(id) }]));
      const config = path.join(dir, 'mprocs.yaml');
      writeFileSync(config, JSON.stringify({ procs }, null, 2)); // JSON is YAML
      return { argv: [mprocsBinary(), '--config', config] };
    },
    ready: async ({ tmux, ids }) => {
      await waitScreen(
        tmux,
        'the mprocs process list',
        (s) => ids.every((id) => s.includes(id)) && s.includes('•p1'),
      );
    },
    /** j/k move the selection in the process list: the bullet moves between p1 and p2. */
    keyToggle: (tmux, phase, pollMs) =>
      phase % 2 === 0
        ? timeKey(tmux, 'j', (s) => s.includes('•p2'), pollMs)
        : timeKey(tmux, 'k', (s) => s.includes('•p1'), pollMs),
    caughtUp: undefined,
    quit: async ({ tmux }) => {
      // mprocs asks nothing: q stops the processes and leaves.
      await tmux.keys('q');
      await waitFor('mprocs to exit', async () => (await tmux.paneState()).dead, {
        deadlineMs: 15_000,
        intervalMs: 100,
      });
    },
    verify: undefined,
    seqJumpsMeaningful: false,
  },
};

export const ensureDir = (dir) => mkdirSync(dir, { recursive: true });
