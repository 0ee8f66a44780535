import { SpanKind, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { rememberResponseSpan } from '../../src/base/response-spans';
import { usageTallyOf } from '../../src/base/usage-tally';
import { pickAttributes } from '../../src/context/request-scope';
import {
  ATTR_COST_USD,
  ATTR_INPUT_MESSAGES,
  ATTR_OPERATION_NAME,
  ATTR_OUTPUT_MESSAGES,
  ATTR_PROVIDER_NAME,
  ATTR_REQUEST_MODEL,
  ATTR_RESPONSE_FINISH_REASONS,
  ATTR_RESPONSE_ID,
  ATTR_RESPONSE_MODEL,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_STREAM_OUTCOME,
  ATTR_STREAM_TIME_TO_FIRST_TOKEN,
  ATTR_SYSTEM_INSTRUCTIONS,
  ATTR_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_USAGE_CACHE_WRITE_INPUT_TOKENS,
  ATTR_USAGE_INPUT_TOKENS,
  ATTR_USAGE_OUTPUT_TOKENS,
} from '../genai/semconv';
import { reportInternal } from '../genai/safe';
import type { GenAiTelemetry, StreamOutcome } from '../genai';
import { setFrameworkModelRun } from '../genai/framework-run';
import type { FrameworkModelRun } from '../genai/framework-run';
import { parseModelId } from '../bedrock/model-id';
import { errorTypeOf, markFailed } from './errors';
import { ATTR_USAGE_REASONING_OUTPUT_TOKENS, ATTR_USAGE_SOURCE } from './names';
import { providerName } from './provider-name';
import type { AiUsage } from './usage';

/** `gen_ai.provider.name` of Bedrock (see provider-name.ts). */
const BEDROCK = 'aws.bedrock';

/** What a model call is, when it starts. */
export interface ModelCallStart {
  /** `chat` (language models) or `embeddings`. */
  readonly operation: 'chat' | 'embeddings';
  /** The AI SDK provider id (`openai.chat`, `anthropic.messages`, …). */
  readonly providerId: string | undefined;
  readonly model: string | undefined;
  /** `gen_ai.request.*` parameters. */
  readonly attributes: Attributes;
  /** A streamed call (`sprintlens.stream.*` on its span). */
  readonly streamed: boolean;
}

/** The operation a model call belongs to: its context, and where its usage and cost add up. */
export interface ModelCallOwner {
  readonly context: Context;
  readonly telemetry: GenAiTelemetry;
  /** Called once when the call ends: its usage and cost, or that a provider span counted them. */
  modelCallEnded(call: ModelCallRun, counted: boolean, cost: number | undefined): void;
}

/**
 * One model call of an AI SDK operation (a step's `doGenerate`/`doStream`, or a `doEmbed`): a
 * CLIENT span `chat {model}` / `embeddings {model}` under the operation span, the active context
 * while the provider sends the request (where available), and its usage, cost, metrics and
 * `sprintlens_llm_*` counts when it ends, exactly once.
 *
 * One LLM span per model call: the call is a framework model run (genai/framework-run.ts), so an
 * instrumented SDK that makes the request underneath (the `openai` package in a custom provider)
 * is noticed; its span then carries the usage and cost, and this one is renamed after the AI SDK
 * model (`{provider id} {model}`) with no GenAI operation, model or usage, as the LangChain
 * instrumentation does. That is only known at the end, so every `gen_ai.*` attribute of a model
 * call is set when it ends.
 */
export class ModelCallRun implements FrameworkModelRun, AiUsage {
  readonly span: Span;
  /** The span active, and this call as the framework model run of its requests. */
  readonly context: Context;
  readonly operation: 'chat' | 'embeddings';
  readonly providerId: string | undefined;
  readonly provider: string;
  readonly requestModel: string | undefined;
  readonly streamed: boolean;
  responseId: string | undefined = undefined;
  responseModel: string | undefined = undefined;
  finishReasons: string[] | undefined = undefined;
  inputTokens: number | undefined = undefined;
  outputTokens: number | undefined = undefined;
  cacheReadTokens: number | undefined = undefined;
  cacheWriteTokens: number | undefined = undefined;
  reasoningTokens: number | undefined = undefined;
  serverAddress: string | undefined = undefined;
  serverPort: number | undefined = undefined;
  /** Seconds from the request to the first streamed output, as the SDK measured it. */
  timeToFirstToken: number | undefined = undefined;
  /** Content (set only when capture is on): JSON strings, already redacted and truncated. */
  inputMessages: string | undefined = undefined;
  systemInstructions: string | undefined = undefined;
  outputMessages: string | undefined = undefined;
  /** The allowlisted context attributes of the call's context, for its metric points. */
  readonly metricContext: Attributes | undefined;

  /** Its request was sent through a model proxy (see OperationRun.claimModelCall). */
  claimed = false;

  private providerCalls = 0;
  private ended = false;
  private readonly startedAt = performance.now();
  private readonly requestAttributes: Attributes;

  constructor(
    private readonly owner: ModelCallOwner,
    start: ModelCallStart,
  ) {
    this.operation = start.operation;
    this.providerId = start.providerId;
    this.provider = providerName(start.providerId);
    this.requestModel = start.model;
    this.streamed = start.streamed;
    this.requestAttributes = start.attributes;
    const parent = owner.context;
    const keys = owner.telemetry.metricAttributes;
    this.metricContext = keys === undefined ? undefined : pickAttributes(parent, keys);
    const name = start.model === undefined ? start.operation : `${start.operation} ${start.model}`;
    this.span = owner.telemetry.tracer.startSpan(name, { kind: SpanKind.CLIENT }, parent);
    this.context = setFrameworkModelRun(trace.setSpan(parent, this.span), this);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** An instrumented SDK call started under this one (see genai/framework-run.ts). */
  providerCallStarted(): void {
    this.providerCalls++;
  }

  /** Ends successfully (streams: with their outcome). Later calls do nothing. */
  end(outcome?: StreamOutcome): void {
    if (this.ended) return;
    this.ended = true;
    this.finish(undefined, undefined, outcome);
  }

  /** Ends failed with `error` (its class is the `error.type`, unless `errorType` says it). */
  fail(error: unknown, outcome?: StreamOutcome, errorType?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.finish(errorType ?? errorTypeOf(error), error, outcome);
  }

  private finish(errorType: string | undefined, error: unknown, outcome?: StreamOutcome): void {
    const span = this.span;
    let counted = false;
    let cost: number | undefined;
    try {
      if (errorType !== undefined) markFailed(span, errorType, error);
      if (this.streamed && outcome !== undefined) span.setAttribute(ATTR_STREAM_OUTCOME, outcome);
      if (this.providerCalls > 0) {
        // The instrumented SDK's span is the LLM call; this one only groups it.
        span.updateName(`${this.providerId ?? 'ai-sdk'} ${this.requestModel ?? this.operation}`);
        span.setAttribute(ATTR_USAGE_SOURCE, 'provider');
      } else {
        counted = true;
        cost = this.record(span, errorType);
      }
    } catch (internal) {
      reportInternal('ending an AI SDK model call', internal);
    }
    span.end();
    try {
      this.owner.modelCallEnded(this, counted, cost);
    } catch (internal) {
      reportInternal('ending an AI SDK model call', internal);
    }
  }

  /** The call's GenAI attributes, cost, metrics and usage counts; returns the cost. */
  private record(span: Span, errorType: string | undefined): number | undefined {
    const telemetry = this.owner.telemetry;
    span.setAttributes(this.requestAttributes);
    span.setAttribute(ATTR_OPERATION_NAME, this.operation);
    span.setAttribute(ATTR_PROVIDER_NAME, this.provider);
    setDefined(span, ATTR_REQUEST_MODEL, this.requestModel);
    setDefined(span, ATTR_SERVER_ADDRESS, this.serverAddress);
    setDefined(span, ATTR_SERVER_PORT, this.serverPort);
    setDefined(span, ATTR_RESPONSE_ID, this.responseId);
    setDefined(span, ATTR_RESPONSE_MODEL, this.responseModel);
    if (this.finishReasons !== undefined && this.finishReasons.length > 0) {
      span.setAttribute(ATTR_RESPONSE_FINISH_REASONS, this.finishReasons);
    }
    setDefined(span, ATTR_USAGE_INPUT_TOKENS, this.inputTokens);
    setDefined(span, ATTR_USAGE_OUTPUT_TOKENS, this.outputTokens);
    setDefined(span, ATTR_USAGE_CACHE_READ_INPUT_TOKENS, this.cacheReadTokens);
    setDefined(span, ATTR_USAGE_CACHE_WRITE_INPUT_TOKENS, this.cacheWriteTokens);
    setDefined(span, ATTR_USAGE_REASONING_OUTPUT_TOKENS, this.reasoningTokens);
    // Bill the model the server says it ran; fall back to the requested name.
    const cost = telemetry.prices.cost(
      priceName(this.provider, this.responseModel ?? this.requestModel),
      this,
    );
    setDefined(span, ATTR_COST_USD, cost);
    if (this.streamed) setDefined(span, ATTR_STREAM_TIME_TO_FIRST_TOKEN, this.timeToFirstToken);
    if (telemetry.content !== undefined) {
      setDefined(span, ATTR_INPUT_MESSAGES, this.inputMessages);
      setDefined(span, ATTR_SYSTEM_INSTRUCTIONS, this.systemInstructions);
      setDefined(span, ATTR_OUTPUT_MESSAGES, this.outputMessages);
    }
    // For evaluations, as the provider pipeline does (genai/call.ts): the response's span by
    // its id, and the tokens and cost of the experiment item run this call was made beneath.
    if (this.responseId !== undefined) rememberResponseSpan(this.responseId, span.spanContext());
    usageTallyOf(this.owner.context)?.add(this.inputTokens, this.outputTokens, cost);
    telemetry.usage?.add(
      this.provider,
      this.operation,
      this.requestModel ?? this.responseModel,
      errorType,
      this,
      cost,
    );
    telemetry.metrics?.record(this, errorType, (performance.now() - this.startedAt) / 1000);
    return cost;
  }

  /** Takes the usage the SDK reported for this call. */
  setUsage(usage: AiUsage | undefined): void {
    if (usage === undefined) return;
    this.inputTokens = usage.inputTokens;
    this.outputTokens = usage.outputTokens;
    this.cacheReadTokens = usage.cacheReadTokens;
    this.cacheWriteTokens = usage.cacheWriteTokens;
    this.reasoningTokens = usage.reasoningTokens;
  }

  /** Takes `server.address`/`server.port` from the request's URL (or its origin). */
  setServer(url: unknown): void {
    if (typeof url !== 'string') return;
    const server = serverOf(url);
    this.serverAddress = server?.address;
    this.serverPort = server?.port;
  }
}

/**
 * The name `model` is priced under. Bedrock model ids (through `@ai-sdk/amazon-bedrock`) carry
 * a geography prefix and a version suffix (`us.anthropic.claude-sonnet-4-5-20250929-v1:0`):
 * priced as the Bedrock instrumentation prices them.
 */
function priceName(provider: string, model: string | undefined): string | undefined {
  if (model === undefined || provider !== BEDROCK) return model;
  return parseModelId(model).priceName ?? model;
}

/** Servers of request origins seen (an app calls a handful: each parsed once). */
const servers = new Map<string, { address: string; port: number } | null>();

function serverOf(url: string): { address: string; port: number } | undefined {
  let server = servers.get(url);
  if (server === undefined) {
    try {
      const parsed = new URL(url);
      const port =
        parsed.port === '' ? (parsed.protocol === 'http:' ? 80 : 443) : Number(parsed.port);
      server = { address: parsed.hostname, port };
    } catch {
      server = null; // Not a URL: the server stays unknown.
    }
    if (servers.size >= 64) servers.clear();
    servers.set(url, server);
  }
  return server ?? undefined;
}

function setDefined(span: Span, key: string, value: string | number | undefined): void {
  if (value !== undefined) span.setAttribute(key, value);
}
