import { fileURLToPath } from 'node:url';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Lints one import line as if it sat in `file`, with the boundary rule exactly as
 * eslint.config.js sets it for that path (the type-aware rules are left out: the fixture
 * file does not exist on disk, so the project service could not type it).
 */
const boundaryErrors = async (file: string, importLine: string): Promise<string[]> => {
  const config = (await new ESLint({ cwd: repoRoot }).calculateConfigForFile(file)) as {
    rules?: Record<string, Linter.RuleEntry>;
  };
  const rule = config.rules?.['no-restricted-imports'];
  expect(rule, `no boundary rule for ${file}`).toBeDefined();
  const messages = new Linter({ configType: 'flat' }).verify(
    `${importLine}\nexport const used = imported;\n`,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        rules: { 'no-restricted-imports': rule! },
      },
    ],
    `${repoRoot}/${file}`,
  );
  return messages.map((m) => m.message);
};

describe('the runner parts import one way', () => {
  it.each([
    [
      'src/runner/process/fixture.ts',
      "import { planRun as imported } from '../orchestration/run-planner.js';",
    ],
    [
      'src/runner/logs/fixture.ts',
      "import { spawnCommand as imported } from '../process/spawn-command.js';",
    ],
    [
      'src/runner/session/fixture.ts',
      "import type { Supervisor as imported } from '../tasks/supervisor.js';",
    ],
    [
      'src/runner/coordinator/fixture.ts',
      "import { readJournal as imported } from '../session/journal.js';",
    ],
    [
      'src/runner/orchestration/fixture.ts',
      "import { createSupervisor as imported } from '../tasks/supervisor.js';",
    ],
    [
      'src/runner/coverage/fixture.ts',
      "import { createLogTailer as imported } from '../logs/log-tailer.js';",
    ],
    [
      'src/runner/tasks/fixture.ts',
      "import { planRun as imported } from '../orchestration/run-planner.js';",
    ],
    [
      'src/runner/executor/fixture.ts',
      "import { createSupervisor as imported } from '../tasks/supervisor.js';",
    ],
    [
      'src/runner/process/fixture.ts',
      "import type { Executor as imported } from '../executor/executor.js';",
    ],
  ])('%s: `%s` is an error', async (file, importLine) => {
    const errors = await boundaryErrors(file, importLine);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/runner parts import one way/);
  });

  it.each([
    [
      'src/runner/tasks/fixture.ts',
      "import { spawnCommand as imported } from '../process/spawn-command.js';",
    ],
    [
      'src/runner/tasks/fixture.ts',
      "import { readJournal as imported } from '../session/journal.js';",
    ],
    [
      'src/runner/session/fixture.ts',
      "import { createLineSplitter as imported } from '../logs/line-splitter.js';",
    ],
    [
      'src/runner/coordinator/fixture.ts',
      "import { appendToOwnFile as imported } from '../process/append-file.js';",
    ],
    [
      'src/runner/orchestration/fixture.ts',
      "import { readinessOf as imported } from '../../state/readiness.js';",
    ],
    [
      'src/runner/tasks/fixture.ts',
      "import type { Executor as imported } from '../executor/executor.js';",
    ],
    [
      'src/runner/executor/fixture.ts',
      "import { spawnCommand as imported } from '../process/spawn-command.js';",
    ],
  ])('%s: `%s` is allowed', async (file, importLine) => {
    expect(await boundaryErrors(file, importLine)).toEqual([]);
  });

  it('keeps the top-level rule inside every part: no runner part imports the UI', async () => {
    const errors = await boundaryErrors(
      'src/runner/tasks/fixture.ts',
      "import { keymap as imported } from '../../ui/keymap.js';",
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/imports go ui → state ← runner/);
  });
});
