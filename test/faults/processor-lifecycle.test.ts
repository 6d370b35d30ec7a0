/**
 * Faults in how a processor lives and ends: orphaned grandchildren, closed output, death by
 * signal, executables that are missing or cannot run, a cwd outside the plan's folder.
 * SIGTERM ignored → SIGKILL after the grace period is covered by test/runner/supervisor.test.ts
 * ("kills a child that ignores SIGTERM after the grace period, showing the countdown"); its
 * on-screen countdown is in console-screen.e2e.test.ts here.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskStatus } from '../../src/state/task-status.js';
import { isAlive, startHarness } from '../support/runner-harness.js';
import { waitFor } from '../support/wait-for.js';
import { faultFixture, groupMembers, sharedFixture } from './support.js';

let harness: ReturnType<typeof startHarness> | undefined;
afterEach(async () => {
  await harness?.tearDown();
  harness = undefined;
});

const finished = (id: string) => harness!.finished(id);

describe('a processor that leaves a grandchild behind', () => {
  it('has no process left in its group once the task has ended', async () => {
    harness = startHarness([
      { id: 'p', command: ['node', sharedFixture('fork-grandchild.mjs'), '--exit'] },
    ]);
    harness.supervisor.start('p@w1');
    const task = await waitFor('exit', finished('p'));
    expect(task).toMatchObject({ status: TaskStatus.succeeded, exitCode: 0 });
    await waitFor('supervisor idle', () => harness!.supervisor.runningCount() === 0);
    expect(groupMembers(task.pid!)).toEqual([]);
  });

  it('kills a grandchild that ignores SIGTERM after the grace period', async () => {
    harness = startHarness(
      [{ id: 'p', command: ['node', faultFixture('orphan-stubborn.mjs')] }],
      1,
    );
    harness.supervisor.start('p@w1');
    const task = await waitFor('exit', finished('p'));
    expect(task.status).toBe(TaskStatus.succeeded);
    const line = harness.logLines('p').find((l) => l.startsWith('grandchild '));
    const grandchild = Number(line?.split(' ')[1]);
    expect(grandchild).toBeGreaterThan(0);
    await waitFor('supervisor idle', () => harness!.supervisor.runningCount() === 0, 5000);
    expect(isAlive(grandchild)).toBe(false);
    expect(groupMembers(task.pid!)).toEqual([]);
    expect(readFileSync(task.logFile!, 'utf8')).toContain('grace period over: SIGKILL');
  });
});

describe('a processor that closes stdout and stderr but keeps running', () => {
  it('stays running until it exits, then succeeds; the lines before the close are in the log', async () => {
    const marker = path.join(mkdtempSync(path.join(os.tmpdir(), 'faults-marker-')), 'closed');
    harness = startHarness([
      { id: 'p', command: ['node', faultFixture('close-output.mjs'), marker] },
    ]);
    harness.supervisor.start('p@w1');
    await waitFor('the descriptors closed', () => existsSync(marker));
    const closedAt = Number(readFileSync(marker, 'utf8'));
    // Give the console a few ticks to (wrongly) take the closed output for the end of the task.
    const watchedUntil = Date.now() + 300;
    await waitFor('300 ms of watching', () => {
      expect(harness!.task('p').status).toBe(TaskStatus.running);
      return Date.now() > watchedUntil;
    });
    const task = await waitFor('exit', finished('p'));
    expect(task).toMatchObject({ status: TaskStatus.succeeded, exitCode: 0 });
    expect(task.endedAt! - closedAt).toBeGreaterThanOrEqual(900);
    expect(harness.logLines('p')).toEqual(['before close 1', 'before close 2', 'before close 3']);
  });
});

describe('a processor that dies of a signal', () => {
  const signals = ['SIGINT', 'SIGTERM', 'SIGKILL', 'SIGHUP', 'SIGSEGV', 'SIGABRT'] as const;

  it.each(signals)('is killed, with %s named in its reason', async (signal) => {
    harness = startHarness([
      { id: 'p', command: ['node', faultFixture('die-by-signal.mjs'), signal] },
    ]);
    harness.supervisor.start('p@w1');
    const task = await waitFor('exit', finished('p'));
    expect(harness.logLines('p')[0]).toBe(`about to die by ${signal}`);
    expect(task).toMatchObject({ status: TaskStatus.killed, signal });
    expect(task.reason).toBe(`killed by ${signal}`);
    expect(readFileSync(task.logFile!, 'utf8')).toContain(`[backfill-console] killed by ${signal}`);
  });
});

describe('a processor whose executable cannot run', () => {
  const tools = mkdtempSync(path.join(os.tmpdir(), 'faults-tools-'));
  const notExecutable = path.join(tools, 'not-executable.py');
  writeFileSync(notExecutable, 'print("hi")\n');
  chmodSync(notExecutable, 0o644);
  // A script whose interpreter is gone: the usual state of a .venv after its Python was removed.
  const badInterpreter = path.join(tools, 'stale-venv-tool');
  writeFileSync(badInterpreter, '#!/nonexistent/venv/bin/python3\nprint("hi")\n');
  chmodSync(badInterpreter, 0o755);

  it.each([
    {
      what: 'missing',
      command: ['.venv/bin/python', 'job.py'],
      reason: /not found.*\.venv\/bin\/python/,
    },
    {
      what: 'not executable',
      command: [notExecutable],
      reason: /not executable.*not-executable\.py/,
    },
    {
      what: 'with a missing interpreter',
      command: [badInterpreter],
      reason: /not found|interpreter|nonexistent/,
    },
  ])(
    'fails the task $what with a clear reason while another task runs',
    async ({ command, reason }) => {
      harness = startHarness([
        { id: 'broken', command },
        { id: 'ok', command: ['node', sharedFixture('slow-printer.mjs')] },
      ]);
      harness.supervisor.start('ok@w1');
      harness.supervisor.start('broken@w1');
      const task = await waitFor('the broken task to end', finished('broken'));
      expect(task.status).toBe(TaskStatus.failed);
      expect(task.reason).toMatch(reason);
      await waitFor('ok prints', () => harness!.tail('ok').some((l) => l.startsWith('tick')));
      expect(harness.task('ok').status).toBe(TaskStatus.running);
    },
  );
});

describe('a processor whose cwd is outside the plan folder', () => {
  it.each(['../..', '/tmp'])('runs in cwd %s', async (cwd) => {
    harness = startHarness([
      { id: 'p', command: ['node', '-e', 'console.log(process.cwd())'], cwd },
    ]);
    harness.supervisor.start('p@w1');
    const task = await waitFor('exit', finished('p'));
    expect(task.status).toBe(TaskStatus.succeeded);
    expect(harness.logLines('p')).toEqual([path.resolve(harness.dir, cwd)]);
  });
});
