// Writes a scaffold plan: never replaces a file without the user's say-so, then opens the first file.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { PlannedFile } from '../../core/scaffold/scaffoldRequest';
import { required } from './args';
import type { CommandDeps } from './deps';

export async function writePlan(deps: CommandDeps, plan: readonly PlannedFile[], options: { overwrite?: boolean; open?: boolean } = {}): Promise<string[]> {
  const clashes = plan.filter((f) => existsSync(f.path));
  if (clashes.length > 0 && options.overwrite !== true) {
    // overwrite: false (from a caller) refuses without asking.
    const ok = options.overwrite === undefined && (await deps.ui.confirm(`Replace ${clashes.map((f) => basename(f.path)).join(', ')}?`, `${clashes.map((f) => f.path).join('\n')} already exist${clashes.length > 1 ? '' : 's'}. Replacing loses what is in ${clashes.length > 1 ? 'them' : 'it'}.`, 'Replace'));
    required(ok ? true : undefined);
  }
  for (const file of plan) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.content);
    deps.log.info(`Wrote ${file.path}`);
  }
  const first = plan[0];
  if (first !== undefined && options.open !== false) await deps.ui.openFile(first.path);
  return plan.map((f) => f.path);
}
