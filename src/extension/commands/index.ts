import type { CommandHandlerFactory } from './types';

/**
 * One handler per file; this list is what activate() registers.
 * Add a line here when you add a command (and its entry in package.json).
 */
export const commandHandlers: CommandHandlerFactory[] = [];
