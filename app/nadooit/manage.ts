import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import type { AppModule } from '../core/app-module.js';
import type { CommandDefinition, CommandIO } from '../core/cli/registry.js';
import { CommandError } from '../core/cli/registry.js';
import { ping } from '../core/db/connection.js';
import { migrate, migrationStatus } from '../core/db/migrator.js';
import { Progress } from '../core/cli/progress.js';
import type { Settings } from '../core/config.js';
import { appMigrations, bootstrap } from './bootstrap.js';

/** Commands of the platform itself; apps add theirs through AppModule.commands. */
function builtinCommands(apps: AppModule[]): CommandDefinition[] {
  return [
    {
      name: 'migrate',
      summary: 'Apply pending database migrations of every app',
      needsMigratedDatabase: false,
      async run(_input, { db }, io) {
        const steps = appMigrations(apps);
        const pending = (await migrationStatus(db, steps)).filter((s) => !s.appliedAt).length;
        if (pending === 0) {
          io.out('No migrations to apply.');
          return;
        }
        const progress = new Progress('Migrating', pending);
        const applied = await migrate(db, steps, { onApplied: () => progress.tick() });
        progress.finish();
        for (const name of applied) io.out(`  Applied ${name}`);
      },
    },
    {
      name: 'showmigrations',
      summary: 'List every migration and whether it is applied',
      needsMigratedDatabase: false,
      async run(_input, { db }, io) {
        let app = '';
        for (const s of await migrationStatus(db, appMigrations(apps))) {
          if (s.app !== app) io.out((app = s.app));
          io.out(` [${s.appliedAt ? 'X' : ' '}] ${s.name}`);
        }
      },
    },
    {
      name: 'check',
      summary: 'Validate settings and reach the database and the queue',
      needsMigratedDatabase: false,
      async run(_input, { db, queue, settings }, io) {
        io.out(`Settings: OK (DEBUG=${settings.debug ? 'on' : 'off'})`);
        await ping(db.kysely);
        io.out(`Database: OK (${db.description})`);
        const pending = (await migrationStatus(db, appMigrations(apps))).filter((s) => !s.appliedAt);
        io.out(pending.length ? `Migrations: ${pending.length} pending — run "npm run manage -- migrate"` : 'Migrations: up to date');
        try {
          await queue.ping();
          io.out(`Queue: OK (${queue.driver})`);
        } catch (error) {
          io.out(`Queue: NOT READY (${queue.driver}): ${(error as Error).message}`);
          return 1;
        }
        return pending.length ? 1 : 0;
      },
    },
  ];
}

function terminalIO(): CommandIO {
  const interactive = Boolean(process.stdin.isTTY);
  return {
    interactive,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    async prompt(question, options = {}) {
      if (!interactive) throw new CommandError(`cannot ask "${question.trim()}": not an interactive terminal (pass it as a flag)`);
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
      if (options.secret) {
        const output = rl as unknown as { _writeToOutput?: (s: string) => void };
        output._writeToOutput = (s: string) => {
          if (s.includes(question)) process.stdout.write(s);
        };
      }
      try {
        return (await rl.question(question)).trim();
      } finally {
        if (options.secret) process.stdout.write('\n');
        rl.close();
      }
    },
  };
}

export function listCommands(apps: AppModule[]): CommandDefinition[] {
  return [...builtinCommands(apps), ...apps.flatMap((a) => a.commands ?? [])];
}

/** `npm run manage -- <command> [options]` */
export async function runManage(settings: Settings, argv: string[], io: CommandIO = terminalIO()): Promise<number> {
  const [name, ...rest] = argv;
  const system = await bootstrap(settings, { migrate: false, queueDriver: settings.redisUrl ? 'redis' : 'db' });
  try {
    const commands = listCommands(system.apps);
    const command = commands.find((c) => c.name === name);
    if (!command) {
      io.out('Usage: npm run manage -- <command> [options]\n\nCommands:');
      for (const c of commands) io.out(`  ${c.name.padEnd(20)} ${c.summary}`);
      return name && name !== 'help' ? 2 : 0;
    }
    if (command.needsMigratedDatabase !== false) {
      await migrate(system.context.db, appMigrations(system.apps));
    }
    let input;
    try {
      input = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true });
    } catch (error) {
      io.err(`${name}: ${(error as Error).message}`);
      return 2;
    }
    try {
      return (await command.run(input, system.context, io)) ?? 0;
    } catch (error) {
      if (error instanceof CommandError) {
        io.err(`${name}: ${error.message}`);
        return 1;
      }
      throw error;
    }
  } finally {
    await system.close();
  }
}
