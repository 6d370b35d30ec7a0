import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isPair, isScalar } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { planSchema } from './schema.js';
import type { ParsedPlan } from './schema.js';
import { PlanError } from './plan-error.js';
import type { PlanProblem } from './plan-error.js';
import { checkReferences } from './check-references.js';
import { checkTableNames } from './table-names.js';
import type { Plan, Task } from './types.js';
import { taskIdOf } from './types.js';

type PathKey = string | number;

/** Reads, parses and validates a plan file; throws PlanError naming file, line and field. */
export const loadPlan = (file: string): Plan => {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file (pass --plan FILE)' : String((error as Error).message);
    throw new PlanError(absolute, [{ message: why }]);
  }
  return parsePlan(text, absolute);
};

/** Parses plan text; `file` is used for messages and to resolve relative paths. */
export const parsePlan = (text: string, file: string): Plan => {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PlanError(
      file,
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { line: pos.line, column: pos.col, message: firstLine(e.message) };
      }),
    );
  }
  const result = planSchema.safeParse(doc.toJS());
  if (!result.success) {
    throw new PlanError(
      file,
      result.error.issues.map((i) => locateIssue(doc, lineCounter, i)),
    );
  }
  const referenceProblems = [
    ...checkReferences(result.data),
    ...checkTableNames(result.data, path.dirname(file)),
  ].map((p) => ({
    ...locate(doc, lineCounter, p.path),
    field: formatPath(p.path),
    message: p.message,
  }));
  if (referenceProblems.length > 0) throw new PlanError(file, referenceProblems);
  return resolvePlan(result.data, file);
};

const resolvePlan = (parsed: ParsedPlan, file: string): Plan => {
  const dir = path.dirname(file);
  const processors = parsed.processors.map((p) => ({
    ...p,
    resolvedCwd: path.resolve(dir, p.cwd ?? '.'),
  }));
  const tasks: Task[] = [];
  for (const phase of parsed.phases) {
    for (const processor of processors.filter((p) => p.phase === phase.id)) {
      for (const window of parsed.windows) {
        tasks.push({
          id: taskIdOf(processor.id, window.id),
          processorId: processor.id,
          windowId: window.id,
          phaseId: phase.id,
        });
      }
    }
  }
  return {
    ...parsed,
    file,
    dir,
    stateDir: path.resolve(dir, parsed.settings.stateDir),
    processors,
    tasks,
  };
};

const locateIssue = (doc: Document, counter: LineCounter, issue: z.core.$ZodIssue): PlanProblem => {
  const issuePath = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys;
    const key = keys[0] ?? '';
    const where = locateKey(doc, counter, issuePath, key);
    return {
      ...where,
      field: formatPath([...issuePath, key]),
      message: `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`,
    };
  }
  return {
    ...locate(doc, counter, issuePath),
    field: formatPath(issuePath),
    message: describe(issue),
  };
};

const describe = (issue: z.core.$ZodIssue): string => {
  const message = issue.message.replace(/^Invalid input: /, '');
  if (issue.code === 'invalid_type' && /received undefined$/.test(message)) {
    return `required (${issue.expected})`;
  }
  return message.replace(/, received /, ', got ');
};

/** Finds the closest node that exists along the path (a missing field points at its parent). */
const locate = (
  doc: Document,
  counter: LineCounter,
  keys: PathKey[],
): Pick<PlanProblem, 'line' | 'column'> => {
  for (let depth = keys.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(keys.slice(0, depth), true);
    const range = (node as YamlNode | undefined)?.range;
    if (range) {
      const pos = counter.linePos(range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
};

const locateKey = (doc: Document, counter: LineCounter, parent: PathKey[], key: string) => {
  const node = parent.length === 0 ? doc.contents : doc.getIn(parent, true);
  if (isMap(node)) {
    const pair = node.items.find(
      (item) => isPair(item) && isScalar(item.key) && item.key.value === key,
    );
    const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
    if (range) {
      const pos = counter.linePos(range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return locate(doc, counter, parent);
};

export const formatPath = (keys: PathKey[]): string =>
  keys.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${key}` : key),
    '',
  );

const firstLine = (message: string): string => message.split('\n')[0] ?? message;

/**
 * Where fields of an already loaded plan file are (line and column), for problems found later:
 * `validate --warehouse` points at the SQL the warehouse rejected.
 */
export const planLocator = (
  file: string,
): ((keys: PathKey[]) => Pick<PlanProblem, 'line' | 'column'>) => {
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter, prettyErrors: false });
  return (keys) => locate(doc, lineCounter, keys);
};
