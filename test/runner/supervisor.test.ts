import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskStatus } from '../../src/state/task-status.js';
import { fixture, isAlive, startHarness } from '../support/runner-harness.js';
import { waitFor } from '../support/wait-for.js';
import { isFinished } from '../../src/state/task-status.js';
import { createAppStore } from '../../src/state/store.js';
import { createLogBook } from '../../src/state/log-book.js';
import { createSupervisor } from '../../src/runner/tasks/supervisor.js';
import { statusText } from '../../src/ui/task-columns.js';

let harness: ReturnType<typeof startHarness> | undefined;
afterEach(async () => {
  await harness?.tearDown();
  harness = undefined;
});

const finished = (id: string) => harness!.finished(id);

describe('supervisor with real processes', () => {
  it('records the exit code and keeps every line, stdout and stderr merged in order', async () => {
    harness = startHarness([
      { id: 'p', command: ['node', fixture('print-and-exit.mjs'), '200', '3'] },
    ]);
    harness.supervisor.start('p@w1');
    const task = await waitFor('exit', finished('p'));
    expect(task).toMatchObject({ status: TaskStatus.failed, exitCode: 3, reason: 'exit 3' });
    const expected = Array.from(
      { length: 200 },
      (_, i) => `line ${i + 1} ${i % 2 === 0 ? 'out' : 'err'}`,
    );
    expect(harness.logLines('p')).toEqual(expected);
    expect(harness.tail('p').filter((l) => !l.startsWith('[backfill-console]'))).toEqual(expected);
  });

  it('runs the command in its cwd with the plan env and PYTHONUNBUFFERED set', async () => {
    harness = startHarness([
      {
        id: 'p',
        command: [
          'node',
          '-e',
          'console.log(process.cwd(), process.env.PYTHONUNBUFFERED, process.env.FOO, process.argv[1])',
          '{start}',
        ],
        cwd: '/tmp',
        env: { FOO: 'bar' },
      },
    ]);
    harness.supervisor.start('p@w1');
    await waitFor('exit', finished('p'));
    expect(harness.logLines('p')).toEqual(['/tmp 1 bar 2022-04-16']);
  });

  it('shows exit 0 with failed dates as finished with failures, with the dates', async () => {
    const script = [
      "console.error('INFO:__main__:Processing game date 1/2: 2022-04-16')",
      "console.error('  ✓ Success: 481 records')",
      "console.error('INFO:__main__:Processing game date 2/2: 2022-04-17')",
      "console.error('  ✗ Failed: 2022-04-17')",
    ].join(';');
    harness = startHarness([{ id: 'p', command: ['node', '-e', script] }]);
    harness.supervisor.start('p@w1');
    const task = await waitFor('exit', finished('p'));
    expect(task).toMatchObject({ status: TaskStatus.withFailures, exitCode: 0 });
    expect(task.progress).toMatchObject({
      succeeded: 1,
      failed: 1,
      failedDates: ['2022-04-17'],
      index: 2,
      total: 2,
    });
  });

  it('gives a failed run the last error line of its log as the reason', async () => {
    const script = [
      "console.error('INFO:__main__:Processing game date 1/2: 2023-04-15')",
      "console.error('Traceback (most recent call last):')",
      'console.error(\'  File "x.py", line 3, in <module>\')',
      "console.error('google.api_core.exceptions.BadRequest: 400 Unrecognized name: season_type')",
      "console.error('')",
      'process.exit(1)',
    ].join(';');
    harness = startHarness([{ id: 'p', command: ['node', '-e', script] }]);
    harness.supervisor.start('p@w1');
    const task = await waitFor('exit', finished('p'));
    expect(task.reason).toBe(
      'exit 1: google.api_core.exceptions.BadRequest: 400 Unrecognized name: season_type',
    );
  });

  it('kills a child that ignores SIGTERM after the grace period, showing the countdown', async () => {
    harness = startHarness([{ id: 'p', command: ['node', fixture('ignore-sigterm.mjs')] }], 1);
    harness.supervisor.start('p@w1');
    await waitFor('ready', () => harness!.tail('p').includes('ready'));
    // killAt is on the monotonic clock (src/state/clock.ts).
    const stopAt = performance.now();
    harness.supervisor.stop('p@w1');
    const stopping = harness.task('p');
    expect(stopping.status).toBe(TaskStatus.stopping);
    expect(stopping.killAt! - stopAt).toBeGreaterThanOrEqual(900);
    const task = await waitFor('exit', finished('p'));
    expect(performance.now() - stopAt).toBeGreaterThanOrEqual(950);
    expect(task).toMatchObject({ status: TaskStatus.killed, signal: 'SIGKILL' });
    expect(harness.tail('p')).toContain('ignoring SIGTERM');
    expect(isAlive(task.pid!)).toBe(false);
  });

  it('kills at once with X', async () => {
    harness = startHarness([{ id: 'p', command: ['node', fixture('ignore-sigterm.mjs')] }], 30);
    harness.supervisor.start('p@w1');
    await waitFor('ready', () => harness!.tail('p').includes('ready'));
    const at = Date.now();
    harness.supervisor.kill('p@w1');
    const task = await waitFor('exit', finished('p'));
    expect(task.signal).toBe('SIGKILL');
    expect(Date.now() - at).toBeLessThan(5000);
  });

  it('leaves no grandchild behind when a task is stopped', async () => {
    harness = startHarness([{ id: 'p', command: ['node', fixture('fork-grandchild.mjs')] }]);
    harness.supervisor.start('p@w1');
    const line = await waitFor('grandchild pid', () =>
      harness!.tail('p').find((l) => l.startsWith('grandchild ')),
    );
    const grandchild = Number(line.split(' ')[1]);
    expect(isAlive(grandchild)).toBe(true);
    harness.supervisor.stop('p@w1');
    await waitFor('exit', finished('p'));
    await waitFor('grandchild gone', () => !isAlive(grandchild));
    await waitFor('supervisor idle', () => harness!.supervisor.runningCount() === 0);
  });

  it('takes down a grandchild left running by a parent that exits on its own', async () => {
    harness = startHarness([
      { id: 'p', command: ['node', fixture('fork-grandchild.mjs'), '--exit'] },
    ]);
    harness.supervisor.start('p@w1');
    const task = await waitFor('exit', finished('p'));
    expect(task.exitCode).toBe(0);
    const line = harness.tail('p').find((l) => l.startsWith('grandchild '))!;
    const grandchild = Number(line.split(' ')[1]);
    await waitFor('grandchild gone', () => !isAlive(grandchild));
    await waitFor('supervisor idle', () => harness!.supervisor.runningCount() === 0);
  });

  it('fails a task with a missing executable or cwd and keeps the others running', async () => {
    harness = startHarness([
      { id: 'missing', command: ['.venv/bin/python', 'x.py'] },
      { id: 'nocwd', command: ['node', '-e', ''], cwd: 'does/not/exist' },
      { id: 'ok', command: ['node', fixture('slow-printer.mjs')] },
    ]);
    harness.supervisor.start('ok@w1');
    harness.supervisor.start('missing@w1');
    harness.supervisor.start('nocwd@w1');
    expect(harness.task('missing')).toMatchObject({ status: TaskStatus.failed });
    expect(harness.task('missing').reason).toMatch(/executable not found.*\.venv\/bin\/python/);
    expect(harness.task('nocwd').reason).toMatch(/working directory not found: .*does\/not\/exist/);
    expect(harness.tail('missing').join('\n')).toMatch(/cannot start: executable not found/);
    await waitFor('ok prints', () => harness!.tail('ok').some((l) => l.startsWith('tick')));
    expect(harness.task('ok').status).toBe(TaskStatus.running);
  });

  it('restarts a running task as a new attempt in a new log file', async () => {
    harness = startHarness([{ id: 'p', command: ['node', fixture('slow-printer.mjs')] }]);
    harness.supervisor.start('p@w1');
    await waitFor('ticks', () => harness!.tail('p').some((l) => l.startsWith('tick')));
    const firstLog = harness.task('p').logFile;
    harness.supervisor.restart('p@w1');
    await waitFor(
      'second attempt running',
      () => harness!.task('p').attempt === 2 && harness!.task('p').status === 'running',
    );
    expect(harness.task('p').logFile).not.toBe(firstLog);
    expect(existsSync(firstLog!)).toBe(true);
  });

  it('keeps every line of a flood in the log file while the tail stays capped', async () => {
    harness = startHarness([{ id: 'p', command: ['node', fixture('flood.mjs'), '200000'] }]);
    harness.supervisor.start('p@w1');
    await waitFor('exit', finished('p'), 60_000);
    const lines = harness.logLines('p');
    expect(lines).toHaveLength(200_000);
    expect(lines[0]).toBe('line 1');
    expect(lines[199_999]).toBe('line 200000');
    const ring = harness.logBook.ring('p@w1');
    expect(ring.end() - ring.first()).toBeLessThanOrEqual(1000);
    expect(ring.end()).toBeGreaterThanOrEqual(200_000);
  });

  it('writes log files readable by the owner only', async () => {
    harness = startHarness([{ id: 'p', command: ['node', '-e', ''] }]);
    harness.supervisor.start('p@w1');
    const task = await waitFor('exit', finished('p'));
    expect(statSync(task.logFile!).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(task.logFile!)).mode & 0o777).toBe(0o700);
  });
});

describe('a task that ended while no console watched', () => {
  it('is "ended unseen", not a failure, and keeps the dates its log reported', async () => {
    const script = [
      "console.error('INFO:__main__:Processing game date 1/3: 2022-04-16')",
      "console.error('  ✓ Success: 481 records')",
      "console.error('INFO:__main__:Processing game date 2/3: 2022-04-17')",
      "console.error('  ✓ Success: 470 records')",
      'setInterval(() => {}, 1000)',
    ].join(';');
    harness = startHarness([{ id: 'p', command: ['node', '-e', script] }]);
    harness.supervisor.start('p@w1');
    await waitFor('two dates done', () => harness!.task('p').progress.succeeded === 2);
    const left = harness.task('p');
    // The console goes away, then the whole group (the exit-status wrapper too) is killed:
    // no exit status is ever written.
    harness.supervisor.dispose();
    process.kill(-left.pid!, 'SIGKILL');
    await waitFor('the group to be gone', () => !isAlive(left.pid!));

    const store = createAppStore(harness.plan);
    const supervisor = createSupervisor({ plan: harness.plan, store, logBook: createLogBook(100) });
    supervisor.attach('p@w1', { ...left, status: TaskStatus.running });
    const task = await waitFor('the re-attached task to be judged', () => {
      const t = store.getState().tasks['p@w1']!;
      return isFinished(t.status) ? t : undefined;
    });
    supervisor.dispose();
    expect(task.status).toBe(TaskStatus.endedUnseen);
    expect(task.reason).toBe(
      'ended while no console watched, no exit status recorded: judged by coverage',
    );
    expect(task.progress).toMatchObject({ succeeded: 2, index: 2, total: 3 });
    expect(statusText(task)).toBe('ended unseen');
  });
});

describe('secrets', () => {
  it('never shows a secret env value in the tail or in the console lines of the log', async () => {
    const { createRedactor } = await import('../../src/state/redact.js');
    const secretEnv = { COORDINATOR_TOKEN: 'tok-very-secret-42' };
    const local = startHarness([
      {
        id: 'p',
        command: [
          'node',
          '-e',
          'console.log("token is", process.env.COORDINATOR_TOKEN)',
          '{start}',
          process.env.HOME ?? '',
        ],
        env: secretEnv,
      },
    ]);
    const { createSupervisor } = await import('../../src/runner/tasks/supervisor.js');
    const supervisor = createSupervisor({
      plan: local.plan,
      store: local.store,
      logBook: local.logBook,
      redact: createRedactor([secretEnv]),
    });
    supervisor.start('p@w1');
    await waitFor('exit', () => isFinished(local.task('p').status));
    expect(local.tail('p').join('\n')).toContain('token is ***');
    expect(local.tail('p').join('\n')).not.toContain('tok-very-secret-42');
    supervisor.dispose();
    local.supervisor.dispose();
  });
});
