import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { createCoveragePoller } from '../../src/runner/coverage/coverage-poller.js';
import type { CoveragePoller } from '../../src/runner/coverage/coverage-poller.js';
import { openPlanWarehouse } from '../../src/runner/coverage/open-plan-warehouse.js';
import { CellState, cellState, runAndDataDisagree } from '../../src/state/coverage-state.js';
import { createAppStore } from '../../src/state/store.js';
import type { AppStore } from '../../src/state/store.js';
import { openSqliteDatasetForWrite } from '../../src/warehouse/sqlite-warehouse.js';
import type { DateRange, Warehouse } from '../../src/warehouse/warehouse.js';
import { waitFor } from '../support/wait-for.js';
import { coveragePlan, scheduleExpectedSql } from './coverage-plans.js';
import type { PlanOptions, ProcessorInput } from './coverage-plans.js';
import { finalGame, postponedGame, writeOutput, writeSchedule } from './sqlite-seed.js';

// w1 is 2022-04-16..04-20 with no game on 04-18; w2 is 2022-05-01..05-05 with 05-04 postponed.
const w1Games = ['2022-04-16', '2022-04-17', '2022-04-19', '2022-04-20'];
const w2Games = ['2022-05-01', '2022-05-02', '2022-05-03', '2022-05-05'];
const schedule: [string, number][] = [
  ['2022-04-15', finalGame],
  ...w1Games.map((d): [string, number] => [d, finalGame]),
  ['2022-04-21', finalGame],
  ...w2Games.map((d): [string, number] => [d, finalGame]),
  ['2022-05-04', postponedGame],
];

const table = (name: string, dateColumn = 'analysis_date') => ({
  table: `nba_precompute.${name}`,
  dateColumn,
});

const processors: ProcessorInput[] = [
  { id: 'full', phase: '3', coverage: table('full_out') },
  { id: 'partial', coverage: table('partial_out') },
  { id: 'empty', coverage: table('empty_out') },
  { id: 'unbuilt', coverage: table('not_built') },
  {
    id: 'custom',
    coverage: {
      sql:
        'SELECT DISTINCT analysis_date FROM nba_precompute.custom_out ' +
        'WHERE analysis_date BETWEEN @start AND @end AND rows_written > 0',
    },
  },
  {
    id: 'allgames',
    coverage: table('full_out'),
    // Counts postponed games too: this processor must cover 05-04 as well.
    expected: {
      sql: 'SELECT DISTINCT game_date FROM nba_raw.nbac_schedule WHERE game_date BETWEEN @start AND @end',
    },
  },
  { id: 'nocoverage' },
];

/** The warehouse every SQLite test starts from; tests change it with their own writers. */
const seedWarehouse = (folder: string) => {
  writeSchedule(folder, schedule);
  // Outside-window days (04-15, 04-18, 04-21) are in the table too; only window days count.
  writeOutput(folder, 'nba_precompute', 'full_out', [
    '2022-04-15',
    ...w1Games,
    '2022-04-18',
    '2022-04-21',
    ...w2Games,
  ]);
  writeOutput(folder, 'nba_precompute', 'partial_out', ['2022-04-16', '2022-04-20', ...w2Games]);
  writeOutput(folder, 'nba_precompute', 'empty_out', []);
  const db = openSqliteDatasetForWrite(folder, 'nba_precompute');
  try {
    db.exec('CREATE TABLE custom_out (analysis_date TEXT, rows_written INTEGER)');
    const insert = db.prepare('INSERT INTO custom_out VALUES (?, ?)');
    insert.run('2022-04-16', 12);
    insert.run('2022-04-17', 0); // written but empty: not covered
    insert.run('2022-04-19', 9);
  } finally {
    db.close();
  }
};

const folders: string[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

type Setup = {
  plan: Plan;
  store: AppStore;
  poller: CoveragePoller;
  /** The plan's SQLite folder, `<dir>/warehouse`. */
  folder: string;
};

/** A plan in a fresh temp folder, its SQLite warehouse seeded, opened as the console opens it. */
const setUpSqlite = (options: Partial<Omit<PlanOptions, 'dir'>> = {}): Setup => {
  const dir = mkdtempSync(path.join(tmpdir(), 'coverage-poller-'));
  folders.push(dir);
  const plan = coveragePlan({ dir, processors, expectedSql: scheduleExpectedSql, ...options });
  const folder = path.join(dir, 'warehouse');
  seedWarehouse(folder);
  const warehouse = openPlanWarehouse(plan);
  if (!warehouse) throw new Error('the plan declares coverage, so it must open a warehouse');
  cleanups.push(() => warehouse.close());
  const store = createAppStore(plan);
  const poller = createCoveragePoller({ plan, store, warehouse });
  cleanups.push(() => poller.dispose());
  return { plan, store, poller, folder };
};

const cellOf = (store: AppStore, taskId: string) => {
  const cell = store.getState().coverage[taskId];
  if (!cell) throw new Error(`no coverage cell for ${taskId}`);
  return cell;
};

describe('coverage poller over a real SQLite warehouse', () => {
  it('counts a fully covered window as complete: covered = expected, nothing missing', async () => {
    const { store, poller } = setUpSqlite();
    await poller.refresh(['full@w1']);
    const cell = cellOf(store, 'full@w1');
    expect(cell).toMatchObject({ covered: 4, expected: 4, missing: [], expectedDates: w1Games });
    expect(cell.error).toBeUndefined();
    expect(cellState(cell)).toBe(CellState.complete);
  });

  it('lists exactly the expected dates a partial output lacks', async () => {
    const { store, poller } = setUpSqlite();
    await poller.refresh(['partial@w1', 'partial@w2']);
    expect(cellOf(store, 'partial@w1')).toMatchObject({
      covered: 2,
      expected: 4,
      missing: ['2022-04-17', '2022-04-19'],
      expectedDates: w1Games,
    });
    expect(cellState(cellOf(store, 'partial@w1'))).toBe(CellState.partial);
    expect(cellOf(store, 'partial@w2')).toMatchObject({ covered: 4, expected: 4, missing: [] });
  });

  it('reports an empty output table as 0 covered with every expected date missing', async () => {
    const { store, poller } = setUpSqlite();
    await poller.refresh(['empty@w2']);
    const cell = cellOf(store, 'empty@w2');
    expect(cell).toMatchObject({ covered: 0, expected: 4, missing: w2Games });
    expect(cellState(cell)).toBe(CellState.missing);
  });

  it("measures a processor by its own coverage SQL, with the window's @start/@end bound", async () => {
    const { store, poller } = setUpSqlite();
    await poller.refresh(['custom@w1', 'custom@w2']);
    expect(cellOf(store, 'custom@w1')).toMatchObject({
      covered: 2,
      expected: 4,
      missing: ['2022-04-17', '2022-04-20'],
    });
    expect(cellOf(store, 'custom@w2')).toMatchObject({ covered: 0, missing: w2Games });
  });

  it('counts an output table that does not exist yet as missing every expected date', async () => {
    const { store, poller } = setUpSqlite();
    await poller.refresh(['unbuilt@w1']);
    const cell = cellOf(store, 'unbuilt@w1');
    expect(cell).toMatchObject({
      covered: 0,
      expected: 4,
      missing: w1Games,
      note: 'table does not exist yet',
    });
    expect(cell.error).toBeUndefined();
    expect(cellState(cell)).toBe(CellState.missing);
  });

  it('keeps the previous counts when the query breaks, and clears the error when it works again', async () => {
    const { store, poller, folder } = setUpSqlite();
    await poller.refresh(['partial@w1']);
    const before = cellOf(store, 'partial@w1');
    expect(before.covered).toBe(2);

    const db = openSqliteDatasetForWrite(folder, 'nba_precompute');
    cleanups.push(() => void db.close());
    db.exec('ALTER TABLE partial_out RENAME COLUMN analysis_date TO day');
    await poller.refresh(['partial@w1']);
    const failed = cellOf(store, 'partial@w1');
    expect(failed.error).toContain('no such column: analysis_date');
    expect(failed).toMatchObject({
      covered: 2,
      expected: 4,
      missing: ['2022-04-17', '2022-04-19'],
    });
    expect(failed.refreshedAt).toBeGreaterThanOrEqual(before.refreshedAt ?? Infinity);

    db.exec('ALTER TABLE partial_out RENAME COLUMN day TO analysis_date');
    await poller.refresh(['partial@w1']);
    expect(cellOf(store, 'partial@w1').error).toBeUndefined();
    expect(cellState(cellOf(store, 'partial@w1'))).toBe(CellState.partial);
  });

  it('counts the dates found inside the window when no expected query exists', async () => {
    const { store, poller } = setUpSqlite({ expectedSql: undefined });
    await poller.refresh(['full@w1']);
    const cell = cellOf(store, 'full@w1');
    // 04-16..04-20 are in the table (04-18 too); 04-15 and 04-21 are outside the window.
    expect(cell.covered).toBe(5);
    expect(cell.expected).toBeUndefined();
    expect(cell.missing).toEqual([]);
    expect(cellState(cell)).toBe(CellState.counted);
  });

  it('has no cell for a processor without coverage, and a refresh asking for one does nothing', async () => {
    const { store, poller } = setUpSqlite();
    expect(
      Object.keys(store.getState().coverage).filter((id) => id.startsWith('nocoverage')),
    ).toEqual([]);
    expect(store.getState().coverage['full@w1']).toBeDefined();
    await poller.refresh(['nocoverage@w1']);
    expect(store.getState().coverage['nocoverage@w1']).toBeUndefined();
    expect(store.getState().coverageRefreshedAt).toBeUndefined();
  });

  it('refresh([id]) queries and updates that one cell only', async () => {
    const { store, poller } = setUpSqlite();
    const others = Object.keys(store.getState().coverage).filter((id) => id !== 'partial@w2');
    const refreshing = poller.refresh(['partial@w2']);
    expect(cellOf(store, 'partial@w2').refreshing).toBe(true);
    for (const id of others) expect(cellOf(store, id).refreshing, id).toBe(false);
    await refreshing;
    expect(cellOf(store, 'partial@w2').refreshedAt).toBeDefined();
    for (const id of others) {
      expect(cellOf(store, id), id).toEqual({ missing: [], expectedDates: [], refreshing: false });
    }
  });

  it('sees rows a concurrent writer commits between two refreshes', async () => {
    const { store, poller, folder } = setUpSqlite();
    // The writer holds its connection open across both refreshes, as a running processor does.
    const writer = openSqliteDatasetForWrite(folder, 'nba_precompute');
    cleanups.push(() => void writer.close());
    await poller.refresh(['partial@w1']);
    expect(cellOf(store, 'partial@w1').covered).toBe(2);
    writer.prepare('INSERT INTO partial_out (analysis_date) VALUES (?)').run('2022-04-17');
    await poller.refresh(['partial@w1']);
    expect(cellOf(store, 'partial@w1')).toMatchObject({ covered: 3, missing: ['2022-04-19'] });
  });

  it("uses a processor's own expected SQL over the plan's", async () => {
    const { store, poller } = setUpSqlite();
    await poller.refresh(['allgames@w2', 'full@w2']);
    // Same output table; the plan's query leaves the postponed 05-04 out, allgames' keeps it.
    expect(cellOf(store, 'full@w2')).toMatchObject({ covered: 4, expected: 4, missing: [] });
    expect(cellOf(store, 'allgames@w2')).toMatchObject({
      covered: 4,
      expected: 5,
      missing: ['2022-05-04'],
    });
  });

  it('reports a failing expected-dates query on the cells of that window', async () => {
    const { store, poller } = setUpSqlite({
      expectedSql:
        'SELECT game_date FROM nba_raw.no_schedule WHERE game_date BETWEEN @start AND @end',
    });
    await poller.refresh(['full@w1', 'allgames@w1']);
    expect(cellOf(store, 'full@w1').error).toMatch(
      /expected-dates query failed.*nba_raw\.no_schedule/,
    );
    // allgames has its own expected query, which works.
    expect(cellOf(store, 'allgames@w1')).toMatchObject({ covered: 4, expected: 4 });
  });

  it('stamps coverageRefreshedAt when a refresh answers', async () => {
    const { store, poller } = setUpSqlite();
    expect(store.getState().coverageRefreshedAt).toBeUndefined();
    const asked = Date.now();
    await poller.refreshAll();
    expect(store.getState().coverageRefreshedAt).toBeGreaterThanOrEqual(asked);
    const cells = Object.values(store.getState().coverage);
    expect(cells.length).toBeGreaterThan(0);
    for (const cell of cells) expect(cell.refreshedAt).toBeGreaterThanOrEqual(asked);
  });

  it('times out only the cell whose query runs too long; cells queued behind it still complete', async () => {
    const { store, poller } = setUpSqlite({
      processors: [
        {
          id: 'slow',
          phase: '3',
          // Recursion without end: only the timeout stops it.
          coverage: {
            sql: 'WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT @start FROM c WHERE n < 0',
          },
        },
        { id: 'full', coverage: table('full_out') },
        { id: 'partial', coverage: table('partial_out') },
      ],
      coverageSettings: { timeoutSeconds: 1 },
    });
    await poller.refreshAll();
    for (const id of ['slow@w1', 'slow@w2']) {
      expect(cellOf(store, id).error, id).toMatch(/did not finish within 1000 ms/);
    }
    const answered = Object.fromEntries(
      ['full@w1', 'full@w2', 'partial@w1', 'partial@w2'].map((id) => [
        id,
        cellOf(store, id).error ?? cellOf(store, id).covered,
      ]),
    );
    expect(answered).toEqual({ 'full@w1': 4, 'full@w2': 4, 'partial@w1': 2, 'partial@w2': 4 });
  });
});

type HeldQuery = { sql: string; range: DateRange; answer: (dates: string[]) => void };

/** A warehouse whose queries wait until the test answers them, counting what is in flight. */
const heldWarehouse = () => {
  const held: HeldQuery[] = [];
  const calls: { sql: string; range: DateRange }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const queryDates = (sql: string, range: DateRange) =>
    new Promise<string[]>((resolve) => {
      calls.push({ sql, range });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      held.push({
        sql,
        range,
        answer: (dates) => {
          inFlight--;
          resolve(dates);
        },
      });
    });
  const warehouse: Warehouse = {
    kind: 'sqlite',
    description: 'sqlite (held)',
    queryDates,
    queryDayRows: async (sql, range) => (await queryDates(sql, range)).map((day) => ({ day })),
    queryNumber: () => Promise.reject(new Error('the held warehouse answers dates only')),
    inspect: () => Promise.reject(new Error('the held warehouse answers dates only')),
    close: () => Promise.resolve(),
  };
  return { warehouse, held, calls, maxInFlight: () => maxInFlight };
};

/** Every microtask the answered queries queued, run to the end (no timers involved). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const fakeSetUp = (
  fake: ReturnType<typeof heldWarehouse>,
  options: Partial<Omit<PlanOptions, 'dir'>> = {},
) => {
  const plan = coveragePlan({ dir: '/tmp/coverage-fake', processors, ...options });
  const store = createAppStore(plan);
  const poller = createCoveragePoller({ plan, store, warehouse: fake.warehouse });
  cleanups.push(() => poller.dispose());
  return { plan, store, poller };
};

const outputSqlOf = (tableName: string) => (sql: string) => sql.includes(tableName);

describe('coverage poller scheduling (held fake warehouse)', () => {
  it('never has more than settings.coverage.concurrency queries in flight', async () => {
    const fake = heldWarehouse();
    const { store, poller } = fakeSetUp(fake, {
      expectedSql: scheduleExpectedSql,
      coverageSettings: { concurrency: 2 },
    });
    const tracked = Object.keys(store.getState().coverage);
    expect(tracked.length).toBeGreaterThanOrEqual(10);
    let done = false;
    const refreshing = poller.refreshAll().then(() => (done = true));
    while (!done) {
      await waitFor('a query in flight or the refresh done', () => fake.held.length > 0 || done);
      // Answer the oldest only, so the poller could start more if it ignored its limit.
      fake.held.shift()?.answer(['2022-04-16']);
      await settle();
    }
    await refreshing;
    expect(fake.maxInFlight()).toBe(2);
    // Per window one query for the plan's expected dates and one for allgames' own, then one
    // output query per cell.
    expect(fake.calls).toHaveLength(2 * 2 + tracked.length);
    for (const id of tracked) expect(store.getState().coverage[id]?.refreshedAt, id).toBeDefined();
  });

  it('runs a cell asked for again while in flight once more after it, not once per ask', async () => {
    const fake = heldWarehouse();
    const { store, poller } = fakeSetUp(fake);
    const isPartialOutput = outputSqlOf('partial_out');
    const partialQueries = () => fake.calls.filter((c) => isPartialOutput(c.sql)).length;

    const first = poller.refresh(['partial@w1']);
    await waitFor('the first query', () => fake.held.length === 1);
    void poller.refresh(['partial@w1']);
    void poller.refresh(['partial@w1']);
    await settle();
    expect(partialQueries()).toBe(1);

    fake.held.shift()?.answer(['2022-04-16']);
    await first;
    await waitFor('the follow-up query', () => fake.held.length === 1);
    fake.held.shift()?.answer(['2022-04-16', '2022-04-17']);
    await waitFor('the follow-up answer', () => cellOf(store, 'partial@w1').covered === 2);
    await settle();
    expect(partialQueries()).toBe(2);
    expect(fake.held).toEqual([]);
  });

  it('does not flag a run from an answer to a query that started before the run ended', async () => {
    const fake = heldWarehouse();
    const { store, poller } = fakeSetUp(fake, { expectedSql: scheduleExpectedSql });
    const id = 'partial@w1';
    const flagged = () => runAndDataDisagree(store.getState().tasks[id], cellOf(store, id));
    store.getState().taskStarting(id, '/tmp/partial.log');
    store.getState().taskStarted(id, 4242, Date.now());

    // A live refresh while the processor is still writing...
    void poller.refresh([id]);
    await waitFor('the expected-dates query', () => fake.held.length === 1);
    fake.held.shift()?.answer(w1Games);
    await waitFor('the output query', () => fake.held.length === 1);
    // Both queries are in flight from before the run ends; let the clock pass them first.
    const queried = Date.now();
    await waitFor('the clock to move on', () => Date.now() > queried);
    // ...the run ends while that query is in flight, and the end asks for a fresh refresh.
    store.getState().taskExited(id, { exitCode: 0, endedAt: Date.now() });
    expect(store.getState().tasks[id]?.status).toBe('succeeded');
    void poller.refresh([id]);
    fake.held.shift()?.answer(['2022-04-16']);
    await waitFor('the stale answer', () => cellOf(store, id).covered === 1);
    // That answer describes the table before the run finished: no ⚑ on its account.
    expect(flagged()).toBe(false);

    await waitFor('the follow-up expected-dates query', () => fake.held.length === 1);
    fake.held.shift()?.answer(w1Games);
    await waitFor('the follow-up output query', () => fake.held.length === 1);
    fake.held.shift()?.answer(['2022-04-16', '2022-04-17', '2022-04-19']);
    await waitFor('the fresh answer', () => cellOf(store, id).covered === 3);
    // Asked after the run ended and still incomplete: now the run and the data disagree.
    expect(flagged()).toBe(true);
  });

  it('writes nothing into the store after dispose', async () => {
    const fake = heldWarehouse();
    const { store, poller } = fakeSetUp(fake);
    const refreshing = poller.refresh(['full@w1']);
    await waitFor('the query', () => fake.held.length === 1);
    poller.dispose();
    fake.held.shift()?.answer(['2022-04-16']);
    await refreshing;
    expect(cellOf(store, 'full@w1').refreshedAt).toBeUndefined();
    expect(store.getState().coverageRefreshedAt).toBeUndefined();
  });
});
