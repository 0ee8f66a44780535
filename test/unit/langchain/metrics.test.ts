/**
 * LangChain metrics: tool calls counted by name and outcome, and the GenAI metrics and usage
 * ledger fed only by model runs that are the LLM call (framework rule), never by those whose
 * provider SDK call was instrumented (its own call records them). Drives the handler directly.
 */
import { context, trace } from '@opentelemetry/api';
import type { Attributes, Meter } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { loadPriceBook } from '../../../instrumentations/genai';
import { noteProviderCall } from '../../../instrumentations/genai/framework-run';
import { GenAiMetrics } from '../../../instrumentations/genai/metrics';
import { LlmUsage } from '../../../instrumentations/genai/usage-metrics';
import { RunSpans } from '../../../instrumentations/langchain/run-spans';
import { OTHER_TOOL, TOOL_CALLS, ToolCalls } from '../../../instrumentations/genai/tool-metrics';
import type { Labels, MetricsWriter } from '../../../src/base/self-metrics';

/** A meter whose histograms remember what they recorded. */
function recordingMeter() {
  const points: { name: string; value: number; attributes: Attributes }[] = [];
  const meter = {
    createHistogram: (name: string) => ({
      record: (value: number, attributes: Attributes = {}) =>
        points.push({ name, value, attributes }),
    }),
  } as unknown as Meter;
  return { meter, points };
}

/** The series a source writes, as `name{labels}` → value. */
function collected(source: { collect(out: MetricsWriter): void }): Record<string, number> {
  const out: Record<string, number> = {};
  source.collect({
    add: (name: string, value: number, labels?: Labels) => {
      out[`${name}${JSON.stringify(labels ?? {})}`] = value;
    },
    histogram: () => undefined,
  });
  return out;
}

function handler() {
  const { meter, points } = recordingMeter();
  const usage = new LlmUsage();
  const toolCalls = new ToolCalls();
  const spans = new RunSpans({
    tracer: () => trace.getTracer('test'),
    prices: () => loadPriceBook({}),
    genAiMetrics: () => new GenAiMetrics(meter),
    usage: () => usage,
    toolCalls: () => toolCalls,
  });
  return { spans, points, usage, toolCalls };
}

const CHAT = { lc: 1, type: 'not_implemented', id: ['acme', 'AcmeChat'] };
const RESULT = {
  generations: [
    [{ text: 'hi', message: { usage_metadata: { input_tokens: 40, output_tokens: 8 } } }],
  ],
};
const META = { ls_provider: 'acme', ls_model_name: 'claude-haiku-4-5' };

describe('LangChain metrics', () => {
  it('counts tool calls by tool name and outcome', () => {
    const { spans, toolCalls } = handler();
    const tool = { lc: 1, type: 'not_implemented', id: ['tool'] };
    spans.handleToolStart(tool, '{}', 't1', undefined, [], {}, 'get_weather', 'call_1');
    spans.handleToolEnd('sunny', 't1');
    spans.handleToolStart(tool, '{}', 't2', undefined, [], {}, 'get_weather');
    spans.handleToolError(new RangeError('down'), 't2');
    spans.handleToolStart(tool, '{}', 't3', undefined, [], {}, 'search');
    spans.handleToolEnd('x', 't3');
    expect(collected(toolCalls)).toEqual({
      [`${TOOL_CALLS}{"tool":"get_weather","outcome":"ok"}`]: 1,
      [`${TOOL_CALLS}{"tool":"get_weather","outcome":"error"}`]: 1,
      [`${TOOL_CALLS}{"tool":"search","outcome":"ok"}`]: 1,
      [`${TOOL_CALLS}{"tool":"search","outcome":"error"}`]: 0,
    });
  });

  it('folds tool names past the cap into tool="other"', () => {
    const calls = new ToolCalls(2);
    for (const name of ['a', 'b', 'c', 'd', 'a']) calls.add(name, 'ok');
    expect(collected(calls)).toMatchObject({
      [`${TOOL_CALLS}{"tool":"a","outcome":"ok"}`]: 2,
      [`${TOOL_CALLS}{"tool":"b","outcome":"ok"}`]: 1,
      [`${TOOL_CALLS}{"tool":"${OTHER_TOOL}","outcome":"ok"}`]: 2,
    });
  });

  it('a model run that is the LLM call records duration, tokens and the usage ledger', () => {
    const { spans, points, usage } = handler();
    spans.handleChatModelStart(CHAT, [], 'm1', undefined, {}, [], META, 'AcmeChat');
    spans.handleLLMEnd(RESULT, 'm1');
    const attributes = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'acme',
      'gen_ai.request.model': 'claude-haiku-4-5',
    };
    expect(points.map((p) => [p.name, p.attributes])).toEqual([
      ['gen_ai.client.operation.duration', attributes],
      ['gen_ai.client.token.usage', { ...attributes, 'gen_ai.token.type': 'input' }],
      ['gen_ai.client.token.usage', { ...attributes, 'gen_ai.token.type': 'output' }],
    ]);
    expect(points.slice(1).map((p) => p.value)).toEqual([40, 8]);
    const [record] = usage.records();
    expect(record).toMatchObject({ calls: 1, inputTokens: 40, outputTokens: 8 });
    expect(record!.labels).toEqual({
      provider: 'acme',
      operation: 'chat',
      model: 'claude-haiku-4-5',
    });
    expect(record!.costUsd).toBeGreaterThan(0);
  });

  it('a failed framework LLM call records its duration with error.type, no tokens', () => {
    const { spans, points, usage } = handler();
    spans.handleChatModelStart(CHAT, [], 'm1', undefined, {}, [], {}, 'AcmeChat');
    spans.handleLLMError(new TypeError('bad'), 'm1');
    expect(points).toHaveLength(1);
    expect(points[0]!.attributes).toMatchObject({
      'error.type': 'TypeError',
      'gen_ai.provider.name': '_OTHER',
    });
    expect(usage.records()[0]).toMatchObject({ calls: 1, inputTokens: 0 });
  });

  it('a model run whose provider SDK call was instrumented records nothing (the SDK call does)', () => {
    const { spans, points, usage } = handler();
    spans.handleChatModelStart(CHAT, [], 'm1', undefined, {}, [], META, 'AcmeChat');
    noteProviderCall(spans.contextOf('m1') ?? context.active());
    spans.handleLLMEnd(RESULT, 'm1');
    expect(points).toEqual([]);
    expect(usage.records()).toEqual([]);
  });

  it('metrics off (no instruments): spans still end, nothing recorded, nothing thrown', () => {
    const spans = new RunSpans({
      tracer: () => trace.getTracer('test'),
      prices: () => loadPriceBook({}),
    });
    spans.handleChatModelStart(CHAT, [], 'm1', undefined, {}, [], META, 'AcmeChat');
    spans.handleLLMEnd(RESULT, 'm1');
    spans.handleToolStart({ id: ['t'] }, '', 't1');
    spans.handleToolEnd('', 't1');
    expect(spans.inFlight).toBe(0);
  });
});
