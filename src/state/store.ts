import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { Plan } from '../plan/types.js';
import type { TasksSlice } from './tasks-slice.js';
import { createTasksSlice } from './tasks-slice.js';
import type { UiSlice } from './ui-slice.js';
import type { CoverageSlice } from './coverage-slice.js';
import type { RunSlice } from './run-slice.js';
import { createRunSlice } from './run-slice.js';
import { createCoverageSlice } from './coverage-slice.js';
import { createUiSlice } from './ui-slice.js';
import type { ChecksSlice } from './checks-slice.js';
import { createChecksSlice } from './checks-slice.js';
import type { HistorySlice } from './history-slice.js';
import { createHistorySlice } from './history-slice.js';
import type { RetrySlice } from './retry-slice.js';
import { createRetrySlice } from './retry-slice.js';
import type { StateFolderSlice } from './state-folder-slice.js';
import { createStateFolderSlice } from './state-folder-slice.js';

export type AppState = TasksSlice &
  UiSlice &
  CoverageSlice &
  ChecksSlice &
  RunSlice &
  HistorySlice &
  RetrySlice &
  StateFolderSlice & { plan: Plan };
export type AppStore = StoreApi<AppState>;

/** One store per console (and per test): no module singleton. */
export const createAppStore = (plan: Plan): AppStore =>
  createStore<AppState>()((...args) => ({
    plan,
    ...createTasksSlice(plan.tasks.map((t) => t.id))(...args),
    ...createUiSlice(plan.tasks[0]?.id)(...args),
    ...createCoverageSlice(trackedTaskIds(plan))(...args),
    ...createChecksSlice(plan.checks)(...args),
    ...createRunSlice(...args),
    ...createHistorySlice(...args),
    ...createRetrySlice(...args),
    ...createStateFolderSlice(...args),
  }));

/** Tasks whose processor declares where its output lands: the cells of the coverage tracker. */
export const trackedTaskIds = (plan: Plan): string[] => {
  const tracked = new Set(plan.processors.filter((p) => p.coverage).map((p) => p.id));
  return plan.tasks.filter((t) => tracked.has(t.processorId)).map((t) => t.id);
};
