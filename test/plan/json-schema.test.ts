import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  planJsonSchema,
  planJsonSchemaPath,
  planJsonSchemaText,
} from '../../src/plan/json-schema.js';
import { planSchema, processorSchema } from '../../src/plan/schema.js';

const root = new URL('../../', import.meta.url);
const read = (relative: string) => readFileSync(new URL(relative, root), 'utf8');

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  required?: string[];
  additionalProperties?: unknown;
};

describe('the JSON Schema of the plan', () => {
  it('is shipped exactly as generated from the zod schema (npm run schema rewrites it)', () => {
    expect(read(planJsonSchemaPath)).toBe(planJsonSchemaText());
    const pkg = JSON.parse(read('package.json')) as { files: string[] };
    expect(pkg.files).toContain(planJsonSchemaPath.split('/')[0]);
  });

  it('has every field of the plan and of a processor, and rejects unknown keys as the loader does', () => {
    const schema = planJsonSchema() as JsonSchema;
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual(
      Object.keys(planSchema.shape).sort(),
    );
    const processor = schema.properties?.processors?.items;
    expect(Object.keys(processor?.properties ?? {}).sort()).toEqual(
      Object.keys(processorSchema.shape).sort(),
    );
    expect(schema.additionalProperties).toBe(false);
    // Fields with a default are optional to the author.
    expect(schema.required?.sort()).toEqual(['phases', 'processors', 'version', 'windows']);
  });

  it('is named at the top of the example plans, for editors', () => {
    for (const plan of ['examples/demo/backfill.yaml', 'examples/nba-playoffs/backfill.yaml']) {
      expect(read(plan).split('\n')[0], plan).toBe(
        `# yaml-language-server: $schema=../../${planJsonSchemaPath}`,
      );
    }
  });

  it('is what `backfill-console schema` prints', async () => {
    const bin = fileURLToPath(new URL('bin/backfill-console.js', root));
    const result = await new Promise<{ failed: boolean; stdout: string }>((resolve) =>
      execFile('node', [bin, 'schema'], { encoding: 'utf8' }, (error, stdout) =>
        resolve({ failed: error !== null, stdout }),
      ),
    );
    expect(result).toEqual({ failed: false, stdout: planJsonSchemaText() });
  });
});
