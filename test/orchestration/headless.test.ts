import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { finalGame, writeOutput, writeSchedule } from '../coverage/sqlite-seed.js';
import { repoRoot } from '../support/demo-copy.js';
import { fixture, tempDir } from './orchestration-plan.js';

const bin = path.join(repoRoot, 'bin/backfill-console.js');
const writeDays = fixture('write-days.mjs');

type Result = { code: number; stdout: string; stderr: string };

const cli = (args: string[]) =>
  new Promise<Result>((resolve) => {
    execFile('node', [bin, ...args], { encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

// w1 has no game on 04-18; w2 has a game every day.
const games = {
  w1: ['2022-04-16', '2022-04-17', '2022-04-19', '2022-04-20'],
  w2: ['2022-05-01', '2022-05-02', '2022-05-03'],
};

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

/**
 * alpha (phase 3) → beta (phase 4), two windows, over a real SQLite folder. Each processor
 * writes every day of its window into its table (write-days.mjs); `done` lists the cells whose
 * output is already complete; `alphaFails` makes alpha exit 1 in that window.
 */
const setUp = (
  options: {
    done?: string[];
    alphaFails?: string;
    alphaFailsDates?: string;
    coverage?: boolean;
  } = {},
) => {
  const dir = tempDir('headless');
  const folder = path.join(dir, 'warehouse');
  writeSchedule(
    folder,
    [...games.w1, ...games.w2].map((d) => [d, finalGame]),
  );
  const done = new Set(options.done ?? []);
  const outputOf = (taskPrefix: string) =>
    (['w1', 'w2'] as const).flatMap((w) => (done.has(`${taskPrefix}@${w}`) ? games[w] : []));
  writeOutput(folder, 'nba_analytics', 'alpha', outputOf('alpha'));
  writeOutput(folder, 'nba_precompute', 'beta', outputOf('beta'));
  const tracked = options.coverage ?? true;
  const plan = {
    version: 1,
    name: 'headless test plan',
    settings: { coverage: { liveSeconds: 0 } },
    ...(tracked
      ? {
          warehouse: { kind: 'sqlite', path: './warehouse' },
          expected: {
            sql: 'SELECT DISTINCT game_date FROM nba_raw.nbac_schedule WHERE game_status = 3 AND game_date BETWEEN @start AND @end',
          },
        }
      : {}),
    windows: [
      { id: 'w1', start: '2022-04-16', end: '2022-04-20' },
      { id: 'w2', start: '2022-05-01', end: '2022-05-03' },
    ],
    phases: [
      { id: '3', title: 'Phase 3 analytics' },
      { id: '4', title: 'Phase 4 precompute' },
    ],
    processors: [
      {
        id: 'alpha',
        phase: '3',
        command: argv('nba_analytics', 'alpha', [
          ...(options.alphaFails ? ['--exit-on-window', options.alphaFails] : []),
          ...(options.alphaFailsDates ? ['--fail', options.alphaFailsDates] : []),
        ]),
        ...(tracked
          ? { coverage: { table: 'nba_analytics.alpha', dateColumn: 'analysis_date' } }
          : {}),
      },
      {
        id: 'beta',
        phase: '4',
        dependsOn: ['alpha'],
        command: argv('nba_precompute', 'beta', []),
        ...(tracked
          ? { coverage: { table: 'nba_precompute.beta', dateColumn: 'analysis_date' } }
          : {}),
      },
    ],
  };
  const file = path.join(dir, 'backfill.yaml');
  writeFileSync(file, JSON.stringify(plan, null, 2));
  const logsDir = path.join(dir, '.backfill', 'logs');
  return {
    dir,
    file,
    logsDir,
    /** Task ids that got a log folder, i.e. were started. */
    started: () => (existsSync(logsDir) ? readdirSync(logsDir).sort() : []),
    rows: (dataset: string, table: string) => {
      const db = new Database(path.join(folder, `${dataset}.sqlite`), { readonly: true });
      try {
        return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
      } finally {
        db.close();
      }
    },
  };
};

const command = (dataset: string, table: string, window: string, start: string, end: string) =>
  `node ${writeDays} warehouse ${dataset} ${table} --start-date ${start} --end-date ${end} --window ${window}`;

/** Lines of stdout that a task printed through the headless runner: "[task@window] line". */
const linesOf = (stdout: string, taskId: string) =>
  stdout.split('\n').filter((line) => line.startsWith(`[${taskId}] `));

describe('backfill-console run', () => {
  it('--dry-run prints the numbered steps with exact commands and the skips, starts nothing, exits 0', async () => {
    const setup = setUp({ done: ['alpha@w1'] });
    const result = await cli(['run', '--plan', setup.file, '--dry-run']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'dry run (all): 3 tasks to run, 1 skipped',
        '  1. alpha@w2 · whole window (0/3 dates covered)',
        `       $ ${command('nba_analytics', 'alpha', 'w2', '2022-05-01', '2022-05-03')}`,
        '  2. beta@w1 · whole window (0/4 dates covered)',
        `       $ ${command('nba_precompute', 'beta', 'w1', '2022-04-16', '2022-04-20')}`,
        '  3. beta@w2 · whole window (0/3 dates covered) (after alpha@w2)',
        `       $ ${command('nba_precompute', 'beta', 'w2', '2022-05-01', '2022-05-03')}`,
        '  skip alpha@w1: complete: 4/4 dates',
        '',
      ].join('\n'),
    );
    expect(existsSync(setup.logsDir)).toBe(false);
    expect(setup.rows('nba_analytics', 'alpha')).toBe(4);
    expect(setup.rows('nba_precompute', 'beta')).toBe(0);
  });

  it('runs every task in dependency order, prefixing their lines, and exits 0 when all succeed and cells are complete', async () => {
    const setup = setUp();
    const result = await cli(['run', '--plan', setup.file]);
    expect(result.code).toBe(0);
    const { stdout } = result;
    expect(stdout).toContain('plan (all): 4 tasks to run, 0 skipped');
    expect(linesOf(stdout, 'alpha@w1')).toEqual(
      expect.arrayContaining([
        '[alpha@w1] Processing date 1/5: 2022-04-16',
        '[alpha@w1]   ✓ Success: 1 rows',
        '[alpha@w1] ── succeeded',
      ]),
    );
    for (const taskId of ['alpha@w2', 'beta@w1', 'beta@w2']) {
      expect(linesOf(stdout, taskId)).toContain(`[${taskId}] ── succeeded`);
    }
    // beta@w1 started after alpha@w1 ended, so its first line comes after alpha's verdict.
    expect(stdout.indexOf('[alpha@w1] ── succeeded')).toBeLessThan(
      stdout.indexOf('[beta@w1] Processing date 1/5: 2022-04-16'),
    );
    expect(stdout).toMatch(/\n {2}alpha\s+4\/4 100%\s+3\/3 100%/);
    expect(stdout).toMatch(/\n {2}beta\s+4\/4 100%\s+3\/3 100%/);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('4/4 tasks succeeded, 4/4 cells complete');
    expect(setup.started()).toEqual(['alpha@w1', 'alpha@w2', 'beta@w1', 'beta@w2']);
  });

  it('exits 1 when a task fails, and does not launch what depends on it', async () => {
    const setup = setUp({ alphaFails: 'w2' });
    const result = await cli(['run', '--plan', setup.file]);
    expect(result.code).toBe(1);
    expect(linesOf(result.stdout, 'alpha@w2')).toEqual(
      expect.arrayContaining([
        '[alpha@w2] Traceback (most recent call last):',
        '[alpha@w2] ── failed: exit 1: RuntimeError: scripted failure in w2',
      ]),
    );
    // Never launched: its only line says so, and why.
    expect(linesOf(result.stdout, 'beta@w2')).toEqual([
      '[beta@w2] ── not launched: upstream failed (waiting for alpha w2: 0/3 dates (failed))',
    ]);
    expect(linesOf(result.stdout, 'beta@w1')).toContain('[beta@w1] ── succeeded');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
      '2/4 tasks succeeded, 2/4 cells complete',
    );
    expect(setup.started()).toEqual(['alpha@w1', 'alpha@w2', 'beta@w1']);
  });

  it('gives the reasons a step was not launched from the same answers as the matrix it prints', async () => {
    // alpha w1 exits 0 but fails 04-19: 3 of its 4 game dates are written.
    const setup = setUp({ alphaFailsDates: '2022-04-19' });
    const result = await cli(['run', '--plan', setup.file]);
    expect(result.code).toBe(1);
    expect(linesOf(result.stdout, 'beta@w1')).toEqual([
      '[beta@w1] ── not launched: upstream failed (waiting for alpha w1: 3/4 dates (with-failures))',
    ]);
    expect(result.stdout).toMatch(/\n {2}alpha\s+3\/4 75%\s+3\/3 100%/);
    // Headless output names no console keys.
    expect(result.stdout).not.toMatch(/c refreshes|press|\(a runs/);
  });

  it('counts attempts across runs from the journal, and keeps the journal entries of tasks it did not run', async () => {
    const setup = setUp({ alphaFails: 'w2' });
    expect((await cli(['run', '--plan', setup.file])).code).toBe(1);
    const again = await cli(['run', '--plan', setup.file, '--only', 'alpha', '--window', 'w2']);
    expect(again.code).toBe(1);
    const journal = JSON.parse(
      readFileSync(path.join(setup.dir, '.backfill', 'journal.json'), 'utf8'),
    ) as { tasks: Record<string, { attempt: number; status: string }> };
    expect(journal.tasks['alpha@w2']).toMatchObject({ attempt: 2, status: 'failed' });
    expect(journal.tasks['alpha@w1']).toMatchObject({ attempt: 1, status: 'succeeded' });
    expect(journal.tasks['beta@w1']).toMatchObject({ attempt: 1, status: 'succeeded' });
    const logs = readdirSync(path.join(setup.logsDir, 'alpha@w2')).filter((f) =>
      f.endsWith('.log'),
    );
    const newest = logs.sort().at(-1)!;
    expect(readFileSync(path.join(setup.logsDir, 'alpha@w2', newest), 'utf8')).toContain(
      '[backfill-console] attempt 2 of alpha@w2',
    );
  });

  it('--only and --window limit the run to those processors and windows', async () => {
    const setup = setUp();
    const result = await cli(['run', '--plan', setup.file, '--only', 'alpha', '--window', 'w2']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('plan (all): 1 task to run, 0 skipped\n  1. alpha@w2 ·');
    expect(linesOf(result.stdout, 'alpha@w2')).toContain('[alpha@w2] ── succeeded');
    for (const other of ['alpha@w1', 'beta@w1', 'beta@w2']) {
      expect(linesOf(result.stdout, other)).toEqual([]);
    }
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
      '1/1 tasks succeeded, 1/1 cells complete',
    );
    expect(setup.started()).toEqual(['alpha@w2']);
    expect(setup.rows('nba_analytics', 'alpha')).toBe(3);
    expect(setup.rows('nba_precompute', 'beta')).toBe(0);
  });

  it('says nothing needs running and exits 0 when every task in scope is complete', async () => {
    const setup = setUp({ done: ['alpha@w1', 'alpha@w2', 'beta@w1', 'beta@w2'] });
    const result = await cli(['run', '--plan', setup.file]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('plan (all): 0 tasks to run, 4 skipped');
    expect(lines).toEqual(
      expect.arrayContaining([
        '  skip alpha@w1: complete: 4/4 dates',
        '  skip alpha@w2: complete: 3/3 dates',
        '  skip beta@w1: complete: 4/4 dates',
        '  skip beta@w2: complete: 3/3 dates',
      ]),
    );
    expect(lines.filter((line) => line.startsWith('['))).toEqual([]);
    expect(setup.started()).toEqual([]);
  });

  it('--fill-gaps exits 1 when nothing ran because no gaps are known', async () => {
    const setup = setUp({ coverage: false });
    const result = await cli(['run', '--plan', setup.file, '--fill-gaps']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '  skip alpha@w1: no coverage declared: gaps unknown (a whole-window run covers it)',
    );
    expect(setup.started()).toEqual([]);
  });

  it('rejects an unknown processor in --only or window in --window with exit 2, naming it', async () => {
    const setup = setUp();
    const processor = await cli(['run', '--plan', setup.file, '--only', 'alpah']);
    expect(processor.code).toBe(2);
    expect(processor.stderr).toContain('alpah');
    const window = await cli(['run', '--plan', setup.file, '--window', 'w9']);
    expect(window.code).toBe(2);
    expect(window.stderr).toContain('w9');
    expect(setup.started()).toEqual([]);
  });
});
