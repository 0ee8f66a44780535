// pino throughput with sprintlens's pino instrumentation, side by side with plain pino and with
// @opentelemetry/instrumentation-pino log sending (bench/node_modules, `npm run bench:setup`).
//
//   npx tsc -p tsconfig.build.json && node_modules/.bin/node bench/log-sampling/pino-throughput.mjs [lines]
//
// Each variant runs in its own process (both instrumentations patch `pino`), writes `lines`
// (default 1M) mixed-severity lines to /dev/null with a synchronous pino destination, and, where
// it exports, sends OTLP/protobuf through a BatchLogRecordProcessor to one local sink process
// (HTTP 200 for everything, body discarded). Time is the logging loop plus the final flush.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const benchRoot = resolve(here, '..');
const fromRepo = createRequire(join(repoRoot, 'package.json'));
const fromBench = createRequire(join(benchRoot, 'package.json'));

const VARIANTS = {
  plain: 'pino, no instrumentation',
  'sprintlens-all': 'pino + sprintlens, scope all (default rates), exporting kept lines',
  'sprintlens-export': 'pino + sprintlens, scope export (default rates), exporting kept lines',
  'sprintlens-nosampling': 'pino + sprintlens, no sampler, exporting every line',
  contrib: 'pino + @opentelemetry/instrumentation-pino log sending, exporting every line',
};

// --- The workload: mixed severities, printf arguments, merge objects ---------------------------
function writeLines(log, lines) {
  for (let i = 0; i < lines; i++) {
    switch (i % 20) {
      case 0:
      case 1:
        log.trace('cache probe for key %s', 'k' + (i & 1023));
        break;
      case 2:
      case 3:
      case 4:
      case 5:
      case 6:
      case 7:
        log.debug(
          { shard: i & 7, bytes: i & 4095 },
          'fetched %d bytes from shard %d',
          i & 4095,
          i & 7,
        );
        break;
      case 8:
      case 9:
      case 10:
      case 11:
      case 12:
      case 13:
        log.info(
          { user: { id: i & 255 }, route: '/api/items' },
          'user %s opened /api/items',
          'u' + (i & 255),
        );
        break;
      case 14:
      case 15:
      case 16:
        log.warn('queue depth %d above %d', 1000 + (i & 127), 1000);
        break;
      case 17:
      case 18:
        log.error({ code: 'E_TIMEOUT' }, 'upstream timed out after %d ms', 3000 + (i & 63));
        break;
      default:
        log.info('request done');
    }
  }
}

// --- Child: one variant ------------------------------------------------------------------------
async function child(variant, endpoint, lines) {
  const setups = [];
  let provider;
  if (variant.startsWith('sprintlens')) {
    const { PinoInstrumentation } = fromRepo('./dist/instrumentations/pino/index.js');
    const { LoggerProvider, BatchLogRecordProcessor } = fromRepo('@opentelemetry/sdk-logs');
    const { OTLPLogExporter } = fromRepo('@opentelemetry/exporter-logs-otlp-proto');
    const { createLogSampling } = fromRepo('./dist/src/sampling/create-log-sampling-processor.js');
    const batch = new BatchLogRecordProcessor({
      exporter: new OTLPLogExporter({ url: endpoint + '/v1/logs' }),
    });
    let processor = batch;
    let sampler;
    if (variant !== 'sprintlens-nosampling') {
      const sampling = createLogSampling({
        downstream: batch,
        scope: variant === 'sprintlens-all' ? 'all' : 'export',
      });
      processor = sampling.processor;
      sampler = sampling.sampler;
    }
    provider = new LoggerProvider({ processors: [processor] });
    const instrumentation = new PinoInstrumentation();
    instrumentation.setLoggerProvider(provider);
    instrumentation.setLogSampler(sampler); // as start() does
    setups.push(instrumentation);
  } else if (variant === 'contrib') {
    const { PinoInstrumentation } = fromBench('@opentelemetry/instrumentation-pino');
    const { logs } = fromBench('@opentelemetry/api');
    const { LoggerProvider, BatchLogRecordProcessor } = fromRepo('@opentelemetry/sdk-logs');
    const { OTLPLogExporter } = fromRepo('@opentelemetry/exporter-logs-otlp-proto');
    provider = new LoggerProvider({
      processors: [
        new BatchLogRecordProcessor({
          exporter: new OTLPLogExporter({ url: endpoint + '/v1/logs' }),
        }),
      ],
    });
    logs.setGlobalLoggerProvider(provider);
    const instrumentation = new PinoInstrumentation();
    instrumentation.setLoggerProvider?.(provider);
    setups.push(instrumentation);
  }
  const pino = fromRepo('pino');
  const log = pino({ level: 'trace' }, pino.destination({ dest: '/dev/null', sync: true }));
  writeLines(log, 2000); // warm-up
  await provider?.forceFlush();
  const started = process.hrtime.bigint();
  writeLines(log, lines);
  await provider?.forceFlush();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await provider?.shutdown();
  process.stdout.write(JSON.stringify({ ms }) + '\n');
}

// --- Parent: sink, variants, table -------------------------------------------------------------
function runChild(variant, endpoint, lines) {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(
      process.execPath,
      [fileURLToPath(import.meta.url), '--child', variant, endpoint, String(lines)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    proc.stdout.on('data', (chunk) => (out += chunk));
    proc.on('error', reject);
    proc.on('close', (code) => {
      if (code !== 0) reject(new Error(`${variant} exited with ${code}`));
      else resolvePromise(JSON.parse(out.trim().split('\n').at(-1)).ms);
    });
  });
}

async function parent(lines) {
  if (!existsSync(join(repoRoot, 'dist/instrumentations/pino/index.js'))) {
    console.error('Build first: npx tsc -p tsconfig.build.json');
    process.exit(1);
  }
  if (!existsSync(join(benchRoot, 'node_modules/@opentelemetry/instrumentation-pino'))) {
    console.error('Install the alternatives first: npm run bench:setup');
    process.exit(1);
  }
  let requests = 0;
  let bytes = 0;
  const sink = createServer((req, res) => {
    requests++;
    req.on('data', (chunk) => (bytes += chunk.length));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  await new Promise((r) => sink.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${sink.address().port}`;

  // Rounds go round-robin over the variants, so that a change of load on the machine (2 shared
  // cores) hits every variant alike; each variant's median is reported.
  const ROUNDS = 5;
  const times = Object.fromEntries(Object.keys(VARIANTS).map((v) => [v, []]));
  const traffic = Object.fromEntries(
    Object.keys(VARIANTS).map((v) => [v, { requests: 0, bytes: 0 }]),
  );
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of Object.keys(VARIANTS)) {
      const before = { requests, bytes };
      times[variant].push(await runChild(variant, endpoint, lines));
      traffic[variant].requests += requests - before.requests;
      traffic[variant].bytes += bytes - before.bytes;
    }
  }
  const results = {};
  for (const variant of Object.keys(VARIANTS)) {
    const sorted = times[variant].slice().sort((a, b) => a - b);
    results[variant] = {
      ms: sorted[Math.floor(ROUNDS / 2)],
      requests: traffic[variant].requests / ROUNDS,
      kb: traffic[variant].bytes / ROUNDS / 1024,
    };
  }
  sink.close();

  const plain = results.plain.ms;
  const contrib = results.contrib.ms;
  const rows = Object.entries(VARIANTS).map(([variant, label]) => {
    const r = results[variant];
    const perSec = Math.round(lines / (r.ms / 1000));
    return `| ${label} | ${Math.round(r.ms)} | ${perSec.toLocaleString('en-US')} | ${(plain / r.ms).toFixed(2)} | ${(contrib / r.ms).toFixed(2)} | ${Math.round(r.kb).toLocaleString('en-US')} |`;
  });
  const table = [
    `${lines.toLocaleString('en-US')} lines per run, synchronous destination, median of ${ROUNDS} runs, Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'})`,
    '',
    '| variant | ms | lines/s | speed vs plain pino | speed vs instrumentation-pino | KiB exported per run |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
  console.log(table);
}

const [flag, variant, endpoint, linesArg] = process.argv.slice(2);
if (flag === '--child') await child(variant, endpoint, Number(linesArg));
else await parent(Number(flag ?? 1_000_000));
