import type { TaskId } from '../../plan/types.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** `logs/<processor>@<window>/20260126-101112.log`: one file per run, sorted by time. */
export const logFileName = (taskId: TaskId, at: Date): string =>
  `${taskId}/${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}-${String(at.getMilliseconds()).padStart(3, '0')}.log`;

/** When a run's log was started, from its name (local time, as logFileName writes it). */
export const logFileTime = (file: string): number | undefined => {
  const m = /(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-(\d{3})\.log$/.exec(file);
  if (!m) return undefined;
  const [y = 0, mo = 1, d, h, mi, s, ms] = m.slice(1).map(Number);
  return new Date(y, mo - 1, d, h, mi, s, ms).getTime();
};
