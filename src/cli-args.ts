import { parseArgs } from 'node:util';

export const usage = `backfill-console: run, watch and check long multi-phase backfills from one screen

Usage
  backfill-console [--plan FILE]        open the console on a plan (default ./backfill.yaml)
  backfill-console run [--plan FILE] [--only IDS] [--window IDS] [--fill-gaps | --rerun] [--dry-run]
                                        run the plan without the console (also what happens when
                                        stdout is not a terminal): dependency order, prefixed log
                                        lines, a coverage summary; exit 0 only when every task
                                        succeeded and every cell it touched is complete
  backfill-console status [--plan FILE] [--json]
                                        the coverage matrix without the console: exit 0 when
                                        every cell is complete, 1 when not, 2 on a plan or
                                        warehouse error
  backfill-console report [--plan FILE] [--out FILE]
                                        the handoff report as Markdown: completion, ETA, the
                                        tracker table, the checks, what runs, what failed and
                                        why, what remains with the exact commands, how to resume
  backfill-console validate [--plan FILE] [--warehouse]
                                        check a plan and list its tasks, without running anything;
                                        --warehouse asks the warehouse about every query of the
                                        plan without running it (BigQuery: a dry run, with the
                                        bytes each would scan; SQLite: prepared), exit 2 on errors
  backfill-console schema               print the plan's JSON Schema (for editors)
  backfill-console --help | --version

Options
  -p, --plan FILE   the plan file (YAML); its state and logs go to .backfill/ beside it
      --json        status: print the report as JSON (per cell: covered, expected, missing and
                    thin dates; checks)
      --warehouse   validate: ask the warehouse about every query of the plan
      --out FILE    report: write the Markdown to FILE instead of stdout
      --only IDS    run: only these processors (comma-separated)
      --window IDS  run: only these windows (comma-separated)
      --fill-gaps   run: only the dates coverage lacks, as ranges or date lists
      --rerun       run: every task, complete cells included
      --dry-run     run: print exactly what would run, and what is skipped and why; start nothing
  -h, --help        show this help
  -v, --version     print the version

Exit codes
  0 ok · 1 runtime error · 2 bad arguments or a broken plan (the message names file, line and field)

Keys in the console: press ? for the full list.
  ↑/↓ or j/k select · ⏎/s start · x stop · X kill · r restart · Tab focus · v split view
  PgUp/PgDn/Home/End scroll · f follow · / search (n/N) · H handoff report · q quit

Docs: README.md (plan file reference) · docs/architecture.md`;

export type CliArgs =
  | { command: 'console'; plan: string }
  | { command: 'validate'; plan: string; warehouse: boolean }
  | { command: 'schema' }
  | { command: 'status'; plan: string; json: boolean }
  | { command: 'report'; plan: string; out?: string }
  | {
      command: 'run';
      plan: string;
      mode: 'all' | 'gaps' | 'everything';
      only?: string[];
      windows?: string[];
      dryRun: boolean;
    }
  | { command: 'help' | 'version' }
  | { command: 'error'; message: string };

export const parseCliArgs = (argv: readonly string[]): CliArgs => {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        plan: { type: 'string', short: 'p' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        json: { type: 'boolean' },
        only: { type: 'string' },
        window: { type: 'string' },
        'fill-gaps': { type: 'boolean' },
        rerun: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        warehouse: { type: 'boolean' },
        out: { type: 'string' },
      },
    });
    if (values.help) return { command: 'help' };
    if (values.version) return { command: 'version' };
    const [command = 'console', ...rest] = positionals;
    if (rest.length > 0) return { command: 'error', message: `unexpected argument: ${rest[0]}` };
    const plan = values.plan ?? 'backfill.yaml';
    if (values.warehouse && command !== 'validate') {
      return { command: 'error', message: '--warehouse goes with the validate command' };
    }
    if (command === 'status') return { command, plan, json: values.json ?? false };
    if (command === 'report' && values.json === undefined)
      return { command, plan, ...(values.out !== undefined ? { out: values.out } : {}) };
    if (values.out !== undefined)
      return { command: 'error', message: '--out goes with the report command' };
    const list = (value: string | undefined) =>
      value === undefined
        ? undefined
        : value
            .split(',')
            .map((v) => v.trim())
            .filter(Boolean);
    if (command === 'run') {
      if (values['fill-gaps'] && values.rerun) {
        return { command: 'error', message: '--fill-gaps and --rerun do not go together' };
      }
      return {
        command,
        plan,
        mode: values['fill-gaps'] ? 'gaps' : values.rerun ? 'everything' : 'all',
        only: list(values.only),
        windows: list(values.window),
        dryRun: values['dry-run'] ?? false,
      };
    }
    const runOnly = ['only', 'window', 'fill-gaps', 'rerun', 'dry-run'] as const;
    const misplaced = runOnly.find((flag) => values[flag] !== undefined);
    if (misplaced) return { command: 'error', message: `--${misplaced} goes with the run command` };
    if (values.json) return { command: 'error', message: '--json goes with the status command' };
    if (command === 'schema') return { command };
    if (command === 'validate') return { command, plan, warehouse: values.warehouse ?? false };
    if (command !== 'console') {
      return {
        command: 'error',
        message: `unknown command: ${command} (commands: run, status, report, validate, schema)`,
      };
    }
    return { command, plan };
  } catch (error) {
    return { command: 'error', message: (error as Error).message };
  }
};
