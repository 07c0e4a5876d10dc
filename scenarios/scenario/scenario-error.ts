// The scenarios package's one error type: a stable code, the exit code it maps to, and (for invalid
// files) the file and the field paths at fault.

/** Why a run could not go ahead. `invalid_scenario` and `invalid_options` exit 2; `target_unreachable` and `setup_failed` exit 3. */
export type ScenarioErrorCode = 'invalid_scenario' | 'invalid_options' | 'target_unreachable' | 'setup_failed';

/** One bad field: `method.2.fault.chaos.probability: Too big`. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Thrown before a run starts; the CLI prints `message` on one line and exits with `exitCode`. */
export class ScenarioError extends Error {
  readonly code: ScenarioErrorCode;
  readonly issues: readonly FieldIssue[];
  readonly file: string | undefined;

  constructor(code: ScenarioErrorCode, message: string, opts: { issues?: FieldIssue[]; file?: string; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'ScenarioError';
    this.code = code;
    this.issues = opts.issues ?? [];
    this.file = opts.file;
  }

  /** 2 for bad input, 3 for a target that cannot be reached or set up (SPEC §5.2). */
  get exitCode(): 2 | 3 {
    return this.code === 'invalid_scenario' || this.code === 'invalid_options' ? 2 : 3;
  }
}
