// Where a scoring service answers, worked out from its scoring URI: the Azure ML routes sit beside `/score`
// (`/`, `/swagger.json`), the V2 routes under `/v2`. Works for a Modelport service, an Azure endpoint or any
// server that speaks either protocol.

export interface EndpointTarget {
  /** `http://host:port/score` (or any URL that takes a POST of the scoring payload). */
  scoringUri: string;
  /** The V2 model name (`/v2/models/{model}`), when the service serves one. */
  model?: string;
  /** `Authorization` header value, `Bearer <key or token>`; never logged, masked in snippets. */
  authorization?: string;
}

export function serviceBase(scoringUri: string): string {
  const url = new URL(scoringUri);
  url.search = '';
  url.hash = '';
  url.pathname = url.pathname.replace(/\/score\/?$/, '').replace(/\/+$/, '');
  return url.toString().replace(/\/+$/, '');
}

export function swaggerUrl(scoringUri: string): string {
  return `${serviceBase(scoringUri)}/swagger.json`;
}

export function v2ModelUrl(scoringUri: string, model: string): string {
  return `${serviceBase(scoringUri)}/v2/models/${encodeURIComponent(model)}`;
}

export function v2InferUrl(scoringUri: string, model: string): string {
  return `${v2ModelUrl(scoringUri, model)}/infer`;
}

/** `name:3` → `name` (V2 addresses a model by name; the version is a separate path segment). */
export function v2ModelName(ref: string): string {
  const colon = ref.lastIndexOf(':');
  return colon > 0 ? ref.slice(0, colon) : ref;
}

/** Throws a plain message when the text is not an http(s) URL. */
export function checkScoringUri(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new Error(`'${text}' is not a URL. Give the scoring URI, for example http://127.0.0.1:5001/score.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`The scoring URI must start with http:// or https://, got '${url.protocol}'.`);
  }
  return url.toString();
}
