import { closeSync, openSync } from 'node:fs';
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { resolveCommand } from './resolve-command.js';
import { appendFlags } from './append-file.js';
import { processStartTime } from './proc-info.js';
import { wrapperArgv } from './task-wrapper.js';
import { pidFileOf } from './run-files.js';
import { failpoint, withoutFailpoint } from './failpoint.js';

export type SpawnedCommand =
  | { ok: true; child: ResultPromise; pid: number; pidStart: string | undefined }
  | { ok: false; reason: string };

/**
 * Starts one argv in its own process group, stdout and stderr on one O_APPEND descriptor of
 * the log file, under the exit-status wrapper. The console only follows the file: the task
 * keeps running and logging if the console goes away.
 */
export const spawnCommand = (
  argv: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; exitFile: string },
): SpawnedCommand => {
  const [executable = '', ...args] = argv;
  const resolved = resolveCommand(executable, options.cwd, options.env.PATH);
  if (!resolved.ok) return resolved;
  let fd: number;
  try {
    fd = openSync(options.logFile, appendFlags, 0o600);
  } catch (error) {
    return {
      ok: false,
      reason: `cannot open log file ${options.logFile}: ${(error as Error).message}`,
    };
  }
  const wrapped = wrapperArgv(resolved.file, args);
  failpoint('launch:before-spawn');
  // execa's types admit only the literal descriptors 3-9; any open fd works at run time.
  const logFd = fd as 3;
  const child = execa(wrapped.file, wrapped.args, {
    cwd: options.cwd,
    env: {
      ...withoutFailpoint(options.env),
      BACKFILL_EXIT_FILE: options.exitFile,
      BACKFILL_PID_FILE: pidFileOf(options.exitFile),
    },
    extendEnv: false,
    // Own process group (and session): stop and kill reach grandchildren, and neither
    // Ctrl-C nor a closed terminal reaches the tasks.
    detached: true,
    stdin: 'ignore',
    stdout: logFd,
    stderr: logFd,
    reject: false,
    cleanup: false,
    buffer: false,
  });
  closeSync(fd); // the child holds its own copy
  failpoint('launch:after-spawn');
  if (child.pid === undefined) {
    void child.catch(() => undefined);
    return { ok: false, reason: `could not spawn ${executable}` };
  }
  // Not a parent that waits on it forever: the console may quit and leave the task running.
  child.unref();
  return { ok: true, child, pid: child.pid, pidStart: processStartTime(child.pid) };
};
