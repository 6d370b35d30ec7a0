import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePlan } from '../../src/plan/index.js';
import { createAppStore } from '../../src/state/store.js';
import { createLogBook } from '../../src/state/log-book.js';
import { createSupervisor } from '../../src/runner/tasks/supervisor.js';
import { isFinished } from '../../src/state/task-status.js';

export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

type ProcessorDef = { id: string; command: string[]; cwd?: string; env?: Record<string, string> };

/** A real supervisor over a one-window plan in a fresh temp folder. */
export const startHarness = (processors: ProcessorDef[], graceSeconds = 1) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'runner-'));
  const plan = parsePlan(
    JSON.stringify({
      version: 1,
      settings: { stopGraceSeconds: graceSeconds },
      windows: [{ id: 'w1', start: '2022-04-16', end: '2022-04-20' }],
      phases: [{ id: '3' }],
      processors: processors.map((p) => ({ phase: '3', ...p })),
    }),
    path.join(dir, 'backfill.yaml'),
  );
  const store = createAppStore(plan);
  const logBook = createLogBook(1000);
  const supervisor = createSupervisor({ plan, store, logBook });
  const task = (id: string) => store.getState().tasks[`${id}@w1`]!;
  const logLines = (id: string) =>
    readFileSync(task(id).logFile!, 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('[backfill-console]'));
  const tail = (id: string) => {
    const ring = logBook.ring(`${id}@w1`);
    const lines: string[] = [];
    for (let seq = ring.first(); seq < ring.end(); seq++) lines.push(ring.at(seq) ?? '');
    return lines;
  };
  /** For waitFor: the task once it has ended, else undefined. */
  const finished = (id: string) => () => (isFinished(task(id).status) ? task(id) : undefined);
  /** Kills whatever is still running and stops the tick: for afterEach. */
  const tearDown = async () => {
    for (const taskId of Object.keys(store.getState().tasks)) supervisor.kill(taskId);
    await supervisor.stopAll();
    supervisor.dispose();
  };
  return { dir, plan, store, logBook, supervisor, task, logLines, tail, finished, tearDown };
};

/** True while the pid names a process that is not a zombie. */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};
