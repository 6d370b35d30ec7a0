import { z } from 'zod';
import { planSchema } from './schema.js';

/** Where the package ships the schema, relative to its root (see package.json `files`). */
export const planJsonSchemaPath = 'schema/backfill-plan.schema.json';

/**
 * The plan's JSON Schema, generated from the one zod schema (never written twice), for editors:
 * `# yaml-language-server: $schema=...` at the top of a plan completes and checks its fields.
 * Input shape: fields with defaults are optional, as a plan author writes them.
 */
export const planJsonSchema = (): Record<string, unknown> => ({
  ...z.toJSONSchema(planSchema, { io: 'input', unrepresentable: 'any' }),
  title: 'backfill-console plan',
  description:
    'A backfill-console plan file (backfill.yaml). Reference: the README of backfill-console.',
});

/** The schema file's text: what `backfill-console schema` prints and the package ships. */
export const planJsonSchemaText = (): string => `${JSON.stringify(planJsonSchema(), null, 2)}\n`;
