import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const helper = fileURLToPath(new URL('../src/bundle-stack-traces.ts', import.meta.url));

/**
 * Bundles a small program as scripts/bundle.mjs bundles the console (its entry calls
 * mapStackTracesOf on its own URL; the throw is on line 3 of fail.ts), runs it in plain Node
 * and returns the stack it prints.
 */
const stackOfBundle = async (sourcemap: boolean) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bundle-stack-'));
  writeFileSync(
    path.join(dir, 'fail.ts'),
    'export const fail = (why: string): never => {\n  const message: string = `failed: ${why}`;\n  throw new Error(message);\n};\n',
  );
  writeFileSync(
    path.join(dir, 'entry.ts'),
    `import { mapStackTracesOf } from ${JSON.stringify(helper)};
import { fail } from './fail.js';

mapStackTracesOf(import.meta.url);
try {
  fail('on purpose');
} catch (error) {
  process.stdout.write((error as Error).stack ?? '');
}
`,
  );
  const outfile = path.join(dir, 'out', 'bundle.js');
  await build({
    entryPoints: [path.join(dir, 'entry.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    sourcemap: sourcemap ? 'linked' : false,
    sourcesContent: false,
    logLevel: 'silent',
  });
  const { stdout } = spawnSync(process.execPath, [outfile], { encoding: 'utf8', timeout: 10_000 });
  rmSync(dir, { recursive: true, force: true });
  return { dir, url: pathToFileURL(outfile).href, stack: stdout };
};

describe('stack traces of the bundled console', () => {
  it('name the TypeScript source and line of each frame in the bundle', async () => {
    const { dir, url, stack } = await stackOfBundle(true);
    expect(stack.split('\n')[0]).toBe('Error: failed: on purpose');
    expect(stack).toContain(`at fail (${path.join(dir, 'fail.ts')}:3:9)`);
    expect(stack).toContain(`${path.join(dir, 'entry.ts')}:6:`);
    expect(stack).not.toContain(url);
  });

  it('leave the frames as they are when the bundle has no source map', async () => {
    const { url, stack } = await stackOfBundle(false);
    expect(stack.split('\n')[0]).toBe('Error: failed: on purpose');
    expect(stack).toContain(`at fail (${url}:`);
    expect(stack).not.toContain('fail.ts');
  });
});
