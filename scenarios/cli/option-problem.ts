// What was wrong with a command line, as the one line the aftershock commands print before
// `(see aftershock <cmd> --help)`: node's parser words an unknown option for commands that take file
// arguments with a hint whose quotes do not close, so that case is worded here.
import { parseArgs, type ParseArgsConfig } from 'node:util';

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

type Options = NonNullable<ParseArgsConfig['options']>;
/** What `parseArgs` gives for `options`, with positionals allowed. */
export type ParsedCommand<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true }>>;

/**
 * Parses one command line of `aftershock <command>`, with `-h`/`--help` added to `options`: the
 * values and positionals, or the exit code when the command is done, after printing its usage
 * (`--help`, 0) or one line saying what was wrong (2). `takesPaths`: see {@link optionProblem}.
 * @example const parsed = parseCommand('init', INIT_USAGE, args, { force: { type: 'boolean' } }, io);
 * if (typeof parsed === 'number') return parsed;
 */
export function parseCommand<const O extends Options>(
  command: string,
  usage: string,
  args: string[],
  options: O,
  io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream },
  takesPaths = true,
): ParsedCommand<O> | number {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  } catch (err) {
    io.err.write(`aftershock ${command}: ${optionProblem(err, takesPaths)} (see aftershock ${command} --help)\n`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.out.write(`${usage}\n`);
    return 0;
  }
  return parsed as unknown as ParsedCommand<O>;
}
