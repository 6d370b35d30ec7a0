/** A problem in a plan file, located well enough for the operator to fix it. */
export class PlanError extends Error {
  constructor(
    readonly file: string,
    readonly problems: PlanProblem[],
  ) {
    super(formatProblems(file, problems));
    this.name = 'PlanError';
  }
}

export type PlanProblem = {
  /** 1-based line, when the problem has a place in the file. */
  line?: number;
  column?: number;
  /** Dotted path of the field, e.g. `processors[2].dependsOn[0]`. */
  field?: string;
  message: string;
};

const formatProblems = (file: string, problems: PlanProblem[]): string =>
  problems
    .map((p) => {
      const where =
        p.line === undefined ? file : `${file}:${p.line}${p.column ? `:${p.column}` : ''}`;
      return `${where}: ${p.field ? `${p.field}: ` : ''}${p.message}`;
    })
    .join('\n');
