/**
 * The whole request, traced (issue 12): real Express 5, Fastify 5 and Koa 3 servers under
 * `--require` and `--import sprintlens/register`, each sent concurrent requests by a real client.
 * Every handler calls OpenAI (plain and streamed) and Anthropic on the wire-format LLM server,
 * fetches the test's echo endpoint (which holds the fetches until all of an app's requests are
 * in flight) and logs with pino, winston and console. A middleware sets `session.id` and
 * `user.id` from the request headers: with `withAttributes` in the CommonJS apps, with
 * `attributesMiddleware` in the ES-module ones. Everything goes to the real OTLP receiver.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EchoServer } from '../support/echo-server';
import type { EchoRequest } from '../support/echo-server';
import { CLAUDE_REPLY, CLAUDE_USAGE, REPLY, startLlmServer, USAGE } from '../support/llm-server';
import type { LlmRequest, LlmServer } from '../support/llm-server';
import { OtlpReceiver } from '../support/otlp-receiver';
import type { ReceivedLog, ReceivedSpan } from '../support/otlp-receiver';
import { runServerApp } from '../support/server-app';
import type { ServerAppRun } from '../support/server-app';
import type { AppResult } from '../support/spawn-app';

const FRAMEWORKS = ['express', 'fastify', 'koa'] as const;
type Framework = (typeof FRAMEWORKS)[number];
type ModuleKind = 'cjs' | 'esm';

/** Concurrent requests per app. */
const REQUESTS = 6;
/** App processes run at once (two cores, shared with the receiver and the LLM server). */
const PARALLEL_APPS = 2;
const HEALTH_PATH = '/healthz';
/** The LLM calls of one request (app-lib.cjs): two OpenAI chats, one Anthropic message. */
const LLM_CALLS_PER_REQUEST = 3;
/**
 * Cost of one call as the shipped price table prices the LLM server's usage, per million:
 * gpt-4o: 1000 uncached × 2.5 + 200 cached × 1.25 + 300 out × 10; gpt-4o-mini: 1000 × 0.15 +
 * 200 × 0.075 + 300 × 0.6; claude-haiku-4-5: 1000 × 1 + 200 cache reads × 0.1 + 100 cache
 * writes × 1.25 + 300 out × 5.
 */
const COST_BY_MODEL: Readonly<Record<string, number>> = {
  'gpt-4o-2024-08-06': 0.00575,
  'gpt-4o-mini': 0.000345,
  'claude-haiku-4-5': 0.002645,
};
const USAGE_ATTRIBUTES = [
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_write.input_tokens',
  'sprintlens.cost.usd',
];
const HTTP_SCOPE = '@opentelemetry/instrumentation-http';
/** The tokens the LLM server reports for one request's calls (Anthropic's cache tokens apart). */
const REQUEST_USAGE = {
  input:
    2 * USAGE.prompt_tokens +
    CLAUDE_USAGE.input_tokens +
    CLAUDE_USAGE.cache_read_input_tokens +
    CLAUDE_USAGE.cache_creation_input_tokens,
  output: 2 * USAGE.completion_tokens + CLAUDE_USAGE.output_tokens,
};

interface Case {
  readonly framework: Framework;
  readonly kind: ModuleKind;
  readonly service: string;
  readonly env?: Record<string, string>;
}

const CASES: Case[] = FRAMEWORKS.flatMap((framework) =>
  (['cjs', 'esm'] as const).map((kind) => ({
    framework,
    kind,
    service: `rt-${framework}-${kind}`,
  })),
);
/** The HTTP instrumentation turned off (one framework is enough). */
const HTTP_OFF: Case = {
  framework: 'express',
  kind: 'cjs',
  service: 'rt-express-cjs-http-off',
  env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http' },
};

/** One request the client sent: its tag (in the path) and the session and user it claimed. */
interface SentRequest {
  readonly tag: string;
  readonly session: string;
  readonly user: string;
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** What the client saw. */
interface ClientView {
  readonly health: Answer;
  readonly answers: Answer[];
}

/** One app's run and the telemetry of its service. */
interface CaseRun {
  readonly sent: SentRequest[];
  readonly result: AppResult;
  readonly outcome: ServerAppRun<ClientView>['outcome'];
  readonly spans: ReceivedSpan[];
  readonly logs: ReceivedLog[];
}

const receiver = new OtlpReceiver();
// Holds each app's fetches until all its requests are in flight, so that they really overlap.
const echo = new EchoServer({
  gatherSize: REQUESTS,
  groupOf: (path) => path.replace(/-\d+$/, ''),
});
let llm: LlmServer;
/** Each case's run, started by the file's beforeAll, at most PARALLEL_APPS at a time. */
const runs = new Map<string, Promise<CaseRun>>();

beforeAll(async () => {
  await Promise.all([receiver.start(), echo.start()]);
  llm = await startLlmServer();
  const queue = [...CASES, HTTP_OFF];
  const gates: Promise<unknown>[] = [];
  for (const c of queue) {
    // Each run waits for the one PARALLEL_APPS places before it.
    const before = gates[gates.length - PARALLEL_APPS] ?? Promise.resolve();
    const run = before.then(
      () => runCase(c),
      () => runCase(c),
    );
    gates.push(run.catch(() => undefined));
    runs.set(c.service, run);
  }
});

afterAll(async () => {
  await Promise.allSettled(runs.values());
  await Promise.all([receiver.close(), echo.close(), llm?.close()]);
});

function sentRequests(service: string): SentRequest[] {
  return Array.from({ length: REQUESTS }, (_, i) => ({
    tag: `${service}-${i}`,
    session: `session-${service}-${i}`,
    user: `user-${service}-${i}`,
  }));
}

async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, body };
}

/** The client: the health path once, then every request at the same time. */
async function drive(url: string, sent: SentRequest[]): Promise<ClientView> {
  const health = await answerOf(await fetch(`${url}${HEALTH_PATH}`));
  const answers = await Promise.all(
    sent.map(async (r) =>
      answerOf(
        await fetch(`${url}/chat/${r.tag}`, {
          headers: { 'x-session-id': r.session, 'x-user-id': r.user },
        }),
      ),
    ),
  );
  return { health, answers };
}

async function runCase(c: Case): Promise<CaseRun> {
  const sent = sentRequests(c.service);
  const { result, outcome } = await runServerApp({
    args: [
      c.kind === 'cjs' ? '--require' : '--import',
      'sprintlens/register',
      `request-traces/${c.framework}.${c.kind === 'cjs' ? 'cjs' : 'mjs'}`,
    ],
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: c.service,
      SPRINTLENS_COMPRESSION: 'none',
      SPRINTLENS_LOG_SAMPLING: 'off',
      SPRINTLENS_HTTP_IGNORE_PATHS: HEALTH_PATH,
      LLM_URL: llm.url,
      ECHO_URL: echo.url,
      ...c.env,
    },
    use: (url) => drive(url, sent),
    killAfterMillis: 45_000,
  });
  // The SDK flushes on SIGTERM before the process ends; allow the receiver a moment to decode.
  const llmSpans = (): number => receiver.spansOf(c.service).filter(isLlmSpan).length;
  await receiver
    .waitFor(() => llmSpans() >= REQUESTS * LLM_CALLS_PER_REQUEST, 5_000)
    .catch(() => undefined);
  return {
    sent,
    result,
    outcome,
    spans: receiver.spansOf(c.service),
    logs: receiver.logsOf(c.service),
  };
}

/** A span of our LLM instrumentations. */
function isLlmSpan(s: ReceivedSpan): boolean {
  return (
    s.scope?.startsWith('sprintlens-instrumentation-') === true &&
    typeof s.attributes['gen_ai.operation.name'] === 'string'
  );
}

function isServerSpan(s: ReceivedSpan): boolean {
  return s.kind === 'SPAN_KIND_SERVER';
}

function urlOf(s: ReceivedSpan): string {
  return String(s.attributes['url.full'] ?? '');
}

/** The traceparent header's trace id and parent span id. */
function parseTraceparent(value: unknown): { traceId: string; parentId: string } | undefined {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(String(value));
  return match === null ? undefined : { traceId: match[1]!, parentId: match[2]! };
}

/** One request as the telemetry shows it. */
interface RequestTrace {
  readonly sent: SentRequest;
  readonly traceId: string;
  readonly server: ReceivedSpan;
  readonly spans: ReceivedSpan[];
  readonly llm: ReceivedSpan[];
}

/** The request whose SERVER span served `/chat/<tag>`, with every span of its trace. */
function traceOf(run: CaseRun, sent: SentRequest): RequestTrace {
  const servers = run.spans.filter(
    (s) => isServerSpan(s) && s.attributes['url.path'] === `/chat/${sent.tag}`,
  );
  expect(servers, `the SERVER span of /chat/${sent.tag}`).toHaveLength(1);
  const server = servers[0]!;
  const spans = run.spans.filter((s) => s.traceId === server.traceId);
  return { sent, traceId: server.traceId, server, spans, llm: spans.filter(isLlmSpan) };
}

/** The one record whose body is `body`. */
function recordWithBody(logs: ReceivedLog[], body: string): ReceivedLog {
  const found = logs.filter((l) => l.body === body);
  expect(found, `log records "${body}"`).toHaveLength(1);
  return found[0]!;
}

/** The pino, winston and console lines a handler wrote for `tag`. */
function handlerLines(logs: ReceivedLog[], tag: string): ReceivedLog[] {
  return ['pino', 'winston', 'console'].map((logger) =>
    recordWithBody(logs, `${logger} line of ${tag}`),
  );
}

/** What the LLM server reported for one request it answered: tokens, and their cost. */
function reported(request: LlmRequest): { input: number; output: number; cost: number } {
  const model = String(request.body.model);
  const stream = request.body.stream === true;
  const withUsage =
    !stream ||
    (request.body.stream_options as { include_usage?: unknown } | undefined)?.include_usage ===
      true ||
    request.path === '/v1/messages';
  if (!withUsage) return { input: 0, output: 0, cost: 0 };
  const cost = COST_BY_MODEL[model];
  if (cost === undefined) throw new Error(`no expected cost for ${model}`);
  if (request.path === '/v1/messages') {
    return {
      input:
        CLAUDE_USAGE.input_tokens +
        CLAUDE_USAGE.cache_read_input_tokens +
        CLAUDE_USAGE.cache_creation_input_tokens,
      output: CLAUDE_USAGE.output_tokens,
      cost,
    };
  }
  return { input: USAGE.prompt_tokens, output: USAGE.completion_tokens, cost };
}

function sumOf(spans: ReceivedSpan[], attribute: string): number {
  return spans.reduce((sum, s) => {
    const value = s.attributes[attribute];
    return sum + (typeof value === 'number' ? value : 0);
  }, 0);
}

/** The run of `c`; fails with what the app printed when the client could not finish. */
async function finishedRun(c: Case): Promise<CaseRun> {
  const run = await runs.get(c.service)!;
  if ('error' in run.outcome) {
    throw new Error(
      `the client did not finish: ${String(run.outcome.error)}\n` +
        `exit ${run.result.code ?? run.result.signal}, stderr:\n${run.result.stderr.slice(0, 3000)}`,
    );
  }
  return run;
}

function clientView(run: CaseRun): ClientView {
  if ('error' in run.outcome) throw new Error('no client view');
  return run.outcome.value;
}

/** Every request answered with what the LLM server and echo endpoint gave its handler. */
function expectAnswered(run: CaseRun): void {
  const answers = clientView(run).answers;
  expect(answers.map((a) => a.status)).toEqual(run.sent.map(() => 200));
  expect(answers.map((a) => a.body)).toEqual(
    run.sent.map((r) => ({
      tag: r.tag,
      plain: REPLY,
      streamed: REPLY,
      claude: CLAUDE_REPLY,
      echo: 200,
    })),
  );
}

for (const c of CASES) {
  const flag = c.kind === 'cjs' ? '--require' : '--import';
  describe(`${c.framework}, ${flag} sprintlens/register, ${REQUESTS} concurrent requests`, () => {
    let run: CaseRun;
    let cached: RequestTrace[] | undefined;
    const requestTraces = (): RequestTrace[] => (cached ??= run.sent.map((r) => traceOf(run, r)));

    beforeAll(async () => {
      run = await finishedRun(c);
    });

    it('answers every request and the health path; ends by SIGTERM with no SDK warning', () => {
      expectAnswered(run);
      expect(echo.shortGroups, 'requests all in flight at once').not.toContain(
        `/echo/${c.service}`,
      );
      expect(clientView(run).health).toEqual({ status: 200, body: 'ok' });
      expect(run.result.signal).toBe('SIGTERM');
      expect(run.result.stderr).not.toMatch(/SL_[A-Z_]+/);
    });

    it('one trace per request: one SERVER span each, and every span in one of their traces', () => {
      const servers = run.spans.filter(isServerSpan);
      expect(servers.map((s) => s.attributes['url.path']).sort()).toEqual(
        run.sent.map((r) => `/chat/${r.tag}`).sort(),
      );
      const traceIds = new Set(requestTraces().map((t) => t.traceId));
      expect(traceIds.size).toBe(REQUESTS);
      const strays = run.spans.filter((s) => !traceIds.has(s.traceId));
      expect(strays.map((s) => `${s.scope} ${s.name}`)).toEqual([]);
    });

    it('the SERVER span is the root; LLM spans descend from it; their HTTP client spans are their children', () => {
      for (const t of requestTraces()) {
        const byId = new Map(t.spans.map((s) => [s.spanId, s]));
        const roots = t.spans.filter((s) => s.parentSpanId === undefined);
        expect(roots, t.sent.tag).toEqual([t.server]);
        expect(t.llm.map((s) => s.name).sort(), t.sent.tag).toEqual([
          'chat claude-haiku-4-5',
          'chat gpt-4o-2024-08-06',
          'chat gpt-4o-mini',
        ]);
        for (const s of t.llm) {
          // Walk up: every parent is in the trace, and the walk ends at the SERVER span.
          let at: ReceivedSpan | undefined = s;
          const seen = new Set<string>();
          while (at !== undefined && at.parentSpanId !== undefined && !seen.has(at.spanId)) {
            seen.add(at.spanId);
            at = byId.get(at.parentSpanId);
          }
          expect(at, `${t.sent.tag}: ancestors of ${s.name}`).toBe(t.server);
        }
        const llmHttp = t.spans.filter(
          (s) => s.kind === 'SPAN_KIND_CLIENT' && !isLlmSpan(s) && urlOf(s).startsWith(llm.url),
        );
        expect(llmHttp.map((s) => s.parentSpanId).sort(), t.sent.tag).toEqual(
          t.llm.map((s) => s.spanId).sort(),
        );
      }
    });

    it('pino, winston and console lines in a handler carry its trace id', () => {
      for (const t of requestTraces()) {
        for (const record of handlerLines(run.logs, t.sent.tag)) {
          expect(record.traceId, String(record.body)).toBe(t.traceId);
          expect(
            t.spans.map((s) => s.spanId),
            String(record.body),
          ).toContain(record.spanId);
        }
      }
    });

    it('tokens and cost over a trace are what the LLM server reported, counted once', () => {
      for (const t of requestTraces()) {
        const answered = llm.requests.filter(
          (r) => parseTraceparent(r.headers.traceparent)?.traceId === t.traceId,
        );
        expect(answered.map((r) => r.path).sort(), t.sent.tag).toEqual([
          '/v1/chat/completions',
          '/v1/chat/completions',
          '/v1/messages',
        ]);
        const expected = answered.map(reported);
        const input = expected.reduce((sum, r) => sum + r.input, 0);
        const output = expected.reduce((sum, r) => sum + r.output, 0);
        const cost = expected.reduce((sum, r) => sum + r.cost, 0);
        // Every call reported usage (the instrumentation asks a stream for it).
        expect({ input, output }, t.sent.tag).toEqual(REQUEST_USAGE);
        expect(sumOf(t.spans, 'gen_ai.usage.input_tokens'), t.sent.tag).toBe(input);
        expect(sumOf(t.spans, 'gen_ai.usage.output_tokens'), t.sent.tag).toBe(output);
        expect(sumOf(t.spans, 'sprintlens.cost.usd'), t.sent.tag).toBeCloseTo(cost, 10);
      }
      // Only LLM spans carry usage or cost: not the HTTP, framework or SDK-own spans.
      const others = run.spans.filter((s) => !isLlmSpan(s));
      for (const s of others) {
        for (const attribute of USAGE_ATTRIBUTES) {
          expect(s.attributes, `${s.scope} ${s.name}`).not.toHaveProperty([attribute]);
        }
      }
    });

    it('traceparent reaches the fetched endpoint with the request trace id', () => {
      for (const t of requestTraces()) {
        const seen: EchoRequest[] = echo.requests.filter((r) => r.path === `/echo/${t.sent.tag}`);
        expect(seen, t.sent.tag).toHaveLength(1);
        const parent = parseTraceparent(seen[0]!.headers.traceparent);
        expect(parent?.traceId, t.sent.tag).toBe(t.traceId);
        // Its parent is the fetch's own CLIENT span.
        const fetchSpan = t.spans.find((s) => s.spanId === parent?.parentId);
        expect(fetchSpan?.kind, t.sent.tag).toBe('SPAN_KIND_CLIENT');
        expect(urlOf(fetchSpan!), t.sent.tag).toBe(`${echo.url}/echo/${t.sent.tag}`);
      }
    });

    it("the exporter's own requests and the ignored health path make no span", () => {
      expect(receiver.requests.some((r) => r.path === '/v1/traces')).toBe(true);
      const receiverPort = Number(new URL(receiver.url).port);
      const exporterSpans = run.spans.filter(
        (s) => s.attributes['server.port'] === receiverPort || urlOf(s).startsWith(receiver.url),
      );
      expect(exporterSpans.map((s) => s.name)).toEqual([]);
      const healthSpans = run.spans.filter(
        (s) =>
          s.attributes['url.path'] === HEALTH_PATH ||
          s.attributes['http.route'] === HEALTH_PATH ||
          s.name.includes(HEALTH_PATH),
      );
      expect(healthSpans.map((s) => s.name)).toEqual([]);
    });

    it("session and user from the middleware are on the request's LLM spans and log records, never on another's", () => {
      const traces = requestTraces();
      const mine = (r: SentRequest) => ({ 'session.id': r.session, 'user.id': r.user });
      const byTrace = new Map(traces.map((t) => [t.traceId, t.sent]));
      for (const t of traces) {
        for (const s of t.llm)
          expect(s.attributes, `${t.sent.tag} ${s.name}`).toMatchObject(mine(t.sent));
        for (const record of handlerLines(run.logs, t.sent.tag)) {
          expect(record.attributes, String(record.body)).toMatchObject(mine(t.sent));
        }
      }
      // Nothing carries a session or user of a request other than its own.
      for (const item of [...run.spans, ...run.logs]) {
        const session = item.attributes['session.id'];
        const user = item.attributes['user.id'];
        if (session === undefined && user === undefined) continue;
        const owner = item.traceId === undefined ? undefined : byTrace.get(item.traceId);
        expect({ session, user }, JSON.stringify(item.attributes)).toEqual({
          session: owner?.session,
          user: owner?.user,
        });
      }
    });
  });
}

describe('OTEL_NODE_DISABLED_INSTRUMENTATIONS=http (express, --require)', () => {
  let run: CaseRun;

  beforeAll(async () => {
    run = await finishedRun(HTTP_OFF);
  });

  it('takes the HTTP spans away: no SERVER span, nothing from the HTTP instrumentation', () => {
    expectAnswered(run);
    expect(run.result.stderr).not.toMatch(/SL_[A-Z_]+/);
    expect(run.spans.filter(isServerSpan).map((s) => s.name)).toEqual([]);
    expect(run.spans.filter((s) => s.scope === HTTP_SCOPE).map((s) => s.name)).toEqual([]);
  });

  it('leaves the rest working: LLM spans with usage and attributes, log records', () => {
    for (const r of run.sent) {
      const llmSpans = run.spans.filter(
        (s) => isLlmSpan(s) && s.attributes['session.id'] === r.session,
      );
      expect(llmSpans.map((s) => s.name).sort(), r.tag).toEqual([
        'chat claude-haiku-4-5',
        'chat gpt-4o-2024-08-06',
        'chat gpt-4o-mini',
      ]);
      for (const s of llmSpans) expect(s.attributes['user.id'], r.tag).toBe(r.user);
      expect(sumOf(llmSpans, 'gen_ai.usage.input_tokens'), r.tag).toBe(REQUEST_USAGE.input);
      expect(sumOf(llmSpans, 'gen_ai.usage.output_tokens'), r.tag).toBe(REQUEST_USAGE.output);
      for (const record of handlerLines(run.logs, r.tag)) {
        expect(record.attributes, String(record.body)).toMatchObject({
          'session.id': r.session,
          'user.id': r.user,
        });
      }
    }
    expect(run.spans.filter(isLlmSpan)).toHaveLength(REQUESTS * LLM_CALLS_PER_REQUEST);
  });
});
