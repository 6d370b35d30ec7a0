/**
 * The load drill's plan: `tasks` short tasks (processors x 20 windows, no dependencies, no
 * warehouse) run at `concurrency` at once. Each task is a small shell script that prints its
 * own start and end time around a few lines, so a task's own duration is read from its log,
 * apart from whatever the console adds.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const windowsPerProcessor = 20;

export type LoadPlanOptions = {
  tasks: number;
  concurrency: number;
  /** How long each task sleeps between its lines, in seconds (three sleeps). */
  sleepSeconds: number;
};

/** The plan as JSON (which is YAML): `tasks` must be a multiple of 20. */
export const loadPlanText = (
  { tasks, concurrency }: Omit<LoadPlanOptions, 'sleepSeconds'>,
  command: string[],
): string => {
  if (tasks % windowsPerProcessor !== 0) throw new Error(`tasks must be a multiple of 20`);
  const windows = Array.from({ length: windowsPerProcessor }, (_, i) => {
    const day = `2024-01-${String(i + 1).padStart(2, '0')}`;
    return { id: `w${String(i + 1).padStart(2, '0')}`, start: day, end: day };
  });
  const processors = Array.from({ length: tasks / windowsPerProcessor }, (_, i) => ({
    id: `load_${String(i + 1).padStart(3, '0')}`,
    phase: '1',
    command,
  }));
  return JSON.stringify(
    {
      version: 1,
      name: `load ${tasks} at ${concurrency}`,
      settings: { stopGraceSeconds: 2, concurrency },
      windows,
      phases: [{ id: '1', title: 'Load' }],
      processors,
    },
    null,
    2,
  );
};

/** Writes the task script and the plan into `dir`; returns the plan's path. */
export const writeLoadPlan = (dir: string, options: LoadPlanOptions): string => {
  const script = path.join(dir, 'short-task.sh');
  const sleep = String(options.sleepSeconds);
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      // Milliseconds since the epoch, from the task itself: its own duration, apart from the console.
      'echo "task started $(date +%s%3N)"',
      `echo "line 1"; sleep ${sleep}`,
      `echo "line 2"; sleep ${sleep}`,
      `echo "line 3"; sleep ${sleep}`,
      'echo "task ended $(date +%s%3N)"',
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  const plan = path.join(dir, 'backfill.yaml');
  writeFileSync(plan, loadPlanText(options, ['/bin/sh', script]));
  return plan;
};
