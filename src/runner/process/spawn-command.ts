import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { resolveCommand } from './resolve-command.js';
import { appendFlags } from './append-file.js';
import { processStartTime } from './proc-info.js';
import { wrapperArgv } from './task-wrapper.js';
import { pidFileOf } from './run-files.js';
import { failpoint, withoutFailpoint } from './failpoint.js';

/** The wrapper's own end: its exit code, or the signal that killed it. */
export type WrapperExit = { code: number | null; signal: NodeJS.Signals | null };

export type SpawnedCommand =
  | { ok: true; exited: Promise<WrapperExit>; pid: number; pidStart: string | undefined }
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
  // node:child_process itself, not execa: with no pipes, no buffering, no rejection and no
  // clean-up wanted here, execa added ~1 ms of option handling to each launch (1 s of the
  // load drill's main thread at 1000 tasks) and 18 ms of module loading to every start.
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(wrapped.file, wrapped.args, {
      cwd: options.cwd,
      env: {
        ...withoutFailpoint(options.env),
        BACKFILL_EXIT_FILE: options.exitFile,
        BACKFILL_PID_FILE: pidFileOf(options.exitFile),
      },
      // Own process group (and session): stop and kill reach grandchildren, and neither
      // Ctrl-C nor a closed terminal reaches the tasks.
      detached: true,
      stdio: ['ignore', fd, fd],
    });
  } catch (error) {
    // Arguments the kernel cannot take (a NUL byte in one).
    return { ok: false, reason: `could not spawn ${executable}: ${(error as Error).message}` };
  } finally {
    closeSync(fd); // the child holds its own copy
  }
  failpoint('launch:after-spawn');
  // A spawn that fails (EAGAIN, a missing cwd) also says so as an event: unheard, it would
  // crash the console. The pid tells the caller.
  child.on('error', () => undefined);
  if (child.pid === undefined) return { ok: false, reason: `could not spawn ${executable}` };
  const exited = new Promise<WrapperExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  // Not a parent that waits on it forever: the console may quit and leave the task running.
  child.unref();
  return { ok: true, exited, pid: child.pid, pidStart: processStartTime(child.pid) };
};
