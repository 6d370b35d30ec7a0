export { loadPlan, parsePlan, planLocator } from './load-plan.js';
export { PlanError } from './plan-error.js';
export type { PlanProblem } from './plan-error.js';
export { substituteArgv } from './substitute.js';
export { planSpan, taskIdOf } from './types.js';
export type * from './types.js';
