// Container targets in the cloud (Azure Container Instances, Kubernetes) run the image the docker target builds,
// pulled from a registry: this builds the service's image for its generation if the engine lacks it, tags it
// `<registry>/modelport/<service>:<generation>` and pushes it, streaming the engine's output.
import { imageTag, ensureServiceImage, type EnsureImageOptions } from './serviceImage';
import { pushCommand, tagCommand } from './dockerCommand';
import type { ServiceRecord } from '../services/serviceRecord';

export interface PushedImage {
  /** `<registry>/modelport/<service>:<generation>`: what a cloud target pulls. */
  reference: string;
  /** The manifest digest the registry answered, when the engine printed it. */
  digest: string | undefined;
  /** Whether the image was built for this push (or the engine had it). */
  built: boolean;
}

/** A registry's login server as users write it: no scheme, no trailing slash. */
export function registryServer(value: string): string {
  return value.trim().replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
}

export function remoteReference(server: string, serviceName: string, generation: number): string {
  return `${registryServer(server)}/${imageTag(serviceName, generation)}`;
}

export async function pushServiceImage(record: ServiceRecord, server: string, options: EnsureImageOptions): Promise<PushedImage> {
  const local = await ensureServiceImage(record, options);
  const reference = remoteReference(server, record.name, record.generation);
  await options.runner.run(tagCommand(local.tag, reference));
  options.onLine(`pushing ${reference}`);
  const digest = await options.runner.run(pushCommand(reference), { onLine: options.onLine, ...(options.signal ? { signal: options.signal } : {}) });
  return { reference, digest, built: local.built };
}
