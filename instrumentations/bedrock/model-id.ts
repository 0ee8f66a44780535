/**
 * What a Bedrock `modelId` says: the model family whose request and response bodies
 * `InvokeModel` carries, and the name the call is priced under.
 *
 * A `modelId` is a base model id (`anthropic.claude-sonnet-4-5-20250929-v1:0`), a
 * cross-Region inference profile (`us.…`, `eu.…`, `global.…`), or an ARN of either, of an
 * application inference profile, a provisioned or custom model, or a prompt. The price name is
 * the base model id without the `:N` (and `:N:context`) suffix, with `global.` kept (Bedrock
 * prices global profiles apart from regional and geography ones for newer Claude models) and any
 * other geography prefix removed. ARNs of application inference profiles, provisioned, custom and
 * imported models name no base model: they have no price name (their calls are counted as
 * unpriced, never guessed).
 */

/** The request and response body formats of `InvokeModel` that sprintlens reads. */
export type ModelFamily = 'anthropic' | 'nova' | 'titan-text' | 'titan-embed' | 'llama';

/** What a model id says. */
export interface ModelRef {
  /** The body format, when the id names a known one. */
  readonly family: ModelFamily | undefined;
  /** The name to look the price up under (see the module comment). */
  readonly priceName: string | undefined;
}

/** Geography prefixes of system-defined inference profiles. */
const GEOGRAPHIES = new Set(['us', 'us-gov', 'eu', 'apac', 'jp', 'au', 'ca', 'global']);
/** Model providers on Bedrock, for prefixes not (yet) in {@link GEOGRAPHIES}. */
const PROVIDERS = new Set([
  'ai21',
  'amazon',
  'anthropic',
  'cohere',
  'deepseek',
  'meta',
  'mistral',
  'openai',
  'qwen',
  'writer',
]);
/** ARN resource types whose id is a base model or a system-defined profile. */
const MODEL_RESOURCES = new Set(['foundation-model', 'inference-profile']);
const NOT_TEXT_NOVA = /^amazon\.nova-(?:canvas|reel|sonic)/;
const VERSION_SUFFIX = /:\d+(?::[a-z0-9]+)?$/i;
const UNKNOWN: ModelRef = { family: undefined, priceName: undefined };
const CACHE_LIMIT = 256;
const cache = new Map<string, ModelRef>();

/** What `modelId` says (computed once per distinct id, up to a bound). */
export function parseModelId(modelId: string): ModelRef {
  const cached = cache.get(modelId);
  if (cached !== undefined) return cached;
  const ref = parse(modelId);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(modelId, ref);
  return ref;
}

function parse(modelId: string): ModelRef {
  let id = modelId.trim().toLowerCase();
  if (id.startsWith('arn:')) {
    // arn:<partition>:bedrock:<region>:<account>:<resource type>/<resource id>
    const resource = id.split(':').slice(5).join(':');
    const slash = resource.indexOf('/');
    if (slash < 0 || !MODEL_RESOURCES.has(resource.slice(0, slash))) return UNKNOWN;
    id = resource.slice(slash + 1);
  }
  const segments = id.split('.');
  let global = false;
  if (
    segments.length >= 3 &&
    !PROVIDERS.has(segments[0]!) &&
    (GEOGRAPHIES.has(segments[0]!) || PROVIDERS.has(segments[1]!))
  ) {
    global = segments[0] === 'global';
    id = segments.slice(1).join('.');
  }
  const base = id.replace(VERSION_SUFFIX, '');
  if (base === '' || !base.includes('.')) return UNKNOWN;
  return { family: familyOf(base), priceName: global ? `global.${base}` : base };
}

function familyOf(base: string): ModelFamily | undefined {
  if (base.startsWith('anthropic.')) return 'anthropic';
  // Nova's text models; Canvas (images), Reel (video) and Sonic (speech) have other bodies.
  if (base.startsWith('amazon.nova-')) return NOT_TEXT_NOVA.test(base) ? undefined : 'nova';
  if (base.startsWith('amazon.titan-text-') || base.startsWith('amazon.titan-tg1')) {
    return 'titan-text';
  }
  if (base.startsWith('amazon.titan-embed-')) return 'titan-embed';
  if (base.startsWith('meta.llama')) return 'llama';
  return undefined;
}
