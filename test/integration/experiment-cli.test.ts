/**
 * `sprintlens experiment run` and `sprintlens experiment compare`, as a user runs them: in an
 * ES-module project (package.json `"type": "module"`) that resolves sprintlens and openai from
 * its node_modules, an experiment module importing openai as an ES module, the local OpenAI
 * server whose answers depend on the prompt version. The run is instrumented (the ES-module
 * hook is registered before the module loads), alone and under `--import sprintlens/register`;
 * a CommonJS definition works too; the A/B gate exits 1 on an injected regression and 0 on two
 * equal runs; bad arguments exit 2.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmServer, USAGE } from '../support/llm-server';
import type { LlmRequest, LlmResponder } from '../support/llm-server';
import { OtlpReceiver } from '../support/otlp-receiver';
import { REPO_ROOT, runApp } from '../support/spawn-app';
import type { AppResult } from '../support/spawn-app';
import { CAPITALS, CAPITALS_DATASET, countryIn, replyChat } from './evaluation-llm';

const CLI = join(REPO_ROOT, 'dist/src/cli/main.js');
const DATASET = CAPITALS_DATASET;
/** Countries prompt v2 gets wrong: the injected regression (8 of 20). */
const V2_WRONG = new Set([
  'Spain',
  'Italy',
  'Greece',
  'Norway',
  'Ireland',
  'Hungary',
  'Czechia',
  'Croatia',
]);

/** Answers by the prompt version in the system message: v1 right, v2 wrong for some. */
function chat(request: LlmRequest, respond: LlmResponder): void {
  const messages = request.body.messages as { role: string; content: string }[];
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  const country = countryIn(messages[messages.length - 1]?.content ?? '');
  const wrong = system.includes('v2') && V2_WRONG.has(country);
  const content = wrong ? 'Atlantis' : (CAPITALS.get(country) ?? 'unknown');
  replyChat(respond, { id: `chatcmpl-${country}`, model: String(request.body.model), content });
}

/** The experiment module: openai imported as an ES module, the prompt version from PROMPT. */
const EXPERIMENT_MJS = `import OpenAI from 'openai';
import { exactMatch } from 'sprintlens';

const client = new OpenAI({ apiKey: 'sk-test', baseURL: process.env.LLM_URL + '/v1', maxRetries: 0 });

export const experiment = {
  name: 'capitals-' + process.env.PROMPT,
  data: './capitals.jsonl',
  task: async ({ country }) => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'prompt ' + process.env.PROMPT },
        { role: 'user', content: 'What is the capital of ' + country + '?' },
      ],
    });
    return completion.choices[0].message.content;
  },
  evaluators: [exactMatch()],
};
`;

/** The same as a CommonJS module, a function returning the definition. */
const EXPERIMENT_CJS = `const { OpenAI } = require('openai');
const { exactMatch } = require('sprintlens');

module.exports = async () => {
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: process.env.LLM_URL + '/v1', maxRetries: 0 });
  return {
    name: 'capitals-cjs',
    data: './capitals.jsonl',
    concurrency: 2,
    task: async ({ country }) =>
      (await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'system', content: 'prompt v1' }, { role: 'user', content: 'What is the capital of ' + country + '?' }],
      })).choices[0].message.content,
    evaluators: [exactMatch()],
  };
};
`;

const receiver = new OtlpReceiver();
const llm = new LlmServer().route('POST', '/v1/chat/completions', chat);
let project = '';

beforeAll(async () => {
  await receiver.start();
  await llm.start();
  project = mkdtempSync(join(tmpdir(), 'sprintlens-experiment-esm-'));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'experiment-esm-app', version: '1.0.0', type: 'module' }),
  );
  // The package and openai linked in, as an install would have them.
  for (const [name, target] of [
    ['sprintlens', REPO_ROOT],
    ['openai', join(REPO_ROOT, 'node_modules/openai')],
  ] as const) {
    const link = join(project, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(target, link, 'dir');
  }
  writeFileSync(join(project, 'capitals.jsonl'), readFileSync(DATASET));
  writeFileSync(join(project, 'experiment.mjs'), EXPERIMENT_MJS);
  writeFileSync(join(project, 'experiment-cjs.cjs'), EXPERIMENT_CJS);
  writeFileSync(join(project, 'nothing.mjs'), 'export const unrelated = 1;\n');
});

afterAll(async () => {
  await receiver.close();
  await llm.close();
});

/** `node [nodeArgs] main.js experiment <args>` in the project, telemetry to the receiver. */
function cli(
  args: readonly string[],
  options: { prompt?: string; service?: string; nodeArgs?: readonly string[] } = {},
): Promise<AppResult> {
  return runApp({
    args: [...(options.nodeArgs ?? []), CLI, 'experiment', ...args],
    cwd: project,
    env: {
      LLM_URL: llm.url,
      PROMPT: options.prompt ?? 'v1',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: options.service ?? 'experiment-cli',
      SPRINTLENS_COMPRESSION: 'none',
    },
  });
}

interface ResultFile {
  name: string;
  items: { id: string; inputTokens: number; costUsd: number; spanId?: string }[];
  summary: { inputTokens: number; evaluators: { name: string; mean?: number }[] };
}

const readResult = (name: string): ResultFile =>
  JSON.parse(readFileSync(join(project, name), 'utf8')) as ResultFile;

describe('sprintlens experiment run', () => {
  let run: AppResult;
  beforeAll(async () => {
    run = await cli(['run', 'experiment.mjs', '--out', 'a.json', '--junit', 'a.xml'], {
      service: 'run-esm',
    });
  });

  it('runs an ES-module definition, instrumented: tokens counted, LLM spans beneath items', async () => {
    expect(run.code, run.stderr).toBe(0);
    const result = readResult('a.json');
    expect(result.name).toBe('capitals-v1');
    expect(result.items).toHaveLength(20);
    // openai was imported as an ES module: only the hook registered first makes this count.
    expect(result.summary.inputTokens).toBe(20 * USAGE.prompt_tokens);
    await receiver.waitFor(
      () => receiver.spansOf('run-esm').filter((s) => s.name === 'chat gpt-4o-mini').length >= 20,
    );
    const spans = receiver.spansOf('run-esm');
    for (const item of result.items) {
      const beneath = spans.filter((s) => s.parentSpanId === item.spanId);
      expect(beneath.map((s) => s.name)).toEqual(['chat gpt-4o-mini']);
    }
  });

  it('shows progress as plain lines off a terminal, then the summary table and the files', () => {
    const progress = run.stderr.split('\n').filter((l) => /^\[\d+\/20\] /.test(l));
    expect(progress).toHaveLength(20);
    expect(progress.at(-1)).toMatch(/^\[20\/20\] cap-\d\d: ok, \d+ ms, exact_match 1$/);
    expect(run.stderr).not.toContain('\r');
    expect(run.stdout).toContain('Experiment capitals-v1 (run ');
    expect(run.stdout).toMatch(/exact_match\s+1\.000\s+100\.0 %\s+20\s+0\s+0/);
    expect(run.stdout).toContain(`result   ${join(project, 'a.json')}`);
    const junit = readFileSync(join(project, 'a.xml'), 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(20);
    expect(junit).toContain('failures="0" errors="0"');
  });

  it('under --import sprintlens/register too: one SDK, the same measures', async () => {
    const again = await cli(['run', 'experiment.mjs', '--out', 'a2.json', '--quiet'], {
      service: 'run-esm-import',
      nodeArgs: ['--import', 'sprintlens/register'],
    });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('SL_');
    expect(readResult('a2.json').summary.inputTokens).toBe(20 * USAGE.prompt_tokens);
    await receiver.waitFor(
      () =>
        receiver.spansOf('run-esm-import').filter((s) => s.name.startsWith('experiment_item'))
          .length >= 20,
    );
    // Exactly one span per item run: a second SDK would have doubled them.
    const items = receiver
      .spansOf('run-esm-import')
      .filter((s) => s.name === 'experiment_item capitals-v1');
    expect(items).toHaveLength(20);
  });

  it('runs a CommonJS definition (a function returning the options)', async () => {
    const cjs = await cli(['run', 'experiment-cjs.cjs', '--out', 'cjs.json', '--quiet']);
    expect(cjs.code, cjs.stderr).toBe(0);
    const result = readResult('cjs.json');
    expect(result.name).toBe('capitals-cjs');
    expect(result.summary.inputTokens).toBe(20 * USAGE.prompt_tokens);
  });

  it('exits 2 for a missing file, a module without an experiment, a bad flag', async () => {
    const missing = await cli(['run', 'missing.mjs']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('SL_CLI_INVALID_ARGUMENT missing.mjs: no such file');
    const nothing = await cli(['run', 'nothing.mjs']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('cannot load nothing.mjs');
    expect(nothing.stderr).toContain('exports no experiment');
    const bad = await cli(['run', 'experiment.mjs', '--trials', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('SL_CLI_INVALID_ARGUMENT --trials');
    const help = await cli(['run', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: sprintlens experiment run <file> [flags]');
  });
});

describe('sprintlens experiment compare', () => {
  beforeAll(async () => {
    // The run of a.json happened above; the changed prompt, and an equal run of the first.
    const b = await cli(['run', 'experiment.mjs', '--out', 'b.json', '--quiet'], { prompt: 'v2' });
    expect(b.code, b.stderr).toBe(0);
    const equal = await cli(['run', 'experiment.mjs', '--out', 'a3.json', '--quiet']);
    expect(equal.code, equal.stderr).toBe(0);
  });

  it('exits 1 on the injected regression, naming the evaluator', async () => {
    expect(readResult('b.json').summary.evaluators[0]!.mean).toBeCloseTo(0.6, 12);
    const gate = await cli(['compare', 'a.json', 'b.json', '--evaluator', 'exact_match']);
    expect(gate.code, gate.stderr).toBe(1);
    expect(gate.stdout).toMatch(/exact_match\s+20\s+1\.000\s+0\.600\s+-0\.400/);
    const withThreshold = await cli(['compare', 'a.json', 'b.json', '--threshold', '0.5']);
    expect(withThreshold.code).toBe(0); // a drop of 0.4 is within an allowed 0.5
  });

  it('exits 0 for two equal runs', async () => {
    const gate = await cli(['compare', 'a.json', 'a3.json']);
    expect(gate.code, gate.stdout + gate.stderr).toBe(0);
    const json = await cli(['compare', 'a.json', 'a3.json', '--json']);
    expect((JSON.parse(json.stdout) as { passed: boolean }).passed).toBe(true);
  });

  it('exits 2 for bad arguments and files that are not results', async () => {
    const one = await cli(['compare', 'a.json']);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('SL_CLI_INVALID_ARGUMENT <b.json>: missing');
    const notResult = await cli(['compare', 'a.json', 'capitals.jsonl']);
    expect(notResult.code).toBe(2);
    expect(notResult.stderr).toContain('SL_EVALUATION_NOT_EXPERIMENT_RESULT capitals.jsonl');
    const badRule = await cli(['compare', 'a.json', 'b.json', '--rule', 'vibes']);
    expect(badRule.code).toBe(2);
    const help = await cli(['compare', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--evaluator NAME');
  });
});
