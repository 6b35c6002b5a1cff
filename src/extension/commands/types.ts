import type * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import type { CommandId } from './ids';

/** A command handler file exports one of these: its id plus the function VS Code calls. */
export interface CommandHandlerFactory {
  id: CommandId;
  create(services: ExtensionServices): (...args: any[]) => unknown;
}

export type { vscode };
