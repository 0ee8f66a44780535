/**
 * The usage ledger behind the `sprintlens_llm_*` counters: nothing at import, one ledger per
 * process while an LLM instrumentation is enabled, counts kept when the last one is disabled.
 * (Each test file runs in a fresh process: the self-metrics start empty.)
 */
import { describe, expect, it } from 'vitest';
import { AnthropicInstrumentation } from '../../../instrumentations/anthropic';
import { OpenAIInstrumentation } from '../../../instrumentations/openai';
import { selfMetrics } from '../../../src/base/self-metrics';

const CALLS = 'sprintlens_llm_calls_total{provider="openai",operation="chat",model="gpt-4o"}';

/** A minimal `openai` module whose chat `create` resolves at once (a plain promise). */
function fakeOpenAI() {
  class Completions {
    _client = { baseURL: 'http://127.0.0.1:1/v1' };
    create(body: { model: string }) {
      return Promise.resolve({
        id: 'x',
        model: body.model,
        choices: [],
        usage: { prompt_tokens: 3, completion_tokens: 2 },
      });
    }
  }
  return { OpenAI: { Chat: { Completions } } };
}

async function scrape(): Promise<string> {
  return selfMetrics().registry.metrics();
}

describe('the LLM usage ledger', () => {
  it('importing the instrumentations registers no metric', async () => {
    expect(await scrape()).not.toContain('sprintlens_llm_');
  });

  it('is held while an instrumentation is enabled; its counts outlive the last disable()', async () => {
    const sdk = fakeOpenAI();
    const openai = new OpenAIInstrumentation(); // enabled by default
    const anthropic = new AnthropicInstrumentation();
    expect(await scrape()).toContain('# TYPE sprintlens_llm_calls_total counter');
    openai.getModuleDefinitions()[0]!.patch?.(sdk, '7.0.0');
    const resource = new sdk.OpenAI.Chat.Completions();
    await resource.create({ model: 'gpt-4o' });
    expect(await scrape()).toContain(`${CALLS} 1`);

    openai.disable();
    anthropic.disable();
    // Counters never go back; a call made while disabled (patched by hand) is not counted.
    await resource.create({ model: 'gpt-4o' });
    expect(await scrape()).toContain(`${CALLS} 1`);

    openai.enable();
    await resource.create({ model: 'gpt-4o' });
    const text = await scrape();
    expect(text).toContain(`${CALLS} 2`);
    expect(text).toContain(
      'sprintlens_llm_tokens_total{provider="openai",operation="chat",model="gpt-4o",type="input"} 6',
    );
    openai.disable();
  });
});
