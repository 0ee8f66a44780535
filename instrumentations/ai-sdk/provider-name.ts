/**
 * `gen_ai.provider.name` from an AI SDK provider id. Provider packages name their models
 * `<provider>.<api>` (`openai.chat`, `openai.responses`, `anthropic.messages`,
 * `google.generative-ai`, `google.vertex.chat`, `amazon-bedrock`, `azure.chat`, …); the prefix
 * says who serves the model.
 */

/** Provider id prefixes and the well-known `gen_ai.provider.name` each stands for. */
const WELL_KNOWN: readonly (readonly [prefix: string, name: string])[] = [
  // Before `google`: Vertex AI is Google's too, but a different provider name.
  ['google.vertex', 'gcp.vertex_ai'],
  ['google-vertex', 'gcp.vertex_ai'],
  ['vertex', 'gcp.vertex_ai'],
  ['google.generative-ai', 'gcp.gemini'],
  ['google', 'gcp.gemini'],
  ['openai', 'openai'],
  ['anthropic', 'anthropic'],
  ['amazon-bedrock', 'aws.bedrock'],
  ['bedrock', 'aws.bedrock'],
  // @ai-sdk/azure serves Azure OpenAI deployments.
  ['azure-openai', 'azure.ai.openai'],
  ['azure', 'azure.ai.openai'],
  ['mistral', 'mistral_ai'],
  ['cohere', 'cohere'],
  ['groq', 'groq'],
  ['deepseek', 'deepseek'],
  ['perplexity', 'perplexity'],
  ['xai', 'x_ai'],
  ['watsonx', 'ibm.watsonx.ai'],
];

/** Names seen before (provider ids are a handful per process). */
const cache = new Map<string, string>();
const CACHE_LIMIT = 256;

/**
 * The `gen_ai.provider.name` of an AI SDK provider id: a well-known value of the conventions
 * when the prefix is one (`openai.responses` → `openai`, `google.vertex.chat` →
 * `gcp.vertex_ai`), else the id's first segment (`togetherai.chat` → `togetherai`), which the
 * conventions allow for providers they do not list; `_OTHER` when there is no id.
 */
export function providerName(providerId: unknown): string {
  if (typeof providerId !== 'string' || providerId === '') return '_OTHER';
  const known = cache.get(providerId);
  if (known !== undefined) return known;
  const name = resolve(providerId.toLowerCase());
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(providerId, name);
  return name;
}

function resolve(id: string): string {
  for (const [prefix, name] of WELL_KNOWN) {
    if (id === prefix || id.startsWith(`${prefix}.`) || id.startsWith(`${prefix}-`)) return name;
  }
  const dot = id.indexOf('.');
  return dot > 0 ? id.slice(0, dot) : id;
}
