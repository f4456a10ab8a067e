// Modelport: New Entry Script: Python (Azure ML's score.py), TypeScript or JavaScript with samples from the
// model's signature, or a raw-image script. Prompts fill a ScaffoldRequest; core/scaffold plans the file; writePlan writes it.
import { planScaffold } from '../../../core/scaffold/planScaffold';
import type { ScaffoldKind } from '../../../core/scaffold/scaffoldRequest';
import { optionsOf, required } from '../../common/args';
import type { CommandDeps } from '../../common/deps';
import { scaffoldModel, targetFolder } from '../../common/scaffoldPrompts';
import { writePlan } from '../../common/writePlan';

export interface NewEntryScriptArgs {
  language: 'py' | 'ts' | 'js' | 'raw-image';
  /** A registry ref, or null for an untyped script. */
  model: string | null;
  folder: string;
  fileName: string;
  overwrite: boolean;
}

const kinds: Record<NewEntryScriptArgs['language'], ScaffoldKind> = { py: 'entry-script-py', ts: 'entry-script-ts', js: 'entry-script-js', 'raw-image': 'entry-script-raw-image' };

export async function newEntryScript(deps: CommandDeps, target?: unknown, rawArgs?: unknown): Promise<string[]> {
  const args = { ...optionsOf<NewEntryScriptArgs>(target), ...optionsOf<NewEntryScriptArgs>(rawArgs) };
  const title = 'New Entry Script';
  const language =
    args.language ??
    required(
      await deps.ui.pick<NewEntryScriptArgs['language']>(
        [
          { label: 'Python (score.py)', description: "Azure ML's init()/run(): joblib for a pickle, inference-schema decorators for an ONNX model", value: 'py' },
          { label: 'TypeScript', description: 'score.ts: init() and a schema-typed run()', value: 'ts' },
          { label: 'JavaScript', description: 'score.js (CommonJS): init() and a schema-typed run()', value: 'js' },
          { label: 'Raw image (TypeScript)', description: 'run() takes image bytes and answers the top classes', value: 'raw-image' },
        ],
        { title, placeHolder: 'Which kind of entry script?' },
      ),
    );
  const model = await scaffoldModel(deps, args.model, title);
  const targetDir = await targetFolder(deps, target, args.folder, title);
  const plan = planScaffold({ kind: kinds[language], targetDir, ...(model ? { model } : {}), ...(args.fileName !== undefined ? { fileName: args.fileName } : {}) });
  return writePlan(deps, plan, args.overwrite !== undefined ? { overwrite: args.overwrite } : {});
}
