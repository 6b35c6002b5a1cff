import { migrationsCommand } from './migrations';
import type { CliCommand } from './types';

/** Every CLI command, one file each. Add yours here. */
export const cliCommands: CliCommand[] = [migrationsCommand];
