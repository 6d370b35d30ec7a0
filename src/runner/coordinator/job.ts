import type { z } from 'zod';
import type { httpJobSchema } from '../../plan/schema.js';
import { pollBatch } from './batch.js';
import type { BatchOutcome, PollContext } from './batch.js';
import type { CoordinatorClient } from './client.js';
import {
  CoordinatorAuthError,
  CoordinatorCancelled,
  createCoordinatorClient,
  createTokenSource,
  messageOf,
  oneLine,
  signalAwareSleep,
} from './client.js';

export type HttpJobConfig = z.output<typeof httpJobSchema>;

export type CoordinatorJobOptions = {
  config: HttpJobConfig;
  /** Game dates to run, in order; one POST /start per date, each waited for before the next. */
  dates: readonly string[];
  /** Writes one line to the task's log (the caller appends it to the log file and the pane). */
  log: (line: string) => void;
  /** Aborted when the operator stops the task: cancel in-flight requests and sleeps at once, start nothing new. */
  signal: AbortSignal;
  /** Environment for auth.env and for running auth.command. */
  env: NodeJS.ProcessEnv;
  /** Working directory for auth.command. */
  cwd: string;
  /** Injected for tests; default global fetch / a signal-aware timer. */
  fetch?: typeof fetch;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
};

export type CoordinatorJobResult = {
  succeeded: string[];
  skipped: { date: string; reason: string }[];
  failed: { date: string; reason: string }[];
  cancelled: boolean;
  /** Set only when nothing was sent: no token could be had, or the settings cannot work. */
  notStarted?: 'auth' | 'config';
};

type Outcome = BatchOutcome | { kind: 'skipped'; reason: string };
type Started = { kind: 'poll'; batchId: string; otherDate: string | undefined };

/**
 * The coordinator runs one batch at a time: a 409 for another date means waiting for it and
 * starting ours again. Bounded, because something else may keep starting batches.
 */
const maxWaitsForOtherBatches = 3;
const rule = '='.repeat(80);

/** "{date}" in every string value, however deep; keys and other values stay as they are. */
export const fillDate = (value: unknown, date: string): unknown => {
  if (typeof value === 'string') return value.split('{date}').join(date);
  if (Array.isArray(value)) return value.map((item) => fillDate(item, date));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDate(v, date)]));
  }
  return value;
};

/** Batch ids are `batch_<date>_<unix>`: the date tells whose batch a 409 or 202 names. */
const dateOfBatch = (batchId: string): string | undefined =>
  /^batch_(\d{4}-\d{2}-\d{2})_/.exec(batchId)?.[1];

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

type StartContext = {
  client: CoordinatorClient;
  base: string;
  config: HttpJobConfig;
  log: (line: string) => void;
};

const failed = (reason: string): Outcome => ({ kind: 'failed', reason });

/** One POST /start for a date, and what its reply means: poll a batch, or an outcome now. */
const startBatch = async (
  { client, base, config, log }: StartContext,
  date: string,
): Promise<Started | Outcome> => {
  const body = JSON.stringify(fillDate(config.body, date));
  const label = `POST ${config.startPath} ${body}`;
  const sent = await client.send({
    method: 'POST',
    url: `${base}${config.startPath}`,
    body,
    label,
  });
  if (!sent.ok) return failed(`${label}: ${sent.reason}`);
  const { reply } = sent;
  const json = reply.json ?? {};
  const batchId = text(json.batch_id);
  const message = messageOf(reply);
  const said = [reply.status, text(json.status) ?? text(json.error), batchId ?? message];
  log(`${label} → ${said.filter((part) => part !== undefined && part !== '').join(' ')}`);
  const batchDate = batchId === undefined ? undefined : dateOfBatch(batchId);
  const otherDate = batchDate !== date ? batchDate : undefined;

  if (reply.status === 409) {
    if (!batchId) return failed('409 already running, and the reply names no batch_id');
    log(
      otherDate
        ? `  coordinator is busy with batch ${batchId} (${otherDate}); waiting for it, then starting ${date} again`
        : `  batch ${batchId} is already running; waiting for it`,
    );
    return { kind: 'poll', batchId, otherDate };
  }
  if (reply.status >= 200 && reply.status < 300) {
    if (json.status === 'no_games_scheduled')
      return { kind: 'skipped', reason: 'no games scheduled' };
    if (!batchId) return failed(`unexpected reply ${reply.status}: ${message || 'no batch_id'}`);
    // The coordinator ignores a body without game_date and runs *today*: never count that batch.
    if (otherDate) return failed(`coordinator started batch ${batchId} for another date`);
    return { kind: 'poll', batchId, otherDate: undefined };
  }
  // The coordinator's own 404 is JSON ("No players found for …"); a bare 404 is a wrong URL.
  if (reply.status === 404 && reply.json) {
    return { kind: 'skipped', reason: message || 'no players for this date' };
  }
  if (reply.status === 503 && json.error === 'DATA_INCOMPLETE') {
    const detail = text(json.message) ?? text(json.detail);
    return failed(detail ? `DATA_INCOMPLETE: ${oneLine(detail)}` : 'DATA_INCOMPLETE');
  }
  return failed(`${config.startPath} answered ${reply.status}${message ? `: ${message}` : ''}`);
};

/** Counts a date's outcome in the result and logs the line the progress parser reads. */
const recordOutcome = (
  result: CoordinatorJobResult,
  date: string,
  outcome: Outcome,
  log: (line: string) => void,
  redact: (text: string) => string,
) => {
  if (outcome.kind === 'succeeded') {
    result.succeeded.push(date);
    log(`  ✓ Success: ${outcome.detail}`);
  } else if (outcome.kind === 'skipped') {
    result.skipped.push({ date, reason: redact(outcome.reason) });
    log(`  ⏭ Skipped: ${outcome.reason}`);
  } else {
    result.failed.push({ date, reason: redact(outcome.reason) });
    log(`  ✗ Failed: ${date} - ${outcome.reason}`);
  }
};

export const runCoordinatorJob = async (
  options: CoordinatorJobOptions,
): Promise<CoordinatorJobResult> => {
  const { config, dates, signal } = options;
  const sleep = options.sleep ?? signalAwareSleep;
  const now = options.now ?? Date.now;
  const tokens = createTokenSource({
    auth: config.auth,
    env: options.env,
    cwd: options.cwd,
    signal,
  });
  // Every line and reason passes the redactor: a server may echo the auth header back.
  const log = (line: string) => options.log(tokens.redact(line));
  const client = createCoordinatorClient({
    fetch: options.fetch ?? fetch,
    tokens,
    signal,
    timeoutMs: config.requestTimeoutSeconds * 1000,
    sleep,
    log,
  });
  const base = config.url.replace(/\/+$/, '');
  const result: CoordinatorJobResult = { succeeded: [], skipped: [], failed: [], cancelled: false };
  const startContext: StartContext = { client, base, config, log };
  const pollContext: PollContext = {
    client,
    base,
    statusPath: config.statusPath,
    pollSeconds: config.pollSeconds,
    stallMinutes: config.stallMinutes,
    log,
    sleep,
    now,
    signal,
  };

  /** The batch being watched: a stop leaves it running on the coordinator, and says so. */
  let inFlight: string | undefined;
  const runDate = async (date: string): Promise<Outcome> => {
    for (let waits = 0; ; waits++) {
      const started = await startBatch(startContext, date);
      if (started.kind !== 'poll') return started;
      inFlight = started.batchId;
      const outcome = await pollBatch(pollContext, started.batchId);
      inFlight = undefined;
      if (started.otherDate === undefined) return outcome;
      if (waits + 1 >= maxWaitsForOtherBatches) {
        return failed(
          `coordinator stayed busy with batches of other dates (last ${started.batchId})`,
        );
      }
      const how = outcome.kind === 'succeeded' ? 'completed' : `ended: ${outcome.reason}`;
      log(`  batch ${started.batchId} (${started.otherDate}) ${how}; starting ${date} again`);
    }
  };

  log(`Prediction coordinator: ${dates.length} game dates via ${config.url}`);
  let current: string | undefined;
  try {
    if (signal.aborted) throw new CoordinatorCancelled();
    const upFront = await checkUpFront(config, () => tokens.headers());
    if (upFront !== undefined) {
      log(`❌ ${upFront.message}; no request sent`);
      result.notStarted = upFront.kind;
      for (const date of dates) {
        result.failed.push({ date, reason: tokens.redact(upFront.message) });
      }
    } else {
      for (const [i, date] of dates.entries()) {
        if (signal.aborted) throw new CoordinatorCancelled();
        current = date;
        inFlight = undefined;
        log(`Processing game date ${i + 1}/${dates.length}: ${date}`);
        let outcome: Outcome;
        try {
          outcome = await runDate(date);
        } catch (error) {
          if (error instanceof CoordinatorCancelled || signal.aborted) throw error;
          outcome = failed(error instanceof Error ? error.message : String(error));
        }
        recordOutcome(result, date, outcome, log, (text) => tokens.redact(text));
      }
    }
  } catch (error) {
    if (!(error instanceof CoordinatorCancelled) && !signal.aborted) throw error;
    result.cancelled = true;
    log(`cancelled by operator ${current ? `during ${current}` : 'before the first date'}`);
    if (inFlight) log(`  batch ${inFlight} left running on the coordinator (not cancelled there)`);
  }
  logSummary(log, result);
  return result;
};

/** Config and auth problems fail the whole job before anything reaches the coordinator. */
const checkUpFront = async (
  config: HttpJobConfig,
  authHeaders: () => Promise<unknown>,
): Promise<{ kind: 'auth' | 'config'; message: string } | undefined> => {
  if (!JSON.stringify(config.body).includes('{date}')) {
    return {
      kind: 'config',
      message: 'http.body has no "{date}": every start would run the same day',
    };
  }
  try {
    await authHeaders();
  } catch (error) {
    if (error instanceof CoordinatorAuthError) return { kind: 'auth', message: error.message };
    throw error;
  }
  return undefined;
};

const logSummary = (log: (line: string) => void, result: CoordinatorJobResult) => {
  log(rule);
  log('PHASE 5 PREDICTIONS SUMMARY:');
  log(
    `  Successful: ${result.succeeded.length}, Skipped: ${result.skipped.length}, Failed: ${result.failed.length}`,
  );
  if (result.failed.length > 0) {
    log(`  Failed dates: ${result.failed.map((f) => f.date).join(', ')}`);
  }
  log(rule);
};
