import { closeSync, constants, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { HttpJobConfig } from './job.js';

/**
 * What the console hands a coordinator job process: the plan's http settings and the dates.
 * Never a token: `auth` names the variable or the command, which the job's process reads or
 * runs itself.
 */
export type HttpJobSpec = { version: 1; config: HttpJobConfig; dates: string[] };

/** What a coordinator job process's exit code says (README "The coordinator job"). */
export const HttpJobExit = {
  /** Every date completed or was skipped (no games, no players). */
  complete: 0,
  /** The job itself broke (an unexpected error; Node's own code for an uncaught one). */
  crashed: 1,
  /** It went through every date and some failed (named in the log's summary). */
  someDatesFailed: 2,
  /** Stopped by the operator (SIGTERM): no new start was sent; a batch in flight was left running. */
  stopped: 3,
  /** No token could be had from auth.env or auth.command: nothing was sent. */
  authFailed: 4,
  /** The job spec or the plan's http settings cannot work (e.g. a body without "{date}"). */
  badSpec: 5,
} as const;

export const writeHttpJobSpec = (file: string, spec: HttpJobSpec): void => {
  // Owner-only and never through a symlink, like every file in the state folder.
  const fd = openSync(
    file,
    constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    writeSync(fd, JSON.stringify(spec));
  } finally {
    closeSync(fd);
  }
};

export const readHttpJobSpec = (file: string): HttpJobSpec => {
  const spec = JSON.parse(readFileSync(file, 'utf8')) as Partial<HttpJobSpec>;
  if (spec.version !== 1 || !spec.config || !Array.isArray(spec.dates)) {
    throw new Error(`${file} is not a version 1 coordinator job spec`);
  }
  return spec as HttpJobSpec;
};

/**
 * The job's entry file as shipped in the package (dist/). Bundled into
 * dist/console-command.js, this code sits two folders above it; run from the TypeScript
 * sources (the tests), the built file next to the sources' place in dist/ is used instead.
 */
export const httpJobEntry = (): string => {
  const here = fileURLToPath(new URL('./http-job-process.js', import.meta.url));
  if (existsSync(here)) return here;
  const bundled = fileURLToPath(
    new URL('./runner/coordinator/http-job-process.js', import.meta.url),
  );
  if (existsSync(bundled)) return bundled;
  const sources = `${path.sep}src${path.sep}`;
  const at = here.lastIndexOf(sources);
  return at < 0
    ? here
    : `${here.slice(0, at)}${path.sep}dist${path.sep}${here.slice(at + sources.length)}`;
};
