/**
 * The crash drill: the bundled demo is filled until complete while the real console is killed
 * at random moments (SIGKILL, or its terminal closed under it) and started again each time.
 * Nothing may be lost, run twice or left behind. `npm run drill` runs a longer one
 * (DRILL_KILLS, default 30); DRILL_SEED replays a given sequence of kills.
 */
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyDemo, repoRoot } from '../support/demo-copy.js';
import { startTmux } from '../support/tmux.js';
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

describe('the crash drill', () => {
  it(
    `fills the demo while the console is killed ${kills} times: all complete, nothing run twice, nothing left`,
    async () => {
      console.log(`crash drill: ${kills} kills, DRILL_SEED=${seed}`);
      const random = seededRandom(seed);
      const { dir, plan } = copyDemo((text) => text.replace('liveSeconds: 3', 'liveSeconds: 1'));
      drillDir = dir;
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

      const kinds: Record<string, number> = {
        SIGKILL: 0,
        'terminal closed': 0,
        'in a stop': 0,
        'at a launch': 0,
        'in a journal write': 0,
      };
      for (let round = 0; round < kills; round++) {
        // Every third round the console kills itself at a failpoint: right after spawning a
        // run (its pid not yet journaled) or between writing a journal and renaming it.
        const aimed =
          round % 3 === 2
            ? random() < 0.5
              ? {
                  kind: 'at a launch',
                  failpoint: `launch:after-spawn@${1 + Math.floor(random() * 4)}`,
                }
              : {
                  kind: 'in a journal write',
                  failpoint: `journal:before-rename@${2 + Math.floor(random() * 8)}`,
                }
            : undefined;
        const command = aimed
          ? ['env', `BACKFILL_FAILPOINT=${aimed.failpoint}`, ...consoleCommand.slice(1)]
          : consoleCommand;
        term = startTmux(command, { columns: 120, rows: 40 });
        const screen = term;
        const fillGaps = async () => {
          await screen.waitForScreen((s) => s.includes('27 tasks'), `the table (round ${round})`);
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
        const roll = random();
        const consolePid = consolePidOf(stateDir);
        if (aimed) {
          // Dead at its failpoint by now, or (nothing left to launch) killed outright.
          const died = await waitFor(
            'the console to reach its failpoint',
            () => (!isAlive(consolePid) ? true : undefined),
            5_000,
          ).catch(() => false);
          if (!died) process.kill(consolePid, 'SIGKILL');
          kinds[died ? aimed.kind : 'SIGKILL']!++;
        } else {
          await new Promise((resolve) => setTimeout(resolve, 150 + Math.floor(random() * 2500)));
          if (roll < 0.2) {
            // Stop the selected task if it runs, and die during its stop countdown.
            term.keys('x');
            await new Promise((resolve) => setTimeout(resolve, 50));
            process.kill(consolePid, 'SIGKILL');
            kinds['in a stop']!++;
          } else if (roll < 0.45) {
            term.kill(); // the terminal goes away: SIGHUP
            kinds['terminal closed']!++;
          } else {
            process.kill(consolePid, 'SIGKILL');
            kinds.SIGKILL!++;
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
      console.log(`crash drill: kills by kind ${JSON.stringify(kinds)}`);

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
