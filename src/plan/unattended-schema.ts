import { z } from 'zod';

/**
 * Automatic retries: a failed run (non-zero exit) again whole, a run with failed dates again
 * for those dates only. Default: no retries.
 */
export const retrySchema = z
  .object({
    /** Retries after the first attempt (0 = none). */
    attempts: z.number().int().min(0).max(20).default(0),
    /** Wait before the first retry. */
    delaySeconds: z.number().min(0).max(86_400).default(30),
    /** Each further retry waits this many times longer. */
    backoff: z.number().min(1).max(10).default(2),
  })
  .strict();

/** What a processor is expected to take, for the plan ETA before any run has measured it. */
export const estimateSchema = z
  .object({ secondsPerDate: z.number().positive().max(86_400) })
  .strict();

export const notifyEvents = ['task-failed', 'run-finished', 'plan-complete'] as const;

/** Calling the operator: terminal bell, desktop notification through the terminal, a command. */
export const notifySchema = z
  .object({
    /** Which events notify (default: all three). */
    on: z.array(z.enum(notifyEvents)).default([...notifyEvents]),
    /** The terminal bell. */
    bell: z.boolean().default(true),
    /** A desktop notification through the terminal (OSC 9 and OSC 777, through tmux too). */
    desktop: z.boolean().default(false),
    /** Run with BACKFILL_EVENT, BACKFILL_TASK, BACKFILL_STATUS, BACKFILL_MESSAGE in its env. */
    command: z.array(z.string()).min(1).optional(),
    /** The command is killed after this long. */
    timeoutSeconds: z.number().positive().max(600).default(10),
  })
  .strict();

export type RetrySettings = z.output<typeof retrySchema>;
export type NotifySettings = z.output<typeof notifySchema>;
export type NotifyEvent = (typeof notifyEvents)[number];
