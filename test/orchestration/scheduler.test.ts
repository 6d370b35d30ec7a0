import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { createScheduler } from '../../src/runner/orchestration/scheduler.js';
import { TaskStatus } from '../../src/state/task-status.js';
import { waitFor } from '../support/wait-for.js';
import { finalGame, writeOutput, writeSchedule } from '../coverage/sqlite-seed.js';
import { fixture, orchestrationPlan, tempDir } from './orchestration-plan.js';
import type { ProcessorInput } from './orchestration-plan.js';
import { mostAtOnce, readEvents, startRunner } from './scheduler-harness.js';

const record = fixture('record.mjs');
const hold = fixture('hold.mjs');

const windows = [
  { id: 'w1', start: '2022-04-16', end: '2022-04-20' },
  { id: 'w2', start: '2022-05-01', end: '2022-05-05' },
  { id: 'w3', start: '2022-05-10', end: '2022-05-14' },
];

const running: { dispose: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.dispose()));
});

/** A runner over a plan in a fresh folder; `events` is where the fixtures record. */
const setUp = (
  processors: (dir: string, events: string) => ProcessorInput[],
  options: { settings?: Record<string, unknown>; windows?: typeof windows } = {},
) => {
  const dir = tempDir('scheduler');
  const events = path.join(dir, 'events.txt');
  const plan = orchestrationPlan({
    dir,
    processors: processors(dir, events),
    windows: options.windows ?? windows,
    settings: options.settings,
  });
  const runner = startRunner(plan);
  running.push(runner);
  return { dir, events, ...runner };
};

/** `node record.mjs <events> <id>@{window} <ms> [exit]`: records its start and end. */
const recorder = (events: string, id: string, ms: number, exitCode = 0) => [
  'node',
  record,
  events,
  `${id}@{window}`,
  String(ms),
  String(exitCode),
];

const runEnded = (store: { getState: () => { run: unknown } }, deadlineMs = 15_000) =>
  waitFor('the run to end', () => store.getState().run === undefined, deadlineMs);

describe('scheduler', () => {
  it('never has more than settings.concurrency tasks active at once, and uses that many', async () => {
    const { store, scheduler, events, peak } = setUp(
      (_dir, ev) => ['a', 'b'].map((id) => ({ id, command: recorder(ev, id, 150) })),
      { settings: { concurrency: 2 } },
    );
    scheduler.start(await scheduler.previewWhenFresh('all'));
    expect(scheduler.isRunning()).toBe(true);
    await runEnded(store);

    const statuses = Object.values(store.getState().tasks).map((t) => t.status);
    expect(statuses).toEqual(Array(6).fill(TaskStatus.succeeded));
    expect(peak.all).toBe(2);
    const recorded = readEvents(events);
    expect(recorded.filter((e) => e.what === 'start')).toHaveLength(6);
    expect(mostAtOnce(recorded)).toBeLessThanOrEqual(2);
    expect(store.getState().notice).toMatchObject({
      text: 'run (all) finished: 6 tasks ran',
      level: 'info',
    });
    expect(scheduler.isRunning()).toBe(false);
  });

  it("honours a processor's own concurrency while others fill the global limit", async () => {
    const { store, scheduler, events, peak } = setUp(
      (_dir, ev) => [
        { id: 'serial', concurrency: 1, command: recorder(ev, 'serial', 150) },
        { id: 'parallel', command: recorder(ev, 'parallel', 400) },
      ],
      { settings: { concurrency: 4 } },
    );
    scheduler.start(await scheduler.previewWhenFresh('all'));
    await runEnded(store);

    expect(Object.values(store.getState().tasks).every((t) => t.status === 'succeeded')).toBe(true);
    expect(peak.byProcessor.serial).toBe(1);
    expect(peak.byProcessor.parallel).toBe(3);
    expect(peak.all).toBeLessThanOrEqual(4);
    const recorded = readEvents(events);
    expect(mostAtOnce(recorded, (label) => label.startsWith('serial@'))).toBe(1);
    expect(
      recorded.filter((e) => e.what === 'start' && e.label.startsWith('serial@')),
    ).toHaveLength(3);
  });

  it('launches a downstream task only after its upstream ended, and says what it waits for', async () => {
    const { store, scheduler, events, steps } = setUp(
      (_dir, ev) => [
        { id: 'up', command: recorder(ev, 'up', 300) },
        { id: 'down', phase: '4', dependsOn: ['up'], command: recorder(ev, 'down', 0) },
      ],
      { windows: windows.slice(0, 1) },
    );
    const preview = await scheduler.previewWhenFresh('all');
    expect(preview.steps.map((s) => [s.taskId, s.after])).toEqual([
      ['up@w1', []],
      ['down@w1', ['up@w1']],
    ]);
    scheduler.start(preview);
    await runEnded(store);

    expect(readEvents(events).map((e) => `${e.what} ${e.label}`)).toEqual([
      'start up@w1',
      'end up@w1',
      'start down@w1',
      'end down@w1',
    ]);
    const { tasks } = store.getState();
    expect(tasks['down@w1']?.startedAt).toBeGreaterThanOrEqual(tasks['up@w1']?.endedAt ?? Infinity);
    expect(steps.get('down@w1')).toEqual([
      { state: 'queued', reason: undefined },
      { state: 'held', reason: 'waiting for up w1: running' },
      { state: 'launched', reason: undefined },
      { state: 'done', reason: TaskStatus.succeeded },
    ]);
  });

  it('holds a task downstream of a failure (never launches it) while independent tasks run', async () => {
    const { store, scheduler, events, steps } = setUp(
      (_dir, ev) => [
        { id: 'up', command: recorder(ev, 'up', 50, 1) },
        { id: 'solo', command: recorder(ev, 'solo', 400) },
        { id: 'down', phase: '4', dependsOn: ['up'], command: recorder(ev, 'down', 0) },
      ],
      { windows: windows.slice(0, 1) },
    );
    scheduler.start(await scheduler.previewWhenFresh('all'));
    await runEnded(store);

    const { tasks, notice } = store.getState();
    expect(tasks['up@w1']?.status).toBe(TaskStatus.failed);
    expect(tasks['solo@w1']?.status).toBe(TaskStatus.succeeded);
    expect(tasks['down@w1']).toMatchObject({ status: TaskStatus.pending, attempt: 0 });
    expect(readEvents(events).some((e) => e.label === 'down@w1')).toBe(false);

    const downSteps = steps.get('down@w1') ?? [];
    expect(downSteps.map((s) => s.state)).not.toContain('launched');
    const held = downSteps.at(-1);
    expect(held?.state).toBe('held');
    expect(held?.reason).toMatch(/^not launched/);
    expect(held?.reason).toContain('up w1');
    expect(notice).toMatchObject({
      text: 'run (all) finished: 2 tasks ran, 1 not launched (see their rows)',
      level: 'warn',
    });
  });

  it('launches in turns of the event loop, so a key that came in behind a burst of launches is not kept waiting', async () => {
    const {
      dir,
      events,
      plan,
      store,
      supervisor,
      scheduler: harnessScheduler,
    } = setUp(
      (folder, ev) => [
        {
          id: 'p',
          command: ['node', hold, ev, 'p@{window}', path.join(folder, 'release-{window}')],
        },
      ],
      { settings: { concurrency: 3 } },
    );
    // Each launch blocks past the scheduler's budget for one turn, as a fork does under load.
    const slow = {
      ...supervisor,
      start: (taskId: string) => {
        const until = performance.now() + 12;
        while (performance.now() < until);
        supervisor.start(taskId);
      },
    };
    // This scheduler drives the run alone.
    harnessScheduler.dispose();
    const scheduler = createScheduler({ plan, store, control: slow });
    running.push({ dispose: () => Promise.resolve(scheduler.dispose()) });
    const launched = () =>
      store.getState().run?.steps.filter((s) => s.state === 'launched').length ?? 0;

    scheduler.start(await scheduler.previewWhenFresh('all'));
    expect(launched()).toBe(1);
    // A key press is a macrotask: it runs after one more turn of launching, not after all.
    const atKey = await new Promise<number>((resolve) => setImmediate(() => resolve(launched())));
    expect(atKey).toBe(2);
    await waitFor('all three to launch', () => launched() === 3);
    await waitFor('all three to start', () => readEvents(events).length === 3);
    for (const w of ['w1', 'w2', 'w3']) writeFileSync(path.join(dir, `release-${w}`), '');
    await runEnded(store);
    expect(mostAtOnce(readEvents(events))).toBe(3);
  });

  it('stops launching while paused, lets running tasks finish, and carries on when resumed', async () => {
    const { dir, store, scheduler, events } = setUp(
      (folder, ev) => [
        {
          id: 'p',
          command: ['node', hold, ev, 'p@{window}', path.join(folder, 'release-{window}')],
        },
      ],
      { settings: { concurrency: 1 } },
    );
    const release = (windowId: string) => writeFileSync(path.join(dir, `release-${windowId}`), '');
    const status = (taskId: string) => store.getState().tasks[taskId]?.status;

    scheduler.start(await scheduler.previewWhenFresh('all'));
    await waitFor('p@w1 to start', () => readEvents(events).length === 1);
    scheduler.togglePause();
    expect(store.getState().run?.paused).toBe(true);

    release('w1');
    await waitFor('p@w1 to finish while paused', () => status('p@w1') === TaskStatus.succeeded);
    // The scheduler reacts to an exit in a microtask, before this poll's timer could fire:
    // had it launched the next task, p@w2 would already be starting here.
    expect(status('p@w2')).toBe(TaskStatus.pending);
    expect(status('p@w3')).toBe(TaskStatus.pending);
    expect(store.getState().run?.steps.map((s) => s.state)).toEqual(['done', 'queued', 'queued']);
    expect(scheduler.isRunning()).toBe(true);
    expect(readEvents(events).map((e) => `${e.what} ${e.label}`)).toEqual([
      'start p@w1',
      'end p@w1',
    ]);

    scheduler.togglePause();
    expect(store.getState().run?.paused).toBe(false);
    await waitFor('p@w2 to start after resuming', () => status('p@w2') === TaskStatus.running);
    release('w2');
    release('w3');
    await runEnded(store);
    expect(['p@w1', 'p@w2', 'p@w3'].map(status)).toEqual(Array(3).fill(TaskStatus.succeeded));
    expect(store.getState().notice?.text).toBe('run (all) finished: 3 tasks ran');
  });

  describe('over a real SQLite warehouse', () => {
    // Game dates of w1 (2022-04-16..04-30): no games on 04-18, 04-21, 04-24 and 04-26..28.
    const games = [
      '2022-04-16',
      '2022-04-17',
      '2022-04-19',
      '2022-04-20',
      '2022-04-22',
      '2022-04-23',
      '2022-04-25',
      '2022-04-29',
      '2022-04-30',
    ];
    const gapWindow = [{ id: 'w1', start: '2022-04-16', end: '2022-04-30' }];
    const expectedSql =
      'SELECT DISTINCT game_date FROM nba_raw.nbac_schedule ' +
      'WHERE game_status = 3 AND game_date BETWEEN @start AND @end';

    const warehouseRun = (
      processors: (folder: string, dir: string) => ProcessorInput[],
      output: string[],
    ) => {
      const dir = tempDir('gaps');
      const folder = path.join(dir, 'warehouse');
      writeSchedule(
        folder,
        games.map((d) => [d, finalGame]),
      );
      writeOutput(folder, 'nba_precompute', 'zones', output);
      const plan = orchestrationPlan({
        dir,
        processors: processors(folder, dir),
        windows: gapWindow,
        warehouse: './warehouse',
        expectedSql,
      });
      const runner = startRunner(plan);
      running.push(runner);
      return { dir, folder, ...runner };
    };

    const argvLines = (file: string) =>
      existsSync(file)
        ? readFileSync(file, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as string[])
        : [];

    it('fills gaps by running the processor once per missing range as --start-date/--end-date', async () => {
      const { dir, store, scheduler, poller } = warehouseRun(
        (_folder, folderOfPlan) => [
          {
            id: 'zones',
            command: [
              'node',
              fixture('record-argv.mjs'),
              path.join(folderOfPlan, 'argv.jsonl'),
              '--start-date',
              '{start}',
              '--end-date',
              '{end}',
            ],
            coverage: { table: 'nba_precompute.zones', dateColumn: 'analysis_date' },
          },
        ],
        // Missing: 04-17, 04-19 (contiguous along game dates), 04-23, 04-25, and 04-30.
        ['2022-04-16', '2022-04-20', '2022-04-22', '2022-04-29'],
      );
      await poller?.refreshAll();
      expect(store.getState().coverage['zones@w1']).toMatchObject({ covered: 4, expected: 9 });
      const preview = await scheduler.previewWhenFresh('gaps');
      expect(preview.steps.map((s) => s.detail)).toEqual(['5 missing dates in 3 ranges']);
      scheduler.start(preview);
      await runEnded(store);

      expect(argvLines(path.join(dir, 'argv.jsonl'))).toEqual([
        ['--start-date', '2022-04-17', '--end-date', '2022-04-19'],
        ['--start-date', '2022-04-23', '--end-date', '2022-04-25'],
        ['--start-date', '2022-04-30', '--end-date', '2022-04-30'],
      ]);
      const task = store.getState().tasks['zones@w1'];
      expect(task).toMatchObject({ status: TaskStatus.succeeded, attempt: 1 });
    });

    it('fills gaps by dates with one run that gets the missing dates as a list', async () => {
      const { dir, store, scheduler, poller } = warehouseRun(
        (_folder, folderOfPlan) => [
          {
            id: 'zones',
            command: [
              'node',
              fixture('record-argv.mjs'),
              path.join(folderOfPlan, 'argv.jsonl'),
              '--start-date',
              '{start}',
            ],
            fillGaps: { by: 'dates', append: ['--dates', '{dates}'] },
            coverage: { table: 'nba_precompute.zones', dateColumn: 'analysis_date' },
          },
        ],
        games.filter((d) => d !== '2022-04-19' && d !== '2022-04-29'),
      );
      await poller?.refreshAll();
      scheduler.start(await scheduler.previewWhenFresh('gaps'));
      await runEnded(store);
      expect(argvLines(path.join(dir, 'argv.jsonl'))).toEqual([
        ['--start-date', '2022-04-16', '--dates', '2022-04-19,2022-04-29'],
      ]);
    });

    it("launches a downstream whose upstream ended with failures once coverage reaches the upstream's readyThreshold", async () => {
      const dir = tempDir('threshold');
      const events = path.join(dir, 'events.txt');
      const { store, scheduler, poller, steps } = warehouseRun(
        (folder) => [
          {
            id: 'zones',
            // Writes every day but 04-19 and reports that one "✗ Failed": 8/9 game dates.
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
              '--fail',
              '2022-04-19',
            ],
            readyThreshold: 85,
            coverage: { table: 'nba_precompute.zones', dateColumn: 'analysis_date' },
          },
          {
            id: 'composite',
            phase: '4',
            dependsOn: ['zones'],
            command: recorder(events, 'composite', 0),
          },
        ],
        [],
      );
      await poller?.refreshAll();
      scheduler.start(await scheduler.previewWhenFresh('all'));
      await runEnded(store);

      // The refresh the upstream's exit asked for: 8/9 is 88.9 %, above its threshold of 85 %.
      await waitFor('the upstream cell to be refreshed', () =>
        store.getState().coverage['zones@w1']?.covered === 8 ? true : undefined,
      );
      const { tasks } = store.getState();
      expect(tasks['zones@w1']?.status).toBe(TaskStatus.withFailures);
      expect(steps.get('composite@w1')?.map((s) => s.reason ?? s.state)).not.toContainEqual(
        expect.stringMatching(/^not launched/),
      );
      expect(tasks['composite@w1']?.status).toBe(TaskStatus.succeeded);
      expect(readEvents(events).map((e) => `${e.what} ${e.label}`)).toEqual([
        'start composite@w1',
        'end composite@w1',
      ]);
    });
  });
});
