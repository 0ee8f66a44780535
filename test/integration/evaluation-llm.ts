/**
 * What the evaluation tests' local OpenAI server shares: the capitals of the dataset fixture,
 * and a chat completion reply with the usage every call reports (`USAGE`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { USAGE } from '../support/llm-server';
import type { LlmResponder } from '../support/llm-server';
import { REPO_ROOT } from '../support/paths';

/** The 20-item dataset: `{ id, input: { country }, expected: capital, metadata }` per line. */
export const CAPITALS_DATASET = join(REPO_ROOT, 'test/fixtures/evaluation/capitals.jsonl');

/** Country → capital, as the dataset expects them. */
export const CAPITALS = new Map<string, string>(
  readFileSync(CAPITALS_DATASET, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { input: { country: string }; expected: string })
    .map((item) => [item.input.country, item.expected]),
);

/** The country a prompt asks the capital of (`…capital of France…`). */
export function countryIn(prompt: string): string {
  return /capital of (\w+)/.exec(prompt)?.[1] ?? '';
}

/** Answers a chat completion with `content`, reporting `USAGE` (cached tokens included). */
export function replyChat(
  respond: LlmResponder,
  reply: { readonly id: string; readonly model: string; readonly content: string },
): void {
  respond.json(200, {
    id: reply.id,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: reply.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply.content, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: USAGE.prompt_tokens,
      completion_tokens: USAGE.completion_tokens,
      total_tokens: USAGE.prompt_tokens + USAGE.completion_tokens,
      prompt_tokens_details: { cached_tokens: USAGE.cached_tokens },
    },
  });
}
