import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useBigQueryLoopback } from './bigquery-test-setup.js';
import { april, rejectionOf, scheduleSql } from './warehouse-helpers.js';

describe('bigquery warehouse: errors', () => {
  const bq = useBigQueryLoopback();

  it.each([
    [
      403,
      'accessDenied',
      'permission',
      'Access Denied: Project nba-props-platform: User does not have bigquery.jobs.create permission in project nba-props-platform.',
    ],
    [
      404,
      'notFound',
      'not-found',
      'Not found: Table nba-props-platform:nba_raw.nbac_schedule was not found in location us-west2',
    ],
    [400, 'invalidQuery', 'invalid-query', 'Unrecognized name: game_dat at [1:17]'],
    [
      429,
      'rateLimitExceeded',
      'quota',
      'Exceeded rate limits: too many concurrent queries for this project_and_region.',
    ],
    [
      403,
      'quotaExceeded',
      'quota',
      'Quota exceeded: Your project exceeded quota for free query bytes scanned.',
    ],
    [401, 'authError', 'auth', 'Request had invalid authentication credentials.'],
    [
      500,
      'backendError',
      'unreachable',
      'Error encountered during execution. Retrying may solve the problem.',
    ],
  ])(
    'maps HTTP %i %s to kind %s, keeping the message',
    async (httpStatus, reason, kind, message) => {
      bq.loopback.handle(() => ({ error: { httpStatus, reason, message } }));
      const error = await rejectionOf(bq.open().queryDates(scheduleSql, april));
      expect(error).toMatchObject({ kind, message });
    },
  );

  it('rejects with timeout when the server is slower than the timeout', async () => {
    bq.loopback.handle(() => ({ values: ['2022-04-16'], delayMs: 60_000 }));
    const error = await rejectionOf(bq.open().queryDates(scheduleSql, april, { timeoutMs: 200 }));
    expect(error).toMatchObject({
      kind: 'timeout',
      message: 'bigquery query did not finish within 200 ms',
    });
    expect(bq.loopback.requests).toHaveLength(1);
  });

  it('rejects with timeout when a job never completes', async () => {
    bq.loopback.handle(() => ({
      values: ['2022-04-16'],
      incompleteReplies: 1_000_000,
      delayMs: 20,
    }));
    const error = await rejectionOf(bq.open().queryDates(scheduleSql, april, { timeoutMs: 300 }));
    expect(error.kind).toBe('timeout');
    expect(bq.loopback.requests.length).toBeGreaterThan(1);
  });

  it('rejects as unreachable when nothing listens at the endpoint', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const warehouse = bq.open({ apiEndpoint: `http://127.0.0.1:${closedPort}` });
    const error = await rejectionOf(warehouse.queryDates(scheduleSql, april));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toContain('ECONNREFUSED');
  });
});
