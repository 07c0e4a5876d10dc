// Argument handling for the process entry points that take no options but --help (npm start and
// npm run worker are configured by environment variables): prints the usage, or names a bad option.
import { parseArgs } from 'node:util';

/** Exits 0 after printing `usage` on -h/--help, or 2 with one line on anything else; returns otherwise. */
export function exitOnHelpArgs(command: string, usage: string, args: string[] = process.argv.slice(2)): void {
  try {
    if (parseArgs({ args, options: { help: { type: 'boolean', short: 'h', default: false } } }).values.help) {
      console.log(usage);
      process.exit(0);
    }
  } catch (err) {
    console.error(`${command}: ${(err as Error).message.replace(/\s*\n\s*/g, ' ')} (see --help)`);
    process.exit(2);
  }
}
