import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../src/state/store.js';
import { changedTaskIds } from '../../src/state/task-changes.js';
import { testPlan } from '../support/plans.js';

/** What every subscriber did before: walk the whole record. */
const walked = (previous: Record<string, unknown>, next: Record<string, unknown>) =>
  Object.keys(next).filter((id) => next[id] !== previous[id]);

describe('changedTaskIds', () => {
  const store = () => createAppStore(testPlan());

  it('names the tasks changed since a record several changes back, as a walk would', () => {
    const s = store();
    const ids = Object.keys(s.getState().tasks);
    const [a = '', b = ''] = ids;
    const start = s.getState().tasks;
    s.getState().taskStarting(a, '/tmp/a.log');
    const middle = s.getState().tasks;
    s.getState().taskStarted(a, 10, 1, undefined);
    s.getState().taskStarting(b, '/tmp/b.log');
    s.getState().outputReceived([{ taskId: b, progress: { ...emptyProgressOf(s, b) } }]);
    const end = s.getState().tasks;
    expect(changedTaskIds(start, end).sort()).toEqual([a, b].sort());
    expect(changedTaskIds(start, end).sort()).toEqual(walked(start, end).sort());
    expect(changedTaskIds(middle, end).sort()).toEqual(walked(middle, end).sort());
    expect(changedTaskIds(end, end)).toEqual([]);
  });

  it('walks the record when the notes do not lead back (versions seen out of order)', () => {
    const s = store();
    const [a = ''] = Object.keys(s.getState().tasks);
    const before = s.getState().tasks;
    s.getState().taskStarting(a, '/tmp/a.log');
    const after = s.getState().tasks;
    // From the newer to the older: no note leads that way.
    expect(changedTaskIds(after, before)).toEqual([a]);
    // A record made by hand, not by the slice.
    const other = { ...after, [a]: { ...after[a]! } };
    expect(changedTaskIds(after, other)).toEqual([a]);
  });

  it('walks the record after a long run of changes', () => {
    const s = store();
    const [a = ''] = Object.keys(s.getState().tasks);
    const start = s.getState().tasks;
    for (let i = 0; i < 100; i++) s.getState().taskStopRequested(a, i);
    expect(changedTaskIds(start, s.getState().tasks)).toEqual(walked(start, s.getState().tasks));
  });
});

const emptyProgressOf = (s: ReturnType<typeof createAppStore>, id: string) =>
  s.getState().tasks[id]!.progress;
