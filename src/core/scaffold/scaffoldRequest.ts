// What a scaffold command asks for, as plain data: the VS Code command (or the CLI) fills a ScaffoldRequest
// from its prompts, planScaffold turns it into files, and the caller decides how and whether to write them.
import type { ModelSignature } from '../onnx/signature';
import type { AuthMode, ComputeType } from '../services/types';

export type ScaffoldKind =
  | 'entry-script-ts'
  | 'entry-script-js'
  | 'entry-script-raw-image'
  | 'entry-script-py'
  | 'environment'
  | 'conda-environment'
  | 'inference-config'
  | 'deployment-config';

export const scaffoldKinds: readonly ScaffoldKind[] = [
  'entry-script-ts',
  'entry-script-js',
  'entry-script-raw-image',
  'entry-script-py',
  'environment',
  'conda-environment',
  'inference-config',
  'deployment-config',
];

/** The model an entry script is written for; its signature shapes the samples and the tensors. */
export interface ScaffoldModel {
  name: string;
  version?: number;
  /** Absent when the model is not registered yet or its types cannot be expressed: the script stays untyped. */
  signature?: ModelSignature;
}

export interface ScaffoldRequest {
  kind: ScaffoldKind;
  /** Absolute folder the files go into. */
  targetDir: string;
  /** The file name to write; each kind has a default (score.ts, score.js, environment.json, …). */
  fileName?: string;
  /** Entry scripts: the model served. */
  model?: ScaffoldModel;
  /** inference-config: the entry script and environment file, relative to targetDir. */
  entryScript?: string;
  environmentFile?: string;
  /** deployment-config. */
  computeType?: ComputeType;
  authMode?: AuthMode;
  port?: number;
  /** deployment-config for container targets: extra `docker run` arguments. */
  dockerRunArgs?: string[];
  /** environment: its name (default: the file name without its extension). */
  environmentName?: string;
}

/** One file to write; `path` is absolute. */
export interface PlannedFile {
  path: string;
  content: string;
}
