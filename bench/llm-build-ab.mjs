// Two builds of sprintlens on the LLM hot path, A (default /work/before, e.g. the commit before a
// change) against B (default this checkout), both `dist/` built. No network: each variant patches
// its own fake SDK module (fake-openai.mjs) and calls it in process.
//
// Time (default): in one process, the fake SDK alone, A and B, timed in alternating rounds (order
// reversed every round), so the three share JIT, GC and machine load; per call over plain
// calls, per chunk over long streams; medians of the rounds, and B − A paired round by round.
// Run twice back to back, A set up first then B first (the one set up second measures a little
// slower), and the two differences averaged. CPU time on a shared machine moves by several µs
// per call from run to run: compare A and B within one run only.
//
// Instructions (`--callgrind`): each (variant, measure) runs once under `valgrind
// --tool=callgrind`: warm-up, a full GC, then N calls (or one stream of N chunks) between two
// markers callgrind zeroes and dumps its counters at, so the count is the measured operations'
// own, the GC work they cause included. Nothing in it may depend on the clock, which callgrind
// slows 50-fold: V8's `--predictable` keeps its compiler and GC on the main thread,
// `--predictable-gc-schedule` fixes the heap's growth (by default sized from measured GC speed:
// one major GC more or less moved a count by 2 %), and batches of spans are exported when full,
// never on a timer. The fixed schedule collects more often than V8's default, so GC weighs more
// in these counts than in an app: compare builds, not absolute numbers with timings. Runs of one
// build still differ by up to about 1 % per call (per chunk, 0.1 %), against 3-8 % for CPU
// time, so each count is the median of `--repeat` processes, printed with its range.
//
// Usage (npm run build first; node from node_modules, Node 24):
//   node_modules/.bin/node bench/llm-build-ab.mjs [--a DIR] [--b DIR] [--provider openai|anthropic]
//        [--content] [--rounds 12]
//   node_modules/.bin/node bench/llm-build-ab.mjs --callgrind [--a DIR] [--b DIR]
//        [--provider openai|anthropic] [--calls 8000] [--chunks 40000] [--repeat 3] [--jobs 2]
// Both sides run the instrumentation as an app does: enabled (so the usage ledger is held),
// patched onto the fake module by hand (the module is never `require`d, so hooks patch nothing).
/* global setImmediate */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { freemem, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakeAnthropic, fakeOpenAI } from './fake-openai.mjs';
import { benchTelemetry, median, repoDir, runJsonChild } from './llm-bench-support.mjs';

const args = parseArgs(process.argv.slice(2));
const DIRS = { a: resolve(args.a ?? '/work/before'), b: resolve(args.b ?? repoDir) };
const PROVIDER = args.provider ?? 'openai';
const CONTENT = args.content === true;
/** Chunks in the streams that measure the cost per chunk (the call's own cost spread thin). */
const LONG_STREAM = 20_000;
const WARM_CALLS = 20_000;
const WARM_STREAMS = 200;

if (args.count !== undefined) await countMode(args.count, args.measure, Number(args.n));
else if (args.callgrind === true) await callgrindMode();
else await timeMode(Number(args.rounds ?? 12));

// ---------------------------------------------------------------- shared

function parseArgs(list) {
  const out = {};
  for (let i = 0; i < list.length; i++) {
    const name = list[i].replace(/^--/, '');
    const value = list[i + 1];
    if (value === undefined || value.startsWith('--')) out[name] = true;
    else {
      out[name] = value;
      i++;
    }
  }
  return out;
}

/** The provider's instrumentation module of build `variant` (`a` or `b`). */
function load(variant) {
  const dir = DIRS[variant];
  const entry = join(dir, 'dist/instrumentations', PROVIDER, 'index.js');
  if (!existsSync(entry)) throw new Error(`${entry} missing: build ${dir} first`);
  return createRequire(entry)(entry);
}

/** `variant` is `none` (the fake SDK alone), `a` or `b`: returns what one call and one stream do. */
function setUp(variant, telemetry) {
  const mod = PROVIDER === 'anthropic' ? fakeAnthropic() : fakeOpenAI();
  if (variant !== 'none') {
    const exports = load(variant);
    const Instrumentation =
      PROVIDER === 'anthropic' ? exports.AnthropicInstrumentation : exports.OpenAIInstrumentation;
    const inst = new Instrumentation({ enabled: false, captureContent: CONTENT });
    inst.setTracerProvider(telemetry.tracerProvider);
    inst.setMeterProvider(telemetry.meterProvider);
    if (telemetry.loggerProvider !== undefined) inst.setLoggerProvider(telemetry.loggerProvider);
    inst.getModuleDefinitions()[0].patch(mod, PROVIDER === 'anthropic' ? '0.65.0' : '7.0.0');
    inst.enable();
  }
  const resource =
    PROVIDER === 'anthropic' ? new mod.Anthropic.Messages() : new mod.OpenAI.Chat.Completions();
  const body =
    PROVIDER === 'anthropic'
      ? { model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'Hi.' }] }
      : { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi.' }], temperature: 0 };
  return {
    call: () => resource.create(body),
    stream: async (chunks) => {
      const s = await resource.create({ ...body, stream: true, bench_chunks: chunks });
      for await (const chunk of s) void chunk;
    },
  };
}

/** `n` sequential awaited runs of `fn`, letting the event loop turn every 64 as an app's I/O does. */
async function loop(n, fn) {
  for (let i = 1; i <= n; i++) {
    await fn();
    if ((i & 63) === 0) await new Promise(setImmediate);
  }
}

async function cpu(n, fn) {
  const start = process.cpuUsage();
  await loop(n, fn);
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

async function warmUp(v) {
  await loop(WARM_CALLS, v.call);
  await loop(WARM_STREAMS, () => v.stream(20));
  await v.stream(LONG_STREAM);
}

// ---------------------------------------------------------------- time, one process

/**
 * Two processes back to back, one loading and setting up A first, the other B first: within one
 * process the build set up second measured about 0.3 µs per call slower whichever it was (an
 * A/A run too), so the difference is reported for each order and as their mean.
 */
async function timeMode(rounds) {
  if (args.order !== undefined) {
    await timeOneProcess(rounds, args.order);
    return;
  }
  const runs = [];
  for (const order of ['ab', 'ba']) {
    const childArgs = ['--order', order, '--rounds', String(rounds)];
    childArgs.push('--a', DIRS.a, '--b', DIRS.b, '--provider', PROVIDER);
    if (CONTENT) childArgs.push('--content');
    const run = await runJsonChild({
      name: `time ${order}`,
      script: fileURLToPath(import.meta.url),
      args: childArgs,
    });
    console.log(run.table + '\n');
    runs.push(run);
  }
  const mean = (key) => (runs[0][key] + runs[1][key]) / 2;
  console.log(
    `B − A, mean of both load orders: ${mean('callDiff').toFixed(2)} µs / call, ${mean('chunkDiff').toFixed(3)} µs / chunk`,
  );
}

/** One process: the SDK alone, A and B in alternating rounds; `order` says which is set up first. */
async function timeOneProcess(rounds, order) {
  const telemetry = benchTelemetry();
  const names = order === 'ba' ? ['none', 'b', 'a'] : ['none', 'a', 'b'];
  // Both builds loaded before either is enabled: a build from before the usage ledger became a
  // self-metrics source registers its counters at import, which must come first.
  load('a');
  load('b');
  const variants = Object.fromEntries(names.map((n) => [n, setUp(n, telemetry)]));
  for (const name of names) await warmUp(variants[name]);
  const perCall = { none: [], a: [], b: [] };
  const perChunk = { none: [], a: [], b: [] };
  for (let round = 0; round < rounds; round++) {
    const sequence = round % 2 === 0 ? names : [...names].reverse();
    for (const name of sequence) {
      perCall[name].push((await cpu(5_000, variants[name].call)) / 5_000);
    }
    for (const name of sequence) {
      const v = variants[name];
      perChunk[name].push((await cpu(2, () => v.stream(LONG_STREAM))) / (2 * LONG_STREAM));
    }
  }
  const m = (xs) => median(xs);
  const lines = [
    `provider ${PROVIDER}, content ${CONTENT ? 'on' : 'off'}; ${order === 'ba' ? 'B' : 'A'} set up first; ${rounds} rounds, medians; A = ${DIRS.a}, B = ${DIRS.b}`,
    '',
    '| | CPU µs / call | added µs / call | CPU µs / chunk | added µs / chunk |',
    '|---|---|---|---|---|',
  ];
  for (const name of ['none', 'a', 'b']) {
    const call = m(perCall[name]);
    const chunk = m(perChunk[name]);
    const label = { none: 'SDK alone', a: 'A (before)', b: 'B (after)' }[name];
    lines.push(
      `| ${label} | ${call.toFixed(2)} | ${name === 'none' ? '—' : (call - m(perCall.none)).toFixed(2)} | ${chunk.toFixed(3)} | ${name === 'none' ? '—' : (chunk - m(perChunk.none)).toFixed(3)} |`,
    );
  }
  // The per-round difference, paired (same round, adjacent in time): steadier than medians apart.
  const paired = (series) => m(series.b.map((x, i) => x - series.a[i]));
  lines.push('');
  lines.push(
    `B − A, median of paired rounds: ${paired(perCall).toFixed(2)} µs / call, ${paired(perChunk).toFixed(3)} µs / chunk`,
  );
  await telemetry.tracerProvider.shutdown();
  await telemetry.meterProvider.shutdown();
  await telemetry.loggerProvider?.shutdown();
  const result = {
    table: lines.join('\n'),
    callDiff: paired(perCall),
    chunkDiff: paired(perChunk),
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

// ---------------------------------------------------------------- instructions, callgrind

/**
 * One process under callgrind: warm-up, a full GC, then `n` calls or one stream of `n` chunks
 * between two markers callgrind watches for (`os.loadavg()` zeroes its counters, `os.freemem()`
 * dumps them), so the dump holds exactly the measured operations, the GC work they cause
 * included.
 */
async function countMode(variant, measure, n) {
  // Span and log batches exported when full, never on a timer (the clock runs 50 times slower).
  const telemetry = benchTelemetry({ scheduledDelayMillis: 2 ** 30 });
  const v = setUp(variant, telemetry);
  await warmUp(v);
  globalThis.gc?.();
  loadavg();
  if (measure === 'call') await loop(n, v.call);
  else await v.stream(n);
  freemem();
  await telemetry.tracerProvider.forceFlush();
  process.exit(0);
}

function runCallgrind(variant, measure, n, dir, run) {
  const out = join(dir, `${variant}-${measure}-${run}.out`);
  const script = fileURLToPath(import.meta.url);
  const argv = [
    '--tool=callgrind',
    `--callgrind-out-file=${out}`,
    // The markers of countMode: counting starts at os.loadavg(), the dump is taken at os.freemem().
    '--zero-before=*GetLoadAvg*',
    '--dump-before=*GetFreeMemory*',
    process.execPath,
    '--expose-gc',
    '--predictable',
    '--predictable-gc-schedule',
    script,
    ...['--count', variant, '--measure', measure, '--n', String(n)],
    ...['--a', DIRS.a, '--b', DIRS.b, '--provider', PROVIDER],
    ...(CONTENT ? ['--content'] : []),
  ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn('valgrind', argv, {
      env: { ...process.env, OTEL_LOG_LEVEL: 'none' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const dump = `${out}.1`;
      const match = existsSync(dump) ? /^summary: (\d+)$/m.exec(readFileSync(dump, 'utf8')) : null;
      if (code !== 0 || match === null) {
        reject(
          new Error(`callgrind ${variant} ${measure} ${n} exited ${code}: ${err.slice(-2000)}`),
        );
        return;
      }
      resolvePromise(Number(match[1]));
    });
  });
}

async function callgrindMode() {
  const calls = Number(args.calls ?? 8_000);
  const chunks = Number(args.chunks ?? 40_000);
  const jobs = Number(args.jobs ?? 2);
  const repeat = Number(args.repeat ?? 3);
  const dir = mkdtempSync(join(tmpdir(), 'sl-callgrind-'));
  const tasks = [];
  for (let run = 0; run < repeat; run++) {
    for (const variant of ['none', 'a', 'b']) {
      tasks.push({ variant, measure: 'call', n: calls, run });
      tasks.push({ variant, measure: 'chunk', n: chunks, run });
    }
  }
  const results = new Map();
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++];
      const started = Date.now();
      const total = await runCallgrind(task.variant, task.measure, task.n, dir, task.run);
      const key = `${task.variant}/${task.measure}`;
      results.set(key, [...(results.get(key) ?? []), total / task.n]);
      process.stderr.write(
        `${task.variant} ${task.measure} ×${task.n}: ${total} instructions (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
      );
    }
  };
  try {
    await Promise.all(Array.from({ length: jobs }, worker));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const per = (variant, measure) => median(results.get(`${variant}/${measure}`));
  const spread = (variant, measure) => {
    const values = results.get(`${variant}/${measure}`);
    return `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
  };
  const lines = [
    `provider ${PROVIDER}, content ${CONTENT ? 'on' : 'off'}; instructions (callgrind Ir) per operation over ${calls} calls / one stream of ${chunks} chunks after warm-up; median of ${repeat} processes [range]; A = ${DIRS.a}, B = ${DIRS.b}`,
    '',
    '| | instructions / call | added / call | instructions / chunk | added / chunk |',
    '|---|---|---|---|---|',
  ];
  for (const variant of ['none', 'a', 'b']) {
    const call = per(variant, 'call');
    const chunk = per(variant, 'chunk');
    const label = { none: 'SDK alone', a: 'A (before)', b: 'B (after)' }[variant];
    const added = (x, base) => (variant === 'none' ? '—' : (x - base).toFixed(0));
    lines.push(
      `| ${label} | ${call.toFixed(0)} [${spread(variant, 'call')}] | ${added(call, per('none', 'call'))} | ${chunk.toFixed(0)} [${spread(variant, 'chunk')}] | ${added(chunk, per('none', 'chunk'))} |`,
    );
  }
  lines.push('');
  lines.push(
    `B − A: ${(per('b', 'call') - per('a', 'call')).toFixed(0)} instructions / call, ${(per('b', 'chunk') - per('a', 'chunk')).toFixed(0)} / chunk`,
  );
  console.log(lines.join('\n'));
}
