import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/index.js';
import { createAppStore } from '../../src/state/store.js';
import { createLogBook } from '../../src/state/log-book.js';
import { createSupervisor } from '../../src/runner/tasks/supervisor.js';
import { HttpJobExit } from '../../src/runner/coordinator/http-job-spec.js';
import { isFinished, TaskStatus } from '../../src/state/task-status.js';
import { nestedStatus, startCoordinatorLoopback } from '../support/coordinator-loopback.js';
import type { CoordinatorLoopback } from '../support/coordinator-loopback.js';
import { isAlive } from '../support/runner-harness.js';
import { waitFor } from '../support/wait-for.js';

const token = 'tok-process-secret-777';
const taskId = 'predictions@w1';

let server: CoordinatorLoopback | undefined;
let dispose: (() => void) | undefined;
afterEach(async () => {
  dispose?.();
  dispose = undefined;
  await server?.close();
  server = undefined;
});

/** An http processor over a two-day window; `env` is the processor's env in the plan. */
const setUp = (url: string, env: Record<string, string> = { COORDINATOR_TOKEN: token }) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'http-job-'));
  const plan = parsePlan(
    JSON.stringify({
      version: 1,
      settings: { stopGraceSeconds: 5 },
      windows: [{ id: 'w1', start: '2022-04-16', end: '2022-04-17' }],
      phases: [{ id: '5' }],
      processors: [
        {
          id: 'predictions',
          phase: '5',
          kind: 'http',
          http: { url, pollSeconds: 0.05, auth: { env: 'COORDINATOR_TOKEN' } },
          env,
        },
      ],
    }),
    path.join(dir, 'backfill.yaml'),
  );
  const store = createAppStore(plan);
  const supervisor = createSupervisor({ plan, store, logBook: createLogBook(1000) });
  dispose = () => supervisor.dispose();
  const task = () => store.getState().tasks[taskId]!;
  const ended = () => waitFor('the job to end', () => isFinished(task().status));
  const log = () => readFileSync(task().logFile!, 'utf8');
  return { store, supervisor, task, ended, log };
};

const startedReply = (date: string) => ({
  status: 202,
  json: { status: 'started', batch_id: `batch_${date}_1` },
});

describe('a coordinator job process', () => {
  it('runs under its own pid, with the token in its environment only', async () => {
    server = await startCoordinatorLoopback();
    server.onStart((r) => startedReply((r.body as { game_date: string }).game_date));
    server.onStatus((r) => nestedStatus(r.query.batch_id ?? '', 4, 4));
    const { supervisor, task, ended, log } = setUp(server.url);
    supervisor.start(taskId);
    await ended();
    expect(task()).toMatchObject({ status: TaskStatus.succeeded, exitCode: HttpJobExit.complete });
    expect(task().pid).not.toBe(process.pid);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${token}`);
    expect(log()).toMatch(/\[backfill-console\] run: \S+ \S+http-job-process\.js \S+\.job\.json/);
    expect(log()).not.toContain(token);
    expect(readFileSync(`${task().logFile}.job.json`, 'utf8')).not.toContain(token);
  });

  it('exits "some dates failed" when a date failed, judged as finished with failures', async () => {
    server = await startCoordinatorLoopback();
    server.onStart((r) => {
      const date = (r.body as { game_date: string }).game_date;
      return date === '2022-04-17'
        ? { status: 503, json: { error: 'DATA_INCOMPLETE', message: 'features missing' } }
        : startedReply(date);
    });
    server.onStatus((r) => nestedStatus(r.query.batch_id ?? '', 4, 4));
    const { supervisor, task, ended } = setUp(server.url);
    supervisor.start(taskId);
    await ended();
    expect(task()).toMatchObject({
      status: TaskStatus.withFailures,
      exitCode: HttpJobExit.someDatesFailed,
      reason: 'exit 2: 1 date failed',
    });
  });

  it('on x: stops cleanly, sends no new start, and logs the batch in flight as left running', async () => {
    server = await startCoordinatorLoopback();
    server.onStart((r) => startedReply((r.body as { game_date: string }).game_date));
    server.onStatus((r) => nestedStatus(r.query.batch_id ?? '', 1, 10));
    const { supervisor, task, ended, log } = setUp(server.url);
    supervisor.start(taskId);
    await waitFor('a status poll', () => server!.requests.some((r) => r.path === '/status'));
    const pid = task().pid!;
    supervisor.stop(taskId);
    await ended();
    expect(task()).toMatchObject({ status: TaskStatus.killed, exitCode: HttpJobExit.stopped });
    expect(task().signal).toBeUndefined();
    expect(log()).toContain('SIGTERM received: stopping, no new batch will be started');
    expect(log()).toContain('batch batch_2022-04-16_1 left running on the coordinator');
    expect(log()).not.toContain('grace period over');
    expect(server.requests.filter((r) => r.path === '/start')).toHaveLength(1);
    expect(isAlive(pid)).toBe(false);
  });

  it('keeps polling through a SIGHUP to its group (a lost terminal), then ends complete', async () => {
    server = await startCoordinatorLoopback();
    let release = false;
    server.onStart((r) => startedReply((r.body as { game_date: string }).game_date));
    server.onStatus((r) => nestedStatus(r.query.batch_id ?? '', release ? 10 : 2, 10));
    const { supervisor, task, ended } = setUp(server.url);
    supervisor.start(taskId);
    await waitFor('a status poll', () => server!.requests.some((r) => r.path === '/status'));
    process.kill(-task().pid!, 'SIGHUP');
    const polls = server.requests.length;
    await waitFor('polls after the SIGHUP', () => server!.requests.length > polls + 2);
    release = true;
    await ended();
    expect(task()).toMatchObject({ status: TaskStatus.succeeded, exitCode: HttpJobExit.complete });
  });

  it('exits "auth failed" when auth.env is not set, having sent nothing', async () => {
    server = await startCoordinatorLoopback();
    const { supervisor, task, ended } = setUp(server.url, {});
    supervisor.start(taskId);
    await ended();
    expect(task()).toMatchObject({ status: TaskStatus.failed, exitCode: HttpJobExit.authFailed });
    expect(task().reason).toMatch(/^exit 4: no token, nothing sent/);
    expect(server.requests).toHaveLength(0);
  });
});
