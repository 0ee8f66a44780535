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

  it('code-only options: inline prices, content length, no stream usage, an own log instrumentation', async () => {
    const service = 'start-options';
    const result = await runApp({
      args: ['start-options.cjs'],
      env: {
        SPRINTLENS_ENDPOINT: backend.url,
        OTEL_SERVICE_NAME: service,
        FIXTURE_LLM_URL: llm.url,
      },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const spans = backend.spans.filter(
      (s) => s.resource['service.name'] === service && s.name === 'chat gpt-4o-mini',
    );
    expect(spans).toHaveLength(2);
    const [plain, streamed] = spans.sort((a, b) =>
      String(a.attributes['sprintlens.stream.outcome'] ?? '').localeCompare(
        String(b.attributes['sprintlens.stream.outcome'] ?? ''),
      ),
    );
    // Inline prices, not the shipped ones: 7 and 70 USD per million tokens.
    const expected = (USAGE.prompt_tokens * 7 + USAGE.completion_tokens * 70) / 1e6;
    expect(plain?.attributes['sprintlens.cost.usd']).toBeCloseTo(expected, 9);
    // Content cut at 20 characters.
    const input = String(plain?.attributes['gen_ai.input.messages']);
    expect(input).toContain('a question much long…[truncated]');
    // No usage asked for on the stream: no tokens and no cost on its span.
    expect(streamed?.attributes['sprintlens.stream.outcome']).toBe('completed');
    expect(streamed?.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(streamed?.attributes['sprintlens.cost.usd']).toBeUndefined();
    // The app's PinoInstrumentation replaced ours: no trace fields in the line, one record.
    const line = result.stdout.split('\n').find((l) => l.includes('answered'));
    expect(line).toBeDefined();
    expect(line).not.toContain('trace_id');
    await backend.waitFor(() =>
      backend.logRecords.some((r) => r.resource['service.name'] === service),
    );
    const records = backend.logRecords.filter((r) => r.resource['service.name'] === service);
    expect(records.map((r) => r.body)).toEqual(['answered']);
    expect(records[0]?.traceId).toBe(plain?.traceId);
  });
});
