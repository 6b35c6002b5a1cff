import { migrationsCommand } from './migrations';
import { backupCommand } from './backup';
import { healthCommand } from './health';
import { queryCommand } from './query';
import { reportCommand } from './report';
import type { CliCommand } from './types';

/** Every CLI command, one file each. Add yours here. */
export const cliCommands: CliCommand[] = [migrationsCommand, queryCommand, healthCommand, backupCommand, reportCommand];
