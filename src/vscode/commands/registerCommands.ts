// Registers every command of the table through the one error-handling wrapper.
import * as vscode from 'vscode';
import type { CommandDeps } from '../common/deps';
import { commandTable } from './commandTable';
import { runCommand, type CommandOutcome } from './runCommand';

export function registerCommands(deps: CommandDeps, onOutcome?: (o: CommandOutcome) => void): vscode.Disposable[] {
  return Object.entries(commandTable).map(([id, flow]) => vscode.commands.registerCommand(id, (...args: unknown[]) => runCommand(deps, id, flow, args, onOutcome)));
}
