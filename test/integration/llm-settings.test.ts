/**
 * LLM settings that reach the instrumentations through start(): the price file named by
 * SPRINTLENS_PRICES, and redaction options given in code. A real process, the real `openai`,
 * the local OpenAI-format server, and the reference backend decoding what arrives.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend } from '../support/backend';
import type { Backend } from '../support/backend';
import { startLlmServer, USAGE } from '../support/llm-server';
import type { LlmServer } from '../support/llm-server';
import { linkPackageIntoApps, runApp } from '../support/spawn-app';

let backend: Backend;
let llm: LlmServer;
let dir: string;

beforeAll(async () => {
  linkPackageIntoApps();
  backend = await startBackend();
  llm = await startLlmServer();
  dir = mkdtempSync(join(tmpdir(), 'sprintlens-prices-'));
});
afterAll(async () => {
  await backend.close();
  await llm.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('LLM settings through start()', () => {
  it('prices from SPRINTLENS_PRICES and redaction patterns from code', async () => {
    const prices = join(dir, 'prices.json');
    // Absurd prices, so the cost can only come from this file: USD per million tokens.
    writeFileSync(
      prices,
      JSON.stringify({ models: { 'gpt-4o-mini': { input: 100, output: 1000 } } }),
    );
    const result = await runApp({
      args: ['llm-settings.cjs'],
      env: {
        SPRINTLENS_ENDPOINT: backend.url,
        OTEL_SERVICE_NAME: 'llm-settings',
        SPRINTLENS_PRICES: prices,
        FIXTURE_LLM_URL: llm.url,
      },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('app done\n');

    const span = backend.spans.find((s) => s.name === 'chat gpt-4o-mini');
    // cachedInput defaults to input: every input token at 100, every output token at 1000.
    const expected = (USAGE.prompt_tokens * 100 + USAGE.completion_tokens * 1000) / 1e6;
    expect(span?.attributes['sprintlens.cost.usd']).toBeCloseTo(expected, 9);

    const input = String(span?.attributes['gen_ai.input.messages']);
    expect(input).toContain('Refund [REDACTED:customer_id], then mail [REDACTED:email]');
    expect(input).not.toContain('CUST-004211');
    expect(input).not.toContain('jane@example.com');
  });
});
