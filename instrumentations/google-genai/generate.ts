import type { Attributes } from '@opentelemetry/api';
import { setNumber, setStringArray } from '../genai/attributes';
import type { ChatMessage, ChunkObserver, ContentCapture, GenAiCall, MessagePart } from '../genai';
import type { LlmAdapter } from '../genai/adapter';
import { asNumber, asObject, asString } from '../genai/narrow';
import type { Json } from '../genai/narrow';
import {
  ATTR_OUTPUT_TYPE,
  ATTR_REQUEST_CHOICE_COUNT,
  ATTR_REQUEST_FREQUENCY_PENALTY,
  ATTR_REQUEST_MAX_TOKENS,
  ATTR_REQUEST_PRESENCE_PENALTY,
  ATTR_REQUEST_SEED,
  ATTR_REQUEST_STOP_SEQUENCES,
  ATTR_REQUEST_TEMPERATURE,
  ATTR_REQUEST_TOP_K,
  ATTR_REQUEST_TOP_P,
} from '../genai/semconv';
import { configAbortSignal, googleRequest } from './client';
import {
  callsFunctions,
  inputMessages,
  outputMessage,
  systemInstructions,
  toolCall,
} from './content';
import { finishReason, PROMPT_BLOCKED } from './finish-reasons';
import { readUsage } from './usage';

/**
 * `Models.prototype.generateContentInternal(params)`: one `generateContent` request. The public
 * `models.generateContent`, `chats.create(…).sendMessage`, each round of automatic function
 * calling and each hop of automatic continuation send through it, so each model request is one
 * span, whichever of them the app called.
 */
export const GENERATE_CONTENT: LlmAdapter = {
  request: (self, args) => googleRequest('chat', self, args, generateRequestAttributes),
  captureInput: captureGenerateInput,
  abortSignal: configAbortSignal,
  readResult: readGenerateContentResponse,
};

/**
 * `Models.prototype.generateContentStreamInternal(params)`: one `streamGenerateContent?alt=sse`
 * request, whose promise gives an async generator of `GenerateContentResponse` chunks, observed
 * in place (`models.generateContentStream`, `chat.sendMessageStream` and their hops read it).
 */
export const GENERATE_CONTENT_STREAM: LlmAdapter = {
  ...GENERATE_CONTENT,
  observeChunks: (call, content) => new GenerateContentStreamObserver(call, content),
};

/** `gen_ai.request.*` attributes and `gen_ai.output.type` of a request's `config`. */
export function generateRequestAttributes(config: Json | undefined): Attributes {
  const attributes: Attributes = {};
  if (config === undefined) return attributes;
  setNumber(attributes, ATTR_REQUEST_TEMPERATURE, config.temperature);
  setNumber(attributes, ATTR_REQUEST_MAX_TOKENS, config.maxOutputTokens);
  setNumber(attributes, ATTR_REQUEST_TOP_P, config.topP);
  setNumber(attributes, ATTR_REQUEST_TOP_K, config.topK);
  setNumber(attributes, ATTR_REQUEST_FREQUENCY_PENALTY, config.frequencyPenalty);
  setNumber(attributes, ATTR_REQUEST_PRESENCE_PENALTY, config.presencePenalty);
  setNumber(attributes, ATTR_REQUEST_SEED, config.seed);
  setStringArray(attributes, ATTR_REQUEST_STOP_SEQUENCES, config.stopSequences);
  const count = asNumber(config.candidateCount);
  if (count !== undefined && count !== 1) attributes[ATTR_REQUEST_CHOICE_COUNT] = count;
  const mime = asString(config.responseMimeType);
  if (mime === 'application/json') attributes[ATTR_OUTPUT_TYPE] = 'json';
  else if (mime === 'text/plain') attributes[ATTR_OUTPUT_TYPE] = 'text';
  return attributes;
}

/** Records `contents` and `config.systemInstruction` (only called when capture is on). */
export function captureGenerateInput(
  call: GenAiCall,
  args: readonly unknown[],
  content: ContentCapture,
): void {
  const params = asObject(args[0]);
  if (params === undefined) return;
  call.inputMessages = inputMessages(params.contents, content);
  call.systemInstructions = systemInstructions(asObject(params.config)?.systemInstruction, content);
}

/** Fills the call from a complete `GenerateContentResponse`. */
export function readGenerateContentResponse(
  call: GenAiCall,
  value: unknown,
  content: ContentCapture | undefined,
): void {
  const response = asObject(value);
  if (response === undefined) return;
  call.responseId = asString(response.responseId);
  call.responseModel = asString(response.modelVersion);
  readUsage(call, response.usageMetadata);
  const candidates = response.candidates;
  if (!Array.isArray(candidates) || candidates.length === 0) {
    if (asString(asObject(response.promptFeedback)?.blockReason) !== undefined) {
      call.finishReasons = [PROMPT_BLOCKED];
    }
    return;
  }
  const reasons: string[] = [];
  const messages: ChatMessage[] | undefined = content === undefined ? undefined : [];
  for (const raw of candidates) {
    const candidate = asObject(raw);
    if (candidate === undefined) continue;
    const gemini = asString(candidate.finishReason);
    const reason =
      gemini === undefined ? undefined : finishReason(gemini, callsFunctions(candidate));
    if (reason !== undefined) reasons.push(reason);
    if (messages !== undefined && content !== undefined) {
      messages.push(outputMessage(candidate, reason, content));
    }
  }
  call.finishReasons = reasons;
  if (messages !== undefined && content !== undefined) call.outputMessages = content.json(messages);
}

/** What one candidate of a stream has said so far. */
interface CandidateState {
  /** Gemini's finish reason, from the chunk that ends the candidate. */
  finishReason: string | undefined;
  calledFunctions: boolean;
  /** The reply's parts in order, consecutive text merged (only when capture is on). */
  parts: StreamedPart[] | undefined;
}

type StreamedPart =
  | { kind: 'text' | 'reasoning'; text: string }
  | { kind: 'call'; id: string | undefined; name: string; args: unknown };

/**
 * Reads the chunks of a streamed `generateContent` as the caller receives them: id and model
 * from the first chunk that has them, usage from the last, finish reasons per candidate.
 * Text, thoughts and function calls are kept only when content capture is on. Nothing is hidden.
 */
export class GenerateContentStreamObserver implements ChunkObserver<unknown> {
  private readonly candidates: CandidateState[] = [];
  private blocked = false;

  constructor(
    private readonly call: GenAiCall,
    private readonly content: ContentCapture | undefined,
  ) {}

  onChunk(value: unknown): boolean {
    const chunk = value as Json | null;
    if (chunk === null || typeof chunk !== 'object') return false;
    const call = this.call;
    if (call.responseId === undefined) call.responseId = asString(chunk.responseId);
    if (call.responseModel === undefined) call.responseModel = asString(chunk.modelVersion);
    const usage = chunk.usageMetadata;
    if (usage !== undefined && usage !== null) readUsage(call, usage);
    const candidates = chunk.candidates;
    if (Array.isArray(candidates)) {
      for (let i = 0; i < candidates.length; i++) this.onCandidate(i, candidates[i] as Json | null);
    } else if (chunk.promptFeedback !== undefined) {
      this.blocked ||= asString(asObject(chunk.promptFeedback)?.blockReason) !== undefined;
    }
    return false;
  }

  private onCandidate(position: number, candidate: Json | null): void {
    if (candidate === null || typeof candidate !== 'object') return;
    const index = typeof candidate.index === 'number' ? candidate.index : position;
    let state = this.candidates[index];
    if (state === undefined) {
      state = {
        finishReason: undefined,
        calledFunctions: false,
        parts: this.content === undefined ? undefined : [],
      };
      this.candidates[index] = state;
    }
    const reason = candidate.finishReason;
    if (typeof reason === 'string') state.finishReason = reason;
    const parts = (candidate.content as Json | undefined)?.parts;
    if (!Array.isArray(parts)) return;
    for (const raw of parts) {
      const part = asObject(raw);
      if (part === undefined) continue;
      const fn = asObject(part.functionCall);
      if (fn !== undefined) state.calledFunctions = true;
      if (state.parts !== undefined) this.keep(state.parts, part, fn);
    }
  }

  /** Accumulates a part for the output message; past what can reach the span, text is not kept. */
  private keep(parts: StreamedPart[], part: Json, fn: Json | undefined): void {
    if (fn !== undefined) {
      parts.push({
        kind: 'call',
        id: asString(fn.id),
        name: asString(fn.name) ?? '',
        args: fn.args,
      });
      return;
    }
    const text = asString(part.text);
    if (text === undefined) return;
    const kind = part.thought === true ? 'reasoning' : 'text';
    const last = parts[parts.length - 1];
    if (last !== undefined && last.kind === kind) {
      if (last.text.length <= (this.content as ContentCapture).keepChars) last.text += text;
    } else {
      parts.push({ kind, text });
    }
  }

  onEnd(): void {
    const reasons: string[] = [];
    const mapped: (string | undefined)[] = [];
    for (const state of this.candidates) {
      const reason =
        state?.finishReason === undefined
          ? undefined
          : finishReason(state.finishReason, state.calledFunctions);
      mapped.push(reason);
      if (reason !== undefined) reasons.push(reason);
    }
    if (reasons.length === 0 && this.blocked) reasons.push(PROMPT_BLOCKED);
    this.call.finishReasons = reasons;
    const content = this.content;
    if (content === undefined) return;
    const messages: ChatMessage[] = [];
    this.candidates.forEach((state, i) => {
      if (state === undefined) return;
      const parts: MessagePart[] = (state.parts ?? []).map((p) =>
        p.kind === 'call'
          ? toolCall(p.id, p.name, p.args, content)
          : { type: p.kind, content: content.text(p.text) },
      );
      const message: ChatMessage = { role: 'assistant', parts };
      const reason = mapped[i];
      if (reason !== undefined) message.finish_reason = reason;
      messages.push(message);
    });
    this.call.outputMessages = content.json(messages);
  }
}
