import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpReceiver } from '../support/otlp-receiver';
import { APPS_DIR, runApp } from '../support/spawn-app';

const receiver = new OtlpReceiver();
const buildDir = join(APPS_DIR, '.build');

beforeAll(() => receiver.start());
afterAll(() => receiver.close());

describe('@track as a TypeScript 5 standard decorator', () => {
  it('compiled by tsc and run under --require: spans named, nested, output captured', async () => {
    const source = readFileSync(join(APPS_DIR, 'decorated.ts'), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
    });
    mkdirSync(buildDir, { recursive: true });
    writeFileSync(join(buildDir, 'decorated.cjs'), outputText);

    const service = 'decorators';
    const result = await runApp({
      args: ['--require', 'sprintlens/register', '.build/decorated.cjs'],
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: service },
    });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('done: ship it');
    await receiver.waitFor(() => receiver.spansOf(service).length === 2);
    const plan = receiver.spansOf(service).find((s) => s.name === 'agent.plan')!;
    const act = receiver.spansOf(service).find((s) => s.name === 'act')!;
    expect(act.parentSpanId).toBe(plan.spanId);
    expect(plan.attributes['sprintlens.track.output']).toBe('"done: ship it"');
    expect(act.attributes).not.toHaveProperty('sprintlens.track.output');
  });
});
