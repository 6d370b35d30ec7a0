import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createRetrier, retryDelayMs } from '../../src/runner/orchestration/retries.js';
import type { Retrier } from '../../src/runner/orchestration/retries.js';
import { readHistory } from '../../src/runner/session/history.js';
import { createAppStore } from '../../src/state/store.js';
import { retryLabel } from '../../src/state/retry-slice.js';
import { recordingControl } from '../support/render-app.js';
import type { ControlCall } from '../support/render-app.js';
import { waitFor } from '../support/wait-for.js';
import {
  finishTask,
  fixture,
  orchestrationPlan,
  tempDir,
} from '../orchestration/orchestration-plan.js';
import { cli, unattendedPlan } from './unattended-plan.js';

const flaky = fileURLToPath(new URL('fixtures/flaky.mjs', import.meta.url));
const writeDays = fixture('write-days.mjs');

/** alpha's command through flaky.mjs: the first attempt misbehaves as `mode` says. */
const flakyAlpha = (dir: string, mode: string, record: string) => [
  'node',
  flaky,
  path.join(dir, 'first-attempt'),
  mode,
  '--',
  'node',
  writeDays,
  'warehouse',
  'nba_analytics',
  'alpha',
  '--start-date',
  '{start}',
  '--end-date',
  '{end}',
  '--record',
  record,
];

const recorded = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(' ') as [string, string])
    : [];

describe('automatic retries', () => {
  it('a processor that fails its first attempt succeeds on the retry, with no key pressed, and its dependant runs after it', async () => {
    const setup = unattendedPlan();
    const record = path.join(setup.dir, 'alpha.record');
    const plan = JSON.parse(readFileSync(setup.file, 'utf8')) as {
      processors: { command: string[]; retry?: unknown }[];
    };
    plan.processors[0]!.command = flakyAlpha(setup.dir, 'exit', record);
    plan.processors[0]!.retry = { attempts: 2, delaySeconds: 0.2, backoff: 2 };
    writeFileSync(setup.file, JSON.stringify(plan));

    const result = await cli(['run', '--plan', setup.file]);
    expect(result.stdout).toMatch(
      /\[alpha@w1\] \[backfill-console\] automatic retry 1\/2 \(attempt 2\) after exit 1: ConnectionError: warehouse went away \(first attempt\): the whole run again/,
    );
    expect(result.stdout).toContain('2/2 tasks succeeded, 2/2 cells complete');
    expect(result.code).toBe(0);
    const runs = readHistory(setup.stateDir).records;
    expect(runs.map((r) => [r.task, r.attempt, r.kind, r.status])).toEqual([
      ['alpha@w1', 1, 'window', 'failed'],
      ['alpha@w1', 2, 'retry', 'succeeded'],
      ['beta@w1', 1, 'window', 'succeeded'],
    ]);
    // nothing downstream launched while the retry was pending
    expect(runs[2]!.startedAt).toBeGreaterThanOrEqual(runs[1]!.endedAt);
  }, 60_000);

  it('a run that exits 0 with failed dates is retried for exactly those dates', async () => {
    const setup = unattendedPlan();
    const record = path.join(setup.dir, 'alpha.record');
    const plan = JSON.parse(readFileSync(setup.file, 'utf8')) as {
      processors: Record<string, unknown>[];
    };
    Object.assign(plan.processors[0]!, {
      command: flakyAlpha(setup.dir, 'fail=2022-04-17,2022-04-19', record),
      fillGaps: { by: 'dates', append: ['--dates', '{dates}'] },
      retry: { attempts: 1, delaySeconds: 0.1 },
    });
    writeFileSync(setup.file, JSON.stringify(plan));

    const result = await cli(['run', '--plan', setup.file, '--only', 'alpha']);
    expect(result.code).toBe(0);
    const byPid = new Map<string, string[]>();
    for (const [date, pid] of recorded(record)) byPid.set(pid, [...(byPid.get(pid) ?? []), date]);
    expect([...byPid.values()]).toEqual([
      // the first run writes every day but the two it fails (04-18 has no game: still written)
      ['2022-04-16', '2022-04-18', '2022-04-20'],
      ['2022-04-17', '2022-04-19'],
    ]);
    const [first, retry] = readHistory(setup.stateDir).records;
    expect(first?.status).toBe('with-failures');
    expect(retry?.kind).toBe('retry');
    expect(retry?.argv[0]?.slice(-2)).toEqual(['--dates', '2022-04-17,2022-04-19']);
    expect(retry?.status).toBe('succeeded');
    expect(result.stdout).toContain(
      'automatic retry 1/1 (attempt 2) after exit 0 but 2 dates failed: 2 failed dates again: 2022-04-17, 2022-04-19',
    );
  }, 60_000);
});

describe('pending retries', () => {
  let retrier: Retrier | undefined;
  afterEach(() => retrier?.dispose());

  it('count down in the table label, wait longer each time, and x cancels them', async () => {
    const plan = orchestrationPlan({
      dir: tempDir('retry-cancel'),
      windows: [{ id: 'w1', start: '2022-04-01', end: '2022-04-03' }],
      processors: [{ id: 'alpha' }],
      settings: { retry: { attempts: 3, delaySeconds: 45, backoff: 2 } },
    });
    expect([1, 2, 3].map((n) => retryDelayMs(plan.settings.retry!, n))).toEqual([
      45_000, 90_000, 180_000,
    ]);
    const store = createAppStore(plan);
    const calls: ControlCall[] = [];
    retrier = createRetrier({ plan, store, control: recordingControl(calls) });
    const control = retrier.track(recordingControl(calls));
    finishTask(store, 'alpha@w1', { exitCode: 1 });
    const pending = await waitFor('a pending retry', () => store.getState().retries['alpha@w1']);
    expect(pending).toMatchObject({ retry: 1, of: 3, reason: 'exit 1' });
    expect(retryLabel(store.getState(), 'alpha@w1', pending.at - 45_000)).toBe('retry 1/3 in 45s');
    control.stop('alpha@w1');
    expect(store.getState().retries['alpha@w1']).toBeUndefined();
    expect(store.getState().notice?.text).toBe('alpha@w1: pending retry cancelled (x)');
    expect(calls.filter((c) => c.action === 'start')).toEqual([]);
  });
});
