import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createCoveragePoller } from '../../src/runner/coverage/coverage-poller.js';
import { openPlanWarehouse } from '../../src/runner/coverage/open-plan-warehouse.js';
import { planRun } from '../../src/runner/orchestration/run-planner.js';
import { CellState, cellState } from '../../src/state/coverage-state.js';
import { createAppStore } from '../../src/state/store.js';
import { coveragePlan } from './coverage-plans.js';
import type { PlanOptions } from './coverage-plans.js';

// One window of four game days; 04-18 has no game.
const window = { id: 'w1', start: '2022-04-16', end: '2022-04-20' };
const games = ['2022-04-16', '2022-04-17', '2022-04-19', '2022-04-20'];

const folders: string[] = [];
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/**
 * One SQLite file with plain names: `schedule` (one row per game) and `t_partial`, holding
 * `rowsPerDate` team rows for each date it lists.
 */
const oneFileWarehouse = (rowsPerDate: Record<string, number>) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'coverage-completeness-'));
  folders.push(dir);
  const db = new Database(path.join(dir, 'wh.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE schedule (game_date TEXT, game_id TEXT)');
    db.exec('CREATE TABLE t_partial (d TEXT, team TEXT)');
    const game = db.prepare('INSERT INTO schedule VALUES (?, ?)');
    // Three games on 04-16, one on every other game day.
    for (const date of games) game.run(date, `${date}-a`);
    game.run('2022-04-16', '2022-04-16-b');
    game.run('2022-04-16', '2022-04-16-c');
    const row = db.prepare('INSERT INTO t_partial VALUES (?, ?)');
    for (const [date, count] of Object.entries(rowsPerDate)) {
      for (let i = 0; i < count; i++) row.run(date, `team${i}`);
    }
  } finally {
    db.close();
  }
  return dir;
};

const setUp = (dir: string, options: Partial<Omit<PlanOptions, 'dir'>>) => {
  const plan = coveragePlan({
    dir,
    windows: [window],
    warehouse: { kind: 'sqlite', path: './wh.sqlite' },
    processors: [],
    ...options,
  });
  const warehouse = openPlanWarehouse(plan);
  if (!warehouse) throw new Error('the plan declares coverage');
  closers.push(() => warehouse.close());
  const store = createAppStore(plan);
  const poller = createCoveragePoller({ plan, store, warehouse });
  closers.push(() => poller.dispose());
  return { plan, store, poller };
};

const distinctGames =
  'SELECT DISTINCT game_date FROM schedule WHERE game_date BETWEEN @start AND @end';
// Two team rows per scheduled game: the rows each date should have.
const teamRowsPerDate =
  'SELECT game_date, 2 * COUNT(*) FROM schedule WHERE game_date BETWEEN @start AND @end GROUP BY game_date';

describe('coverage on one SQLite file with plain table names', () => {
  it('accepts `table: t_partial` and counts the dates it holds', async () => {
    const dir = oneFileWarehouse({ '2022-04-16': 6, '2022-04-17': 2 });
    const { store, poller } = setUp(dir, {
      expectedSql: distinctGames,
      processors: [{ id: 'teams', coverage: { table: 't_partial', dateColumn: 'd' } }],
    });
    await poller.refreshAll();
    expect(store.getState().coverage['teams@w1']).toMatchObject({
      covered: 2,
      expected: 4,
      missing: ['2022-04-19', '2022-04-20'],
    });
  });

  it('rejects dataset.table for a one-file warehouse, naming the field', () => {
    const dir = oneFileWarehouse({});
    expect(() =>
      setUp(dir, {
        processors: [{ id: 'teams', coverage: { table: 'nba.t_partial', dateColumn: 'd' } }],
      }),
    ).toThrow(
      /processors\[0\]\.coverage\.table: "nba\.t_partial": the warehouse is one SQLite file/,
    );
  });
});

describe('thin dates: present, but with fewer rows than they need', () => {
  it('finds dates below coverage.minRows and keeps them apart from missing dates', async () => {
    const dir = oneFileWarehouse({ '2022-04-16': 30, '2022-04-17': 18, '2022-04-19': 30 });
    const { store, poller } = setUp(dir, {
      expectedSql: distinctGames,
      processors: [{ id: 'zones', coverage: { table: 't_partial', dateColumn: 'd', minRows: 30 } }],
    });
    await poller.refreshAll();
    const cell = store.getState().coverage['zones@w1'];
    expect(cell).toMatchObject({
      covered: 2,
      expected: 4,
      missing: ['2022-04-20'],
      thin: [{ date: '2022-04-17', rows: 18, expected: 30 }],
    });
    expect(cellState(cell)).toBe(CellState.partial);
  });

  it("finds dates below the expected query's per-date count", async () => {
    // 04-16 has three games (6 team rows due) but only 4 rows; the others have 2 of 2.
    const dir = oneFileWarehouse({ '2022-04-16': 4, '2022-04-17': 2, '2022-04-19': 2 });
    const { store, poller } = setUp(dir, {
      expectedSql: teamRowsPerDate,
      processors: [{ id: 'teams', coverage: { table: 't_partial', dateColumn: 'd' } }],
    });
    await poller.refreshAll();
    expect(store.getState().coverage['teams@w1']).toMatchObject({
      covered: 2,
      expected: 4,
      missing: ['2022-04-20'],
      thin: [{ date: '2022-04-16', rows: 4, expected: 6 }],
    });
  });

  it('reads the row count from the second column of a custom coverage.sql', async () => {
    const dir = oneFileWarehouse({ '2022-04-16': 6, '2022-04-17': 1, '2022-04-19': 2 });
    const { store, poller } = setUp(dir, {
      expectedSql: teamRowsPerDate,
      processors: [
        {
          id: 'custom',
          coverage: {
            sql: 'SELECT d, COUNT(DISTINCT team) FROM t_partial WHERE d BETWEEN @start AND @end GROUP BY d',
          },
        },
      ],
    });
    await poller.refreshAll();
    expect(store.getState().coverage['custom@w1']).toMatchObject({
      covered: 2,
      missing: ['2022-04-20'],
      thin: [{ date: '2022-04-17', rows: 1, expected: 2 }],
    });
  });

  it('fills thin dates like missing ones: ranges and date lists include them', async () => {
    const dir = oneFileWarehouse({ '2022-04-16': 30, '2022-04-17': 18, '2022-04-19': 30 });
    const { plan, store, poller } = setUp(dir, {
      expectedSql: distinctGames,
      processors: [{ id: 'zones', coverage: { table: 't_partial', dateColumn: 'd', minRows: 30 } }],
    });
    await poller.refreshAll();
    const preview = planRun(plan, store.getState(), 'gaps');
    expect(preview.steps).toHaveLength(1);
    expect(preview.steps[0]?.detail).toBe('1 missing date + 1 thin date in 2 ranges');
    expect(preview.steps[0]?.runs).toEqual([
      ['node', '-e', ''],
      ['node', '-e', ''],
    ]);
    expect(preview.steps[0]?.commands).toHaveLength(2);
  });
});

describe('an output table that does not exist yet', () => {
  it('is missing every expected date, with a note, and fill gaps runs the whole window', async () => {
    const dir = oneFileWarehouse({});
    const { plan, store, poller } = setUp(dir, {
      expectedSql: distinctGames,
      processors: [{ id: 'later', coverage: { table: 't_later', dateColumn: 'd' } }],
    });
    await poller.refreshAll();
    const cell = store.getState().coverage['later@w1'];
    expect(cell).toMatchObject({
      covered: 0,
      expected: 4,
      missing: games,
      note: 'table does not exist yet',
    });
    expect(cell?.error).toBeUndefined();
    const preview = planRun(plan, store.getState(), 'gaps');
    expect(preview.skipped).toEqual([]);
    expect(preview.steps.map((s) => s.detail)).toEqual(['4 missing dates in 1 range']);
  });

  it('stays an error in the expected-dates query: nothing can be judged without it', async () => {
    const dir = oneFileWarehouse({});
    const { store, poller } = setUp(dir, {
      expectedSql: 'SELECT game_date FROM no_schedule WHERE game_date BETWEEN @start AND @end',
      processors: [{ id: 'teams', coverage: { table: 't_partial', dateColumn: 'd' } }],
    });
    await poller.refreshAll();
    expect(store.getState().coverage['teams@w1']?.error).toMatch(
      /expected-dates query failed: no such table: no_schedule/,
    );
  });
});
