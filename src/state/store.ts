import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { Plan } from '../plan/types.js';
import type { TasksSlice } from './tasks-slice.js';
import { createTasksSlice } from './tasks-slice.js';
import type { UiSlice } from './ui-slice.js';
import { createUiSlice } from './ui-slice.js';

export type AppState = TasksSlice & UiSlice & { plan: Plan };
export type AppStore = StoreApi<AppState>;

/** One store per console (and per test): no module singleton. */
export const createAppStore = (plan: Plan): AppStore =>
  createStore<AppState>()((...args) => ({
    plan,
    ...createTasksSlice(plan.tasks.map((t) => t.id))(...args),
    ...createUiSlice(plan.tasks[0]?.id)(...args),
  }));
