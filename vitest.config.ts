import path from 'node:path';
import { defineConfig } from 'vitest/config';

const inkOutputOfOurs = path.resolve('src/ui/ink-output.ts');

export default defineConfig({
  plugins: [
    {
      // As in the bundle (scripts/bundle.mjs): Ink's renderer draws through our Output, so
      // the UI tests read the frames the shipped console writes.
      name: 'ink-output-of-ours',
      enforce: 'pre',
      resolveId: (source, importer) =>
        source === './output.js' && /[\\/]ink[\\/]build[\\/]renderer\.js$/.test(importer ?? '')
          ? inkOutputOfOurs
          : undefined,
    },
  ],
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Ink goes through Vite (not Node's loader) so the plugin above reaches its imports.
    server: { deps: { inline: [/[\\/]node_modules[\\/]ink(-testing-library)?[\\/]/] } },
    // Runner and end-to-end tests spawn real processes and tmux servers; two cores
    // are all a machine here has, so keep the pool small to avoid starving them.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    pool: 'forks',
  },
});
