/**
 * Warehouse faults as the coverage tracker meets them: the real poller over the SQLite adapter and
 * over the BigQuery adapter talking to the loopback stand-in on 127.0.0.1. A failing cell carries
 * the error in words; every other cell still refreshes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/index.js';
import type { Plan } from '../../src/plan/index.js';
import { createCoveragePoller } from '../../src/runner/coverage/coverage-poller.js';
import { openPlanWarehouse } from '../../src/runner/coverage/open-plan-warehouse.js';
import { CellState, cellState } from '../../src/state/coverage-state.js';
import { createAppStore } from '../../src/state/store.js';
import type { AppStore } from '../../src/state/store.js';
import { writeOutput } from '../coverage/sqlite-seed.js';
import { useBigQueryLoopback } from '../warehouse/bigquery-test-setup.js';

type CoverageSpec = { table: string; dateColumn?: string } | { sql: string };

const folders: string[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A one-window plan (2022-04-16..04-18) with one processor per coverage spec, parsed for real. */
const planWith = (
  warehouse: Record<string, unknown>,
  coverage: Record<string, CoverageSpec>,
  timeoutSeconds = 1,
) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'faults-warehouse-'));
  folders.push(dir);
  const plan = parsePlan(
    JSON.stringify({
      version: 1,
      settings: {
        coverage: { timeoutSeconds, liveSeconds: 0, intervalSeconds: 0, concurrency: 4 },
      },
      warehouse,
      windows: [{ id: 'w1', start: '2022-04-16', end: '2022-04-18' }],
      phases: [{ id: '3' }],
      processors: Object.entries(coverage).map(([id, spec]) => ({
        id,
        phase: '3',
        command: ['node', '-e', ''],
        coverage: spec,
      })),
    }),
    path.join(dir, 'backfill.yaml'),
  );
  return { dir, plan };
};

/** Opens the plan's warehouse and a poller the way the console does. */
const pollerFor = (plan: Plan) => {
  const warehouse = openPlanWarehouse(plan);
  if (!warehouse) throw new Error('the plan declares coverage, so it must open a warehouse');
  cleanups.push(() => warehouse.close());
  const store = createAppStore(plan);
  const poller = createCoveragePoller({ plan, store, warehouse });
  cleanups.push(() => poller.dispose());
  return { store, poller };
};

const cell = (store: AppStore, id: string) => {
  const found = store.getState().coverage[`${id}@w1`];
  if (!found) throw new Error(`no coverage cell for ${id}`);
  return found;
};

describe('coverage over a faulty SQLite warehouse', () => {
  /** Healthy, unbuilt, wrong-shape, slow and corrupt-file cells over one seeded warehouse. */
  const faultySqlite = () => {
    const { dir, plan } = planWith(
      { kind: 'sqlite', path: './warehouse' },
      {
        healthy: { table: 'nba_precompute.full_out', dateColumn: 'analysis_date' },
        unbuilt: { table: 'nba_precompute.not_built', dateColumn: 'analysis_date' },
        wrongShape: {
          sql: "SELECT 'not a date' FROM nba_precompute.full_out WHERE analysis_date BETWEEN @start AND @end",
        },
        slow: {
          sql: 'WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT @start FROM c WHERE n < 0 AND @end = @end',
        },
        corruptFile: { table: 'nba_broken.anything', dateColumn: 'analysis_date' },
      },
    );
    const folder = path.join(dir, 'warehouse');
    writeOutput(folder, 'nba_precompute', 'full_out', ['2022-04-16', '2022-04-18']);
    writeFileSync(path.join(folder, 'nba_broken.sqlite'), 'this is not a database\n'.repeat(200));
    return pollerFor(plan);
  };

  it('puts each failure in its own cell in words, and still refreshes the healthy one', async () => {
    const { store, poller } = faultySqlite();
    const started = Date.now();
    await poller.refreshAll();
    expect(Date.now() - started).toBeLessThan(8000);

    expect(cell(store, 'healthy')).toMatchObject({ covered: 2, refreshing: false });
    expect(cell(store, 'healthy').error).toBeUndefined();
    // A table its processor has not created yet is not a failure: nothing is covered yet.
    expect(cell(store, 'unbuilt')).toMatchObject({ covered: 0, note: 'table does not exist yet' });
    expect(cell(store, 'unbuilt').error).toBeUndefined();
    expect(cell(store, 'wrongShape').error).toMatch(
      /expected a date in the first column, got "not a date"/,
    );
    expect(cell(store, 'slow').error).toMatch(/did not finish within 1000 ms/);
    expect(cell(store, 'corruptFile').error).toMatch(/not a database/);
    for (const id of ['wrongShape', 'slow', 'corruptFile']) {
      expect(cellState(cell(store, id)), id).toBe(CellState.error);
      expect(cell(store, id).refreshedAt, id).toBeGreaterThanOrEqual(started);
    }
  });

  it('names the dataset file that is not a database', async () => {
    const { store, poller } = faultySqlite();
    await poller.refresh(['corruptFile@w1']);
    // The operator has to find the broken one among the warehouse's files.
    expect(cell(store, 'corruptFile').error).toContain('nba_broken');
  });
});

describe('coverage over a faulty BigQuery (loopback on 127.0.0.1)', () => {
  const bigquery = useBigQueryLoopback();

  // A healthy query through the real client takes several round trips: on a loaded machine a
  // 1 s timeout cut it too (a flaky failure), so BigQuery cells get 5 s and the slow one 20 s.
  const bigQueryPlan = (endpoint: string, coverage: Record<string, CoverageSpec>) =>
    planWith(
      {
        kind: 'bigquery',
        projectId: 'nba-props-platform',
        location: 'us-west2',
        apiEndpoint: endpoint,
        anonymous: true,
      },
      coverage,
      5,
    ).plan;

  it('puts permission denied, unknown table, wrong shape and timeout in their cells; the healthy cell refreshes', async () => {
    bigquery.loopback.handle(({ query }) => {
      if (query.includes('denied_out'))
        return {
          error: {
            httpStatus: 403,
            reason: 'accessDenied',
            message:
              'Access Denied: Table nba-props-platform:ds.denied_out: User does not have permission to query table',
          },
        };
      if (query.includes('missing_out'))
        return {
          error: {
            httpStatus: 404,
            reason: 'notFound',
            message:
              'Not found: Table nba-props-platform:ds.missing_out was not found in location us-west2',
          },
        };
      if (query.includes('shape_out')) return { values: ['42'], columnType: 'INTEGER' };
      if (query.includes('slow_out')) return { values: ['2022-04-16'], delayMs: 20_000 };
      return { values: ['2022-04-16', '2022-04-17', '2022-04-18'] };
    });
    const plan = bigQueryPlan(bigquery.loopback.endpoint, {
      healthy: { table: 'ds.good_out', dateColumn: 'day' },
      denied: { table: 'ds.denied_out', dateColumn: 'day' },
      missing: { table: 'ds.missing_out', dateColumn: 'day' },
      wrongShape: { table: 'ds.shape_out', dateColumn: 'day' },
      slow: { table: 'ds.slow_out', dateColumn: 'day' },
    });
    const { store, poller } = pollerFor(plan);

    const started = Date.now();
    await poller.refreshAll();
    // Done without waiting for the slow query's answer: the timeout cut it.
    expect(Date.now() - started).toBeLessThan(20_000);

    expect(cell(store, 'healthy')).toMatchObject({ covered: 3, refreshing: false });
    expect(cell(store, 'healthy').error).toBeUndefined();
    expect(cell(store, 'denied').error).toMatch(/Access Denied: .*User does not have permission/);
    expect(cell(store, 'missing')).toMatchObject({ covered: 0, note: 'table does not exist yet' });
    expect(cell(store, 'wrongShape').error).toMatch(/expected a date in the first column, got 42/);
    expect(cell(store, 'slow').error).toMatch(/did not finish within 5000 ms/);
    for (const id of ['denied', 'wrongShape', 'slow']) {
      expect(cellState(cell(store, id)), id).toBe(CellState.error);
    }
  }, 30_000);

  it('says the warehouse is unreachable when nothing listens on the endpoint', async () => {
    // A port that was just free: bound, then closed, so nothing accepts on it.
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as AddressInfo;
        server.close(() => resolve(free));
      });
    });
    const plan = bigQueryPlan(`http://127.0.0.1:${port}`, {
      first: { table: 'ds.first_out', dateColumn: 'day' },
      second: { table: 'ds.second_out', dateColumn: 'day' },
    });
    const { store, poller } = pollerFor(plan);
    const started = Date.now();
    await poller.refreshAll();
    expect(Date.now() - started).toBeLessThan(4000);
    for (const id of ['first', 'second']) {
      expect(cell(store, id).error, id).toMatch(/ECONNREFUSED/);
      expect(cell(store, id).error, id).toContain(`127.0.0.1:${port}`);
      expect(cellState(cell(store, id)), id).toBe(CellState.error);
    }
  });
});
