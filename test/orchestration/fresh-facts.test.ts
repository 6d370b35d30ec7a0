import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { createCoveragePoller } from '../../src/runner/coverage/coverage-poller.js';
import { openPlanWarehouse } from '../../src/runner/coverage/open-plan-warehouse.js';
import { createScheduler } from '../../src/runner/orchestration/scheduler.js';
import { createSupervisor } from '../../src/runner/tasks/supervisor.js';
import { createLogBook } from '../../src/state/log-book.js';
import { createAppStore } from '../../src/state/store.js';
import { isFinished, TaskStatus } from '../../src/state/task-status.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';
import { finalGame, writeOutput, writeSchedule } from '../coverage/sqlite-seed.js';
import { waitFor } from '../support/wait-for.js';
import { fixture, orchestrationPlan, tempDir } from './orchestration-plan.js';

// Game dates of w1: the schedule the expected query reads.
const games = ['2022-04-16', '2022-04-17', '2022-04-19', '2022-04-20', '2022-04-22'];
/** Every calendar day of w1: what one whole-window run of the processor processes. */
const wholeWindow = [
  '2022-04-16',
  '2022-04-17',
  '2022-04-18',
  '2022-04-19',
  '2022-04-20',
  '2022-04-21',
  '2022-04-22',
];
const expectedSql =
  'SELECT DISTINCT game_date FROM nba_raw.nbac_schedule ' +
  'WHERE game_status = 3 AND game_date BETWEEN @start AND @end';

/**
 * A real SQLite warehouse whose answers can be held back: while `held`, a query waits before
 * it is run (so it reads the data as it is when released). This stands in for a warehouse
 * whose answer is slower than the operator's key press.
 */
const gated = (inner: Warehouse) => {
  const waiting: (() => void)[] = [];
  const gate = {
    held: false,
    waiting,
    release: () => {
      gate.held = false;
      waiting.splice(0).forEach((go) => go());
    },
  };
  const warehouse: Warehouse = {
    kind: inner.kind,
    description: inner.description,
    queryDates: async (sql, range, options) => {
      if (gate.held) await new Promise<void>((go) => waiting.push(go));
      return inner.queryDates(sql, range, options);
    },
    // The coverage poller asks for dates with their row counts.
    queryDayRows: async (sql, range, options) => {
      if (gate.held) await new Promise<void>((go) => waiting.push(go));
      return inner.queryDayRows(sql, range, options);
    },
    queryNumber: (sql, range, options) => inner.queryNumber(sql, range, options),
    inspect: (sql, range, options) => inner.inspect(sql, range, options),
    close: () => inner.close(),
  };
  return { gate, warehouse };
};

const disposers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(disposers.splice(0).map((dispose) => dispose()));
});

/**
 * zones@w1 over a real SQLite folder: its processor writes the dates it is given (the whole
 * window, or `--dates` when filling gaps) and records each date it processed, with its pid.
 */
const setUp = (alreadyWritten: string[]) => {
  const dir = tempDir('fresh');
  const folder = path.join(dir, 'warehouse');
  const processed = path.join(dir, 'processed.txt');
  writeSchedule(
    folder,
    games.map((d) => [d, finalGame]),
  );
  writeOutput(folder, 'nba_precompute', 'zones', alreadyWritten);
  const plan: Plan = orchestrationPlan({
    dir,
    processors: [
      {
        id: 'zones',
        command: [
          'node',
          fixture('write-days.mjs'),
          folder,
          'nba_precompute',
          'zones',
          '--start-date',
          '{start}',
          '--end-date',
          '{end}',
          '--record',
          processed,
        ],
        fillGaps: { by: 'dates', append: ['--dates', '{dates}'] },
        coverage: { table: 'nba_precompute.zones', dateColumn: 'analysis_date' },
      },
    ],
    windows: [{ id: 'w1', start: '2022-04-16', end: '2022-04-22' }],
    warehouse: './warehouse',
    expectedSql,
  });
  const store = createAppStore(plan);
  const { gate, warehouse } = gated(openPlanWarehouse(plan)!);
  const poller = createCoveragePoller({ plan, store, warehouse });
  const supervisor = createSupervisor({
    plan,
    store,
    logBook: createLogBook(1000),
    onTaskEnded: (id) => void poller.refresh([id]),
  });
  const scheduler = createScheduler({ plan, store, control: supervisor, coverage: poller });
  disposers.push(async () => {
    gate.release();
    scheduler.dispose();
    await supervisor.stopAll();
    supervisor.dispose();
    poller.dispose();
    await warehouse.close();
  });
  /** Every date a run of the processor processed, in order: a date twice is the defect. */
  const processedDates = () =>
    existsSync(processed)
      ? readFileSync(processed, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => line.split(' ')[0])
      : [];
  const zones = () => store.getState().tasks['zones@w1']!;
  return { store, gate, poller, supervisor, scheduler, processedDates, zones };
};

describe('decisions from fresh coverage only', () => {
  it('fill gaps asked for right after a task ended waits for the answer, and runs no date the warehouse holds', async () => {
    const { store, gate, poller, supervisor, scheduler, processedDates, zones } = setUp([
      '2022-04-16',
      '2022-04-17',
    ]);
    await poller.refreshAll();
    expect(store.getState().coverage['zones@w1']).toMatchObject({ covered: 2, expected: 5 });

    // The operator presses G the moment the task ends, before its coverage refresh answers.
    let asked = false;
    const unsubscribe = store.subscribe((state) => {
      if (!asked && isFinished(state.tasks['zones@w1']!.status)) {
        asked = true;
        gate.held = true;
        scheduler.requestPreview('gaps');
      }
    });
    supervisor.start('zones@w1');
    await waitFor('the task to end and G to be pressed', () => asked);
    unsubscribe();
    expect(zones().status).toBe(TaskStatus.succeeded);

    // The refresh its end asked for is held: the dry run says it is asking, plans nothing.
    await waitFor('the refresh to be waiting on the warehouse', () => gate.waiting.length > 0);
    expect(store.getState().preview).toBeUndefined();
    expect(store.getState().previewAsking).toMatchObject({ mode: 'gaps', fresh: 0, cells: 1 });

    gate.release();
    const preview = await waitFor('the dry run', () => store.getState().preview);
    expect(store.getState().previewAsking).toBeUndefined();
    expect(preview.steps).toEqual([]);
    expect(preview.skipped).toEqual([{ taskId: 'zones@w1', reason: 'complete: 5/5 dates' }]);
    scheduler.start(preview);
    // Each date was processed once, by the one (whole-window) run the operator started.
    expect(processedDates()).toEqual(wholeWindow);
  });

  it('G pressed before the first answers waits for them instead of planning from nothing', async () => {
    const { store, gate, poller, scheduler } = setUp(['2022-04-16']);
    gate.held = true;
    void poller.refreshAll();
    scheduler.requestPreview('gaps');
    await waitFor('the first queries to be waiting', () => gate.waiting.length > 0);
    expect(store.getState().preview).toBeUndefined();
    expect(store.getState().previewAsking).toMatchObject({ fresh: 0, cells: 1 });

    gate.release();
    const preview = await waitFor('the dry run', () => store.getState().preview);
    expect(preview.skipped).toEqual([]);
    expect(preview.steps.map((s) => [s.taskId, s.detail])).toEqual([
      ['zones@w1', '4 missing dates as a list'],
    ]);
  });

  it('drops a step at launch whose cell became complete since the preview, and runs no date twice', async () => {
    const { store, poller, supervisor, scheduler, processedDates, zones } = setUp(['2022-04-16']);
    await poller.refreshAll();
    const preview = await scheduler.previewWhenFresh('gaps');
    expect(preview.steps.map((s) => s.gapDates)).toEqual([
      ['2022-04-17', '2022-04-19', '2022-04-20', '2022-04-22'],
    ]);

    // Between the dry run and y, the operator runs the task by hand and it fills the window.
    supervisor.start('zones@w1');
    await waitFor('the hand-started run to end', () => isFinished(zones().status));
    scheduler.start(preview);
    await waitFor('the run to end', () => store.getState().run === undefined);

    expect(zones().attempt).toBe(1);
    expect(processedDates()).toEqual(wholeWindow);
    expect(store.getState().notice?.text).toBe(
      'run (gaps) finished: 0 tasks ran, 1 dropped: complete since the preview',
    );
  });

  it('runs at launch only the planned dates that are still missing', async () => {
    const { store, poller, scheduler, processedDates, zones } = setUp(['2022-04-16']);
    await poller.refreshAll();
    const preview = await scheduler.previewWhenFresh('gaps');
    // Another writer fills two of the four gaps before the operator says yes.
    writeOutput(path.join(store.getState().plan.dir, 'warehouse'), 'nba_precompute', 'zones', [
      '2022-04-17',
      '2022-04-20',
    ]);
    await poller.refreshAll();
    scheduler.start(preview);
    await waitFor('the run to end', () => store.getState().run === undefined);

    expect(zones().status).toBe(TaskStatus.succeeded);
    expect(processedDates()).toEqual(['2022-04-19', '2022-04-22']);
    const log = readFileSync(zones().logFile!, 'utf8');
    expect(log).toContain('run (gaps): 2 missing dates as a list (2 closed since the preview)');
    expect(log).toContain('--dates 2022-04-19,2022-04-22');
  });
});
