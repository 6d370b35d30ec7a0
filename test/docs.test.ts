import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { keymap } from '../src/ui/keymap.js';
import { usage } from '../src/cli-args.js';
import { parsePlan } from '../src/plan/index.js';
import {
  planSchema,
  processorSchema,
  settingsSchema,
  coverageSettingsSchema,
} from '../src/plan/schema.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('the README keeps up with the code', () => {
  it('lists every key of the keymap with its description', () => {
    for (const binding of keymap.filter((b) => b.mode === 'normal')) {
      expect(readme, binding.label).toContain(`\`${binding.label}\``);
      expect(readme, binding.label).toContain(binding.description);
    }
  });

  it('documents every plan field', () => {
    const keys = [
      ...Object.keys(planSchema.shape),
      ...Object.keys(processorSchema.shape),
      ...Object.keys(settingsSchema.shape),
      ...Object.keys(coverageSettingsSchema.shape),
    ];
    for (const key of keys) expect(readme, key).toMatch(new RegExp(`\\b${key}\\b`));
  });

  it('has a plan example that the loader accepts', () => {
    const example = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const plan = parsePlan(example, '/plans/backfill.yaml');
    expect(plan.tasks.map((t) => t.id)).toEqual([
      'team_offense_game_summary@2021-22',
      'player_prop_predictions@2021-22',
    ]);
    expect(plan.processors[1]?.kind).toBe('http');
    expect(plan.settings.coverage.liveSeconds).toBe(10);
  });

  it('shows every command of --help', () => {
    for (const command of ['status', 'validate', 'report', '--plan', '--json', '--out']) {
      expect(usage).toContain(command);
      expect(readme).toContain(command);
    }
  });
});
