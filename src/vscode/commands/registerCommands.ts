// Registers every command of the table through the one error-handling wrapper. `depsFor` gives each invocation
// its dependencies: in a multi-root workspace, those of the folder its arguments (a tree node, a file) belong to.
import * as vscode from 'vscode';
import type { CommandDeps } from '../common/deps';
import { commandTable } from './commandTable';
import { runCommand, type CommandOutcome } from './runCommand';

export function registerCommands(depsFor: (args: readonly unknown[]) => CommandDeps, onOutcome?: (o: CommandOutcome) => void): vscode.Disposable[] {
  return Object.entries(commandTable).map(([id, flow]) => vscode.commands.registerCommand(id, (...args: unknown[]) => runCommand(depsFor(args), id, flow, args, onOutcome)));
}
