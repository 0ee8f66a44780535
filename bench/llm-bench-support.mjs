// What the LLM overhead benches (llm-overhead.mjs, anthropic-overhead.mjs) share: the tracer
// and meter setup every variant runs under, CPU timing, child processes and medians.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const repoDir = join(benchDir, '..');
/** Requires from the repo's own node_modules (bench/node_modules holds other versions). */
export const rootRequire = createRequire(join(repoDir, 'package.json'));

/**
 * The same pipeline for every variant: TracerProvider + BatchSpanProcessor into a no-op
 * exporter that counts spans, AsyncLocalStorage context, a MeterProvider with a reader whose
 * exporter does nothing and, unless `logs` is false, a LoggerProvider + BatchLogRecordProcessor
 * into a no-op exporter, registered as the global logger provider (instrumentations made
 * afterwards log through it). That is what `NodeSDK` sets up by default (OTEL_LOGS_EXPORTER
 * defaults to otlp), and what sprintlens's `start()` sets up. Tracer and meter providers are
 * not registered globally: callers that want it do it. `scheduledDelayMillis` replaces the batch
 * processors' export timer (instruction counts want exports triggered by batch size only, never
 * by the clock, which callgrind slows). `onSpans`, if given, sees every exported batch of spans
 * (for benches that show what a variant emits).
 */
export function benchTelemetry({ logs = true, scheduledDelayMillis = undefined, onSpans } = {}) {
  const api = rootRequire('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = rootRequire('@opentelemetry/context-async-hooks');
  const { TracerProvider, BatchSpanProcessor } = rootRequire('@opentelemetry/sdk-trace');
  const { MeterProvider, PeriodicExportingMetricReader } = rootRequire(
    '@opentelemetry/sdk-metrics',
  );
  const exported = { spans: 0, logRecords: 0, metricBatches: 0 };
  // An exporter that accepts everything at once and counts it under `exported[key]`.
  const countingExporter = (key) => ({
    export(batch, done) {
      exported[key] += Array.isArray(batch) ? batch.length : 1;
      if (key === 'spans') onSpans?.(batch);
      done({ code: 0 });
    },
    shutdown: () => Promise.resolve(),
    forceFlush: () => Promise.resolve(),
  });
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracerProvider = new TracerProvider({
    spanProcessors: [
      new BatchSpanProcessor({ exporter: countingExporter('spans'), scheduledDelayMillis }),
    ],
  });
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: countingExporter('metricBatches'),
        exportIntervalMillis: 3_600_000,
      }),
    ],
  });
  let loggerProvider;
  if (logs) {
    const { LoggerProvider, BatchLogRecordProcessor } = rootRequire('@opentelemetry/sdk-logs');
    loggerProvider = new LoggerProvider({
      processors: [
        new BatchLogRecordProcessor({
          exporter: countingExporter('logRecords'),
          scheduledDelayMillis,
        }),
      ],
    });
    rootRequire('@opentelemetry/api-logs').logs.setGlobalLoggerProvider(loggerProvider);
  }
  return { api, tracerProvider, meterProvider, loggerProvider, exported };
}

/** CPU time (user + system, µs) of `count` sequential awaited calls of `fn`. */
export async function cpuMicros(count, fn) {
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) await fn();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

/**
 * Runs `script` with `args` in a child process (cwd bench/, OTel diagnostics off) and resolves
 * with the JSON of its last stdout line; `name` says which child failed.
 */
export function runJsonChild({ name, script, args, nodeOptions = [] }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeOptions, script, ...args], {
      cwd: benchDir,
      env: { ...process.env, OTEL_LOG_LEVEL: 'none' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${name} exited ${code}: ${out}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)));
    });
  });
}

export function median(values) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** Microseconds as the result tables print them. */
export function formatMicros(n) {
  return Math.abs(n) < 10 ? n.toFixed(2) : n.toFixed(1);
}
