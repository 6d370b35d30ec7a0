import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A private copy of the bundled demo (plan, processors, an empty warehouse), so a test runs
 * the real demo without touching the one `npm start` uses. `edit` rewrites the plan text.
 */
export const copyDemo = (
  edit: (plan: string) => string = (plan) => plan,
): { dir: string; plan: string } => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'demo-'));
  const source = path.join(repoRoot, 'examples/demo');
  cpSync(source, dir, {
    recursive: true,
    filter: (from) => !/[/\\](warehouse|\.backfill)$/.test(from),
  });
  // The demo's processors import better-sqlite3: let the copy resolve the repo's packages.
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const plan = path.join(dir, 'backfill.yaml');
  writeFileSync(plan, edit(readFileSync(plan, 'utf8')));
  return { dir, plan };
};
