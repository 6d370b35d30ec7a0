/**
 * The crash drill: the bundled demo is filled until complete while the real console is killed
 * at random moments and started again each time. The kinds of kill take turns: SIGKILL, in a
 * journal write, in a stop countdown, at a launch, its terminal closed (SIGHUP).
 * Nothing may be lost, run twice or left behind. `npm run drill` runs a longer one
 * (DRILL_KILLS, default 30); DRILL_SEED replays a given sequence of kills.
 */
import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyDemo, repoRoot } from '../support/demo-copy.js';
import { startTmux, tableHeading } from '../support/tmux.js';
import { waitFor } from '../support/wait-for.js';
import { consolePidOf } from '../faults/support.js';
import {
  logHoles,
  overlappingRuns,
  processesMentioning,
  readJournalFile,
  runSpans,
  seededRandom,
} from './invariants.js';

const bin = path.join(repoRoot, 'bin/backfill-console.js');
const kills = Number(process.env.DRILL_KILLS ?? 10);
const seed = Number(process.env.DRILL_SEED ?? Date.now() % 100_000);

let term: ReturnType<typeof startTmux> | undefined;
let drillDir: string | undefined;
afterEach(() => {
  term?.kill();
  // Whatever a failed drill left running must not outlive it.
  if (drillDir) {
    for (const line of processesMentioning(drillDir)) {
      try {
        process.kill(Number(line.split(' ')[0]), 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
});

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The kinds of kill, in the order the rounds take them. */
const kindsInTurn = [
  'SIGKILL',
  'in a journal write',
  'in a stop',
  'at a launch',
  'terminal closed',
] as const;

/**
 * Asks the console to quit stopping its running tasks (q, s) and waits for a stop countdown on
 * the screen: the drill's processors take 3 s to stop. False when none shows (nothing ran).
 */
const inStopCountdown = async (screen: ReturnType<typeof startTmux>) => {
  screen.keys('q');
  const asked = await screen
    .waitForScreen((s) => /running: s stop/.test(s), 'the quit question', 2_000)
    .then(() => true)
    .catch(() => false);
  if (!asked) return false;
  screen.keys('s');
  return screen
    .waitForScreen((s) => /stopping \ds/.test(s), 'a stop countdown', 3_000)
    .then(() => true)
    .catch(() => false);
};

describe('the crash drill', () => {
  it(
    `fills the demo while the console is killed ${kills} times: all complete, nothing run twice, nothing left`,
    async () => {
      console.log(`crash drill: ${kills} kills, DRILL_SEED=${seed}`);
      const random = seededRandom(seed);
      const { dir, plan } = copyDemo((text) => text.replace('liveSeconds: 3', 'liveSeconds: 1'));
      drillDir = dir;
      // A processor takes 3 s to stop on SIGTERM, as a script finishing its date would: a stop
      // has a countdown for a kill to land in, and the next console finds the run still alive.
      appendFileSync(
        path.join(dir, 'processors/lib/output.mjs'),
        "\nprocess.on('SIGTERM', () => setTimeout(() => process.exit(143), 3000));\n",
      );
      const stateDir = path.join(dir, '.backfill');
      const env = {
        ...process.env,
        DEMO_WAREHOUSE: path.join(dir, 'warehouse'),
        // Fast enough to finish, slow enough that kills land while tasks run.
        DEMO_DELAY_MS: '100',
      };
      execFileSync('node', [path.join(dir, 'seed-warehouse.mjs')], { env, stdio: 'ignore' });
      const consoleCommand = [
        'env',
        `DEMO_WAREHOUSE=${env.DEMO_WAREHOUSE}`,
        `DEMO_DELAY_MS=${env.DEMO_DELAY_MS}`,
        'node',
        bin,
        '--plan',
        plan,
      ];

      const kinds: Record<string, number> = Object.fromEntries(kindsInTurn.map((k) => [k, 0]));
      let quitOnItsOwn = 0;
      // A round whose console quit on its own (nothing ran) is not a kill: go on until `kills`.
      const landed = () => Object.values(kinds).reduce((sum, n) => sum + n, 0);
      for (let round = 0; landed() < kills && round < 2 * kills; round++) {
        // The kinds take turns, so ten rounds hold each twice; the moment is random. Aimed
        // kinds make the console kill itself at a failpoint: right after spawning a run (its
        // pid not yet journaled) or between writing a journal and renaming it.
        const kind = kindsInTurn[round % kindsInTurn.length]!;
        const aimed =
          kind === 'at a launch'
            ? { kind, failpoint: `launch:after-spawn@${1 + Math.floor(random() * 4)}` }
            : kind === 'in a journal write'
              ? { kind, failpoint: `journal:before-rename@${2 + Math.floor(random() * 4)}` }
              : undefined;
        const command = aimed
          ? ['env', `BACKFILL_FAILPOINT=${aimed.failpoint}`, ...consoleCommand.slice(1)]
          : consoleCommand;
        term = startTmux(command, { columns: 120, rows: 40 });
        const screen = term;
        const fillGaps = async () => {
          await screen.waitForScreen((s) => tableHeading.test(s), `the table (round ${round})`);
          screen.keys('G');
          const preview = await screen.waitForScreen(
            (s) => /\d+ tasks? to run/.test(s),
            `the fill-gaps dry run (round ${round})`,
            30_000,
          );
          screen.keys(/ 0 tasks to run/.test(preview) ? 'Escape' : 'y');
        };
        try {
          await fillGaps();
        } catch (error) {
          // A journal write while restoring (a re-attached run ended) may reach the failpoint
          // before the dry run is up: that is the aimed kill, early. Anything else fails.
          if (!aimed || !/program ended=1/.test((error as Error).message)) throw error;
        }
        const consolePid = consolePidOf(stateDir);
        if (aimed) {
          // Dead at its failpoint by now, or (nothing left to launch) killed outright.
          const died = await waitFor(
            'the console to reach its failpoint',
            () => (!isAlive(consolePid) ? true : undefined),
            10_000,
          ).catch(() => false);
          if (!died) process.kill(consolePid, 'SIGKILL');
          kinds[died ? aimed.kind : 'SIGKILL']!++;
        } else {
          await new Promise((resolve) => setTimeout(resolve, 150 + Math.floor(random() * 2500)));
          if (kind === 'in a stop' && (await inStopCountdown(screen))) {
            process.kill(consolePid, 'SIGKILL');
            kinds['in a stop']!++;
          } else if (kind === 'terminal closed') {
            term.kill(); // the terminal goes away: SIGHUP
            kinds['terminal closed']!++;
          } else if (isAlive(consolePid)) {
            process.kill(consolePid, 'SIGKILL');
            kinds.SIGKILL!++;
          } else {
            // Asked to quit with nothing running, it did: no kill this round.
            quitOnItsOwn++;
          }
        }
        await waitFor(`console ${consolePid} to be gone`, () => !isAlive(consolePid), 15_000);
        term.kill();
        // After every kill the next console must be able to read the journal.
        expect(() => readJournalFile(stateDir)).not.toThrow();
      }

      // Already now, no task may have had two live runs (checked again at the end).
      expect(
        overlappingRuns(runSpans(stateDir)).map(([a, b]) => `${a.file} overlaps ${b.file}`),
      ).toEqual([]);

      // Then let it finish: fill gaps headless (it re-attaches what is still running) until the
      // warehouse says every cell is complete.
      const cli = (args: string[]) =>
        new Promise<{ code: number; stdout: string }>((resolve) => {
          execFile(
            'node',
            [bin, ...args, '--plan', plan],
            // A hung run fails the drill instead of hanging it.
            { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 180_000 },
            (error, stdout) =>
              resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout }),
          );
        });
      let status = await cli(['status', '--json']);
      for (let pass = 0; pass < 5 && status.code !== 0; pass++) {
        await cli(['run', '--fill-gaps']);
        // Tasks a killed console left running end on their own; the next pass follows them.
        await waitFor(
          'no task of the drill left running',
          () => (processesMentioning(dir).length === 0 ? true : undefined),
          30_000,
        );
        status = await cli(['status', '--json']);
      }
      console.log(
        `crash drill: kills by kind ${JSON.stringify(kinds)}, rounds that quit on their own ${quitOnItsOwn}`,
      );
      expect(landed()).toBe(kills);
      // Every kind landed at least once (the early rounds, with tasks left to launch and stop).
      if (kills >= kindsInTurn.length) {
        expect(Object.entries(kinds).filter(([, n]) => n === 0)).toEqual([]);
      }

      const report = JSON.parse(status.stdout) as { complete: boolean; cells: unknown[] };
      expect(report.cells).toHaveLength(27);
      expect(report.complete).toBe(true);
      const spans = runSpans(stateDir);
      console.log(`crash drill: ${spans.length} runs of 27 tasks`);
      expect(overlappingRuns(spans).map(([a, b]) => `${a.file} overlaps ${b.file}`)).toEqual([]);
      // Each task's log holds every line its processes wrote.
      expect(logHoles(spans)).toEqual([]);
      expect(processesMentioning(dir)).toEqual([]);
      expect(readJournalFile(stateDir)).not.toBe('none');
    },
    10 * 60_000,
  );
});
