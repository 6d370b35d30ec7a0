/**
 * Waiting for one coordinator batch: GET /status until it completes, stalls or disappears,
 * reading either reply shape an instance answers, and logging progress without flooding the log.
 */
import { messageOf, pause } from './client.js';
import type { CoordinatorClient, Sleep } from './client.js';

const numberAt = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** One status reply, read from either shape an instance answers (nested `progress` or flat). */
export type BatchProgress = {
  state: string;
  complete: boolean;
  stalled: boolean;
  completed?: number;
  expected?: number;
  failed?: number;
  percent?: number;
  etaSeconds?: number;
};

export const readBatchProgress = (json: Record<string, unknown>): BatchProgress => {
  const nested = json.progress;
  const progress: Record<string, unknown> =
    nested !== null && typeof nested === 'object' ? (nested as Record<string, unknown>) : {};
  const pick = (key: string) => numberAt(progress[key]) ?? numberAt(json[key]);
  const completed = pick('completed');
  const expected = pick('expected');
  const flatPercent = numberAt(json.completion_pct);
  const state = typeof json.status === 'string' ? json.status : 'unknown';
  return {
    state,
    complete:
      state === 'complete' ||
      state === 'completed' ||
      progress.is_complete === true ||
      (flatPercent ?? 0) >= 100,
    stalled: json.is_stalled === true,
    completed,
    expected,
    failed: pick('failed'),
    percent:
      pick('progress_percentage') ??
      flatPercent ??
      (completed !== undefined && expected ? (completed / expected) * 100 : undefined),
    etaSeconds: pick('eta_seconds'),
  };
};

/** "120/450 (26.7%)", or "26.7%" from the flat shape, or "?" when the reply had no numbers. */
export const progressText = (p: BatchProgress): string => {
  const percent = p.percent === undefined ? undefined : `${p.percent.toFixed(1)}%`;
  if (p.completed !== undefined && p.expected !== undefined) {
    return `${p.completed}/${p.expected}${percent ? ` (${percent})` : ''}`;
  }
  return percent ?? '?';
};

/** "batch X complete (450/450, 3 failed)": the failed predictions still count as a done date. */
const completionText = (batchId: string, p: BatchProgress): string => {
  const counts =
    p.completed !== undefined && p.expected !== undefined
      ? `${p.completed}/${p.expected}${p.failed === undefined ? '' : `, ${p.failed} failed`}`
      : p.percent === undefined
        ? ''
        : `${p.percent.toFixed(1)}%`;
  return `batch ${batchId} complete${counts ? ` (${counts})` : ''}`;
};

/** Every player was counted, done or failed: the batch ended even if no reply said "complete". */
const countedEveryPlayer = (p: BatchProgress | undefined): boolean =>
  p?.expected !== undefined && p.expected > 0 && (p.completed ?? 0) + (p.failed ?? 0) >= p.expected;

export type BatchOutcome =
  { kind: 'succeeded'; detail: string } | { kind: 'failed'; reason: string };

export type PollContext = {
  client: CoordinatorClient;
  /** The coordinator's url without a trailing slash. */
  base: string;
  statusPath: string;
  pollSeconds: number;
  stallMinutes: number;
  log: (line: string) => void;
  sleep: Sleep;
  now: () => number;
  signal: AbortSignal;
};

/** An unchanged poll is still logged this often, so a quiet batch shows it is being watched. */
const unchangedLogEveryMs = 60_000;

export const pollBatch = async (ctx: PollContext, batchId: string): Promise<BatchOutcome> => {
  const { log, now } = ctx;
  const failed = (reason: string): BatchOutcome => ({ kind: 'failed', reason });
  const label = `GET ${ctx.statusPath}?batch_id=${batchId}`;
  const url = new URL(`${ctx.base}${ctx.statusPath}`);
  url.searchParams.set('batch_id', batchId);
  let last: BatchProgress | undefined;
  let lastLine = '';
  let lastLoggedAt = -Infinity;
  let mark = '';
  let markSince = now();
  for (;;) {
    const sent = await ctx.client.send({
      method: 'GET',
      url: url.toString(),
      label,
      // A proxy's 502 or a cold start's 503 while polling says nothing about the batch.
      retryStatus: (status) => status === 429 || status >= 500,
    });
    if (!sent.ok) return failed(`${label}: ${sent.reason}`);
    const { reply } = sent;
    const message = messageOf(reply);
    if (reply.status === 404) return failed(`batch not found${message ? ` (${message})` : ''}`);
    if (reply.status < 200 || reply.status >= 300 || !reply.json) {
      return failed(`${label} answered ${reply.status}${message ? `: ${message}` : ''}`);
    }
    if (reply.json.status === 'no_active_batch') {
      // An instance forgets a batch once it ends, so one that had counted every player is done.
      return last && countedEveryPlayer(last)
        ? { kind: 'succeeded', detail: completionText(batchId, last) }
        : failed('coordinator has no active batch');
    }
    const progress = readBatchProgress(reply.json);
    last = progress;
    const at = progressText(progress);
    const line = `  status ${batchId} ${progress.state} ${at}`;
    const time = now();
    if (line !== lastLine || time - lastLoggedAt >= unchangedLogEveryMs) {
      const eta =
        progress.etaSeconds === undefined ? '' : `, eta ${Math.round(progress.etaSeconds)} s`;
      log(`${line}${eta}`);
      [lastLine, lastLoggedAt] = [line, time];
    }
    if (progress.complete) return { kind: 'succeeded', detail: completionText(batchId, progress) };
    if (progress.state === 'failed' || progress.state === 'error') {
      return failed(`batch ${batchId} ${progress.state}${message ? `: ${message}` : ''}`);
    }
    if (progress.stalled) return failed(`stalled at ${at} (coordinator reports is_stalled)`);
    // Failed predictions are progress too: only a batch where nothing moves is stalled.
    const nextMark = `${progress.completed}|${progress.failed}|${progress.percent}`;
    if (nextMark !== mark) [mark, markSince] = [nextMark, time];
    if (time - markSince >= ctx.stallMinutes * 60_000) {
      return failed(`stalled at ${at} (no progress for ${ctx.stallMinutes} min)`);
    }
    await pause(ctx.sleep, ctx.pollSeconds * 1000, ctx.signal);
  }
};
