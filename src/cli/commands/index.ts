import { migrationsCommand } from './migrations';
import { backupCommand } from './backup';
import { healthCommand } from './health';
import { queryCommand } from './query';
import type { CliCommand } from './types';

/** Every CLI command, one file each. Add yours here. */
export const cliCommands: CliCommand[] = [migrationsCommand, queryCommand, healthCommand, backupCommand];
