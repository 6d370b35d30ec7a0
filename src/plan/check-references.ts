import type { ParsedPlan } from './schema.js';

export type ReferenceProblem = { path: (string | number)[]; message: string };

/** Cross-field rules zod cannot see: unique ids, known phases and dependencies, no cycles. */
export const checkReferences = (plan: ParsedPlan): ReferenceProblem[] => {
  const problems: ReferenceProblem[] = [];
  const duplicates = (items: { id: string }[], list: string) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      if (seen.has(item.id)) {
        problems.push({ path: [list, index, 'id'], message: `duplicate id "${item.id}"` });
      }
      seen.add(item.id);
    });
  };
  duplicates(plan.windows, 'windows');
  duplicates(plan.phases, 'phases');
  duplicates(plan.processors, 'processors');
  duplicates(plan.checks, 'checks');

  const phaseIds = new Set(plan.phases.map((p) => p.id));
  const phaseOrder = plan.phases.map((p) => p.id);
  const phaseIndex = (processorId: string) =>
    phaseOrder.indexOf(plan.processors.find((p) => p.id === processorId)?.phase ?? '');
  const processorIds = new Set(plan.processors.map((p) => p.id));
  plan.processors.forEach((processor, index) => {
    if (!phaseIds.has(processor.phase)) {
      problems.push({
        path: ['processors', index, 'phase'],
        message: `unknown phase "${processor.phase}" (phases: ${[...phaseIds].join(', ')})`,
      });
    }
    processor.dependsOn.forEach((dependency, depIndex) => {
      if (!processorIds.has(dependency)) {
        problems.push({
          path: ['processors', index, 'dependsOn', depIndex],
          message: `unknown processor "${dependency}"`,
        });
      } else if (phaseIndex(dependency) > phaseIndex(processor.id)) {
        problems.push({
          path: ['processors', index, 'dependsOn', depIndex],
          message: `"${dependency}" is in a later phase; phases run in the order listed`,
        });
      } else if (dependency === processor.id) {
        problems.push({
          path: ['processors', index, 'dependsOn', depIndex],
          message: 'a processor cannot depend on itself',
        });
      }
    });
  });
  if (problems.length === 0) {
    const cycle = findCycle(plan);
    if (cycle) {
      const index = plan.processors.findIndex((p) => p.id === cycle[0]);
      problems.push({
        path: ['processors', index, 'dependsOn'],
        message: `dependency cycle: ${cycle.join(' → ')}`,
      });
    }
  }
  return problems;
};

const findCycle = (plan: ParsedPlan): string[] | undefined => {
  const deps = new Map(plan.processors.map((p) => [p.id, p.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of deps.get(id) ?? []) {
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of deps.keys()) {
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
};
