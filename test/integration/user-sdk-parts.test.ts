/**
 * The recipe in docs/getting-started.md for users who run their own `NodeSDK`: sprintlens's
 * instrumentations, exporters and log sampling processor as parts of that SDK, in a real
 * process with the real `openai` and `pino`, exporting to the reference backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend } from '../support/backend';
import type { Backend } from '../support/backend';
import { startLlmServer, USAGE } from '../support/llm-server';
import type { LlmServer } from '../support/llm-server';
import { linkPackageIntoApps, runApp } from '../support/spawn-app';

let backend: Backend;
let llm: LlmServer;

beforeAll(async () => {
  linkPackageIntoApps();
  backend = await startBackend({ apiKey: 'parts-key' });
  llm = await startLlmServer();
});
afterAll(async () => {
  await backend.close();
  await llm.close();
});

describe('sprintlens parts inside a user NodeSDK', () => {
  it('LLM span with usage and cost, sampled and correlated logs, through our exporters', async () => {
    const result = await runApp({
      args: ['user-nodesdk-parts.cjs'],
      env: {
        SPRINTLENS_ENDPOINT: backend.url,
        SPRINTLENS_API_KEY: 'parts-key',
        OTEL_SERVICE_NAME: 'user-parts',
        FIXTURE_LLM_URL: llm.url,
        // NodeSDK would otherwise export metrics to a collector at localhost:4318.
        OTEL_METRICS_EXPORTER: 'none',
      },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('app done');

    // Flushed by the user's sdk.shutdown(): everything is there once the app has ended.
    const chat = backend.spans.find((s) => s.name === 'chat gpt-4o-mini');
    expect(chat?.resource['service.name']).toBe('user-parts');
    expect(chat?.attributes['gen_ai.usage.input_tokens']).toBe(USAGE.prompt_tokens);
    expect(chat?.attributes['gen_ai.usage.output_tokens']).toBe(USAGE.completion_tokens);
    expect(chat?.attributes['sprintlens.cost.usd']).toBeGreaterThan(0);
    const parent = backend.spans.find((s) => s.name === 'handle-request');
    expect(chat?.parentSpanId).toBe(parent?.spanId);

    const logs = backend.logRecords;
    const body = (text: string) => logs.filter((l) => String(l.body).startsWith(text));
    expect(body('answered with 1 choices')).toHaveLength(1);
    expect(body('upstream billing failed')).toHaveLength(1);
    // DEBUG at 0.05 with the first five always kept: 5 + Binomial(295, 0.05), about 20.
    const probes = body('cache probe ');
    expect(probes.length).toBeGreaterThanOrEqual(5);
    expect(probes.length).toBeLessThan(100);
    for (const record of logs) {
      expect(record.attributes['sprintlens.pattern.id']).toMatch(/^[0-9a-f]{16}$/);
      expect(record.attributes['sprintlens.sample_rate']).toBeGreaterThanOrEqual(1);
    }
    // Lines logged inside the request's span carry its trace; the others none.
    for (const record of [...body('answered'), ...body('upstream')]) {
      expect(record.traceId).toBe(parent?.traceId);
    }
    for (const record of probes) expect(record.traceId).toBe('');
    // withAttributes: on the spans and the records made inside it, through our processors.
    const session = { 'session.id': 'parts-session', 'user.id': 'parts-user' };
    expect(chat?.attributes).toMatchObject(session);
    expect(parent?.attributes).toMatchObject(session);
    for (const record of [...body('answered'), ...body('upstream')]) {
      expect(record.attributes).toMatchObject(session);
    }
    for (const record of probes) expect(record.attributes['session.id']).toBeUndefined();
    // The processor read SPRINTLENS_ENDPOINT like the exporters: it asked for the policy, and
    // sent its pattern report when the user's SDK shut down.
    expect(backend.policyRequests[0]?.service).toBe('user-parts');
    const report = backend.patternReports[0]?.report;
    expect(report?.service).toBe('user-parts');
    expect(report?.patterns.find((p) => p.template === 'cache probe <*>')).toMatchObject({
      count: 300,
      kept: probes.length,
      severity: 'DEBUG',
    });
    // Both exporters sent the API key and our user agent.
    for (const request of [...backend.requestsTo('traces'), ...backend.requestsTo('logs')]) {
      expect(request.headers.authorization).toBe('Bearer parts-key');
      expect(request.userAgent).toMatch(/^sprintlens-node\//);
    }
  });
});
