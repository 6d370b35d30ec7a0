import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pidFileOf, recordedRun } from '../../src/runner/process/run-files.js';
import { spawnCommand } from '../../src/runner/process/spawn-command.js';
import { waitFor } from '../support/wait-for.js';

const runIn = (dir: string, seconds: number) => {
  const logFile = path.join(dir, 'run.log');
  const exitFile = `${logFile}.exit`;
  const spawned = spawnCommand(['sleep', String(seconds)], {
    cwd: dir,
    env: { PATH: process.env.PATH },
    logFile,
    exitFile,
  });
  if (!spawned.ok) throw new Error(spawned.reason);
  return { ...spawned, exitFile };
};

describe("a run's own pid file", () => {
  it('names the wrapper while it runs, and says ended once it has', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'run-files-'));
    const run = runIn(dir, 0.3);
    expect(pidFileOf(run.exitFile)).toBe(path.join(dir, 'run.log.pid'));
    const alive = await waitFor('the pid file', () => {
      const found = recordedRun(run.exitFile);
      return found.kind === 'none' ? undefined : found;
    });
    expect(alive).toEqual({ kind: 'alive', pid: run.pid, pidStart: run.pidStart });
    await run.exited;
    expect(recordedRun(run.exitFile)).toEqual({ kind: 'ended', pid: run.pid });
  });

  it('never adopts a live process that is not this run (a recycled pid)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'run-files-'));
    const exitFile = path.join(dir, 'run.log.exit');
    // This test process is alive, but its environment names no such exit file.
    writeFileSync(pidFileOf(exitFile), `${process.pid}\n`);
    expect(recordedRun(exitFile)).toEqual({ kind: 'ended', pid: process.pid });
  });

  it('says nothing when the run was never spawned or the file is garbage', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'run-files-'));
    const exitFile = path.join(dir, 'run.log.exit');
    expect(recordedRun(exitFile)).toEqual({ kind: 'none' });
    writeFileSync(pidFileOf(exitFile), 'not a pid\n');
    expect(recordedRun(exitFile)).toEqual({ kind: 'none' });
  });

  it('keeps the failpoint variable out of the processor environment', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'run-files-'));
    const logFile = path.join(dir, 'env.log');
    const spawned = spawnCommand(['env'], {
      cwd: dir,
      env: { PATH: process.env.PATH, BACKFILL_FAILPOINT: 'launch:after-spawn@99' },
      logFile,
      exitFile: `${logFile}.exit`,
    });
    if (!spawned.ok) throw new Error(spawned.reason);
    await spawned.exited;
    const env = readFileSync(logFile, 'utf8');
    expect(env).toContain('BACKFILL_PID_FILE=');
    expect(env).not.toContain('BACKFILL_FAILPOINT');
  });
});
