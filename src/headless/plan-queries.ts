import { coverageSql } from '../plan/coverage-sql.js';
import type { Plan } from '../plan/types.js';

/** One SQL statement of a plan, with the field it comes from. */
export type PlanQuery = {
  /** e.g. "expected (plan)", "coverage team_defense_zone_analysis", "check graded_predictions". */
  label: string;
  role: 'expected' | 'coverage' | 'check';
  sql: string;
  /** Path of the field in the plan file: its SQL, or the coverage spec it is generated from. */
  path: (string | number)[];
  /** Asked once over all windows (checks) rather than once per window. */
  wholePlan: boolean;
};

/** Every query the console would send for this plan, in plan order. */
export const planQueries = (plan: Plan): PlanQuery[] => {
  const queries: PlanQuery[] = [];
  if (plan.expected) {
    queries.push({
      label: 'expected (plan)',
      role: 'expected',
      sql: plan.expected.sql,
      path: ['expected', 'sql'],
      wholePlan: false,
    });
  }
  plan.processors.forEach((processor, index) => {
    if (processor.expected) {
      queries.push({
        label: `expected ${processor.id}`,
        role: 'expected',
        sql: processor.expected.sql,
        path: ['processors', index, 'expected', 'sql'],
        wholePlan: false,
      });
    }
    const sql = coverageSql(processor);
    if (sql && processor.coverage) {
      queries.push({
        label: `coverage ${processor.id}`,
        role: 'coverage',
        sql,
        path: ['processors', index, 'coverage', ...('sql' in processor.coverage ? ['sql'] : [])],
        wholePlan: false,
      });
    }
  });
  plan.checks.forEach((check, index) => {
    queries.push({
      label: `check ${check.id}`,
      role: 'check',
      sql: check.sql,
      path: ['checks', index, 'sql'],
      wholePlan: true,
    });
  });
  return queries;
};
