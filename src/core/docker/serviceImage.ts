// A service's image for one generation: `modelport/<service>:<generation>`, labelled with both, built from the
// planned context unless the engine already has it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelRegistry } from '../registry/modelRegistry';
import { imageSettingsOf, type ServiceRecord } from '../services/serviceRecord';
import { planServiceContext, writeBuildContext } from './contextInputs';
import { DockerCommandError, ImageBuildError } from './dockerErrors';
import {
  buildCommand,
  generationLabel,
  imageIdsCommand,
  imagesWithLabelCommand,
  removeImagesCommand,
  serviceLabel,
  type DockerRunner,
} from './dockerCommand';

export function imageTag(serviceName: string, generation: number): string {
  return `modelport/${serviceName}:${generation}`;
}

export function serviceLabels(serviceName: string, generation: number): Record<string, string> {
  return { [serviceLabel]: serviceName, [generationLabel]: String(generation) };
}

export interface EnsureImageOptions {
  registry: Pick<ModelRegistry, 'get'>;
  cliPath: string;
  runner: DockerRunner;
  extraBuildArgs: readonly string[];
  /** Build output, line by line. */
  onLine: (line: string) => void;
  signal?: AbortSignal;
}

const buildTailLines = 25;

/** The image of the record's generation; built (output to onLine) when the engine does not have it yet. */
export async function ensureServiceImage(record: ServiceRecord, options: EnsureImageOptions): Promise<{ tag: string; built: boolean }> {
  const tag = imageTag(record.name, record.generation);
  if ((await options.runner.run(imageIdsCommand(tag))).length > 0) return { tag, built: false };
  const plan = await planServiceContext(record, options.registry, options.cliPath);
  const dir = await mkdtemp(join(tmpdir(), `modelport-build-${record.name}-`));
  const tail: string[] = [];
  try {
    await writeBuildContext(plan, dir);
    await options.runner.run(
      buildCommand({
        contextDir: dir,
        tag,
        labels: serviceLabels(record.name, record.generation),
        buildArgs: imageSettingsOf(record).buildArgs,
        extraArgs: [...options.extraBuildArgs],
      }),
      {
        signal: options.signal,
        onLine: (line) => {
          tail.push(line);
          if (tail.length > buildTailLines) tail.shift();
          options.onLine(line);
        },
      },
    );
  } catch (err) {
    if (err instanceof DockerCommandError) throw new ImageBuildError(tag, tail);
    throw err;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { tag, built: true };
}

/** Removes the service's images, but the generation given (the one serving), if any. */
export async function removeServiceImages(runner: DockerRunner, serviceName: string, keepGeneration?: number): Promise<string[]> {
  const keep = keepGeneration === undefined ? undefined : imageTag(serviceName, keepGeneration);
  const refs = (await runner.run(imagesWithLabelCommand(serviceLabel, serviceName))).filter((r) => !keep || !r.endsWith(keep));
  if (refs.length > 0) await runner.run(removeImagesCommand(refs)).catch(() => undefined);
  return refs;
}
