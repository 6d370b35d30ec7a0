import type { TaskId } from '../plan/types.js';
import type { AppState } from './store.js';
import { TaskStatus } from './task-status.js';
import { isFresh } from './coverage-state.js';

export type Readiness = { ready: true } | { ready: false; reason: string; failedUpstream: boolean };

/**
 * A task is ready when, for every processor it depends on, the same window either succeeded
 * in this console or is complete by coverage (at the upstream's readyThreshold). Otherwise the
 * reason names the upstream and how far it is: "waiting for x 2022-23: 31/44 dates".
 */
export const readinessOf = (
  state: Pick<AppState, 'plan' | 'tasks' | 'coverage'>,
  taskId: TaskId,
): Readiness => {
  const { plan } = state;
  const [processorId, windowId] = taskId.split('@');
  const processor = plan.processors.find((p) => p.id === processorId);
  if (!processor) return { ready: true };
  const waits: string[] = [];
  let failedUpstream = false;
  for (const dependency of processor.dependsOn) {
    const upstreamId = `${dependency}@${windowId}`;
    const upstream = state.tasks[upstreamId];
    if (upstream?.status === TaskStatus.succeeded) continue;
    const upstreamProcessor = plan.processors.find((p) => p.id === dependency);
    const threshold = upstreamProcessor?.readyThreshold ?? plan.settings.readyThreshold;
    const cell = state.coverage[upstreamId];
    // An upstream is judged by coverage asked after it last ended, never by an older answer.
    // (A cell never answered at all decides nothing either; its status says more then.)
    const unanswered = cell?.refreshedAt === undefined && upstream?.endedAt === undefined;
    if (!isFresh(cell, upstream) && !unanswered) {
      waits.push(`${dependency} ${windowId}: checking its coverage`);
      continue;
    }
    const counted =
      cell && cell.error === undefined && cell.covered !== undefined && cell.expected !== undefined;
    if (counted && coverageAtLeast(cell.covered ?? 0, cell.expected ?? 0, threshold)) continue;
    const failed =
      upstream?.status === TaskStatus.failed ||
      upstream?.status === TaskStatus.withFailures ||
      upstream?.status === TaskStatus.killed;
    if (failed) failedUpstream = true;
    const how = counted
      ? `${cell.covered}/${cell.expected} dates`
      : upstream && upstream.attempt > 0
        ? upstream.status
        : 'not run';
    waits.push(`${dependency} ${windowId}: ${how}${failed ? ` (${upstream?.status})` : ''}`);
  }
  if (waits.length === 0) return { ready: true };
  return { ready: false, reason: `waiting for ${waits.join('; ')}`, failedUpstream };
};

/** In integers: 58/100 at 58 % must pass, which (58 / 100) * 100 does not. */
const coverageAtLeast = (covered: number, expected: number, thresholdPercent: number): boolean =>
  expected === 0 || covered * 100 >= thresholdPercent * expected;
