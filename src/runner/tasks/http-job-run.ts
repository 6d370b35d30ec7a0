import { existsSync } from 'node:fs';
import type { TaskId, Window } from '../../plan/types.js';
import type { AppStore } from '../../state/store.js';
import type { HttpJobConfig } from '../coordinator/job.js';
import { httpJobEntry, writeHttpJobSpec } from '../coordinator/http-job-spec.js';
import { everyDay } from '../../state/date-ranges.js';

/**
 * The argv of a coordinator job process: Node, the entry shipped in the package, and a spec
 * file next to the log. The spec names auth.env or auth.command, never a token: the job's
 * own process reads or produces it.
 */
export const httpJobArgv = (logFile: string, config: HttpJobConfig, dates: string[]): string[] => {
  const entry = httpJobEntry();
  if (!existsSync(entry)) throw new Error(`${entry} is missing (npm run build makes it)`);
  const specFile = `${logFile}.job.json`;
  writeHttpJobSpec(specFile, { version: 1, config, dates });
  return [process.execPath, entry, specFile];
};

/** The window's expected dates when coverage knows them, else every day of the window. */
export const datesOf = (store: AppStore, taskId: TaskId, window: Window): string[] => {
  const expected = store.getState().coverage[taskId]?.expectedDates ?? [];
  return expected.length > 0 ? [...expected] : everyDay(window.start, window.end);
};
