import { BigQuery } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import { describe, expect, it } from 'vitest';
import { bigQueryServerWaitMs } from '../../src/warehouse/bigquery-warehouse.js';
import type { LoopbackParameter } from '../support/bigquery-loopback.js';
import { connectedHosts, useBigQueryLoopback } from './bigquery-test-setup.js';
import { april, rejectionOf, scheduleSql } from './warehouse-helpers.js';

describe('bigquery warehouse: results', () => {
  const bq = useBigQueryLoopback();

  it('returns the dates the server sends, distinct and sorted, NULLs skipped', async () => {
    bq.loopback.handle(() => ({ values: ['2022-04-18', '2022-04-16', null, '2022-04-18'] }));
    expect(await bq.open().queryDates(scheduleSql, april)).toEqual(['2022-04-16', '2022-04-18']);
  });

  it('returns no dates for a result without rows', async () => {
    bq.loopback.handle(() => ({ values: [] }));
    expect(await bq.open().queryDates(scheduleSql, april)).toEqual([]);
  });

  it('sends @start and @end as DATE parameters with their values', async () => {
    let parameters: LoopbackParameter[] = [];
    bq.loopback.handle((query) => {
      parameters = query.queryParameters;
      return { values: [] };
    });
    await bq.open().queryDates(scheduleSql, april);
    expect(parameters).toEqual(
      expect.arrayContaining([
        { name: 'start', parameterType: { type: 'DATE' }, parameterValue: { value: '2022-04-16' } },
        { name: 'end', parameterType: { type: 'DATE' }, parameterValue: { value: '2022-04-18' } },
      ]),
    );
    const body = bq.loopback.requests[0]?.body as { query: string; parameterMode: string };
    expect(body).toMatchObject({ query: scheduleSql, parameterMode: 'named' });
  });

  it('sends the location with the query and with every poll', async () => {
    bq.loopback.handle(() => ({ values: ['2022-04-16'], incompleteReplies: 1 }));
    await bq.open({ location: 'us-west2' }).queryDates(scheduleSql, april);
    const [start, poll] = bq.loopback.requests;
    expect(start?.body).toMatchObject({ location: 'us-west2' });
    expect(poll?.searchParams.get('location')).toBe('us-west2');
  });

  it('asks the server to answer every call within bigQueryServerWaitMs, then polls again', async () => {
    bq.loopback.handle(() => ({ values: ['2022-04-16'], incompleteReplies: 1 }));
    expect(await bq.open().queryDates(scheduleSql, april)).toEqual(['2022-04-16']);
    const [start, poll] = bq.loopback.requests;
    expect(start?.body).toMatchObject({ timeoutMs: bigQueryServerWaitMs });
    expect(poll?.searchParams.get('timeoutMs')).toBe(String(bigQueryServerWaitMs));
  });

  it('concatenates pages fetched with pageToken', async () => {
    const days = ['2022-04-14', '2022-04-15', '2022-04-16', '2022-04-17', '2022-04-18'];
    bq.loopback.handle(() => ({ values: days, pageSize: 2 }));
    expect(await bq.open().queryDates(scheduleSql, april)).toEqual(days);
    const tokens = bq.loopback.requests.map((r) => r.searchParams.get('pageToken'));
    expect(tokens).toEqual([null, '2', '4']);
  });

  it('polls a job that is not complete until it is', async () => {
    bq.loopback.handle(() => ({ values: ['2022-04-17'], incompleteReplies: 3 }));
    expect(await bq.open().queryDates(scheduleSql, april)).toEqual(['2022-04-17']);
    expect(bq.loopback.requests.map((r) => r.method)).toEqual(['POST', 'GET', 'GET', 'GET']);
  });

  it('cuts TIMESTAMP and DATETIME values to the day', async () => {
    // 2022-04-16T10:00:00Z in microseconds, as the client asks for (useInt64Timestamp).
    bq.loopback.handle(() => ({ values: ['1650103200000000'], columnType: 'TIMESTAMP' }));
    expect(await bq.open().queryDates(scheduleSql, april)).toEqual(['2022-04-16']);
    bq.loopback.handle(() => ({ values: ['2022-04-17T23:30:00'], columnType: 'DATETIME' }));
    expect(await bq.open().queryDates(scheduleSql, april)).toEqual(['2022-04-17']);
  });

  it('rejects a first column that is not a date as shape', async () => {
    bq.loopback.handle(() => ({ values: ['42'], columnType: 'INT64' }));
    const error = await rejectionOf(bq.open().queryDates('SELECT 42', april));
    expect(error).toMatchObject({
      kind: 'shape',
      message: 'expected a date in the first column, got 42',
    });
  });

  it('names itself by project, location and endpoint', () => {
    const warehouse = bq.open();
    expect(warehouse.kind).toBe('bigquery');
    expect(warehouse.description).toBe(
      `bigquery nba-props-platform (us-west2) via ${bq.loopback.endpoint}`,
    );
  });

  it('sends every request to the loopback on 127.0.0.1, with or without anonymous auth', async () => {
    bq.loopback.handle(() => ({ values: ['2022-04-16'] }));
    const before = connectedHosts().length;
    await bq.open({ anonymous: true }).queryDates(scheduleSql, april);
    await bq.open({ anonymous: false }).queryDates(scheduleSql, april);
    expect(bq.loopback.requests).toHaveLength(2);
    expect(bq.loopback.requests.map((r) => r.localAddress)).toEqual(['127.0.0.1', '127.0.0.1']);
    const hosts = connectedHosts().slice(before);
    expect(hosts.length).toBeGreaterThan(0);
    expect(hosts.every((host) => host === '127.0.0.1')).toBe(true);
  });
});

describe('bigquery loopback', () => {
  const bq = useBigQueryLoopback();

  it('refuses a DATE parameter sent as a plain string (the empty-value trap)', async () => {
    const client = new BigQuery({
      projectId: 'p',
      apiEndpoint: bq.loopback.endpoint,
      authClient: new PassThroughClient(),
      retryOptions: { autoRetry: false },
    });
    const query = client.query({
      query: scheduleSql,
      params: { start: '2022-04-16', end: BigQuery.date('2022-04-18') },
      types: { start: 'DATE' },
    });
    await expect(query).rejects.toMatchObject({
      code: 400,
      message: 'DATE query parameter @start has no value',
    });
  });
});
