import type { TaskId } from '../plan/types.js';
import type { LogRing } from './log-ring.js';
import { createLogRing } from './log-ring.js';

/**
 * The in-memory tails of every task's log, kept outside the store: log lines never
 * enter React state. The store only carries a per-task version the UI subscribes to.
 */
export type LogBook = {
  ring: (taskId: TaskId) => LogRing;
  has: (taskId: TaskId) => boolean;
};

export const createLogBook = (maxLines?: number, maxBytes?: number): LogBook => {
  const rings = new Map<TaskId, LogRing>();
  return {
    ring: (taskId) => {
      let ring = rings.get(taskId);
      if (!ring) {
        ring = createLogRing(maxLines, maxBytes);
        rings.set(taskId, ring);
      }
      return ring;
    },
    has: (taskId) => rings.has(taskId),
  };
};
