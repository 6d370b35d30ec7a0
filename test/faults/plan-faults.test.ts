/**
 * Broken plans: every error names the file, the line (and column) and the field, so the operator
 * can go straight to it. One table over the usual mistakes, each loaded from a real file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlan, PlanError } from '../../src/plan/index.js';

/** A valid plan; each case replaces one piece of it. Line numbers below refer to this text. */
const valid = `version: 1
settings:
  stopGraceSeconds: 10
windows:
  - { id: "2021-22", start: 2022-04-16, end: 2022-06-17 }
  - { id: "2022-23", start: 2023-04-15, end: 2023-06-13 }
phases:
  - { id: "3", title: Phase 3 analytics }
  - { id: "4", title: Phase 4 precompute }
processors:
  - id: team_offense_game_summary
    phase: "3"
    command: [".venv/bin/python", "offense.py", "--start-date", "{start}"]
  - id: team_defense_zone_analysis
    phase: "4"
    command: [".venv/bin/python", "defense.py"]
    dependsOn: [team_offense_game_summary]
`;

type Case = {
  name: string;
  edit: (plan: string) => string;
  /** line:column, field, and the words of the message. */
  line: number;
  column: number;
  field: string;
  message: RegExp;
};

const replace = (from: string, to: string) => (plan: string) => {
  if (!plan.includes(from)) throw new Error(`the test plan has no ${JSON.stringify(from)}`);
  return plan.replace(from, to);
};

const cases: Case[] = [
  {
    name: 'an unknown processor in dependsOn',
    edit: replace('dependsOn: [team_offense_game_summary]', 'dependsOn: [team_ofense]'),
    line: 17,
    column: 17,
    field: 'processors[1].dependsOn[0]',
    message: /unknown processor "team_ofense"/,
  },
  {
    name: 'an unknown phase',
    edit: replace('phase: "4"', 'phase: "5"'),
    line: 15,
    column: 12,
    field: 'processors[1].phase',
    message: /unknown phase "5"/,
  },
  {
    name: 'a duplicate window id',
    edit: replace('id: "2022-23"', 'id: "2021-22"'),
    line: 6,
    column: 11,
    field: 'windows[1].id',
    message: /duplicate id "2021-22"/,
  },
  {
    name: 'a date that does not exist',
    edit: replace('start: 2023-04-15', 'start: 2023-13-01'),
    line: 6,
    column: 29,
    field: 'windows[1].start',
    message: /not a real calendar date/,
  },
  {
    name: 'a value of the wrong type',
    edit: replace('stopGraceSeconds: 10', 'stopGraceSeconds: ten'),
    line: 3,
    column: 21,
    field: 'settings.stopGraceSeconds',
    message: /expected number, got string/,
  },
  {
    name: 'an unknown key',
    edit: replace('    phase: "3"\n', '    phase: "3"\n    depends_on: [x]\n'),
    line: 13,
    column: 5,
    field: 'processors[0].depends_on',
    message: /unknown key "depends_on"/,
  },
  {
    name: 'fillGaps by dates without append or command',
    edit: replace('    phase: "3"\n', '    phase: "3"\n    fillGaps: { by: dates }\n'),
    line: 13,
    column: 15,
    field: 'processors[0].fillGaps',
    message: /by: dates needs append .* or command/,
  },
  {
    name: 'kind http without http',
    edit: replace(
      '    phase: "4"\n    command: [".venv/bin/python", "defense.py"]\n',
      '    phase: "4"\n    kind: http\n',
    ),
    line: 14,
    column: 5,
    field: 'processors[1].http',
    message: /required for kind: http/,
  },
];

const problemText = (text: string): { file: string; message: string } => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'faults-plan-'));
  const file = path.join(dir, 'backfill.yaml');
  writeFileSync(file, text);
  try {
    loadPlan(file);
  } catch (error) {
    expect(error).toBeInstanceOf(PlanError);
    return { file, message: (error as Error).message };
  }
  throw new Error('the plan was accepted');
};

describe('a broken plan', () => {
  it('is valid before each edit', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'faults-plan-'));
    writeFileSync(path.join(dir, 'backfill.yaml'), valid);
    expect(loadPlan(path.join(dir, 'backfill.yaml')).tasks).toHaveLength(4);
  });

  it.each(cases)(
    'names file, line and field for $name',
    ({ edit, line, column, field, message }) => {
      const { file, message: text } = problemText(edit(valid));
      const lines = text.split('\n');
      // Every problem reported, this one and any it causes, is located.
      for (const problem of lines) expect(problem.startsWith(`${file}:`), text).toBe(true);
      for (const problem of lines)
        expect(problem.slice(file.length), text).toMatch(/^:\d+:\d+: \S+: \S/);
      const prefix = `${file}:${line}:${column}: ${field}: `;
      const problem = lines.find((l) => l.startsWith(prefix));
      expect(problem, text).toBeDefined();
      expect(problem!.slice(prefix.length)).toMatch(message);
    },
  );

  it('reports a date that does not exist once, without a follow-on "end is before start"', () => {
    const { message } = problemText(valid.replace('start: 2023-04-15', 'start: 2023-13-01'));
    expect(message.split('\n')).toEqual([
      expect.stringMatching(/windows\[1\]\.start: not a real calendar date$/),
    ]);
  });
});
