import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/index.js';
import { createAppStore } from '../../src/state/store.js';
import { createLogBook } from '../../src/state/log-book.js';
import { createSupervisor } from '../../src/runner/tasks/supervisor.js';
import { isFinished, TaskStatus } from '../../src/state/task-status.js';
import { nestedStatus, startCoordinatorLoopback } from '../support/coordinator-loopback.js';
import type { CoordinatorLoopback } from '../support/coordinator-loopback.js';
import { waitFor } from '../support/wait-for.js';

let server: CoordinatorLoopback | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** An http processor over a three-day window, through the real supervisor. */
const setUp = (url: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'http-task-'));
  const plan = parsePlan(
    JSON.stringify({
      version: 1,
      windows: [{ id: 'w1', start: '2022-04-16', end: '2022-04-18' }],
      phases: [{ id: '5' }],
      processors: [
        {
          id: 'predictions',
          phase: '5',
          kind: 'http',
          http: { url, pollSeconds: 0.01, auth: { env: 'COORDINATOR_TOKEN' } },
          env: { COORDINATOR_TOKEN: 'tok-secret-123456' },
        },
      ],
    }),
    path.join(dir, 'backfill.yaml'),
  );
  const store = createAppStore(plan);
  const logBook = createLogBook(1000);
  const supervisor = createSupervisor({ plan, store, logBook });
  const tail = () => {
    const ring = logBook.ring('predictions@w1');
    return Array.from(
      { length: ring.end() - ring.first() },
      (_, i) => ring.at(ring.first() + i) ?? '',
    );
  };
  return { store, supervisor, tail };
};

describe('an http processor run by the supervisor', () => {
  it('posts one date at a time, parses progress from its own log lines, and judges the run', async () => {
    server = await startCoordinatorLoopback();
    server.onStart((request) => {
      const date = (request.body as { game_date: string }).game_date;
      if (date === '2022-04-17')
        return { status: 503, json: { error: 'DATA_INCOMPLETE', message: 'features missing' } };
      return { status: 202, json: { status: 'started', batch_id: `batch_${date}_1` } };
    });
    server.onStatus((request) => nestedStatus(request.query.batch_id ?? '', 10, 10));
    const { store, supervisor, tail } = setUp(server.url);
    supervisor.start('predictions@w1');
    await waitFor('the job to end', () =>
      isFinished(store.getState().tasks['predictions@w1']!.status),
    );
    const task = store.getState().tasks['predictions@w1']!;
    expect(task.status).toBe(TaskStatus.withFailures);
    expect(task.progress).toMatchObject({
      succeeded: 2,
      failed: 1,
      failedDates: ['2022-04-17'],
      total: 3,
    });
    expect(
      server.requests
        .filter((r) => r.path === '/start')
        .map((r) => (r.body as { game_date: string }).game_date),
    ).toEqual(['2022-04-16', '2022-04-17', '2022-04-18']);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer tok-secret-123456');
    expect(tail().join('\n')).not.toContain('tok-secret-123456');
    supervisor.dispose();
  });

  it('cancels the job when the task is stopped, and sends nothing more', async () => {
    server = await startCoordinatorLoopback();
    server.onStart((request) => ({
      status: 202,
      json: {
        status: 'started',
        batch_id: `batch_${(request.body as { game_date: string }).game_date}_1`,
      },
    }));
    server.onStatus((request) => nestedStatus(request.query.batch_id ?? '', 1, 10));
    const { store, supervisor } = setUp(server.url);
    supervisor.start('predictions@w1');
    await waitFor('a status poll', () => server!.requests.some((r) => r.path === '/status'));
    supervisor.stop('predictions@w1');
    await waitFor('the job to end', () =>
      isFinished(store.getState().tasks['predictions@w1']!.status),
    );
    const count = server.requests.length;
    expect(store.getState().tasks['predictions@w1']).toMatchObject({ status: TaskStatus.killed });
    // Absence cannot be waited for: polls come every 10 ms, so ten poll periods of silence
    // would have caught a job still polling.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.requests.length).toBe(count);
    supervisor.dispose();
  });
});
