import { defaultSecretEnv } from '../plan/schema.js';

/** Values shorter than this are not treated as secrets: redacting "1" would mangle every line. */
const minimumSecretLength = 6;

const matcher = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );

export type Redact = (text: string) => string;

/** The redactor when there is nothing to hide: callers may skip it on hot paths. */
export const noSecrets: Redact = (text) => text;

/**
 * Replaces the values of secret env vars with ***. Built once from the environments the
 * console and its tasks see; applied to everything the console writes or shows.
 */
export const createRedactor = (
  environments: readonly (Record<string, string | undefined> | undefined)[],
  patterns: readonly string[] = defaultSecretEnv,
): Redact => {
  const matchers = patterns.map(matcher);
  const secrets = new Set<string>();
  for (const env of environments) {
    for (const [name, value] of Object.entries(env ?? {})) {
      if (value && value.length >= minimumSecretLength && matchers.some((m) => m.test(name)))
        secrets.add(value);
    }
  }
  // Longest first, so a secret that contains another is replaced whole.
  const ordered = [...secrets].sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return noSecrets;
  return (text) => {
    let out = text;
    for (const secret of ordered) if (out.includes(secret)) out = out.split(secret).join('***');
    return out;
  };
};
