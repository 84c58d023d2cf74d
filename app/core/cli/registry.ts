import type { ParseArgsConfig } from 'node:util';
import type { AppContext } from '../app-module.js';

export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

export interface CommandInput {
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  positionals: string[];
}

export interface CommandIO {
  out(line: string): void;
  err(line: string): void;
  /** Asks a question on the terminal; rejects when stdin is not interactive. */
  prompt(question: string, options?: { secret?: boolean }): Promise<string>;
  interactive: boolean;
}

/** A `manage` command, like a Django management command. Apps list theirs in AppModule.commands. */
export interface CommandDefinition {
  name: string;
  summary: string;
  options?: CommandOptions;
  /** Most commands need a migrated database; `check` and `migrate` itself do not. */
  needsMigratedDatabase?: boolean;
  run(input: CommandInput, context: AppContext, io: CommandIO): Promise<number | void>;
}

export class CommandError extends Error {}
