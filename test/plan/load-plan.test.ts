import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlan, parsePlan, PlanError } from '../../src/plan/index.js';

const valid = `version: 1
windows:
  - { id: "2021-22", start: 2022-04-16, end: 2022-06-17 }
  - { id: "2022-23", start: 2023-04-15, end: 2023-06-13 }
phases:
  - { id: "3", title: Phase 3 analytics }
  - { id: "4", title: Phase 4 precompute }
processors:
  - id: team_defense_zone_analysis
    phase: "4"
    command: [".venv/bin/python", "x.py", "--start-date", "{start}", "--end-date", "{end}"]
    dependsOn: [team_offense_game_summary]
  - id: team_offense_game_summary
    phase: "3"
    command: [".venv/bin/python", "y.py"]
    cwd: ..
    env: { PYTHONPATH: "." }
`;

const problemsOf = (text: string) => {
  try {
    parsePlan(text, '/plans/backfill.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(PlanError);
    return (error as PlanError).problems;
  }
  throw new Error('the plan was accepted');
};

describe('parsePlan', () => {
  it('builds processor x window tasks grouped by phase in plan order', () => {
    const plan = parsePlan(valid, '/plans/backfill.yaml');
    expect(plan.tasks.map((t) => t.id)).toEqual([
      'team_offense_game_summary@2021-22',
      'team_offense_game_summary@2022-23',
      'team_defense_zone_analysis@2021-22',
      'team_defense_zone_analysis@2022-23',
    ]);
  });

  it('resolves cwd and the state folder against the plan file folder', () => {
    const plan = parsePlan(valid, '/plans/sub/backfill.yaml');
    expect(plan.processors.find((p) => p.id === 'team_offense_game_summary')?.resolvedCwd).toBe(
      '/plans',
    );
    expect(plan.processors.find((p) => p.id === 'team_defense_zone_analysis')?.resolvedCwd).toBe(
      '/plans/sub',
    );
    expect(plan.stateDir).toBe('/plans/sub/.backfill');
    expect(plan.settings.stopGraceSeconds).toBe(10);
  });

  it('names line and field for an unknown key', () => {
    const problems = problemsOf(valid.replace('    cwd: ..', '    cwdd: ..'));
    expect(problems).toEqual([
      expect.objectContaining({
        line: 16,
        field: 'processors[1].cwdd',
        message: 'unknown key "cwdd"',
      }),
    ]);
  });

  it('names line and field for a wrong type', () => {
    const problems = problemsOf(
      valid.replace('command: [".venv/bin/python", "y.py"]', 'command: ".venv/bin/python y.py"'),
    );
    expect(problems[0]).toMatchObject({ line: 15, field: 'processors[1].command' });
    expect(problems[0]?.message).toMatch(/expected array, got string/);
  });

  it('rejects an end date before the start date on the end field', () => {
    const problems = problemsOf(valid.replace('end: 2023-06-13', 'end: 2023-03-01'));
    expect(problems[0]).toMatchObject({
      line: 4,
      field: 'windows[1].end',
      message: 'end is before start',
    });
  });

  it('rejects an impossible calendar date', () => {
    expect(problemsOf(valid.replace('2022-04-16', '2022-02-30'))[0]).toMatchObject({
      line: 3,
      field: 'windows[0].start',
    });
  });

  it('rejects an unknown dependency with its line', () => {
    const problems = problemsOf(
      valid.replace('dependsOn: [team_offense_game_summary]', 'dependsOn: [team_ofense]'),
    );
    expect(problems[0]).toMatchObject({
      line: 12,
      field: 'processors[0].dependsOn[0]',
      message: 'unknown processor "team_ofense"',
    });
  });

  it('rejects duplicate ids', () => {
    const problems = problemsOf(
      valid.replace('id: team_defense_zone_analysis', 'id: team_offense_game_summary'),
    );
    expect(problems[0]).toMatchObject({
      line: 13,
      field: 'processors[1].id',
      message: 'duplicate id "team_offense_game_summary"',
    });
  });

  it('rejects an unknown phase and a dependency cycle', () => {
    expect(problemsOf(valid.replace('phase: "4"', 'phase: "9"'))[0]?.message).toMatch(
      /unknown phase "9"/,
    );
    // Both in phase 4, each waiting for the other.
    const cyclic = valid
      .replace('    phase: "3"', '    phase: "4"')
      .replace(
        '    command: [".venv/bin/python", "y.py"]',
        '    command: [".venv/bin/python", "y.py"]\n    dependsOn: [team_defense_zone_analysis]',
      );
    expect(problemsOf(cyclic)[0]?.message).toMatch(/dependency cycle/);
  });

  it('rejects a dependency on a processor of a later phase', () => {
    const backwards = valid.replace(
      '    command: [".venv/bin/python", "y.py"]',
      '    command: [".venv/bin/python", "y.py"]\n    dependsOn: [team_defense_zone_analysis]',
    );
    expect(problemsOf(backwards)[0]).toMatchObject({
      field: 'processors[1].dependsOn[0]',
      message: '"team_defense_zone_analysis" is in a later phase; phases run in the order listed',
    });
  });

  it('reports a YAML syntax error with its line', () => {
    const problems = problemsOf('version: 1\nwindows: [\n  - id: x\n');
    expect(problems[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it('reports a missing required field at its parent', () => {
    const problems = problemsOf(valid.replace('    phase: "3"\n', ''));
    expect(problems[0]).toMatchObject({ field: 'processors[1].phase', line: 13 });
    expect(problems[0]?.message).toMatch(/required/);
  });
});

describe('loadPlan', () => {
  it('formats the file, line and field into the message', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'plan-'));
    const file = path.join(dir, 'backfill.yaml');
    writeFileSync(file, valid.replace('    cwd: ..', '    cwdd: ..'));
    expect(() => loadPlan(file)).toThrow(`${file}:16:5: processors[1].cwdd: unknown key "cwdd"`);
  });

  it('says the file is missing', () => {
    expect(() => loadPlan('/nonexistent/backfill.yaml')).toThrow(/no such file/);
  });
});
