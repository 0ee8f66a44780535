/**
 * The SDK's own HTTP requests are never traced, now that the HTTP and fetch instrumentations
 * are bundled and on by default: under `start()`, the HTTP client's requests, an export through
 * the transport and start()'s own OTLP exports produce no span and no HTTP client metric,
 * while the app's own `http.get` and `fetch` do. Otherwise every export would make a span that the next export
 * sends, for ever.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/ports';

const CHILD = join(__dirname, 'http-client-tracing-child.mjs');

interface SpanView {
  name: string;
  scope: string;
  url: string | undefined;
}

interface ChildReport {
  seen: string[];
  client: SpanView[];
  server: SpanView[];
  counted: { http: number; undici: number };
}

async function runChild(): Promise<ChildReport> {
  const port = await freePort();
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = { CHILD_PORT: String(port) };
    for (const [key, value] of Object.entries(process.env)) {
      if (value !== undefined && !/^(OTEL_|SPRINTLENS_|NODE_OPTIONS$|VITEST)/.test(key)) {
        env[key] = value;
      }
    }
    const child = spawn(process.execPath, [CHILD], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(killer);
      if (code !== 0) reject(new Error(`child exited ${code}: ${err}`));
      else resolve(JSON.parse(out) as ChildReport);
    });
  });
}

describe('the SDK’s own requests under the bundled HTTP instrumentations', () => {
  it('the HTTP client, the transport and the OTLP exports make no span nor metric; the app’s requests do', async () => {
    const { seen, client, server, counted } = await runChild();
    // Every request was made, start()'s own exports among them...
    expect(seen.slice(0, 3)).toEqual(['GET /sdk/get', 'POST /sdk/post', 'POST /sdk/export']);
    expect(seen).toContain('GET /plain');
    expect(seen).toContain('GET /plain-fetch');
    expect(seen.filter((request) => request.startsWith('POST /otlp/v1/')).length).toBeGreaterThan(
      0,
    );
    // ...and only the app's own are client spans: one through node:http, one through fetch.
    expect(client.map((s) => [s.scope, new URL(s.url ?? '').pathname]).sort()).toEqual([
      ['@opentelemetry/instrumentation-http', '/plain'],
      ['@opentelemetry/instrumentation-undici', '/plain-fetch'],
    ]);
    // The server traced the app's requests only: /sdk/* and /otlp/* are httpIgnorePaths.
    expect(server.map((s) => s.url).sort()).toEqual(['/plain', '/plain-fetch']);
    // Nor are the SDK's requests counted in the HTTP client metrics: one request each.
    expect(counted).toEqual({ http: 1, undici: 1 });
  });
});
