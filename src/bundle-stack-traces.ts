import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import type { SourceMapPayload } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Stack frames in the bundled file `moduleUrl` name the TypeScript sources, through its
 * source map, read only when a stack is first formatted. `--enable-source-maps` would do the
 * same but parses the 1.4 MB map as the bundle loads: 25-30 ms of the first frame on Node 20
 * and 22. Frames in other files, and every frame when the map is missing, stay as they are.
 */
export const mapStackTracesOf = (moduleUrl: string): void => {
  // Node maps every frame itself then (node --enable-source-maps).
  if (process.sourceMapsEnabled) return;
  let map: SourceMap | null | undefined;
  const sourceMap = (): SourceMap | null => {
    if (map === undefined) {
      try {
        const text = readFileSync(`${fileURLToPath(moduleUrl)}.map`, 'utf8');
        map = new SourceMap(JSON.parse(text) as SourceMapPayload);
      } catch {
        map = null;
      }
    }
    return map;
  };

  const frameText = (frame: NodeJS.CallSite): string => {
    // V8's own text of the frame (async, new, method names), which @types/node leaves out.
    const text = (frame as { toString(): string }).toString();
    const file = frame.getFileName();
    const line = frame.getLineNumber();
    const column = frame.getColumnNumber();
    if (file !== moduleUrl || line === null || column === null) return text;
    // Node 20 answers {} for a position the map does not cover.
    const entry = sourceMap()?.findEntry(line - 1, column - 1);
    if (!entry || !('originalSource' in entry)) return text;
    const source = fileURLToPath(new URL(entry.originalSource, moduleUrl));
    const original = `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    return text.replace(`${file}:${line}:${column}`, original);
  };

  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
    let head: string;
    try {
      head = String(error);
    } catch {
      head = 'Error';
    }
    return [head, ...frames.map((frame) => `    at ${frameText(frame)}`)].join('\n');
  };
};
