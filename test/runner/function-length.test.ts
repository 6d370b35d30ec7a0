import { fileURLToPath } from 'node:url';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A function of `lines` statements, with a blank line and a comment between each. */
const functionOf = (lines: number) =>
  [
    'export const long = () => {',
    '  let n = 0;',
    ...Array.from({ length: lines - 3 }, (_, i) => `  n += ${i};\n\n  // step ${i}`),
    '};',
  ].join('\n');

/** The rule messages for `source` as if it sat at `file`, with the length rules that path has. */
const lengthErrors = async (file: string, source: string): Promise<string[]> => {
  const config = (await new ESLint({ cwd: repoRoot }).calculateConfigForFile(file)) as {
    rules?: Record<string, Linter.RuleEntry>;
  };
  const rules: Partial<Linter.RulesRecord> = {};
  for (const name of ['max-lines-per-function', 'max-lines']) {
    const entry = config.rules?.[name];
    if (entry) rules[name] = entry;
  }
  return new Linter({ configType: 'flat' })
    .verify(
      source,
      [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, rules }],
      `${repoRoot}/${file}`,
    )
    .map((m) => `${m.ruleId}: ${m.message}`);
};

describe('the runner reads in named steps', () => {
  it('a runner function of 101 code lines is an error; blanks and comments do not count', async () => {
    expect(await lengthErrors('src/runner/tasks/fixture.ts', functionOf(101))).toEqual([
      expect.stringMatching(/^max-lines-per-function: .*101.*Maximum allowed is 100/),
    ]);
    expect(await lengthErrors('src/runner/tasks/fixture.ts', functionOf(100))).toEqual([]);
  });

  it('a runner file past 300 code lines is an error', async () => {
    const source = Array.from({ length: 301 }, (_, i) => `export const v${i} = ${i};`).join('\n');
    expect(await lengthErrors('src/runner/logs/fixture.ts', source)).toEqual([
      expect.stringMatching(/^max-lines: .*301.*Maximum allowed is 300/),
    ]);
  });

  it('the rule is the runner’s: the same function elsewhere passes', async () => {
    expect(await lengthErrors('src/ui/fixture.ts', functionOf(101))).toEqual([]);
  });
});
