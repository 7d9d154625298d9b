/**
 * `npm run admin -- COMMAND ...`: the provisioning CLI (SPEC section 8). `run` is the whole
 * CLI (the tests call it in process); it prints through `io` and returns the exit code. Bad
 * input gets one clear message and a non-zero code, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { getTenant } from '../lib/auth/credentials';
import { CliError, usageError } from '../lib/admin/errors';
import { parseArgs, type Parsed } from '../lib/admin/args';
import { importTenantData, parseImportFile } from '../lib/admin/import';
import { describeTarget, isLocalEndpoint, resolveTarget, useTarget, type Target } from '../lib/admin/target';
import { createTenant, rotateCredential, type RotatedKind } from '../lib/admin/tenants';
import { AppError } from '../lib/errors';
import { grantUnits } from '../lib/units/grant';
import { getAccount } from '../lib/units/repository';
import { seedDemo } from './seed';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

type Env = Record<string, string | undefined>;

interface Command {
  usage: string;
  about: string;
  flags?: string[];
  /** Number of positional arguments. */
  args: number;
  /** Refuses a target before anything points at it. */
  check?(target: Target): void;
  run(p: Parsed, io: Io, target: Target): Promise<void>;
}

const targetHelp = `Target: the local DynamoDB on DYNAMODB_PORT (default 8000), as npm start runs it;
AWS with --stage NAME (tables allot-NAME-*, --region or AWS_REGION) or ALLOT_TARGET=aws (stage STAGE, default dev).`;

async function existingTenant(id: string): Promise<void> {
  if (!(await getTenant(id))) throw new CliError(`no tenant ${id}`);
}

const commands: Record<string, Command> = {
  'tenant:create': {
    usage: 'tenant:create NAME [--id ID] [--currency USD]',
    about: 'Creates a tenant and prints its new inventory token, course-units token and OAuth client, once.\nThe id defaults to NAME in lower case with dashes.',
    flags: ['id', 'currency'],
    args: 1,
    async run({ positional: [name], flags }, io) {
      const displayName = name!.trim();
      if (!displayName || displayName.length > 100) throw usageError('NAME must be 1 to 100 characters');
      const id = flags.id ?? displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32);
      if (!/^[a-z0-9][a-z0-9-]{1,31}$/.test(id)) {
        throw usageError(`tenant id "${id}" must be 2 to 32 lower-case letters, digits or dashes (give one with --id)`);
      }
      const currency = flags.currency ?? 'USD';
      if (!/^[A-Z]{3}$/.test(currency)) throw usageError('--currency must be a three-letter code such as USD');
      const created = await createTenant({ id, name: displayName, currency });
      io.out(`tenant ${id} created (name "${displayName}", currency ${currency}).`);
      io.out('Shown once: only SHA-256 hashes are stored.');
      io.out(`inventory api token: ${created.inventoryToken}`);
      io.out(`course-units token: ${created.unitsToken}`);
      io.out(`oauth client id: ${created.clientId}`);
      io.out(`oauth client secret: ${created.clientSecret}`);
    },
  },
  'credential:rotate': {
    usage: 'credential:rotate TENANT KIND [--client CLIENT_ID]',
    about: 'Gives the tenant a new secret of KIND (inventory | units | client) and deletes the old one.\nWarm Lambdas may accept the old one for up to 30 s; bearer tokens already issued run to their expiry.',
    flags: ['client'],
    args: 2,
    async run({ positional: [tenantId, kind], flags }, io) {
      if (!['inventory', 'units', 'client'].includes(kind!)) throw usageError(`KIND must be inventory, units or client, not "${kind}"`);
      const rotated = await rotateCredential(tenantId!, kind as RotatedKind, flags.client);
      io.out(`${kind} credential of tenant ${tenantId} rotated (${rotated.deleted} old deleted). Shown once:`);
      if (rotated.clientId) io.out(`oauth client id: ${rotated.clientId}`);
      io.out(`${kind === 'client' ? 'oauth client secret' : kind === 'units' ? 'course-units token' : 'inventory api token'}: ${rotated.secret}`);
    },
  },
  import: {
    usage: 'import TENANT FILE',
    about: 'Imports reference data from a JSON file: courses, logins, enrollment_courses, units_of_measure,\nlocations, sublocations, parts (format: lib/admin/import.ts, README). Importing again changes nothing.',
    args: 2,
    async run({ positional: [tenantId, file] }, io) {
      let text: string;
      try {
        text = readFileSync(resolve(file!), 'utf8');
      } catch (err) {
        throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
      }
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (err) {
        throw new CliError(`${file} is not JSON: ${(err as Error).message}`);
      }
      const parsed = parseImportFile(data);
      await existingTenant(tenantId!);
      const counts = await importTenantData(tenantId!, parsed);
      io.out(`imported into tenant ${tenantId}: ${Object.entries(counts).map(([k, n]) => `${n} ${k.replaceAll('_', ' ')}`).join(', ')}`);
    },
  },
  'units:grant': {
    usage: 'units:grant TENANT N',
    about: 'Adds N units to the tenant\'s course-units balance; owed units are paid off first.',
    args: 2,
    async run({ positional: [tenantId, n] }, io) {
      if (!/^\d{1,9}$/.test(n!) || Number(n) === 0) throw usageError(`N must be a positive whole number, not "${n}"`);
      await existingTenant(tenantId!);
      const { paidOwed, added } = await grantUnits(tenantId!, Number(n));
      const account = await getAccount(tenantId!);
      io.out(`granted ${n} units to ${tenantId}: ${paidOwed} paid off owed units, ${added} added; available ${account?.unitsAvailable ?? 0}, owed ${account?.unitsOwed ?? 0}`);
    },
  },
  seed: {
    usage: 'seed',
    about: 'Loads the demo data (SPEC section 6) where it is absent. Local DynamoDB only.',
    args: 0,
    check(target) {
      if (target.kind !== 'local' || !isLocalEndpoint(target.endpoint)) {
        throw new CliError(`seed loads demo credentials: only into a DynamoDB on localhost or 127.0.0.1, not ${describeTarget(target)}`);
      }
    },
    async run(_p, io, target) {
      await seedDemo();
      io.out(`demo data loaded where absent (tenants demo and other) into ${describeTarget(target)}`);
    },
  },
};

function usage(): string {
  return [
    'usage: npm run admin -- COMMAND [ARGS] [--stage NAME] [--region REGION]',
    '',
    ...Object.values(commands).map((c) => `  ${c.usage}`),
    '',
    'npm run admin -- COMMAND --help tells more.',
    targetHelp,
  ].join('\n');
}

function message(err: unknown): string {
  if (err instanceof CliError || err instanceof AppError) return err.message;
  const e = err as Error & { code?: string };
  if (err instanceof ResourceNotFoundException) return `${e.message} (are the tables there? npm start creates them locally)`;
  if (e?.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(String(e?.message))) return 'cannot reach DynamoDB (is npm start running? DYNAMODB_PORT?)';
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`;
}

export async function run(argv: string[], io: Io, env: Env = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    io.err(`unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const parsed = parseArgs(rest, command.flags ?? []);
    if (parsed.help) {
      io.out(`usage: npm run admin -- ${command.usage}\n\n${command.about}\n\n${targetHelp}`);
      return 0;
    }
    if (parsed.positional.length !== command.args) {
      throw usageError(`${name} takes ${command.args} argument${command.args === 1 ? '' : 's'}: ${command.usage}`);
    }
    const target = resolveTarget(parsed.flags, env);
    command.check?.(target);
    useTarget(target);
    await command.run(parsed, io, target);
    return 0;
  } catch (err) {
    io.err(`error: ${message(err)}`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}

// Run as a script (not when imported by the tests).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  run(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line) }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
