import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_REQUEST_FREQUENCY_PENALTY,
  ATTR_REQUEST_MAX_TOKENS,
  ATTR_REQUEST_PRESENCE_PENALTY,
  ATTR_REQUEST_SEED,
  ATTR_REQUEST_STOP_SEQUENCES,
  ATTR_REQUEST_TEMPERATURE,
  ATTR_REQUEST_TOP_K,
  ATTR_REQUEST_TOP_P,
} from '../genai/semconv';
import { setNumber, setStringArray } from '../genai/attributes';

/** Call settings as the AI SDK names them (`ai` 7 events; `ai.settings.*` in `ai` 5/6). */
export interface CallSettings {
  readonly maxOutputTokens?: unknown;
  /** `ai` 4's name of `maxOutputTokens`, still accepted. */
  readonly maxTokens?: unknown;
  readonly temperature?: unknown;
  readonly topP?: unknown;
  readonly topK?: unknown;
  readonly presencePenalty?: unknown;
  readonly frequencyPenalty?: unknown;
  readonly stopSequences?: unknown;
  readonly seed?: unknown;
}

/** The `gen_ai.request.*` attributes of AI SDK call settings (those that are set). */
export function requestAttributes(settings: CallSettings): Attributes {
  const attributes: Attributes = {};
  setNumber(attributes, ATTR_REQUEST_MAX_TOKENS, settings.maxOutputTokens ?? settings.maxTokens);
  setNumber(attributes, ATTR_REQUEST_TEMPERATURE, settings.temperature);
  setNumber(attributes, ATTR_REQUEST_TOP_P, settings.topP);
  setNumber(attributes, ATTR_REQUEST_TOP_K, settings.topK);
  setNumber(attributes, ATTR_REQUEST_PRESENCE_PENALTY, settings.presencePenalty);
  setNumber(attributes, ATTR_REQUEST_FREQUENCY_PENALTY, settings.frequencyPenalty);
  setNumber(attributes, ATTR_REQUEST_SEED, settings.seed);
  setStringArray(attributes, ATTR_REQUEST_STOP_SEQUENCES, settings.stopSequences);
  return attributes;
}

/** The AI SDK functions instrumented, and what each is. */
export const AI_FUNCTIONS: Readonly<
  Record<string, { readonly kind: 'agent' | 'workflow'; readonly streamed: boolean }>
> = {
  generateText: { kind: 'agent', streamed: false },
  streamText: { kind: 'agent', streamed: true },
  generateObject: { kind: 'workflow', streamed: false },
  streamObject: { kind: 'workflow', streamed: true },
  embed: { kind: 'workflow', streamed: false },
  embedMany: { kind: 'workflow', streamed: false },
};

/** The function of an AI SDK operation id (`ai.generateText` → `generateText`), if instrumented. */
export function functionOf(operationId: unknown): string | undefined {
  if (typeof operationId !== 'string' || !operationId.startsWith('ai.')) return undefined;
  const fn = operationId.slice(3);
  return Object.hasOwn(AI_FUNCTIONS, fn) ? fn : undefined;
}
