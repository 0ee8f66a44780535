// Requests per second of a minimal Express 5 handler (bench/express-app.cjs, `GET /` answering
// JSON) in one run: bare node, under `--require sprintlens/register` and under
// `--require @opentelemetry/auto-instrumentations-node/register` (by default, and limited to
// the http and express instrumentations, the spans sprintlens records), with autocannon on
// loopback.
//
// - Each variant is one server process, started once and warmed up; then the measured runs
//   rotate the order every round (ABCD, BCDA, CDAB, …) so that drift hits every variant alike.
// - Every instrumented server exports all three signals with its defaults to one local OTLP
//   sink (a child process answering 200), so exporting is part of the cost for both. The sink
//   decodes the traces between runs, never during one, and counts the spans each variant
//   delivered: a variant that dropped spans would look cheaper than it is.
// - On this 2-core machine the load generator competes with the server, so each is pinned to
//   its own core with taskset (server on one, autocannon and the sink on the other); `--no-pin`
//   turns that off. The server's CPU time per request is reported too: it hardly moves when
//   other processes take the cores for a while, unlike requests per second.
// Usage: npm run bench:setup && npm run build &&
//   node_modules/.bin/node bench/http-rps.mjs [--duration 10] [--warmup 5] [--rounds 5]
//     [--connections 10] [--sprintlens DIR] [--no-pin]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as zlib from 'node:zlib';
import { variantEnv } from './variant-env.mjs';

const benchFile = fileURLToPath(import.meta.url);
const benchDir = dirname(benchFile);
const benchRequire = createRequire(join(benchDir, 'package.json'));
const rootRequire = createRequire(join(benchDir, '../package.json'));

if (process.argv[2] === '--sink') runSink();
else await runBench();

/** The OTLP sink: answers 200 at once, keeps trace bodies and decodes them when asked. */
function runSink() {
  const protobuf = benchRequire('protobufjs');
  const protoDir = dirname(rootRequire.resolve('@elastic/mockotlpserver/package.json'));
  const root = new protobuf.Root();
  root.resolvePath = (_o, target) => (isAbsolute(target) ? target : join(protoDir, target));
  root.loadSync(['opentelemetry/proto/collector/trace/v1/trace_service.proto']);
  const TraceRequest = root.lookupType(
    'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
  );
  const stats = {}; // variant -> { requests, bytes, spans, serverSpans }
  let pending = []; // [variant, encoding, body] of trace requests not decoded yet
  const statsOf = (variant) =>
    (stats[variant] ??= { requests: 0, bytes: 0, spans: 0, serverSpans: 0, byPath: {}, names: {} });
  const decodePending = () => {
    for (const [variant, encoding, body] of pending) {
      const raw =
        encoding === 'gzip'
          ? zlib.gunzipSync(body)
          : encoding === 'zstd'
            ? zlib.zstdDecompressSync(body)
            : body;
      const s = statsOf(variant);
      for (const rs of TraceRequest.decode(raw).resourceSpans) {
        for (const ss of rs.scopeSpans) {
          for (const span of ss.spans) {
            s.spans += 1;
            if (span.kind === 2) s.serverSpans += 1;
            // Span names (scope: name), to say what each variant records per request.
            const name = `${ss.scope?.name ?? ''}: ${span.name}`;
            if (name in s.names || Object.keys(s.names).length < 20) {
              s.names[name] = (s.names[name] ?? 0) + 1;
            }
          }
        }
      }
    }
    pending = [];
  };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const [, variant, ...rest] = req.url.split('/');
      const path = `/${rest.join('/')}`;
      const body = Buffer.concat(chunks);
      const s = statsOf(variant);
      s.requests += 1;
      s.bytes += body.length;
      s.byPath[path] = (s.byPath[path] ?? 0) + 1;
      if (path === '/v1/traces') pending.push([variant, req.headers['content-encoding'], body]);
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  process.on('message', (message) => {
    if (message === 'stats') {
      decodePending();
      process.send({ stats });
    }
  });
  process.on('disconnect', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
}

async function runBench() {
  const { values: flags } = parseArgs({
    args: process.argv.slice(2),
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '5' },
      connections: { type: 'string', default: '10' },
      sprintlens: { type: 'string', default: join(benchDir, '..') },
      'no-pin': { type: 'boolean', default: false },
    },
  });
  const duration = Number(flags.duration);
  const warmup = Number(flags.warmup);
  const rounds = Number(flags.rounds);
  const connections = Number(flags.connections);
  const autocannon = benchRequire('autocannon');
  const register = join(resolve(flags.sprintlens), 'dist/src/register/register.js');
  if (!existsSync(register)) {
    console.error(`${register} is missing: run \`npm run build\` first`);
    process.exit(1);
  }

  // Server on CPU 0; this process (autocannon) and the sink on CPU 1.
  const pin =
    !flags['no-pin'] &&
    existsSync('/usr/bin/taskset') &&
    spawnSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)]).status === 0;
  const pinned = (cpu, args) =>
    pin ? ['taskset', ['-c', cpu, ...args]] : [args[0], args.slice(1)];

  const [sinkCmd, sinkArgs] = pinned('1', [process.execPath, benchFile, '--sink']);
  const sink = spawn(sinkCmd, sinkArgs, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const sinkPort = await new Promise((done) => sink.once('message', (m) => done(m.port)));
  const sinkStats = () =>
    new Promise((done) => {
      sink.once('message', (m) => done(m.stats));
      sink.send('stats');
    });

  const variants = [
    { key: 'bare', name: 'bare node', preload: [] },
    { key: 'sprintlens', name: '--require sprintlens/register', preload: ['--require', register] },
    {
      key: 'auto',
      name: '--require @opentelemetry/auto-instrumentations-node/register',
      preload: ['--require', '@opentelemetry/auto-instrumentations-node/register'],
    },
    // The same two spans per request as sprintlens (its default adds the `router` package's):
    // what the stock NodeSDK pipeline costs for exactly the work sprintlens does.
    {
      key: 'autoHttpExpress',
      name: 'OTEL_NODE_ENABLED_INSTRUMENTATIONS=http,express node --require @opentelemetry/auto-instrumentations-node/register',
      preload: ['--require', '@opentelemetry/auto-instrumentations-node/register'],
      env: { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,express' },
    },
  ];
  const env = variantEnv();
  for (const v of variants) {
    const appEnv = {
      ...env,
      ...v.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sinkPort}/${v.key}`,
    };
    const [cmd, args] = pinned('0', [
      process.execPath,
      ...v.preload,
      join(benchDir, 'express-app.cjs'),
      '--serve',
    ]);
    v.child = spawn(cmd, args, {
      cwd: benchDir,
      env: appEnv,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    v.port = await new Promise((done, fail) => {
      v.child.once('message', (m) => done(m.port));
      v.child.once('exit', (code) => fail(new Error(`${v.name} exited ${code} before listening`)));
    });
    v.runs = [];
    v.served = 0;
  }

  // CPU time (user + system, all threads) the server process has used, in ms: unlike req/s it
  // hardly moves when other processes take the machine's cores for a while.
  const ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim()) || 100;
  const cpuMillis = (pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  };

  const load = async (v, seconds) => {
    const result = await autocannon({
      url: `http://127.0.0.1:${v.port}/`,
      connections,
      pipelining: 1,
      duration: seconds,
    });
    if (result.errors > 0 || result.non2xx > 0) {
      throw new Error(`${v.name}: ${result.errors} errors, ${result.non2xx} non-2xx answers`);
    }
    v.served += result.requests.total;
    return result;
  };

  for (const v of variants) await load(v, warmup);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(round + i) % variants.length];
      const cpuBefore = cpuMillis(v.child.pid);
      const result = await load(v, duration);
      v.runs.push({
        rps: result.requests.total / result.duration,
        p50: result.latency.p50,
        p99: result.latency.p99,
        cpuPerRequest: (cpuMillis(v.child.pid) - cpuBefore) / result.requests.total,
      });
      await sinkStats(); // decode what arrived, between runs
    }
  }

  // Peak RSS of each server over the whole run, then a clean stop (flushes what is buffered).
  for (const v of variants) {
    const status = readFileSync(`/proc/${v.child.pid}/status`, 'utf8');
    v.peakRssMiB = Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024;
    const exited = new Promise((done) => v.child.once('exit', done));
    v.child.kill('SIGTERM');
    const timer = setTimeout(() => v.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  const stats = await sinkStats();
  sink.disconnect();

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const bareRps = median(variants[0].runs.map((r) => r.rps));
  const overhead = (v) => 1 - median(v.runs.map((r) => r.rps)) / bareRps;
  const cpuUs = (v) => median(v.runs.map((r) => r.cpuPerRequest)) * 1000;
  const addedCpuUs = (v) => cpuUs(v) - cpuUs(variants[0]);
  console.log(
    `Node ${process.version}, Express ${rootRequire('express/package.json').version}, ` +
      `autocannon ${benchRequire('autocannon/package.json').version}: ${connections} connections, ` +
      `${duration} s per run after ${warmup} s of warm-up, ${rounds} rounds in rotated order; ` +
      (pin ? 'server pinned to CPU 0, autocannon and the sink to CPU 1\n' : 'not pinned\n'),
  );
  console.log(
    '| variant | req/s (median) | req/s per round | vs bare | server CPU µs per request | added CPU µs per request | latency p50 / p99 ms | server peak RSS MiB | spans exported per request | SERVER spans per request | OTLP requests (traces/metrics/logs) |',
  );
  console.log('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const v of variants) {
    const s = stats[v.key];
    const rps = median(v.runs.map((r) => r.rps));
    const byPath = s?.byPath ?? {};
    console.log(
      `| \`${v.name}\` | ${rps.toFixed(0)} | ${v.runs.map((r) => r.rps.toFixed(0)).join(', ')} | ` +
        `${v.key === 'bare' ? '' : `${(-overhead(v) * 100).toFixed(1)} %`} | ` +
        `${cpuUs(v).toFixed(0)} | ${v.key === 'bare' ? '' : addedCpuUs(v).toFixed(0)} | ` +
        `${median(v.runs.map((r) => r.p50))} / ${median(v.runs.map((r) => r.p99))} | ` +
        `${v.peakRssMiB.toFixed(1)} | ${s ? (s.spans / v.served).toFixed(2) : '0'} | ` +
        `${s ? (s.serverSpans / v.served).toFixed(2) : '0'} | ` +
        `${byPath['/v1/traces'] ?? 0} / ${byPath['/v1/metrics'] ?? 0} / ${byPath['/v1/logs'] ?? 0} |`,
    );
  }
  console.log('\nSpans per request, by instrumentation scope and span name:\n');
  for (const v of variants.slice(1)) {
    const names = Object.entries(stats[v.key]?.names ?? {}).sort((a, b) => b[1] - a[1]);
    const listed = names.map(([name, n]) => `\`${name}\` ${(n / v.served).toFixed(2)}`);
    console.log(`- \`${v.name}\`: ${listed.join('; ')}`);
  }
  const [, sl, ...alternatives] = variants;
  console.log('');
  for (const alt of alternatives) {
    console.log(
      `Against ${alt.name}: throughput lost ${(overhead(sl) * 100).toFixed(1)} % against ` +
        `${(overhead(alt) * 100).toFixed(1)} % (ratio ${(overhead(sl) / overhead(alt)).toFixed(2)}); ` +
        `server CPU added per request ${addedCpuUs(sl).toFixed(0)} µs against ` +
        `${addedCpuUs(alt).toFixed(0)} µs (ratio ${(addedCpuUs(sl) / addedCpuUs(alt)).toFixed(2)}).`,
    );
  }
}
