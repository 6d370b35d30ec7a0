import { parsePlan } from '../../src/plan/index.js';
import type { Plan } from '../../src/plan/index.js';

/** A small valid plan; `commandFor` gives each processor its argv (default: node -e ''). */
export const testPlan = (
  dir = '/tmp/backfill-test',
  commandFor: (id: string) => string[] = () => ['node', '-e', ''],
  graceSeconds = 10,
): Plan => {
  const processors = ['alpha', 'beta'].map((id, index) => ({
    id,
    phase: index === 0 ? '3' : '4',
    command: commandFor(id),
    ...(index === 1 ? { dependsOn: ['alpha'] } : {}),
  }));
  const text = JSON.stringify({
    version: 1,
    name: 'test plan',
    settings: { stopGraceSeconds: graceSeconds },
    windows: [
      { id: 'w1', start: '2022-04-16', end: '2022-04-20' },
      { id: 'w2', start: '2023-04-15', end: '2023-04-18' },
    ],
    phases: [
      { id: '3', title: 'Phase 3 analytics' },
      { id: '4', title: 'Phase 4 precompute' },
    ],
    processors,
  });
  return parsePlan(text, `${dir}/backfill.yaml`);
};

/**
 * A plan of the given windows, phases and processors, each processor `node -e ''` with a
 * coverage table: for tests that need a plan of a certain shape (wide, tall).
 */
export const shapedPlan = (shape: {
  name: string;
  windows: { id: string; start: string; end: string }[];
  phases: { id: string; title: string }[];
  processors: { id: string; phase: string }[];
}): Plan =>
  parsePlan(
    JSON.stringify({
      version: 1,
      name: shape.name,
      windows: shape.windows,
      phases: shape.phases,
      processors: shape.processors.map((p) => ({
        ...p,
        command: ['node', '-e', ''],
        coverage: { table: 'd.t', dateColumn: 'day' },
      })),
    }),
    '/tmp/backfill-test/backfill.yaml',
  );
