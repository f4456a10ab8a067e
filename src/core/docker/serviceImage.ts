// A service's image for one generation: `modelport/<service>:<generation>`, labelled with both, built from the
// planned context unless the engine already has it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from '../async/sleep';
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
  type DockerCommand,
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

/** How often an image listing is asked for when the engine's storage changed under it (listImages). */
const listAttempts = 4;
const listRetryMs = 100;

/**
 * Runs an image listing. Podman reads every image to list them, so an image that another program removes meanwhile
 * (a prune, another service's clean-up, a parallel build) fails the whole listing with "image not known" or
 * "layer not known" (podman#24800, an open race in its storage). Nothing is wrong with the images asked about:
 * the listing is asked for again, and the removed image is no longer in it.
 */
export async function listImages<T>(runner: DockerRunner, command: DockerCommand<T>, signal?: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runner.run(command, { signal });
    } catch (err) {
      const race = err instanceof DockerCommandError && /\b(image|layer) not known\b/i.test(err.stderr);
      if (!race || attempt >= listAttempts || signal?.aborted) throw err;
      await sleep(listRetryMs * attempt, signal);
    }
  }
}

/** The image of the record's generation; built (output to onLine) when the engine does not have it yet. */
export async function ensureServiceImage(record: ServiceRecord, options: EnsureImageOptions): Promise<{ tag: string; built: boolean }> {
  const tag = imageTag(record.name, record.generation);
  if ((await listImages(options.runner, imageIdsCommand(tag), options.signal)).length > 0) return { tag, built: false };
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
  const refs = (await listImages(runner, imagesWithLabelCommand(serviceLabel, serviceName))).filter((r) => !keep || !r.endsWith(keep));
  if (refs.length > 0) await runner.run(removeImagesCommand(refs)).catch(() => undefined);
  return refs;
}
