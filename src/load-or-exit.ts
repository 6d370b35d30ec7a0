import type { Plan } from './plan/index.js';

/**
 * Loads the plan, or prints where it is broken and exits with status 2. The plan code (zod,
 * yaml) is imported only here, so `--help` and `--version` never load it.
 */
export const loadOrExit = async (file: string): Promise<Plan> => {
  const { loadPlan, PlanError } = await import('./plan/index.js');
  try {
    return loadPlan(file);
  } catch (error) {
    if (error instanceof PlanError) {
      process.stderr.write(`backfill-console: invalid plan\n${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
};
