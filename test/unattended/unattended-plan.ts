import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { finalGame, writeOutput, writeSchedule } from '../coverage/sqlite-seed.js';
import { repoRoot } from '../support/demo-copy.js';
import { fixture, tempDir } from '../orchestration/orchestration-plan.js';

export const bin = path.join(repoRoot, 'bin/backfill-console.js');
const writeDays = fixture('write-days.mjs');

/** w1: four game dates (no game on 04-18). */
export const w1Games = ['2022-04-16', '2022-04-17', '2022-04-19', '2022-04-20'];

export type Cli = { code: number; stdout: string; stderr: string };

export const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  new Promise<Cli>((resolve) => {
    execFile(
      'node',
      [bin, ...args],
      { encoding: 'utf8', env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
        }),
    );
  });

/**
 * alpha → beta over one window w1 of a real SQLite warehouse; both write their days with
 * write-days.mjs. `alpha` adds arguments to alpha's command (e.g. --fail dates),
 * `settings` and `alphaExtra` go into the plan as given.
 */
export const unattendedPlan = (
  options: {
    alpha?: string[];
    settings?: Record<string, unknown>;
    alphaExtra?: Record<string, unknown>;
    betaByDates?: boolean;
  } = {},
) => {
  const dir = tempDir('unattended');
  const folder = path.join(dir, 'warehouse');
  writeSchedule(
    folder,
    w1Games.map((d) => [d, finalGame]),
  );
  writeOutput(folder, 'nba_analytics', 'alpha', []);
  writeOutput(folder, 'nba_precompute', 'beta', []);
  const argv = (dataset: string, table: string, extra: string[]) => [
    'node',
    writeDays,
    'warehouse',
    dataset,
    table,
    '--start-date',
    '{start}',
    '--end-date',
    '{end}',
    '--window',
    '{window}',
    ...extra,
  ];
  const plan = {
    version: 1,
    name: 'unattended test plan',
    settings: { coverage: { liveSeconds: 0 }, ...options.settings },
    warehouse: { kind: 'sqlite', path: './warehouse' },
    expected: {
      sql: 'SELECT DISTINCT game_date FROM nba_raw.nbac_schedule WHERE game_status = 3 AND game_date BETWEEN @start AND @end',
    },
    windows: [{ id: 'w1', start: '2022-04-16', end: '2022-04-20' }],
    phases: [
      { id: '3', title: 'Phase 3 analytics' },
      { id: '4', title: 'Phase 4 precompute' },
    ],
    processors: [
      {
        id: 'alpha',
        phase: '3',
        command: argv('nba_analytics', 'alpha', options.alpha ?? []),
        coverage: { table: 'nba_analytics.alpha', dateColumn: 'analysis_date' },
        ...options.alphaExtra,
      },
      {
        id: 'beta',
        phase: '4',
        dependsOn: ['alpha'],
        command: argv('nba_precompute', 'beta', []),
        coverage: { table: 'nba_precompute.beta', dateColumn: 'analysis_date' },
        ...(options.betaByDates
          ? { fillGaps: { by: 'dates', append: ['--dates', '{dates}'] } }
          : {}),
      },
    ],
  };
  const file = path.join(dir, 'backfill.yaml');
  writeFileSync(file, JSON.stringify(plan, null, 2));
  return { dir, file, folder, stateDir: path.join(dir, '.backfill') };
};
