/**
 * Sessions and users on every span and log record of their own request, in a real process:
 * an Express 5 app under `--require sprintlens/register` with `attributesMiddleware.express`
 * placed before the body parsers (`express.json()`, then a text reader that resumes the request
 * from the request's own `end` event, in the HTTP server span's context, where the
 * middleware's own context is lost), sent concurrent POSTs with different session and user
 * ids. The client sends every request's headers first and holds the bodies until all requests
 * are in, so every middleware has run before any body is read and the handlers resume
 * interleaved. Each handler logs with pino and calls OpenAI (plain and streamed) on the
 * wire-format LLM server; everything goes to a real OTLP receiver.
 */
import { request } from 'node:http';
import type { ClientRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmServer } from '../support/llm-server';
import type { LlmServer } from '../support/llm-server';
import { OtlpReceiver } from '../support/otlp-receiver';
import type { ReceivedLog, ReceivedSpan } from '../support/otlp-receiver';
import { runServerApp } from '../support/server-app';
import { linkPackageIntoApps } from '../support/spawn-app';

const REQUESTS = 8;
const SERVICE = 'with-attributes-express';

let receiver: OtlpReceiver;
let llm: LlmServer;

beforeAll(async () => {
  linkPackageIntoApps();
  receiver = await new OtlpReceiver().start();
  llm = await startLlmServer();
});
afterAll(async () => {
  await receiver.close();
  await llm.close();
});

const sessionOf = (tag: string) => `session-${tag}`;
const userOf = (tag: string) => `user-${tag}`;

/**
 * POSTs to /chat/<tag> for every tag at once: headers of all first, then, once every request
 * is in flight, the bodies. Resolves with the response bodies.
 */
async function postConcurrently(base: string, tags: readonly string[]): Promise<unknown[]> {
  const sent: { req: ClientRequest; body: string; answer: Promise<unknown> }[] = [];
  for (const tag of tags) {
    const body = `question ${tag}`;
    const req = request(`${base}/chat/${tag}`, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain',
        'content-length': Buffer.byteLength(body),
        'x-session-id': sessionOf(tag),
        'x-user-id': userOf(tag),
      },
    });
    const answer = new Promise<unknown>((resolve, reject) => {
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(JSON.parse(text))
            : reject(new Error(`${res.statusCode}: ${text}`)),
        );
      });
    });
    req.flushHeaders();
    sent.push({ req, body, answer });
  }
  // Every request has reached its middleware (and stopped in express.json) before any body.
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const { req, body } of sent.reverse()) req.end(body);
  return Promise.all(sent.map((s) => s.answer));
}

describe('withAttributes through the Express middleware helper, in a real app', () => {
  let spans: ReceivedSpan[] = [];
  let logs: ReceivedLog[] = [];
  const tags = Array.from({ length: REQUESTS }, (_, i) => `t${i}`);

  beforeAll(async () => {
    const run = await runServerApp({
      args: ['--require', 'sprintlens/register', 'with-attributes-express.cjs'],
      env: {
        OTEL_SERVICE_NAME: SERVICE,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        LLM_URL: llm.url,
        // Every line exported: the test counts them.
        SPRINTLENS_LOG_SAMPLING: 'off',
      },
      use: (base) => postConcurrently(base, tags),
    });
    if ('error' in run.outcome) {
      throw new Error(`requests failed: ${String(run.outcome.error)}\n${run.result.stderr}`);
    }
    expect(run.result.stderr).toBe('');
    const answers = run.outcome.value as { tag: string; reply: string; streamed: string }[];
    expect(answers.map((a) => a.tag).sort()).toEqual([...tags].sort());
    spans = receiver.spans.filter((s) => s.resource['service.name'] === SERVICE);
    logs = receiver.logs.filter((l) => l.resource['service.name'] === SERVICE);
  });

  /** The tag of the request a trace belongs to (from the handler's own span). */
  function tagOfTrace(traceId: string | undefined): string | undefined {
    const handler = spans.find((s) => s.traceId === traceId && s.name === 'handle');
    return handler?.attributes['app.tag'] as string | undefined;
  }

  it("every LLM span carries its own request's session and user, never another's", () => {
    const llmSpans = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
    expect(llmSpans).toHaveLength(2 * REQUESTS);
    const byTag = new Map<string, number>();
    for (const span of llmSpans) {
      const tag = tagOfTrace(span.traceId);
      expect(tag, `LLM span ${span.spanId} is in no request's trace`).toBeDefined();
      expect(span.attributes['session.id']).toBe(sessionOf(tag!));
      expect(span.attributes['user.id']).toBe(userOf(tag!));
      byTag.set(tag!, (byTag.get(tag!) ?? 0) + 1);
    }
    expect([...byTag.keys()].sort()).toEqual([...tags].sort());
    expect([...byTag.values()].every((n) => n === 2)).toBe(true);
  });

  it("every pino record carries its own request's session and user, never another's", () => {
    const requestLogs = logs.filter((l) =>
      /^chat request t\d+ (received|answered)$/.test(String(l.body)),
    );
    expect(requestLogs).toHaveLength(2 * REQUESTS);
    for (const record of requestLogs) {
      const tag = /chat request (t\d+)/.exec(String(record.body))![1]!;
      expect(tagOfTrace(record.traceId)).toBe(tag);
      expect(record.attributes['session.id']).toBe(sessionOf(tag));
      expect(record.attributes['user.id']).toBe(userOf(tag));
    }
  });

  it('the SERVER span of each request carries them too; one trace per request', () => {
    const servers = spans.filter((s) => s.kind === 'SPAN_KIND_SERVER');
    expect(servers).toHaveLength(REQUESTS);
    for (const server of servers) {
      const tag = tagOfTrace(server.traceId);
      expect(tag).toBeDefined();
      expect(server.parentSpanId).toBeUndefined();
      expect(server.attributes['session.id']).toBe(sessionOf(tag!));
      expect(server.attributes['user.id']).toBe(userOf(tag!));
    }
    expect(new Set(servers.map((s) => s.traceId)).size).toBe(REQUESTS);
  });
});
