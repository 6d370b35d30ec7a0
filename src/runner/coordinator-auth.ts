import { execFile } from 'node:child_process';
import type { z } from 'zod';
import type { authSchema } from '../plan/schema.js';

export type CoordinatorAuth = z.output<typeof authSchema>;

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
/** Enough for any token; a command that prints more is not a token printer. */
const maxTokenOutputBytes = 64 * 1024;
/** A token is sent in a header: a line break or space in it is a wrong command, not a token. */
const tokenShape = /^[\x21-\x7e]+$/;

const firstLine = (text: string): string =>
  (text.split('\n').find((line) => line.trim() !== '') ?? '').trim().slice(0, 200);

const runTokenCommand = (
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  signal: AbortSignal,
): Promise<string> => {
  const shown = `auth.command \`${argv.join(' ')}\``;
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = execFile(
      file ?? '',
      args,
      {
        env,
        cwd,
        signal,
        timeout: authCommandTimeoutMs,
        maxBuffer: maxTokenOutputBytes,
        encoding: 'utf8',
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if (signal.aborted) return reject(signal.reason as Error);
        const failure = error as Error & { code?: unknown; killed?: boolean };
        const why =
          failure.code === 'ENOENT'
            ? 'was not found'
            : failure.killed
              ? `did not finish within ${authCommandTimeoutMs / 1000} s`
              : typeof failure.code === 'number'
                ? `exited ${failure.code}`
                : `failed (${String(failure.code ?? failure.message)})`;
        const detail = firstLine(stderr);
        reject(new CoordinatorAuthError(`${shown} ${why}${detail ? `: ${detail}` : ''}`));
      },
    );
    // gcloud may ask a question on stdin; an ended stdin makes it fail instead of waiting forever.
    child.stdin?.end();
  });
};

export const createTokenSource = (options: {
  auth: CoordinatorAuth | undefined;
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
