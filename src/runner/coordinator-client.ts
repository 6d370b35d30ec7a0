import { setTimeout as delay } from 'node:timers/promises';
import { CoordinatorAuthError } from './coordinator-auth.js';
import type { TokenSource } from './coordinator-auth.js';

/** The operator stopped the task: unwinds the job without another request. */
export class CoordinatorCancelled extends Error {
  override name = 'CoordinatorCancelled';
}

export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export const signalAwareSleep: Sleep = (ms, signal) => delay(ms, undefined, { signal });

/** Sleeps, and turns an abort (rejected or resolved early by an injected sleep) into a cancel. */
export const pause = async (sleep: Sleep, ms: number, signal: AbortSignal): Promise<void> => {
  try {
    await sleep(ms, signal);
  } catch (error) {
    if (signal.aborted) throw new CoordinatorCancelled();
    throw error;
  }
  if (signal.aborted) throw new CoordinatorCancelled();
};

export type CoordinatorReply = {
  status: number;
  /** The JSON object the server sent, if it sent one. */
  json: Record<string, unknown> | undefined;
  text: string;
};

export type SendResult = { ok: true; reply: CoordinatorReply } | { ok: false; reason: string };

export type SendRequest = {
  method: 'GET' | 'POST';
  url: string;
  body?: string;
  /** Names the request in retry lines, e.g. `POST /start {"game_date":…}`. */
  label: string;
  /** Replies worth another attempt, like network errors (a status poll's 502 from a proxy). */
  retryStatus?: (status: number) => boolean;
};

/** The backoff between attempts: three retries, then the request has failed. */
export const retryDelaysMs = [1000, 2000, 4000] as const;

/** Server text in a log line or reason is cut here: an HTML error page is not a reason. */
const maxMessageChars = 300;

/** Server text on one line, cut to a readable length. */
export const oneLine = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > maxMessageChars ? `${flat.slice(0, maxMessageChars)}…` : flat;
};

/** The human part of a reply: `message`, else `error`, else the start of the body text. */
export const messageOf = (reply: CoordinatorReply): string => {
  const { json } = reply;
  for (const key of ['message', 'detail', 'error']) {
    const value = json?.[key];
    if (typeof value === 'string' && value.trim() !== '') return oneLine(value);
  }
  return json ? '' : oneLine(reply.text);
};

const networkReason = (error: unknown): string => {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return oneLine(code ? `${message} (${code})` : message);
};

export type CoordinatorClient = { send(request: SendRequest): Promise<SendResult> };

export const createCoordinatorClient = (options: {
  fetch: typeof fetch;
  tokens: TokenSource;
  signal: AbortSignal;
  timeoutMs: number;
  sleep: Sleep;
  log: (line: string) => void;
}): CoordinatorClient => {
  const { tokens, signal, timeoutMs, sleep, log } = options;

  /** One attempt: a reply, or why none came. Cancels at once when the operator stops. */
  const attempt = async (request: SendRequest): Promise<CoordinatorReply | string> => {
    if (signal.aborted) throw new CoordinatorCancelled();
    const timeout = AbortSignal.timeout(timeoutMs);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    Object.assign(headers, await tokens.headers());
    try {
      const response = await options.fetch(request.url, {
        method: request.method,
        headers,
        body: request.body,
        signal: AbortSignal.any([signal, timeout]),
      });
      // The body is read under the same signals: a reply that stalls mid-body is a timeout too.
      const text = await response.text();
      let json: Record<string, unknown> | undefined;
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
          json = parsed as Record<string, unknown>;
        }
      } catch {
        json = undefined;
      }
      return { status: response.status, json, text };
    } catch (error) {
      if (signal.aborted) throw new CoordinatorCancelled();
      if (timeout.aborted) return `no reply within ${timeoutMs / 1000} s`;
      return networkReason(error);
    }
  };

  const send = async (request: SendRequest): Promise<SendResult> => {
    let refreshed = false;
    for (let retry = 0; ;) {
      const outcome = await attempt(request);
      if (typeof outcome !== 'string' && outcome.status === 401 && !refreshed) {
        // One refresh per request: a token that expired mid-job is the usual cause.
        refreshed = true;
        log(`${request.label} → 401, fetching a new token`);
        try {
          await tokens.refresh();
        } catch (error) {
          if (signal.aborted) throw new CoordinatorCancelled();
          if (error instanceof CoordinatorAuthError) return { ok: false, reason: error.message };
          throw error;
        }
        continue;
      }
      const transient =
        typeof outcome === 'string'
          ? outcome
          : request.retryStatus?.(outcome.status)
            ? `${outcome.status} ${messageOf(outcome)}`.trim()
            : undefined;
      if (transient === undefined) return { ok: true, reply: outcome as CoordinatorReply };
      const wait = retryDelaysMs[retry];
      if (wait === undefined) {
        return { ok: false, reason: `${transient} (gave up after ${retry + 1} attempts)` };
      }
      retry++;
      log(
        `${request.label} → ${transient}; retry ${retry}/${retryDelaysMs.length} in ${wait / 1000} s`,
      );
      await pause(sleep, wait, signal);
    }
  };

  return { send };
};

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
