// What the panel shows about a target beyond its URI: the swagger example and the V2 signature, read from the
// service once and cached per target key (Refresh reads them again). The V2 metadata is kept apart because V2
// tensors made from images need the model's input.
import { swaggerUrl, v2ModelUrl } from '../../core/client/endpoint';
import { formatJson, scorableJsonExample, swaggerInputExample, v2ExampleRequest, v2ModelMetadataSchema, type V2ModelMetadata } from '../../core/client/examples';
import { getJson } from '../../core/client/send';
import type { TargetInfo, TargetOption } from '../../protocol/tester';
import type { TesterHostEnv } from './testerHostEnv';

export class TargetInfoCache {
  private readonly infos = new Map<string, TargetInfo>();
  private readonly metadata = new Map<string, V2ModelMetadata>();

  constructor(private readonly env: Pick<TesterHostEnv, 'fetch'>) {}

  cached(key: string): TargetInfo | undefined {
    return this.infos.get(key);
  }

  /** Drops a target's info, so that the next look reads it again (a custom URL given anew). */
  forget(key: string): void {
    this.infos.delete(key);
  }

  /** The V2 signature last read for a target, if it had one. */
  metadataOf(key: string): V2ModelMetadata | undefined {
    return this.metadata.get(key);
  }

  /** Reads the target's swagger and V2 metadata; what fails goes into `problems`, in words for the user. */
  async read(target: TargetOption, authorization: string | undefined): Promise<TargetInfo> {
    // A service whose deployment has not started yet (or a cluster-only one) has no URI to read from: say so, and
    // keep nothing, so the next look (after the tree's next change) reads it.
    if (!URL.canParse(target.scoringUri)) {
      return { ...target, hasKey: authorization !== undefined, problems: ['The service has no scoring URI yet: it has not started, or it is reachable only inside its cluster.'] };
    }
    const problems: string[] = [];
    const fetchOpts = { authorization, fetch: this.env.fetch, timeoutMs: 5000 };
    const [swagger, meta] = await Promise.all([
      getJson(swaggerUrl(target.scoringUri), { fetch: this.env.fetch, timeoutMs: 5000 }).catch((err: Error) => {
        problems.push(`No swagger example: ${err.message}`);
        return undefined;
      }),
      target.model
        ? getJson(v2ModelUrl(target.scoringUri, target.model), fetchOpts).catch((err: Error) => {
            problems.push(`No V2 signature: ${err.message}`);
            return undefined;
          })
        : Promise.resolve(undefined),
    ]);
    const parsedMeta = meta === undefined ? undefined : v2ModelMetadataSchema.safeParse(meta);
    if (parsedMeta && !parsedMeta.success) problems.push('The V2 model metadata does not have the expected shape.');
    const metadata = parsedMeta?.success ? parsedMeta.data : undefined;
    if (metadata) this.metadata.set(target.key, metadata);
    const example = scorableJsonExample(swaggerInputExample(swagger), metadata);
    const consumes = (swagger as { consumes?: unknown } | undefined)?.consumes;
    const info: TargetInfo = {
      ...target,
      hasKey: authorization !== undefined,
      jsonExample: example === undefined ? undefined : formatJson(example),
      v2Example: metadata ? formatJson(v2ExampleRequest(metadata)) : undefined,
      v2Inputs: metadata?.inputs,
      v2Outputs: metadata?.outputs,
      imageTypes: Array.isArray(consumes) ? consumes.filter((c): c is string => typeof c === 'string' && c.startsWith('image/')) : undefined,
      problems,
    };
    this.infos.set(target.key, info);
    return info;
  }
}
