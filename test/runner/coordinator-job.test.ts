import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpJobSchema } from '../../src/plan/schema.js';
import { runCoordinatorJob } from '../../src/runner/coordinator/job.js';
import type { CoordinatorJobOptions } from '../../src/runner/coordinator/job.js';
import { createProgressParser } from '../../src/runner/logs/progress-parser.js';
import { inTurn, nestedStatus, startCoordinatorLoopback } from '../support/coordinator-loopback.js';
import type { CoordinatorLoopback, ScriptedReply } from '../support/coordinator-loopback.js';
import { waitFor } from '../support/wait-for.js';

const D1 = '2022-04-18';
const D2 = '2022-04-19';
const B1 = 'batch_2022-04-18_1700000000';
const B2 = 'batch_2022-04-19_1700000100';
const rule = '='.repeat(80);
const started = (batchId: string): ScriptedReply => ({
  status: 202,
  json: { status: 'started', batch_id: batchId, monitor_url: `/status?batch_id=${batchId}` },
});

let server: CoordinatorLoopback;
beforeEach(async () => {
  server = await startCoordinatorLoopback();
});
afterEach(async () => {
  await server.close();
});

type RunOptions = Partial<Omit<CoordinatorJobOptions, 'config' | 'signal'>> & {
  config?: Record<string, unknown>;
  controller?: AbortController;
};

/** Runs the job against the loopback server with fast polling; returns lines, result and a stop. */
const startJob = (options: RunOptions = {}) => {
  const { config, controller = new AbortController(), ...rest } = options;
  const lines: string[] = [];
  const promise = runCoordinatorJob({
    config: httpJobSchema.parse({
      url: server.url,
      body: { game_date: '{date}' },
      pollSeconds: 0.01,
      ...config,
    }),
    dates: [D1],
    log: (line) => lines.push(line),
    signal: controller.signal,
    env: {},
    cwd: process.cwd(),
    ...rest,
  });
  return { lines, controller, promise };
};
const runJob = async (options: RunOptions = {}) => {
  const job = startJob(options);
  return { lines: job.lines, result: await job.promise };
};

/** Records each backoff and returns at once, so retry tests do not wait 7 s. */
const recordingSleep = () => {
  const waits: number[] = [];
  const sleep = (ms: number) => {
    waits.push(ms);
    return Promise.resolve();
  };
  return { waits, sleep };
};

const summary = (successful: number, skipped: number, failed: number, failedDates?: string) => [
  rule,
  'PHASE 5 PREDICTIONS SUMMARY:',
  `  Successful: ${successful}, Skipped: ${skipped}, Failed: ${failed}`,
  ...(failedDates ? [`  Failed dates: ${failedDates}`] : []),
  rule,
];

describe('coordinator job: starting a date', () => {
  it('202 started, then polls the nested status until complete, logging the exact lines', async () => {
    server.onStart(() => started(B1));
    server.onStatus(
      inTurn(
        nestedStatus(B1, 0, 450, { etaSeconds: 300 }),
        nestedStatus(B1, 120, 450, { etaSeconds: 95 }),
        nestedStatus(B1, 120, 450, { etaSeconds: 90 }),
        nestedStatus(B1, 450, 450, { failed: 3 }),
      ),
    );
    const { lines, result } = await runJob();
    expect(result).toEqual({ succeeded: [D1], skipped: [], failed: [], cancelled: false });
    expect(lines).toEqual([
      `Prediction coordinator: 1 game dates via ${server.url}`,
      `Processing game date 1/1: ${D1}`,
      `POST /start {"game_date":"${D1}"} → 202 started ${B1}`,
      `  status ${B1} in_progress 0/450 (0.0%), eta 300 s`,
      `  status ${B1} in_progress 120/450 (26.7%), eta 95 s`,
      `  status ${B1} complete 450/450 (100.0%)`,
      `  ✓ Success: batch ${B1} complete (450/450, 3 failed)`,
      ...summary(1, 0, 0),
    ]);
    const polls = server.requests.filter((r) => r.path === '/status');
    expect(polls).toHaveLength(4);
    expect(polls.every((r) => r.method === 'GET' && r.query.batch_id === B1)).toBe(true);
  });

  it('409 already_running for the same date polls the batch the reply names', async () => {
    const running = 'batch_2022-04-18_1699999000';
    server.onStart(() => ({ status: 409, json: { status: 'already_running', batch_id: running } }));
    server.onStatus(inTurn(nestedStatus(running, 10, 20), nestedStatus(running, 20, 20)));
    const { lines, result } = await runJob();
    expect(result.succeeded).toEqual([D1]);
    expect(lines).toContain(`POST /start {"game_date":"${D1}"} → 409 already_running ${running}`);
    expect(lines).toContain(`  batch ${running} is already running; waiting for it`);
    expect(server.requests.filter((r) => r.path === '/start')).toHaveLength(1);
    expect(
      server.requests.filter((r) => r.path === '/status').map((r) => r.query.batch_id),
    ).toEqual([running, running]);
  });

  it("409 naming another date's batch waits for it, then starts this date again", async () => {
    const other = 'batch_2022-04-17_1699999000';
    server.onStart(
      inTurn({ status: 409, json: { status: 'already_running', batch_id: other } }, started(B1)),
    );
    server.onStatus((r) =>
      r.query.batch_id === other ? nestedStatus(other, 5, 5) : nestedStatus(B1, 7, 7),
    );
    const { lines, result } = await runJob();
    expect(result.succeeded).toEqual([D1]);
    expect(server.requests.map((r) => `${r.path} ${r.query.batch_id ?? ''}`)).toEqual([
      '/start ',
      `/status ${other}`,
      '/start ',
      `/status ${B1}`,
    ]);
    // The other date's completion is not reported as this date's success.
    expect(lines.filter((l) => l.includes('✓ Success'))).toEqual([
      `  ✓ Success: batch ${B1} complete (7/7, 0 failed)`,
    ]);
  });

  it('404 with the coordinator\'s JSON ("no players") skips the date with its message', async () => {
    server.onStart(() => ({
      status: 404,
      json: { status: 'error', message: `No players found for ${D1}` },
    }));
    const { lines, result } = await runJob();
    expect(result.skipped).toEqual([{ date: D1, reason: `No players found for ${D1}` }]);
    expect(lines).toContain(`  ⏭ Skipped: No players found for ${D1}`);
    expect(lines).toContain(
      `POST /start {"game_date":"${D1}"} → 404 error No players found for ${D1}`,
    );
  });

  it('a bare 404 (wrong url or startPath) fails the date instead of skipping it', async () => {
    const { result } = await runJob({ config: { startPath: '/strat' } });
    expect(result.skipped).toEqual([]);
    expect(result.failed).toEqual([
      { date: D1, reason: '/strat answered 404: Cannot POST /strat' },
    ]);
  });

  it("503 DATA_INCOMPLETE fails the date with the server's message", async () => {
    server.onStart(() => ({
      status: 503,
      json: { error: 'DATA_INCOMPLETE', message: 'ml_feature_store_v2 has 0 rows for 2022-04-18' },
    }));
    const { lines, result } = await runJob();
    const reason = 'DATA_INCOMPLETE: ml_feature_store_v2 has 0 rows for 2022-04-18';
    expect(result.failed).toEqual([{ date: D1, reason }]);
    expect(lines).toContain(`  ✗ Failed: ${D1} - ${reason}`);
    expect(lines.slice(-5)).toEqual(summary(0, 0, 1, D1));
  });

  it('200 no_games_scheduled skips the date', async () => {
    server.onStart(() => ({ status: 200, json: { status: 'no_games_scheduled' } }));
    const { lines, result } = await runJob();
    expect(result.skipped).toEqual([{ date: D1, reason: 'no games scheduled' }]);
    expect(lines).toContain('  ⏭ Skipped: no games scheduled');
    expect(server.requests.filter((r) => r.path === '/status')).toHaveLength(0);
  });

  it('other 4xx/5xx replies fail the date with status and message, without retrying', async () => {
    server.onStart(() => ({ status: 500, json: { status: 'error', message: 'pubsub exploded' } }));
    const { result } = await runJob();
    expect(result.failed).toEqual([{ date: D1, reason: '/start answered 500: pubsub exploded' }]);
    expect(server.requests).toHaveLength(1);
  });

  it('a 202 for another date (body without game_date runs today) fails instead of counting', async () => {
    server.onStart(() => started('batch_2026-01-03_1767400000'));
    const { result } = await runJob({ config: { body: { game_date: '{date}', x: [1] } } });
    expect(result.failed[0]?.reason).toMatch(/started batch batch_2026-01-03_\d+ for another date/);
    expect(server.requests.filter((r) => r.path === '/status')).toHaveLength(0);
  });

  it('fills "{date}" into every string value of the body, however deep', async () => {
    server.onStart(() => ({ status: 200, json: { status: 'no_games_scheduled' } }));
    await runJob({
      config: {
        body: {
          game_date: '{date}',
          force: false,
          n: 3,
          note: 'run {date} for {date}',
          nested: { dates: ['{date}', 'x'], keep: null, '{date}': 'key stays' },
        },
      },
    });
    expect(server.requests[0]?.body).toEqual({
      game_date: D1,
      force: false,
      n: 3,
      note: `run ${D1} for ${D1}`,
      nested: { dates: [D1, 'x'], keep: null, '{date}': 'key stays' },
    });
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('a body without "{date}" fails the job up front: every start would run the same day', async () => {
    const { lines, result } = await runJob({ config: { body: { game_date: 'TODAY' } } });
    const reason = 'http.body has no "{date}": every start would run the same day';
    expect(result.failed).toEqual([{ date: D1, reason }]);
    expect(lines).toContain(`❌ ${reason}; no request sent`);
    expect(server.requests).toHaveLength(0);
  });

  it('a network timeout is retried 3 times with 1 s, 2 s, 4 s backoff, then fails the date', async () => {
    server.onStart(() => 'hang');
    const { waits, sleep } = recordingSleep();
    const { lines, result } = await runJob({ config: { requestTimeoutSeconds: 0.2 }, sleep });
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(server.requests.filter((r) => r.path === '/start')).toHaveLength(4);
    expect(result.failed).toEqual([
      {
        date: D1,
        reason: `POST /start {"game_date":"${D1}"}: no reply within 0.2 s (gave up after 4 attempts)`,
      },
    ]);
    expect(lines).toContain(
      `POST /start {"game_date":"${D1}"} → no reply within 0.2 s; retry 1/3 in 1 s`,
    );
  });
});

describe('coordinator job: polling', () => {
  it('reads the flat status shape and completes at completion_pct 100', async () => {
    server.onStart(() => started(B1));
    server.onStatus(
      inTurn(
        { status: 200, json: { status: 'in_progress', batch_id: B1, completion_pct: 40 } },
        { status: 200, json: { status: 'in_progress', batch_id: B1, completion_pct: 100 } },
      ),
    );
    const { lines, result } = await runJob();
    expect(result.succeeded).toEqual([D1]);
    expect(lines).toContain(`  status ${B1} in_progress 40.0%`);
    expect(lines).toContain(`  ✓ Success: batch ${B1} complete (100.0%)`);
  });

  it('404 not_found on status fails the date as "batch not found"', async () => {
    server.onStart(() => started(B1));
    server.onStatus(() => ({
      status: 404,
      json: { status: 'not_found', message: `Batch ${B1} not found` },
    }));
    const { result } = await runJob();
    expect(result.failed).toEqual([
      { date: D1, reason: `batch not found (Batch ${B1} not found)` },
    ]);
  });

  it('no_active_batch fails the date unless the last progress had counted every player', async () => {
    server.onStart(() => started(B1));
    server.onStatus(
      inTurn(nestedStatus(B1, 3, 9), { status: 200, json: { status: 'no_active_batch' } }),
    );
    const first = await runJob();
    expect(first.result.failed).toEqual([{ date: D1, reason: 'coordinator has no active batch' }]);

    server.onStatus(
      inTurn(nestedStatus(B1, 8, 9, { failed: 1, complete: false }), {
        status: 200,
        json: { status: 'no_active_batch' },
      }),
    );
    const second = await runJob();
    expect(second.result.succeeded).toEqual([D1]);
  });

  it('is_stalled: true fails the date at its progress', async () => {
    server.onStart(() => started(B1));
    server.onStatus(
      inTurn(nestedStatus(B1, 100, 450), nestedStatus(B1, 120, 450, { stalled: true })),
    );
    const { lines, result } = await runJob();
    const reason = 'stalled at 120/450 (26.7%) (coordinator reports is_stalled)';
    expect(result.failed).toEqual([{ date: D1, reason }]);
    expect(lines).toContain(`  ✗ Failed: ${D1} - ${reason}`);
  });

  it('no change in the completed count for stallMinutes fails the date (injected clock)', async () => {
    let clock = 1_000_000;
    const sleep = (ms: number) => {
      clock += ms;
      return Promise.resolve();
    };
    server.onStart(() => started(B1));
    server.onStatus(inTurn(nestedStatus(B1, 100, 450), nestedStatus(B1, 120, 450)));
    const { lines, result } = await runJob({
      config: { pollSeconds: 10, stallMinutes: 2 },
      sleep,
      now: () => clock,
    });
    expect(result.failed).toEqual([
      { date: D1, reason: 'stalled at 120/450 (26.7%) (no progress for 2 min)' },
    ]);
    // Unchanged for 120 s from the second poll: 12 sleeps later, 14 polls in all.
    expect(server.requests.filter((r) => r.path === '/status')).toHaveLength(14);
    // An unchanged poll is logged once a minute, not on every poll.
    expect(lines.filter((l) => l.startsWith('  status '))).toEqual([
      `  status ${B1} in_progress 100/450 (22.2%)`,
      `  status ${B1} in_progress 120/450 (26.7%)`,
      `  status ${B1} in_progress 120/450 (26.7%)`,
      `  status ${B1} in_progress 120/450 (26.7%)`,
    ]);
  });

  it('retries a 502 while polling, then carries on', async () => {
    server.onStart(() => started(B1));
    server.onStatus(
      inTurn({ status: 502, text: 'Bad Gateway' }, nestedStatus(B1, 1, 2), nestedStatus(B1, 2, 2)),
    );
    const { waits, sleep } = recordingSleep();
    const { lines, result } = await runJob({ sleep });
    expect(result.succeeded).toEqual([D1]);
    expect(waits[0]).toBe(1000);
    expect(lines).toContain(`GET /status?batch_id=${B1} → 502 Bad Gateway; retry 1/3 in 1 s`);
  });

  it('runs one date at a time: the second POST only after the first batch completed', async () => {
    server.onStart((r) => started((r.body as { game_date: string }).game_date === D1 ? B1 : B2));
    const polls = new Map<string, number>();
    server.onStatus((r) => {
      const id = r.query.batch_id ?? '';
      const n = (polls.get(id) ?? 0) + 1;
      polls.set(id, n);
      return nestedStatus(id, Math.min(n, 3), 3);
    });
    const { lines, result } = await runJob({ dates: [D1, D2] });
    expect(result.succeeded).toEqual([D1, D2]);
    const order = server.requests.map((r) =>
      r.path === '/start'
        ? `start ${(r.body as { game_date: string }).game_date}`
        : `status ${r.query.batch_id}`,
    );
    expect(order).toEqual([
      `start ${D1}`,
      `status ${B1}`,
      `status ${B1}`,
      `status ${B1}`,
      `start ${D2}`,
      `status ${B2}`,
      `status ${B2}`,
      `status ${B2}`,
    ]);
    expect(lines.filter((l) => l.startsWith('Processing game date'))).toEqual([
      `Processing game date 1/2: ${D1}`,
      `Processing game date 2/2: ${D2}`,
    ]);
  });
});

describe('coordinator job: auth', () => {
  const token = 'SECRET-TOKEN-7f3a9c';
  /** A token command that counts its runs in `runs` (in its cwd) and prints `<prefix><run>`. */
  const countingCommand = (prefix: string) => [
    process.execPath,
    '-e',
    `const fs=require('fs');fs.appendFileSync('runs','x');` +
      `process.stdout.write('${prefix}'+fs.readFileSync('runs','utf8').length+'\\n')`,
  ];
  const runsIn = (dir: string) => {
    try {
      return readFileSync(path.join(dir, 'runs'), 'utf8').length;
    } catch {
      return 0;
    }
  };
  const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'coordinator-auth-'));

  it('sends the token from auth.env in the configured header with the prefix', async () => {
    server.onStart(() => ({ status: 200, json: { status: 'no_games_scheduled' } }));
    await runJob({
      config: { auth: { env: 'COORD_KEY', header: 'X-API-Key', prefix: '' } },
      env: { COORD_KEY: 'key-from-env-123' },
    });
    expect(server.requests[0]?.headers['x-api-key']).toBe('key-from-env-123');
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('runs auth.command once per job (in cwd) and sends its trimmed stdout as a Bearer token', async () => {
    const dir = tempDir();
    server.onStart(() => ({ status: 200, json: { status: 'no_games_scheduled' } }));
    await runJob({
      config: { auth: { command: countingCommand('tok-cmd-') } },
      cwd: dir,
      dates: [D1, D2],
    });
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer tok-cmd-1',
      'Bearer tok-cmd-1',
    ]);
    expect(runsIn(dir)).toBe(1);
  });

  it('on 401 runs auth.command again and retries the request once with the new token', async () => {
    const dir = tempDir();
    server.onStart((r) =>
      r.headers.authorization === 'Bearer tok-2'
        ? started(B1)
        : { status: 401, json: { error: 'Unauthorized' } },
    );
    server.onStatus(() => nestedStatus(B1, 4, 4));
    const { lines, result } = await runJob({
      config: { auth: { command: countingCommand('tok-') } },
      cwd: dir,
    });
    expect(result.succeeded).toEqual([D1]);
    expect(server.requests.map((r) => `${r.path} ${r.headers.authorization}`)).toEqual([
      '/start Bearer tok-1',
      '/start Bearer tok-2',
      '/status Bearer tok-2',
    ]);
    expect(runsIn(dir)).toBe(2);
    expect(lines).toContain(`POST /start {"game_date":"${D1}"} → 401, fetching a new token`);
    expect(lines.some((l) => /tok-\d/.test(l))).toBe(false);
  });

  it('a second 401 after the refresh fails the date (one retry only)', async () => {
    server.onStart(() => ({ status: 401, json: { error: 'Unauthorized' } }));
    const { result } = await runJob({ config: { auth: { env: 'T' } }, env: { T: token } });
    expect(server.requests).toHaveLength(2);
    expect(result.failed).toEqual([{ date: D1, reason: '/start answered 401: Unauthorized' }]);
  });

  it('a missing env var fails the job up front, naming the variable, with no request', async () => {
    const { lines, result } = await runJob({
      config: { auth: { env: 'COORD_KEY' } },
      dates: [D1, D2],
    });
    const reason = 'auth.env: environment variable COORD_KEY is not set or empty';
    expect(lines).toContain(`❌ ${reason}; no request sent`);
    expect(result.failed).toEqual([
      { date: D1, reason },
      { date: D2, reason },
    ]);
    expect(lines.slice(-5)).toEqual(summary(0, 0, 2, `${D1}, ${D2}`));
    expect(server.requests).toHaveLength(0);
  });

  it('a failing auth.command fails the job up front, naming the command and its stderr', async () => {
    const command = [
      process.execPath,
      '-e',
      'process.stderr.write("not logged in"); process.exit(3)',
    ];
    const { lines, result } = await runJob({ config: { auth: { command } } });
    const reason = `auth.command \`${command.join(' ')}\` exited 3: not logged in`;
    expect(lines).toContain(`❌ ${reason}; no request sent`);
    expect(result.failed).toEqual([{ date: D1, reason }]);
    expect(server.requests).toHaveLength(0);
  });

  it('never puts the token in a log line, reason or result, even when the server echoes it', async () => {
    const echo = (r: { headers: Record<string, unknown> }) => JSON.stringify(r.headers);
    server.onStart((r) => {
      const date = (r.body as { game_date: string }).game_date;
      if (date === D1) return { status: 500, json: { message: `bad header: ${echo(r)}` } };
      if (date === D2) return started(B2);
      return { status: 400, text: `rejected ${echo(r)}` };
    });
    server.onStatus(
      inTurn(
        { status: 502, text: `proxy saw ${echo({ headers: { a: `Bearer ${token}` } })}` },
        { status: 404, json: { message: `no batch for caller Bearer ${token}` } },
      ),
    );
    const { lines, result } = await runJob({
      config: { auth: { env: 'COORD_TOKEN' } },
      env: { COORD_TOKEN: token },
      dates: [D1, D2, '2022-04-20'],
      sleep: recordingSleep().sleep,
    });
    // The server did get (and echo) the token, so the redaction below is what hides it.
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${token}`)).toBe(true);
    expect(result.failed).toHaveLength(3);
    expect(lines.filter((l) => l.includes('***')).length).toBeGreaterThanOrEqual(4);
    expect(lines.filter((l) => l.includes(token))).toEqual([]);
    expect(JSON.stringify(result)).not.toContain(token);
  });
});

describe('coordinator job: stop', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  /** Wraps global fetch to note whether each request began after the stop. */
  const countingFetch = (signal: AbortSignal) => {
    const afterStop: string[] = [];
    const wrapped: typeof fetch = (input, init) => {
      if (signal.aborted) afterStop.push(input instanceof Request ? input.url : input.toString());
      return fetch(input, init);
    };
    return { afterStop, wrapped };
  };

  it('stop while a status request is in flight cancels it at once and sends nothing more', async () => {
    server.onStart(() => started(B1));
    server.onStatus(inTurn(nestedStatus(B1, 1, 9), nestedStatus(B1, 2, 9), 'hang'));
    const controller = new AbortController();
    const counting = countingFetch(controller.signal);
    const job = startJob({
      controller,
      dates: [D1, D2],
      fetch: counting.wrapped,
      config: { requestTimeoutSeconds: 30 },
    });
    await waitFor('the held third poll', () => server.requests.length === 4);
    const stoppedAt = Date.now();
    job.controller.abort();
    const result = await job.promise;
    expect(Date.now() - stoppedAt).toBeLessThan(2000);
    expect(result).toEqual({ succeeded: [], skipped: [], failed: [], cancelled: true });
    expect(job.lines).toContain(`cancelled by operator during ${D1}`);
    expect(job.lines.slice(-4)).toEqual(summary(0, 0, 0));
    expect(counting.afterStop).toEqual([]);
    expect(server.requests.map((r) => r.path)).toEqual(['/start', '/status', '/status', '/status']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
  });

  it('stop during the poll sleep ends the sleep at once (the default, signal-aware timer)', async () => {
    server.onStart(() => started(B1));
    server.onStatus(() => nestedStatus(B1, 1, 9));
    const job = startJob({ config: { pollSeconds: 600 } });
    await waitFor('the first poll answered', () => server.requests[1]?.answeredStatus === 200);
    const stoppedAt = Date.now();
    job.controller.abort();
    const result = await job.promise;
    expect(Date.now() - stoppedAt).toBeLessThan(2000);
    expect(result.cancelled).toBe(true);
    expect(job.lines).toContain(`cancelled by operator during ${D1}`);
    expect(server.requests).toHaveLength(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
  });

  it('an already stopped job sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const { lines, result } = await runJob({ controller });
    expect(result.cancelled).toBe(true);
    expect(lines).toContain('cancelled by operator before the first date');
    expect(server.requests).toHaveLength(0);
  });
});

describe('coordinator job: the console reads its log', () => {
  it('feeds the progress parser the per-date, result and summary lines it understands', async () => {
    const D3 = '2022-04-20';
    server.onStart((r) => {
      const date = (r.body as { game_date: string }).game_date;
      if (date === D1) return started(B1);
      if (date === D2) return { status: 200, json: { status: 'no_games_scheduled' } };
      return { status: 503, json: { error: 'DATA_INCOMPLETE', message: 'phase 4 missing' } };
    });
    server.onStatus(() => nestedStatus(B1, 5, 5));
    const { lines } = await runJob({ dates: [D1, D2, D3] });
    const parser = createProgressParser();
    for (const line of lines) parser.feed(line);
    expect(parser.snapshot()).toMatchObject({
      index: 3,
      total: 3,
      currentDate: D3,
      succeeded: 1,
      skipped: 1,
      failed: 1,
      failedDates: [D3],
      summary: { successful: 1, skipped: 1, failed: 1 },
    });
  });
});
