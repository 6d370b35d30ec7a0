// Everything the bench starts is registered here and taken down on every exit path: normal
// end, Ctrl-C, SIGTERM/SIGHUP, and uncaught errors. Synchronous, so it also works in 'exit'.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { pidsWithCmdline, stat } from './proc.mjs';

const tmuxSockets = new Set();
const pids = new Map(); // pid -> { start, group }
const dirs = new Set();

/** Registers a tmux socket, a process (with its start time, so a reused pid is left alone) or a directory. */
export const track = (thing) => {
  if (thing.kind === 'tmux') tmuxSockets.add(thing.socket);
  else if (thing.kind === 'pid' && thing.pid) {
    pids.set(thing.pid, { start: stat(thing.pid)?.start, group: Boolean(thing.group) });
  } else if (thing.kind === 'dir') dirs.add(thing.dir);
};

export const killTmux = (socket) => {
  try {
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', 'kill-server'], {
      stdio: 'ignore',
      timeout: 5_000,
    });
  } catch {
    // no server on that socket any more
  }
  // tmux 3.3a leaves the socket file behind after kill-server.
  const dir = process.env.TMUX_TMPDIR || '/tmp';
  rmSync(path.join(dir, `tmux-${process.getuid()}`, socket), { force: true });
  tmuxSockets.delete(socket);
};

/** SIGKILLs a tracked process (and its group when it leads one) if it is still the same process. */
export const killPid = (pid) => {
  const entry = pids.get(pid);
  pids.delete(pid);
  const now = stat(pid);
  if (!now || now.state === 'Z' || (entry?.start !== undefined && now.start !== entry.start))
    return;
  try {
    process.kill(entry?.group ? -pid : pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
};

export const removeDir = (dir) => {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
};

let keepDirs = false;
export const keepDirectories = (keep) => {
  keepDirs = keep;
};

/** Every producer of this bench process carries `--token bench-<pid>-<run>` in its argv. */
export const producerToken = `--token bench-${process.pid}-`;

/** SIGKILLs whatever still carries this bench's token; returns how many there were. */
export const sweepProducers = () => {
  const stray = pidsWithCmdline(producerToken).filter((pid) => stat(pid)?.state !== 'Z');
  for (const pid of stray) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  return stray.length;
};

export const cleanupAll = () => {
  for (const socket of [...tmuxSockets]) killTmux(socket);
  for (const pid of [...pids.keys()]) killPid(pid);
  sweepProducers();
  if (!keepDirs) for (const dir of [...dirs]) removeDir(dir);
};

/** Installs the handlers once: on a signal, clean up and exit with 128+n. */
export const installCleanupHandlers = () => {
  process.on('exit', cleanupAll);
  for (const [signal, n] of [
    ['SIGINT', 2],
    ['SIGTERM', 15],
    ['SIGHUP', 1],
  ]) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal}, cleaning up…\n`);
      cleanupAll();
      process.exit(128 + n);
    });
  }
};
