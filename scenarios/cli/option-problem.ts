// What was wrong with a command line, as the one line the aftershock commands print before
// `(see aftershock <cmd> --help)`: node's parser words an unknown option for commands that take file
// arguments with a hint whose quotes do not close, so that case is worded here.

/**
 * The reason `parseArgs` refused `args`, on one line without a closing period. `takesPaths`: the
 * command takes files or directories, which may start with '-' when given after `--`.
 * @example optionProblem(err, true) // "unknown option '--bogus'; a path starting with '-' goes after '--'"
 */
export function optionProblem(err: unknown, takesPaths: boolean): string {
  const message = err instanceof Error ? err.message : String(err);
  const unknown = (err as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /^Unknown option '([^']*)'/.exec(message) : null;
  if (unknown) return `unknown option '${unknown[1]}'${takesPaths ? `; a path starting with '-' goes after '--'` : ''}`;
  return message.replace(/\s*\n\s*/g, ' ').replace(/\.$/, '');
}
