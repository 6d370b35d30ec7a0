/**
 * A stand-in for the BigQuery REST API on 127.0.0.1, speaking the subset `bigquery.query()` uses
 * (see /work/shared/notes/bigquery-without-cloud.md), so tests run the real client with no cloud.
 * Each test scripts the reply per query and asserts on the recorded requests.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type LoopbackParameter = {
  name?: string;
  parameterType?: { type?: string };
  parameterValue?: { value?: string };
};

/** What the handler sees of a `jobs.query` call. */
export type LoopbackQuery = {
  projectId: string;
  query: string;
  queryParameters: LoopbackParameter[];
  location: string | undefined;
  /** The dataset plain table names resolve in, as the client sent it. */
  defaultDataset: { projectId?: string; datasetId?: string } | undefined;
  /** A dry run (jobs.insert with configuration.dryRun): answered with `bytesProcessed` only. */
  dryRun: boolean;
  body: Record<string, unknown>;
};

export type LoopbackRows = {
  /** Cells of the one result column, as BigQuery sends them: strings or null. */
  values: (string | null)[];
  /** @default 'DATE' */
  columnType?: string;
  /** A second column (e.g. a row count, INT64) beside `values`, one cell per value. */
  second?: { type: string; values: (string | null)[] };
  /** What a dry run of this query reports it would scan. @default 0 */
  bytesProcessed?: number;
  /** Rows per page; later pages are fetched with pageToken. @default every row on the first page */
  pageSize?: number;
  /** Replies `jobComplete: false` this many times before the rows. @default 0 */
  incompleteReplies?: number;
  /** Holds every reply for this query this long. @default 0 */
  delayMs?: number;
};

export type LoopbackErrorReply = {
  error: { httpStatus: number; reason: string; message: string; status?: string };
  delayMs?: number;
};

export type LoopbackReply = LoopbackRows | LoopbackErrorReply;
export type LoopbackHandler = (query: LoopbackQuery) => LoopbackReply;

export type RecordedRequest = {
  method: string;
  path: string;
  searchParams: URLSearchParams;
  body: unknown;
  /** The address the request arrived on; always 127.0.0.1 when nothing leaks elsewhere. */
  localAddress: string | undefined;
  host: string | undefined;
};

export type BigQueryLoopback = {
  /** Pass as `apiEndpoint`, e.g. 'http://127.0.0.1:40123'. */
  endpoint: string;
  requests: RecordedRequest[];
  /** Replaces the handler for the following queries. */
  handle(handler: LoopbackHandler): void;
  close(): Promise<void>;
};

type Job = {
  projectId: string;
  location: string | undefined;
  rows: LoopbackRows;
  incompleteLeft: number;
};

const queriesPath = /^(?:\/bigquery\/v2)?\/projects\/([^/]+)\/queries$/;
const jobsPath = /^(?:\/bigquery\/v2)?\/projects\/([^/]+)\/jobs$/;
const queryResultsPath = /^(?:\/bigquery\/v2)?\/projects\/([^/]+)\/queries\/([^/]+)$/;

const noRows: LoopbackHandler = () => ({ values: [] });

export const startBigQueryLoopback = async (
  initialHandler: LoopbackHandler = noRows,
): Promise<BigQueryLoopback> => {
  let handler = initialHandler;
  const requests: RecordedRequest[] = [];
  const jobs = new Map<string, Job>();
  const delays = new Set<NodeJS.Timeout>();

  const later = (delayMs: number | undefined, reply: () => void) => {
    if (!delayMs) return reply();
    const timer = setTimeout(() => {
      delays.delete(timer);
      reply();
    }, delayMs);
    delays.add(timer);
  };

  const route = (req: IncomingMessage, res: ServerResponse, url: URL, body: unknown) => {
    const startQuery = queriesPath.exec(url.pathname);
    if (req.method === 'POST' && startQuery) {
      const projectId = decodeURIComponent(startQuery[1] ?? '');
      return startJob(res, projectId, (body ?? {}) as Record<string, unknown>);
    }
    const insertJob = jobsPath.exec(url.pathname);
    if (req.method === 'POST' && insertJob) {
      return dryRunJob(res, decodeURIComponent(insertJob[1] ?? ''), body ?? {});
    }
    const results = queryResultsPath.exec(url.pathname);
    if (req.method === 'GET' && results) {
      const job = jobs.get(decodeURIComponent(results[2] ?? ''));
      if (!job) return sendError(res, 404, 'notFound', `Not found: Job ${url.pathname}`);
      return later(job.rows.delayMs, () =>
        sendPage(res, results[2] ?? '', job, url.searchParams.get('pageToken')),
      );
    }
    sendError(res, 404, 'notFound', `loopback has no route for ${req.method} ${url.pathname}`);
  };

  // Only dry runs go through jobs.insert here: the console runs real queries with jobs.query.
  const dryRunJob = (res: ServerResponse, projectId: string, body: JobBody) => {
    const config = body.configuration ?? {};
    if (!config.dryRun) {
      return sendError(res, 400, 'invalid', 'loopback answers jobs.insert for dry runs only');
    }
    const query = config.query ?? {};
    const emptyDate = emptyDateParameter((query.queryParameters ?? []) as LoopbackParameter[]);
    if (emptyDate) return sendError(res, 400, 'invalidQuery', emptyDate);
    const location = body.jobReference?.location;
    const reply = handler({
      projectId,
      query: String(query.query),
      queryParameters: (query.queryParameters ?? []) as LoopbackParameter[],
      location,
      defaultDataset: query.defaultDataset,
      dryRun: true,
      body: body,
    });
    if ('error' in reply) {
      const { httpStatus, reason, message, status } = reply.error;
      return later(reply.delayMs, () => sendError(res, httpStatus, reason, message, status));
    }
    const bytes = String(reply.bytesProcessed ?? 0);
    sendJson(res, 200, {
      kind: 'bigquery#job',
      jobReference: { projectId, location: location ?? 'US' },
      configuration: { ...config },
      status: { state: 'DONE' },
      statistics: { totalBytesProcessed: bytes, query: { totalBytesProcessed: bytes } },
    });
  };

  const startJob = (res: ServerResponse, projectId: string, body: Record<string, unknown>) => {
    const queryParameters = (body.queryParameters ?? []) as LoopbackParameter[];
    const emptyDate = emptyDateParameter(queryParameters);
    if (emptyDate) return sendError(res, 400, 'invalidQuery', emptyDate);
    const location = typeof body.location === 'string' ? body.location : undefined;
    const reply = handler({
      projectId,
      query: String(body.query),
      queryParameters,
      location,
      defaultDataset: body.defaultDataset as LoopbackQuery['defaultDataset'],
      dryRun: false,
      body,
    });
    if ('error' in reply) {
      const { httpStatus, reason, message, status } = reply.error;
      return later(reply.delayMs, () => sendError(res, httpStatus, reason, message, status));
    }
    const jobId = `loopback_job_${jobs.size + 1}`;
    const job: Job = {
      projectId,
      location,
      rows: reply,
      incompleteLeft: reply.incompleteReplies ?? 0,
    };
    jobs.set(jobId, job);
    later(reply.delayMs, () => sendPage(res, jobId, job, null));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://loopback');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        return sendError(res, 400, 'parseError', 'loopback could not parse the request body');
      }
      requests.push({
        method: req.method ?? '',
        path: url.pathname,
        searchParams: url.searchParams,
        body,
        localAddress: req.socket.localAddress,
        host: req.headers.host,
      });
      route(req, res, url, body);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    handle: (next) => {
      handler = next;
    },
    close: async () => {
      for (const timer of delays) clearTimeout(timer);
      delays.clear();
      // Replies still held by a delay would otherwise keep close() waiting on their sockets.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

type JobBody = {
  jobReference?: { location?: string };
  configuration?: {
    dryRun?: boolean;
    query?: {
      query?: string;
      queryParameters?: unknown[];
      defaultDataset?: LoopbackQuery['defaultDataset'];
    };
  };
};

// The trap: a DATE sent without a value is NULL to BigQuery, which then silently matches nothing.
const emptyDateParameter = (parameters: LoopbackParameter[]): string | undefined => {
  const empty = parameters.find(
    (p) => p.parameterType?.type === 'DATE' && !p.parameterValue?.value,
  );
  return empty ? `DATE query parameter @${empty.name} has no value` : undefined;
};

const sendPage = (res: ServerResponse, jobId: string, job: Job, pageToken: string | null) => {
  const jobReference = { projectId: job.projectId, jobId, location: job.location ?? 'US' };
  if (job.incompleteLeft > 0) {
    job.incompleteLeft -= 1;
    return sendJson(res, 200, {
      kind: 'bigquery#getQueryResultsResponse',
      jobReference,
      jobComplete: false,
    });
  }
  const { values, columnType = 'DATE', second } = job.rows;
  const start = pageToken === null ? 0 : Number(pageToken);
  const end = Math.min(values.length, start + (job.rows.pageSize ?? values.length));
  const rows = values
    .map((v, index) => (second ? [v, second.values[index] ?? null] : [v]))
    .slice(start, end);
  const fields = [
    { name: 'day', type: columnType, mode: 'NULLABLE' },
    ...(second ? [{ name: 'row_count', type: second.type, mode: 'NULLABLE' }] : []),
  ];
  sendJson(res, 200, {
    kind: 'bigquery#queryResponse',
    jobReference,
    jobComplete: true,
    schema: { fields },
    totalRows: String(values.length),
    ...(rows.length > 0 ? { rows: rows.map((cells) => ({ f: cells.map((v) => ({ v })) })) } : {}),
    ...(end < values.length ? { pageToken: String(end) } : {}),
  });
};

const statusOf: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
};

const sendError = (
  res: ServerResponse,
  httpStatus: number,
  reason: string,
  message: string,
  status = statusOf[httpStatus] ?? 'UNKNOWN',
) =>
  sendJson(res, httpStatus, {
    error: { code: httpStatus, message, status, errors: [{ reason, message }] },
  });

const sendJson = (res: ServerResponse, httpStatus: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(httpStatus, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(text);
};
