import { z } from 'zod';
import { estimateSchema, notifySchema, retrySchema } from './unattended-schema.js';

/** A calendar date written YYYY-MM-DD that exists (2022-02-30 is rejected). */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date written YYYY-MM-DD')
  .refine((value) => {
    const parsed = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
  }, 'not a real calendar date');

/** Ids end up in task ids, file names and argv, so keep them to a safe alphabet. */
const id = z
  .string()
  .min(1)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    'use letters, digits, "_", "." and "-" (start with a letter or digit)',
  );

/**
 * `table`, `dataset.table` or `project.dataset.table`: checked before it is placed into generated
 * SQL. Which forms the plan's warehouse accepts is checked with the references.
 */
const tableName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*){0,2}$/,
    'expected a table name (table, dataset.table or project.dataset.table)',
  );
const columnName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a column name');

const regexSource = z.string().refine((source) => {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

/** Overrides for the log patterns the progress parser looks for; unset keys keep the defaults. */
export const progressPatternsSchema = z
  .object({
    dateStart: regexSource.optional(),
    success: regexSource.optional(),
    failure: regexSource.optional(),
    skip: regexSource.optional(),
    periodic: regexSource.optional(),
    failedDates: regexSource.optional(),
  })
  .strict();

export const windowSchema = z
  .object({ id, start: isoDate, end: isoDate, title: z.string().optional() })
  .strict()
  .refine((w) => w.end >= w.start, {
    message: 'end is before start',
    path: ['end'],
    // Only once both dates are valid: an impossible date is one error, not two.
    when: (payload) => payload.issues.length === 0,
  });

export const phaseSchema = z
  .object({ id: z.string().min(1), title: z.string().optional() })
  .strict();

/** A date needs at least this many rows to count as covered. */
const minRows = z.number().int().min(1).optional();

export const coverageSchema = z.union([
  z.object({ table: tableName, dateColumn: columnName.default('game_date'), minRows }).strict(),
  z.object({ sql: z.string().min(1), minRows }).strict(),
]);

/** Where a token for the coordinator comes from: an env var, or a command's stdout. Never logged. */
export const authSchema = z
  .object({
    header: z.string().default('Authorization'),
    /** Put before the token, e.g. "Bearer ". */
    prefix: z.string().default('Bearer '),
    env: z.string().optional(),
    command: z.array(z.string()).min(1).optional(),
  })
  .strict()
  .refine((a) => (a.env === undefined) !== (a.command === undefined), {
    message: 'give exactly one of env or command',
  });

/** The prediction coordinator: one POST /start per game date, GET /status until complete. */
export const httpJobSchema = z
  .object({
    url: z.string().url(),
    startPath: z.string().default('/start'),
    statusPath: z.string().default('/status'),
    /** JSON body of each start; "{date}" in any string value becomes the game date. */
    body: z
      .record(z.string(), z.unknown())
      .default({ game_date: '{date}', skip_completeness_check: true, force: false }),
    pollSeconds: z.number().positive().max(3600).default(10),
    requestTimeoutSeconds: z.number().positive().max(600).default(30),
    /** No progress for this long fails the date. */
    stallMinutes: z.number().positive().max(1440).default(30),
    auth: authSchema.optional(),
  })
  .strict();

/** How "fill gaps" re-runs only the missing dates. */
export const fillGapsSchema = z
  .object({
    /** ranges: one run per contiguous missing range as {start}/{end}; dates: one run with {dates}. */
    by: z.enum(['ranges', 'dates']).default('ranges'),
    /** Arguments added to the command for a dates run, e.g. ["--dates", "{dates}"]. */
    append: z.array(z.string()).optional(),
    /** A whole command for a gap run instead of the usual one. */
    command: z.array(z.string()).min(1).optional(),
    /** Separator of {dates}. */
    separator: z.string().default(','),
  })
  .strict();

export const processorSchema = z
  .object({
    id,
    title: z.string().optional(),
    phase: z.string().min(1),
    /** command (the default) runs an argv; http drives the prediction coordinator. */
    kind: z.enum(['command', 'http']).default('command'),
    command: z.array(z.string()).min(1, 'command needs at least the executable').optional(),
    http: httpJobSchema.optional(),
    cwd: z.string().optional(),
    env: z.record(z.string(), z.string()).optional(),
    dependsOn: z.array(z.string()).default([]),
    /** Coverage % at which this processor's cell counts as complete for its dependants. */
    readyThreshold: z.number().min(0).max(100).optional(),
    /** At most this many of this processor's tasks at once. */
    concurrency: z.number().int().min(1).max(64).optional(),
    fillGaps: fillGapsSchema.optional(),
    progress: progressPatternsSchema.optional(),
    coverage: coverageSchema.optional(),
    expected: z
      .object({ sql: z.string().min(1) })
      .strict()
      .optional(),
    /** Retries of this processor's runs; overrides settings.retry. */
    retry: retrySchema.optional(),
    /** Seconds per date before a run has measured this processor (plan ETA). */
    estimate: estimateSchema.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.kind === 'command' && !p.command) {
      ctx.addIssue({ code: 'custom', path: ['command'], message: 'required (the argv to run)' });
    }
    if (p.kind === 'http' && !p.http) {
      ctx.addIssue({
        code: 'custom',
        path: ['http'],
        message: 'required for kind: http (url, body, auth)',
      });
    }
    if (p.fillGaps?.by === 'dates' && !p.fillGaps.append && !p.fillGaps.command) {
      ctx.addIssue({
        code: 'custom',
        path: ['fillGaps'],
        message: 'by: dates needs append (e.g. ["--dates", "{dates}"]) or command',
      });
    }
  });

export const warehouseSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sqlite'), path: z.string().default('./warehouse') }).strict(),
  z
    .object({
      kind: z.literal('bigquery'),
      projectId: z.string().min(1),
      location: z.string().optional(),
      apiEndpoint: z.string().url().optional(),
      anonymous: z.boolean().default(false),
      /** The dataset of plain table names in coverage.table and in the plan's SQL. */
      dataset: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a dataset name')
        .optional(),
    })
    .strict(),
]);

/** Env var names whose values are secrets unless the plan says otherwise. */
export const defaultSecretEnv = [
  '*_TOKEN',
  '*_KEY',
  '*_PASSWORD',
  '*_SECRET',
  '*_CREDENTIALS',
] as const;

export const coverageSettingsSchema = z
  .object({
    /** Validation queries in flight at once. */
    concurrency: z.number().int().min(1).max(32).default(4),
    timeoutSeconds: z.number().positive().max(3600).default(60),
    /** Refresh the cells of running tasks this often, so coverage rises live (0 = off). */
    liveSeconds: z.number().min(0).max(86_400).default(10),
    /** Refresh every cell this often (0 = only on start, on `c` and when a task ends). */
    intervalSeconds: z.number().min(0).max(86_400).default(0),
  })
  .strict();

export const settingsSchema = z
  .object({
    stopGraceSeconds: z.number().positive().max(3600).default(10),
    stateDir: z.string().default('.backfill'),
    logTailLines: z.number().int().min(100).max(100_000).default(5000),
    /** Env var names (globs) whose values are redacted from the screen, journal and JSON. */
    secretEnv: z.array(z.string().min(1)).default([...defaultSecretEnv]),
    /** Tasks the run-all launches at once. */
    concurrency: z.number().int().min(1).max(64).default(4),
    /** Coverage % at which an upstream cell counts as complete (a processor may override). */
    readyThreshold: z.number().min(0).max(100).default(100),
    coverage: coverageSettingsSchema.prefault({}),
    /** Automatic retries of failed runs (default: none). */
    retry: retrySchema.optional(),
    /** Bell, desktop notification and a command on failures, finished runs, a complete plan. */
    notify: notifySchema.optional(),
  })
  .strict();

/**
 * A success criterion of the whole backfill: SQL returning one number (e.g. graded predictions),
 * which must fall within [min, max]. Runs with the coverage refresh.
 */
export const checkSchema = z
  .object({
    id,
    title: z.string().optional(),
    sql: z.string().min(1),
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .strict()
  .refine((c) => c.min !== undefined || c.max !== undefined, {
    message: 'give min, max or both: a check without a range cannot fail',
  })
  .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, {
    message: 'min is above max',
    path: ['max'],
  });

export const planSchema = z
  .object({
    version: z.literal(1),
    name: z.string().optional(),
    settings: settingsSchema.prefault({}),
    windows: z.array(windowSchema).min(1, 'declare at least one window'),
    phases: z.array(phaseSchema).min(1, 'declare at least one phase'),
    processors: z.array(processorSchema).min(1, 'declare at least one processor'),
    warehouse: warehouseSchema.optional(),
    expected: z
      .object({ sql: z.string().min(1) })
      .strict()
      .optional(),
    checks: z.array(checkSchema).default([]),
  })
  .strict();

export type PlanInput = z.input<typeof planSchema>;
export type ParsedPlan = z.output<typeof planSchema>;
