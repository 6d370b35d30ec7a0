/**
 * Talking to the prediction coordinator: where the token comes from (and keeping it out of every
 * line), and one request with its timeout, retries, 401 refresh and the operator's stop.
 */
import { execFile } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import type { z } from 'zod';
import type { authSchema } from '../../plan/schema.js';

/** The operator stopped the task: unwinds the job without another request. */
export class CoordinatorCancelled extends Error {
  override name = 'CoordinatorCancelled';
}

/** No token could be had. The message names the variable or the command, never a token. */
export class CoordinatorAuthError extends Error {
  override name = 'CoordinatorAuthError';
}

export type TokenSource = {
  /** The auth header for the next request (fetching a token on first use); empty without auth. */
  headers(): Promise<Record<string, string>>;
  /** Forgets the token and fetches a new one: identity tokens expire after an hour, jobs run longer. */
  refresh(): Promise<void>;
  /** Every token this job has held, replaced by "***": applied to each log line, reason and error. */
  redact(text: string): string;
};

/** `gcloud auth print-identity-token` takes a few seconds; a hung helper must not hang the job. */
const authCommandTimeoutMs = 60_000;
/** A token goes into a header: a line break or space in it means a wrong command, not a token. */
const tokenShape = /^[\x21-\x7e]+$/;

const describeCommandFailure = (error: Error & { code?: unknown; killed?: boolean }): string => {
  if (error.code === 'ENOENT') return 'was not found';
  if (error.killed) return `did not finish within ${authCommandTimeoutMs / 1000} s`;
  return typeof error.code === 'number' ? `exited ${error.code}` : `failed (${error.message})`;
};

/** Runs the argv with no shell; the token is its stdout. Rejects with a CoordinatorAuthError. */
const runTokenCommand = (
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  signal: AbortSignal,
) =>
  new Promise<string>((resolve, reject) => {
    const [file = '', ...args] = argv;
    const options = { env, cwd, signal, timeout: authCommandTimeoutMs, maxBuffer: 64 * 1024 };
    const child = execFile(
      file,
      args,
      { ...options, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if (signal.aborted) return reject(new CoordinatorCancelled());
        const detail = (stderr.split('\n').find((line) => line.trim() !== '') ?? '')
          .trim()
          .slice(0, 200);
        const why = `${describeCommandFailure(error)}${detail ? `: ${detail}` : ''}`;
        reject(new CoordinatorAuthError(`auth.command \`${argv.join(' ')}\` ${why}`));
      },
    );
    // gcloud may ask a question on stdin; an ended stdin makes it fail instead of waiting forever.
    child.stdin?.end();
  });

export const createTokenSource = (options: {
  auth: z.output<typeof authSchema> | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal: AbortSignal;
}): TokenSource => {
  const { auth, env, cwd, signal } = options;
  const seen = new Set<string>();
  let token: string | undefined;

  const fetchToken = async (): Promise<string> => {
    if (!auth) return '';
    let value: string;
    let source: string;
    if (auth.env !== undefined) {
      source = `environment variable ${auth.env}`;
      value = (env[auth.env] ?? '').trim();
      if (value === '') throw new CoordinatorAuthError(`auth.env: ${source} is not set or empty`);
    } else {
      const argv = auth.command ?? [];
      source = `auth.command \`${argv.join(' ')}\``;
      value = (await runTokenCommand(argv, env, cwd, signal)).trim();
      if (value === '') throw new CoordinatorAuthError(`${source} printed no token`);
    }
    // Remembered before the shape check so even a malformed token never reaches a log line.
    seen.add(value);
    if (!tokenShape.test(value)) {
      throw new CoordinatorAuthError(`${source} gave a value that is not a one-line token`);
    }
    return value;
  };

  return {
    async headers() {
      if (!auth) return {};
      token ??= await fetchToken();
      return { [auth.header]: `${auth.prefix}${token}` };
    },
    async refresh() {
      token = undefined;
      token = await fetchToken();
    },
    redact(text) {
      let out = text;
      for (const secret of seen) out = out.split(secret).join('***');
      return out;
    },
  };
};

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
        return {
          ok: false,
          reason: `${transient} (gave up after ${retry + 1} attempt${retry === 0 ? '' : 's'})`,
        };
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
