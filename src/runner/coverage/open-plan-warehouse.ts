import path from 'node:path';
import type { Plan } from '../../plan/types.js';
import { sqliteLayoutOf } from '../../plan/table-names.js';
import { openWarehouse } from '../../warehouse/warehouse.js';
import type { Warehouse, WarehouseConfig } from '../../warehouse/warehouse.js';

/** The plan's warehouse, with a SQLite folder resolved against the plan's folder; SQLite by default. */
export const warehouseConfigOf = (plan: Plan): WarehouseConfig => {
  const spec = plan.warehouse ?? { kind: 'sqlite' as const, path: './warehouse' };
  if (spec.kind === 'sqlite') {
    const location = path.resolve(plan.dir, spec.path);
    return { kind: 'sqlite', path: location, layout: sqliteLayoutOf(location) };
  }
  return {
    kind: 'bigquery',
    projectId: spec.projectId,
    location: spec.location,
    apiEndpoint: spec.apiEndpoint,
    anonymous: spec.anonymous,
    ...(spec.dataset ? { dataset: spec.dataset } : {}),
  };
};

/** Opens the warehouse only when the plan has something to ask it: coverage or checks. */
export const openPlanWarehouse = (plan: Plan): Warehouse | undefined =>
  plan.processors.some((p) => p.coverage) || plan.checks.length > 0
    ? openWarehouse(warehouseConfigOf(plan))
    : undefined;
