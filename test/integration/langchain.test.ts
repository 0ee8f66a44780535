/**
 * LangChain.js in real processes, under `--require` and `--import sprintlens/register` (and the
 * `module.register` loader), against the local OpenAI-format server: an LCEL chain
 * (prompt | ChatOpenAI | StrOutputParser) run with `invoke`, `stream` and `batch`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedSpan } from '../support/otlp-receiver';
import { USAGE } from '../support/llm-server/openai';
import { runScenarioApp } from './llm-app-harness';
import type { ModuleKind, ScenarioSummary } from './llm-app-harness';
import { llmBackendsForFile } from './llm-backends';
import { expectNoContentCaptured } from './llm-spans';

const backends = llmBackendsForFile();

/** Provider calls the app makes: invoke 1, stream 1, batch 2. */
const PROVIDER_CALLS = 4;
/** Per chain run: sequence, prompt, model, parser; the batch adds none of its own. */
const EXPECTED_SPANS = PROVIDER_CALLS * 4 + PROVIDER_CALLS;
const SECRET_WORDS = ['terse', 'Jane', 'Joe', 'Say hello', 'Hello from'];

const APP = { name: 'langchain', entry: 'langchain-entry' } as const;

const children = (spans: ReceivedSpan[], parent: ReceivedSpan): ReceivedSpan[] =>
  spans.filter((s) => s.parentSpanId === parent.spanId);

const VARIANTS: readonly { kind: ModuleKind; label: string; env: Record<string, string> }[] = [
  { kind: 'cjs', label: '--require', env: {} },
  { kind: 'esm', label: '--import', env: {} },
  {
    kind: 'esm',
    label: '--import, module.register loader',
    env: { SPRINTLENS_ESM_LOADER: 'async' },
  },
];

for (const variant of VARIANTS) {
  describe(`langchain, ${variant.label} sprintlens/register`, () => {
    const service = `langchain-${variant.kind}-${variant.env.SPRINTLENS_ESM_LOADER ?? 'sync'}`;
    let baseline: ScenarioSummary;
    let summary: ScenarioSummary;
    let stderr: string;
    let spans: ReceivedSpan[];

    beforeAll(async () => {
      const plain = await runScenarioApp(APP, {
        kind: variant.kind,
        instrumented: false,
        llmUrl: backends.llmUrl,
      });
      baseline = plain.summary;
      const run = await runScenarioApp(APP, {
        kind: variant.kind,
        instrumented: true,
        llmUrl: backends.llmUrl,
        env: { ...backends.exportEnv(service), ...variant.env },
      });
      summary = run.summary;
      stderr = run.result.stderr;
      spans = await backends.spansOf(service, EXPECTED_SPANS);
    });

    it('the app sees what it sees uninstrumented', () => {
      for (const [name, value] of Object.entries(baseline)) {
        expect(value, name).not.toHaveProperty('unexpected');
      }
      expect(summary).toEqual(baseline);
      expect(summary.invoke).toEqual({ value: 'Hello from the test server.' });
      expect(stderr).not.toContain('SL_GENAI');
    });

    it('each chain run: workflow span with prompt, model and parser runs; chat span under the model run', () => {
      const roots = spans.filter((s) => s.name === 'invoke_workflow RunnableSequence');
      expect(roots).toHaveLength(PROVIDER_CALLS);
      for (const root of roots) {
        expect(root.kind).toBe('SPAN_KIND_INTERNAL');
        expect(root.scope).toBe('sprintlens-instrumentation-langchain');
        expect(root.parentSpanId).toBeUndefined();
        expect(root.attributes['gen_ai.operation.name']).toBe('invoke_workflow');
        const names = children(spans, root)
          .map((s) => s.name)
          .sort();
        expect(names).toEqual([
          'ChatOpenAI',
          'invoke_workflow ChatPromptTemplate',
          'invoke_workflow StrOutputParser',
        ]);
        const model = children(spans, root).find((s) => s.name === 'ChatOpenAI')!;
        expect(model.kind).toBe('SPAN_KIND_INTERNAL');
        expect(model.attributes['sprintlens.usage.source']).toBe('provider');
        expect(model.attributes).not.toHaveProperty('gen_ai.operation.name');
        expect(model.attributes).not.toHaveProperty('gen_ai.usage.input_tokens');
        expect(model.attributes).not.toHaveProperty('sprintlens.cost.usd');
        const chat = children(spans, model);
        expect(chat.map((s) => s.name)).toEqual(['chat gpt-4o-mini']);
        expect(chat[0]!.kind).toBe('SPAN_KIND_CLIENT');
        expect(chat[0]!.scope).toBe('sprintlens-instrumentation-openai');
        expect(chat[0]!.traceId).toBe(root.traceId);
      }
    });

    it('tokens summed over the traces equal what the server reported, counted once', () => {
      const sum = (key: string) =>
        spans.reduce((total, s) => total + ((s.attributes[key] as number | undefined) ?? 0), 0);
      expect(sum('gen_ai.usage.input_tokens')).toBe(PROVIDER_CALLS * USAGE.prompt_tokens);
      expect(sum('gen_ai.usage.output_tokens')).toBe(PROVIDER_CALLS * USAGE.completion_tokens);
      expect(sum('gen_ai.usage.cache_read.input_tokens')).toBe(
        PROVIDER_CALLS * USAGE.cached_tokens,
      );
      const priced = spans.filter((s) => s.attributes['sprintlens.cost.usd'] !== undefined);
      expect(priced.map((s) => s.name)).toEqual(Array(PROVIDER_CALLS).fill('chat gpt-4o-mini'));
      const llmCalls = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
      expect(llmCalls).toHaveLength(PROVIDER_CALLS);
    });

    it('no prompt or reply text on any span with capture off', () => {
      expectNoContentCaptured(spans, SECRET_WORDS);
    });
  });
}
