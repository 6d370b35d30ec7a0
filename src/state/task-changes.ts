import type { TaskId } from '../plan/types.js';
import type { TaskRuntime } from './tasks-slice.js';
import { isActive, isFinished } from './task-status.js';

/**
 * Which tasks changed between two versions of the tasks record, without walking all of it.
 * The tasks slice notes, for each record it makes, the record it was made from and the ids it
 * changed; a subscriber that kept the record it last saw follows those notes back to it. When
 * the notes do not lead there (a record made elsewhere, a listener that saw versions out of
 * order, a long gap) it walks the whole record, as every subscriber did before: the answer is
 * the same either way, only its cost differs. Plans of 1000 tasks made the walk the largest
 * cost of a run (three subscribers, a walk each on every change).
 */
type TasksRecord = Readonly<Record<TaskId, unknown>>;

type Made = { from: TasksRecord; ids: readonly TaskId[] };

const made = new WeakMap<TasksRecord, Made>();

/** Records beyond this many steps back are found by walking the whole record. */
const longestChain = 64;

/** Called by the slice for each record it derives from another by changing `ids`. */
export const noteTasksMade = (next: TasksRecord, from: TasksRecord, ids: readonly TaskId[]) => {
  made.set(next, { from, ids });
};

/** The ids whose task object differs between `previous` and `next`, each once. */
export const changedTaskIds = (previous: TasksRecord, next: TasksRecord): TaskId[] => {
  if (previous === next) return [];
  const noted = new Set<TaskId>();
  let at: TasksRecord = next;
  for (let step = 0; step < longestChain && at !== previous; step++) {
    const note = made.get(at);
    if (!note) return walk(previous, next);
    for (const id of note.ids) noted.add(id);
    at = note.from;
  }
  if (at !== previous) return walk(previous, next);
  // A task changed and changed back is not a change.
  return [...noted].filter((id) => next[id] !== previous[id]);
};

const walk = (previous: TasksRecord, next: TasksRecord): TaskId[] => {
  const ids: TaskId[] = [];
  for (const id in next) if (next[id] !== previous[id]) ids.push(id);
  return ids;
};

/**
 * Follows the tasks record and names the tasks whose run it saw start and that have ended
 * since: each end once, none for a task restored already ended. The retrier, the run history
 * and the notifier each kept this set and walk of their own.
 */
export const createEndWatch = (initial: Readonly<Record<TaskId, TaskRuntime>>) => {
  let last = initial;
  const watching = new Set<TaskId>();
  return (tasks: Readonly<Record<TaskId, TaskRuntime>>): TaskId[] => {
    if (tasks === last) return [];
    const previous = last;
    last = tasks;
    const ended: TaskId[] = [];
    for (const id of changedTaskIds(previous, tasks)) {
      const status = tasks[id]?.status;
      if (status === undefined) continue;
      if (isActive(status)) watching.add(id);
      else if (isFinished(status) && watching.delete(id)) ended.push(id);
    }
    return ended;
  };
};
