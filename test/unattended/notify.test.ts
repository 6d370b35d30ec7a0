import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/runner/notify/notifier.js';
import type { Notifier } from '../../src/runner/notify/notifier.js';
import { terminalAlert } from '../../src/runner/notify/terminal-alert.js';
import { createAppStore } from '../../src/state/store.js';
import { waitFor } from '../support/wait-for.js';
import { isAlive } from '../support/runner-harness.js';
import {
  covered,
  days,
  finishTask,
  orchestrationPlan,
  setCoverage,
  tempDir,
} from '../orchestration/orchestration-plan.js';
import { cli, unattendedPlan } from './unattended-plan.js';

const recordEnv = fileURLToPath(new URL('fixtures/record-env.mjs', import.meta.url));

const linesOf = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, string>)
    : [];

let notifier: Notifier | undefined;
afterEach(() => notifier?.dispose());

const setUp = (notify: Record<string, unknown>) => {
  const dir = tempDir('notify');
  const plan = orchestrationPlan({
    dir,
    warehouse: './warehouse',
    windows: [{ id: 'w1', start: '2022-04-01', end: '2022-04-03' }],
    processors: [{ id: 'alpha', coverage: { table: 'd.alpha' } }],
    settings: { notify },
  });
  const store = createAppStore(plan);
  const written: string[] = [];
  notifier = createNotifier({
    plan,
    store,
    terminal: { write: (text) => written.push(text) },
    tmux: false,
  });
  return { dir, plan, store, written };
};

describe('notifications', () => {
  it('runs the notify command for a failed task, a finished run and a complete plan, with the variables', async () => {
    const dir = tempDir('notify-out');
    const file = path.join(dir, 'events.jsonl');
    const { store, written } = setUp({ command: ['node', recordEnv, file], desktop: true });
    const w1 = days('2022-04-01', 3);
    setCoverage(store, 'alpha@w1', covered(w1, w1));

    store.getState().runStarted('all', ['alpha@w1']);
    finishTask(store, 'alpha@w1', { exitCode: 3 });
    store.getState().runEnded();
    await waitFor('two events', () => linesOf(file).length >= 2 && linesOf(file));
    setCoverage(store, 'alpha@w1', covered(w1));
    const events = await waitFor('three events', () => linesOf(file).length >= 3 && linesOf(file));
    expect(events.find((e) => e.BACKFILL_EVENT === 'task-failed')).toEqual({
      BACKFILL_EVENT: 'task-failed',
      BACKFILL_TASK: 'alpha@w1',
      BACKFILL_STATUS: 'failed',
      BACKFILL_MESSAGE: 'alpha@w1: exit 3',
    });
    expect(events.find((e) => e.BACKFILL_EVENT === 'run-finished')).toMatchObject({
      BACKFILL_TASK: '',
      BACKFILL_STATUS: 'with-failures',
    });
    expect(events.find((e) => e.BACKFILL_EVENT === 'plan-complete')).toMatchObject({
      BACKFILL_STATUS: 'complete',
      BACKFILL_MESSAGE: 'orchestration test plan: every cell complete (1)',
    });
    // bell, OSC 9 and OSC 777 for each of the three
    expect(written).toHaveLength(3);
    expect(written[0]).toBe(
      '\u0007\u001b]9;alpha@w1: exit 3\u0007\u001b]777;notify;backfill-console;alpha@w1: exit 3\u0007',
    );
  });

  it('kills a notify command that hangs past its timeout and says so, without failing anything', async () => {
    const dir = tempDir('notify-hang');
    const file = path.join(dir, 'pid.jsonl');
    // A shell, not node: it records its pid within milliseconds even on a loaded machine, long
    // before the timeout (a node command could be killed before it wrote anything).
    const hang = ['sh', '-c', 'printf \'{"pid":%s}\\n\' "$$" >> "$0"; exec sleep 60', file];
    const { store } = setUp({ command: hang, timeoutSeconds: 1 });
    finishTask(store, 'alpha@w1', { exitCode: 1 });
    const [{ pid }] = (await waitFor(
      'the command to start',
      () => linesOf(file).length > 0 && linesOf(file),
      20_000,
    )) as unknown as [{ pid: number }];
    await waitFor(
      'the timeout notice',
      () => store.getState().notice?.text.includes('notify command took longer than 1 s: killed'),
      20_000,
    );
    await waitFor('the command to be gone', () => !isAlive(pid), 20_000);
    await notifier!.settled();
    expect(store.getState().tasks['alpha@w1']?.status).toBe('failed');
  }, 60_000);

  it('passes a tmux passthrough when inside tmux', () => {
    expect(terminalAlert('done', { bell: false, desktop: true, tmux: true })).toBe(
      '\u001bPtmux;\u001b\u001b]9;done\u0007\u001b\\\u001bPtmux;\u001b\u001b]777;notify;backfill-console;done\u0007\u001b\\',
    );
  });

  it('headless run notifies the same way', async () => {
    const out = path.join(tempDir('notify-headless'), 'events.jsonl');
    const setup = unattendedPlan({
      alpha: ['--fail', '2022-04-19'],
      settings: { notify: { command: ['node', recordEnv, out], bell: false } },
    });
    const result = await cli(['run', '--plan', setup.file]);
    expect(result.code).toBe(1);
    const events = linesOf(out);
    // Commands run side by side: they may finish in either order.
    expect(events.map((e) => e.BACKFILL_EVENT).sort()).toEqual(['run-finished', 'task-failed']);
    expect(events.find((e) => e.BACKFILL_EVENT === 'task-failed')).toMatchObject({
      BACKFILL_TASK: 'alpha@w1',
      BACKFILL_STATUS: 'with-failures',
    });
  }, 60_000);
});
