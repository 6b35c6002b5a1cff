import { migrationsCommand } from './migrations';
import { backupCommand } from './backup';
import { healthCommand } from './health';
import { queryCommand } from './query';
import { reportCommand } from './report';
import { auditCommand } from './audit';
import { migrateCommand } from './migrate';
import { verifyCommand } from './verify';
import { syncCommand } from './sync';
import { usageCommand } from './usage';
import { hookSnippetCommand } from './hookSnippet';
import { cutoverCommand } from './cutover';
import type { CliCommand } from './types';

/** Every CLI command, one file each. Add yours here. */
export const cliCommands: CliCommand[] = [
  migrationsCommand, queryCommand, healthCommand, backupCommand, reportCommand, auditCommand, migrateCommand, verifyCommand,
  syncCommand, usageCommand, hookSnippetCommand, cutoverCommand,
];
