/**
 * The SDK's own HTTP requests are never traced: with the real
 * `@opentelemetry/instrumentation-http` active (as when an app instruments HTTP), the HTTP
 * client's requests and an OTLP export produce no span, while the app's own request does.
 * Otherwise every export would make a span that the next export sends, for ever.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CHILD = join(__dirname, 'http-client-tracing-child.mjs');

interface ChildReport {
  seen: string[];
  client: { name: string; attributes: Record<string, unknown> }[];
}

function runChild(): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], { stdio: ['ignore', 'pipe', 'pipe'] });
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

describe('the SDK’s own requests under the HTTP instrumentation', () => {
  it('the HTTP client and the exporter make no span; the app’s own request does', async () => {
    const { seen, client } = await runChild();
    // Every request was made...
    expect(seen).toEqual(['GET /sdk/get', 'POST /sdk/post', 'POST /sdk/export', 'GET /plain']);
    // ...and only the app's own is a client span.
    expect(client).toHaveLength(1);
    expect(JSON.stringify(client[0]?.attributes)).toContain('/plain');
  });
});
