import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Plan } from '../../plan/types.js';
import type { AppStore } from '../../state/store.js';
import type { RunMode, RunPreview } from '../../state/run-slice.js';
import { handoffReport } from '../../state/handoff-report.js';
import { planEta } from '../../state/plan-eta.js';
import type { Redact } from '../../state/redact.js';
import { noSecrets } from '../../state/redact.js';

/** What the report needs of the scheduler: the fill-gaps dry run, from fresh coverage only. */
export type FreshPreview = { previewWhenFresh: (mode: RunMode) => Promise<RunPreview> };

/**
 * The handoff report of the store as it is now, with what remains planned from fresh
 * coverage (stale cells are asked again first, as for any dry run). Secrets redacted.
 */
export const buildHandoff = async (
  store: AppStore,
  scheduler: FreshPreview,
  warehouse: string | undefined,
  redact: Redact = noSecrets,
): Promise<string> => {
  const remaining = await scheduler.previewWhenFresh('gaps');
  const state = store.getState();
  const now = Date.now();
  return redact(
    handoffReport({
      ...state,
      eta: planEta({ ...state, now }),
      remaining,
      warehouse,
      now,
    }),
  );
};

/** `.backfill/reports/handoff-2026-01-03T00-10-00Z.md`, owner-readable only. */
export const writeHandoffFile = (plan: Plan, markdown: string, at = new Date()): string => {
  const folder = path.join(plan.stateDir, 'reports');
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const stamp = at.toISOString().slice(0, 19).replace(/:/g, '-');
  const file = path.join(folder, `handoff-${stamp}Z.md`);
  try {
    writeFileSync(file, markdown, { mode: 0o600 });
  } catch (error) {
    // A full disk leaves no half report that reads as the whole one.
    rmSync(file, { force: true });
    throw error;
  }
  return file;
};
