import type { TaskId } from '../../plan/types.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** `logs/<processor>@<window>/20260126-101112.log`: one file per run, sorted by time. */
export const logFileName = (taskId: TaskId, at: Date): string =>
  `${taskId}/${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}-${String(at.getMilliseconds()).padStart(3, '0')}.log`;
