import type { Plan } from '../../plan/types.js';
import { createRedactor } from '../../state/redact.js';
import type { Redact } from '../../state/redact.js';

/** Secrets are the matching env vars of the console and of every processor's `env`. */
export const planRedactor = (plan: Plan): Redact =>
  createRedactor([process.env, ...plan.processors.map((p) => p.env)], plan.settings.secretEnv);
