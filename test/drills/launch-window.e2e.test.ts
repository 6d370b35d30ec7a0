/**
 * Kills aimed at the worst moments of a launch, through the console's failpoints
 * (src/runner/process/failpoint.ts): before the spawn, right after it (the journal does not know
 * the run's pid yet), and with a new journal written but not yet renamed over the old one. Each
 * time the next console must find the run from its own files: follow it if it still runs, never
 * start a second one beside it, and leave the journal readable and nothing running.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyDemo, repoRoot } from '../support/demo-copy.js';
import { waitFor } from '../support/wait-for.js';
import { overlappingRuns, processesMentioning, readJournalFile, runSpans } from './invariants.js';

const bin = path.join(repoRoot, 'bin/backfill-console.js');
const task = 'team_defense_game_summary@2022-23';
const only = ['--only', 'team_defense_game_summary', '--window', '2022-23'];

let drillDir: string | undefined;
afterEach(() => {
  for (const line of drillDir ? processesMentioning(drillDir) : []) {
    try {
      process.kill(Number(line.split(' ')[0]), 'SIGKILL');
    } catch {
      // gone
    }
  }
});

type Result = { code: number | string; signal: string | null; stdout: string };

const cli = (args: string[], env: NodeJS.ProcessEnv): Promise<Result> =>
  new Promise((resolve) => {
    execFile(
      'node',
      [bin, ...args],
      { env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
      (error, stdout) =>
        resolve({
          code: error ? ((error as { code?: number | string }).code ?? 1) : 0,
          signal: error ? ((error as { signal?: string }).signal ?? null) : null,
          stdout,
        }),
    );
  });

const runsOfTask = (stateDir: string) =>
  readdirSync(path.join(stateDir, 'logs', task)).filter((name) => name.endsWith('.log'));

describe('a console killed at a failpoint of a launch', () => {
  it.each([
    // The run is spawned and the journal still says "starting" with no pid.
    { failpoint: 'launch:after-spawn', runs: 1, followed: true },
    // The first journal write never replaces the old journal. Writes are coalesced, so the
    // first one already holds the run's pid (its start and launch are one write).
    { failpoint: 'journal:before-rename@1', runs: 1, followed: true },
    // The journal says "starting" and nothing was spawned: the next console starts it.
    { failpoint: 'launch:before-spawn', runs: 2, followed: false },
  ])(
    '$failpoint: the next console finds the run from its own files and never runs it twice at once',
    async ({ failpoint, runs, followed }) => {
      const { dir, plan } = copyDemo();
      drillDir = dir;
      const stateDir = path.join(dir, '.backfill');
      const env = {
        ...process.env,
        DEMO_WAREHOUSE: path.join(dir, 'warehouse'),
        // About 6 s a run: still running when the next console starts.
        DEMO_DELAY_MS: '100',
      };
      execFileSync('node', [path.join(dir, 'seed-warehouse.mjs')], { env, stdio: 'ignore' });

      const killed = await cli(['run', '--plan', plan, ...only], {
        ...env,
        BACKFILL_FAILPOINT: failpoint,
      });
      expect(killed.signal).toBe('SIGKILL');
      // Whatever the console died in the middle of, the journal it left must parse.
      expect(() => readJournalFile(stateDir)).not.toThrow();
      if (followed) {
        expect(processesMentioning(dir).length).toBeGreaterThan(0);
      } else {
        // Nothing was spawned; allow the killed console's own exit to finish, then name what
        // is left if anything is.
        await waitFor('nothing running after a kill before the spawn', () =>
          processesMentioning(dir).length === 0 ? true : undefined,
        ).catch(() => undefined);
        expect(processesMentioning(dir)).toEqual([]);
      }

      const next = await cli(['run', '--fill-gaps', '--plan', plan, ...only], env);
      expect(next.stdout).toContain(followed ? 're-attached to 1 task left running' : 'run');
      expect(next.code, next.stdout).toBe(0);

      expect(runsOfTask(stateDir)).toHaveLength(runs);
      expect(overlappingRuns(runSpans(stateDir)).map(([a, b]) => `${a.file} ~ ${b.file}`)).toEqual(
        [],
      );
      const status = await cli(['status', '--json', '--plan', plan], env);
      const report = JSON.parse(status.stdout) as {
        cells: { processor: string; window: string; missing: string[] }[];
      };
      const cell = report.cells.find(
        (c) => c.processor === 'team_defense_game_summary' && c.window === '2022-23',
      );
      expect(cell?.missing).toEqual([]);
      await waitFor('nothing of the drill left running', () =>
        processesMentioning(dir).length === 0 ? true : undefined,
      );
      expect(readJournalFile(stateDir)).not.toBe('none');
      expect(readdirSync(stateDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    },
    180_000,
  );
});
