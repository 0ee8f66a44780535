/**
 * GET /v1/dev/summary of a running dev backend, fed by real SDK clients (the aggregation
 * itself is unit-tested in test/unit/dev-backend/summary.test.ts).
 */
import { SeverityNumber } from '@opentelemetry/api-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEV_SUMMARY_PATH, startBackend } from '../../support/backend';
import type { Backend } from '../../support/backend';
import { createLogging, createTracing } from './otel-clients';
import { jsonTraces, postJson } from './http';

describe('GET /v1/dev/summary', () => {
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });

  it('answers the aggregates of what real SDK clients sent', async () => {
    backend = await startBackend();
    const tracing = createTracing({ baseUrl: backend.url, encoding: 'protobuf' });
    const tracer = tracing.getTracer('t');
    const call = tracer.startSpan('chat gpt-4o', {
      attributes: {
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 7,
        'sprintlens.cost.usd': 0.5,
      },
    });
    call.end();
    await tracing.shutdown();
    const logging = createLogging({ baseUrl: backend.url });
    logging.getLogger('l').emit({ severityNumber: SeverityNumber.WARN, body: 'careful' });
    await logging.shutdown();
    await backend.waitFor(() => backend?.logRecords.length === 1 && backend.spans.length === 1);

    const response = await fetch(`${backend.url}${DEV_SUMMARY_PATH}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as ReturnType<Backend['summary']>;
    expect(body.llm).toMatchObject({ calls: 1, inputTokens: 7, costUsd: 0.5 });
    expect(body.logs.bySeverity.WARN).toEqual({ received: 1, estimated: 1 });
    expect(body.requests.byRoute.traces?.statuses).toEqual({ '200': 1 });
    const { generatedAt: _generatedAt, uptimeSeconds: _uptime, ...rest } = backend.summary();
    expect(body).toMatchObject(JSON.parse(JSON.stringify(rest)) as object);
    // The summary request itself is neither recorded nor counted.
    expect(backend.requests.every((record) => record.path !== DEV_SUMMARY_PATH)).toBe(true);
  });

  it('needs the key when one is set, is never faulted, and only answers GET', async () => {
    backend = await startBackend({
      apiKey: 'k',
      faults: { randomFailure: { ratio: 1, status: 503 } },
    });
    expect((await fetch(`${backend.url}${DEV_SUMMARY_PATH}`)).status).toBe(401);
    const ok = await fetch(`${backend.url}${DEV_SUMMARY_PATH}`, {
      headers: { authorization: 'Bearer k' },
    });
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    const post = await postJson(`${backend.url}${DEV_SUMMARY_PATH}`, jsonTraces(), {
      authorization: 'Bearer k',
    });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    expect(backend.requests).toHaveLength(0);
  });
});
