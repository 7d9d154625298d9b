/**
 * `COMMAND ARG... [--flag VALUE | --flag=VALUE | --help]`. Each command names the flags it
 * takes; --stage, --region and --help are taken by all.
 */
import { usageError } from './errors';

export interface Parsed {
  positional: string[];
  flags: Record<string, string>;
  help: boolean;
}

export const globalFlags = ['stage', 'region'];

export function parseArgs(argv: string[], allowed: string[]): Parsed {
  const parsed: Parsed = { positional: [], flags: {}, help: false };
  const names = new Set([...globalFlags, ...allowed]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      parsed.help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      parsed.positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string?];
    if (!names.has(name)) throw usageError(`unknown option --${name}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '' || value.startsWith('--')) throw usageError(`--${name} needs a value`);
    parsed.flags[name] = value;
  }
  return parsed;
}
