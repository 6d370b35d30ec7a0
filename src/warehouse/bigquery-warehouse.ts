/**
 * BigQuery warehouse through the official client. Traps this avoids (see the BigQuery notes):
 * dates go as `BigQuery.date()` values, since a plain string typed DATE is sent empty, i.e. NULL,
 * and matches nothing; `location` goes with every query, since the client-level one is not sent.
 */
// Types only: the client and its auth library (~0.3 s and ~40 MB to load) are imported on the
// first query, so a plan on SQLite, `--help`, `validate` and the console's first frame never
// pay for them.
import type { BigQuery, Query, QueryRowsResponse } from '@google-cloud/bigquery';
import { bigQueryErrorToWarehouseError } from './bigquery-errors.js';
import {
  checkDateRange,
  collectDayRows,
  collectDays,
  namedParams,
  singleNumber,
} from './date-values.js';
import { WarehouseError } from './warehouse-error.js';
import type { DateRange, Warehouse, WarehouseConfig } from './warehouse.js';

export type BigQueryConfig = Extract<WarehouseConfig, { kind: 'bigquery' }>;

/** @default 30 s */
export const defaultBigQueryTimeoutMs = 30_000;

/**
 * How long the server may hold each jobs.query / getQueryResults call before answering
 * `jobComplete: false` (we then poll again). The client cannot abort a request in flight (no
 * signal reaches node-fetch), so after a timeout the request left open ends within this long
 * rather than BigQuery's default 10 s, and so does the hold it has on the process.
 */
export const bigQueryServerWaitMs = 2_000;

const connect = async (config: BigQueryConfig): Promise<BigQuery> => {
  const [{ BigQuery }, { PassThroughClient }] = await Promise.all([
    import('@google-cloud/bigquery'),
    import('google-auth-library'),
  ]);
  const client = new BigQuery({
    projectId: config.projectId,
    ...(config.apiEndpoint ? { apiEndpoint: config.apiEndpoint } : {}),
    ...(config.location ? { location: config.location } : {}),
    ...(config.anonymous ? { authClient: new PassThroughClient() } : {}),
    // The coverage poller asks again on its next tick; the client's own retries would only delay
    // the error past our timeout.
    retryOptions: { autoRetry: false },
  });
  client.interceptors.push({ request: (request) => capServerWait(request as OutgoingRequest) });
  return client;
};

export const openBigQueryWarehouse = (config: BigQueryConfig): Warehouse => {
  let connecting: Promise<BigQuery> | undefined;
  const clientOf = () => (connecting ??= connect(config));
  let closed = false;

  const withTimeout = async <T>(
    timeoutMs: number | undefined,
    start: (stop: { requested: boolean }) => Promise<T>,
  ): Promise<T> => {
    if (closed) throw new WarehouseError('other', 'the bigquery warehouse is closed');
    const limitMs = timeoutMs ?? defaultBigQueryTimeoutMs;
    const stop = { requested: false };
    const run = start(stop);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new WarehouseError('timeout', `bigquery query did not finish within ${limitMs} ms`),
          ),
        limitMs,
      );
    });
    try {
      return await Promise.race([run, timeout]);
    } catch (error) {
      throw bigQueryErrorToWarehouseError(error);
    } finally {
      clearTimeout(timer);
      // Stops polling after a timeout; the late reply of the request in flight is ignored.
      stop.requested = true;
      run.catch(() => undefined);
    }
  };
  const queryOf = (client: BigQuery, sql: string, range: Partial<DateRange>): Query => {
    const params = Object.fromEntries(
      Object.entries(range).map(([name, day]) => [name, client.date(day)]),
    );
    return {
      query: sql,
      ...(Object.keys(params).length > 0 ? { params } : {}),
      ...(config.location ? { location: config.location } : {}),
      ...(config.dataset
        ? { defaultDataset: { projectId: config.projectId, datasetId: config.dataset } }
        : {}),
    };
  };
  const rangeRows = (sql: string, range: DateRange, timeoutMs: number | undefined) => {
    checkDateRange(range);
    return withTimeout(timeoutMs, async (stop) => {
      const client = await clientOf();
      return fetchRows(client, queryOf(client, sql, range), stop);
    });
  };
  const partial = (client: BigQuery, sql: string, range: Partial<DateRange>) => {
    const params = namedParams(sql, range);
    checkDateRange({ start: '2000-01-01', end: '2000-01-01', ...params });
    return queryOf(client, sql, params);
  };

  return {
    kind: 'bigquery',
    description: describe(config),
    queryDates: async (sql, range, options) =>
      collectDays((await rangeRows(sql, range, options?.timeoutMs)).map((row) => row[0])),
    queryDayRows: async (sql, range, options) =>
      collectDayRows(await rangeRows(sql, range, options?.timeoutMs)),
    queryNumber: async (sql, range, options) =>
      singleNumber(
        await withTimeout(options?.timeoutMs, async (stop) => {
          const client = await clientOf();
          return fetchRows(client, partial(client, sql, range), stop);
        }),
      ),
    inspect: (sql, range, options) =>
      withTimeout(options?.timeoutMs, async () => {
        // A dry run goes through jobs.insert and answers at once with the bytes it would scan.
        const client = await clientOf();
        const [job] = await client.createQueryJob({
          ...partial(client, sql, range),
          dryRun: true,
        });
        const metadata = job.metadata as { statistics?: { totalBytesProcessed?: string } };
        const bytes = Number(metadata.statistics?.totalBytesProcessed);
        return Number.isFinite(bytes) ? { bytes } : {};
      }),
    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
};

// Typed as the teeny-request union; what the client passes is its own request, `uri` included.
type OutgoingRequest = ReturnType<BigQuery['interceptors'][number]['request']>;

const capServerWait = (request: OutgoingRequest): OutgoingRequest => {
  const path = new URL(request.uri, 'http://base').pathname;
  if (path.endsWith('/queries') && typeof request.json === 'object' && request.json !== null) {
    return { ...request, json: { ...(request.json as object), timeoutMs: bigQueryServerWaitMs } };
  }
  if (/\/queries\/[^/]+$/.test(path)) {
    return { ...request, qs: { ...(request.qs as object), timeoutMs: bigQueryServerWaitMs } };
  }
  return request;
};

/**
 * Pages through the result ourselves (not autoPaginate) so a timed-out query stops polling.
 * Keeps the first two columns of each row, in the schema's order.
 */
const fetchRows = async (
  client: BigQuery,
  query: Query,
  stop: { requested: boolean },
): Promise<unknown[][]> => {
  const rowsOut: unknown[][] = [];
  let columns: string[] | undefined;
  const take = ([rows, , response]: QueryRowsResponse) => {
    columns ??= (response?.schema?.fields ?? [])
      .slice(0, 2)
      .map((field) => field.name ?? '')
      .filter(Boolean);
    for (const row of rows as Record<string, unknown>[]) {
      rowsOut.push(
        columns.length > 0 ? columns.map((name) => row[name]) : Object.values(row).slice(0, 2),
      );
    }
  };
  // The typings describe query()'s auto-paginated result; with autoPaginate:false the client
  // resolves with the same [rows, nextQuery, response] triple as getQueryResults.
  let page = (await client.query(query, { autoPaginate: false })) as unknown as QueryRowsResponse;
  take(page);
  let next = page[1];
  while (next) {
    if (stop.requested) return rowsOut;
    const job = next.job;
    if (!job) throw new WarehouseError('other', 'bigquery gave a next page without a job to ask');
    page = await job.getQueryResults({ ...next, autoPaginate: false });
    take(page);
    next = page[1];
  }
  return rowsOut;
};

const describe = (config: BigQueryConfig): string =>
  [
    `bigquery ${config.projectId}`,
    config.location ? ` (${config.location})` : '',
    config.dataset ? ` · default dataset ${config.dataset}` : '',
    config.apiEndpoint ? ` via ${config.apiEndpoint}` : '',
  ].join('');
