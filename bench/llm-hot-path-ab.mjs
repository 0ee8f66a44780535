// In one process, sprintlens and @opentelemetry/instrumentation-openai on two separate fake
// OpenAI modules, timed in alternating rounds: the two share the process's state (JIT, GC,
// machine load), so their difference is steadier than between separate processes.
// Usage: npm run bench:setup && npm run build && node_modules/.bin/node bench/llm-hot-path-ab.mjs
//        (SPRINTLENS_METRICS=off: sprintlens without its gen_ai.client.* metrics;
//         BENCH_LOGS=off: no logger provider, traces and metrics only)
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakeOpenAI } from './fake-openai.mjs';
import { benchTelemetry, median, rootRequire } from './llm-bench-support.mjs';

const benchRequire = createRequire(join(dirname(fileURLToPath(import.meta.url)), 'package.json'));
const ROUNDS = 8;
const CALLS = 20_000;
const { tracerProvider, meterProvider, loggerProvider } = benchTelemetry({
  logs: process.env.BENCH_LOGS !== 'off',
});
const variants = { none: fakeOpenAI(), sprintlens: fakeOpenAI(), contrib: fakeOpenAI() };
{
  const { OpenAIInstrumentation } = rootRequire('./dist/instrumentations/openai/index.js');
  const inst = new OpenAIInstrumentation({
    enabled: false,
    metrics: process.env.SPRINTLENS_METRICS !== 'off',
  });
  inst.setTracerProvider(tracerProvider);
  inst.setMeterProvider(meterProvider);
  if (loggerProvider !== undefined) inst.setLoggerProvider?.(loggerProvider);
  inst.getModuleDefinitions()[0].patch(variants.sprintlens, '7.0.0');
  inst.enable(); // as in an app: holds the usage ledger (the fake module is never required)
}
{
  const { OpenAIInstrumentation } = benchRequire('@opentelemetry/instrumentation-openai');
  const inst = new OpenAIInstrumentation({ enabled: false });
  inst.setTracerProvider(tracerProvider);
  inst.setMeterProvider(meterProvider);
  if (loggerProvider !== undefined) inst.setLoggerProvider?.(loggerProvider);
  [inst.init()].flat()[0].patch(variants.contrib, '6.49.0');
  inst._enabled = true; // its wrapper checks isEnabled(); enable() would also hook require()
}

const messages = [{ role: 'user', content: 'Say hello.' }];
async function cpuPerCall(mod) {
  const resource = new mod.OpenAI.Chat.Completions();
  const start = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) {
    await resource.create({ model: 'gpt-4o-mini', messages, temperature: 0 });
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / CALLS;
}

for (const mod of Object.values(variants)) await cpuPerCall(mod); // warm-up
const results = { none: [], sprintlens: [], contrib: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const name of Object.keys(variants)) results[name].push(await cpuPerCall(variants[name]));
}
const base = median(results.none);
for (const name of ['sprintlens', 'contrib']) {
  console.log(`${name}: ${(median(results[name]) - base).toFixed(2)} µs added per call`);
}
await tracerProvider.shutdown();
await meterProvider.shutdown();
await loggerProvider?.shutdown();
