// Cost of the log line path, one build against another in one run: per sampling decision, per
// instrumented log line (pino, winston, bunyan, console; scope export, scope all, sampling
// off) and per structured field, as time (ns) or as instructions (valgrind callgrind).
//
//   npm run build
//   node_modules/.bin/node bench/log-sampling/line-cost.mjs --before /work/before          # ns
//   node_modules/.bin/node bench/log-sampling/line-cost.mjs --before /work/before --callgrind
//
// Options: --before DIR   the other build (a checkout with `dist/` and `node_modules/`); without
//                         it only this checkout is measured
//          --cases a,b    case names or prefixes (default: all; see CASES below)
//          --lines N      lines measured per run (default 200000; callgrind 40000)
//          --rounds R     runs per side and case, alternating sides (default 3; callgrind 1)
//          --callgrind    count instructions instead of timing: each side and case runs under
//                         `valgrind --tool=callgrind`, which counts only the measured lines
//                         (zeroed at the child's os.loadavg() call, dumped at its os.freemem()
//                         call, after the warm-up; main thread only); the count over N is the
//                         count per line.
//                         With `node --predictable` (no background compiler or GC threads) and
//                         seeded randomness the counts repeat closely, where time on a shared
//                         machine moves by tens of per cent.
//          --write FILE   also write the markdown table to FILE
//
// Every case runs in its own process (the instrumentations patch the loggers), builds what
// start() builds for it from that side's dist/ (sampling processor in front of a processor that
// only counts, the sampler handed to, or for the older build published for, the
// instrumentation), and logs a fixed mixed workload to a destination that discards it. The
// sampler uses the default rates and first occurrences, a seeded random source, a fixed clock
// and a budget high enough never to bind (so both sides take the same decisions, line for
// line). No span is active.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setImmediate } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { rng, TEMPLATES } from './inputs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const thisRoot = resolve(here, '../..');

// --- the workload: 10 % trace, 30 % debug, 35 % info, 15 % warn, 10 % error -------------------
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'];
/** Level and call of line `i`, for a logger whose calls take (fields?, template, ...args). */
function lineOf(i) {
  switch (i % 20) {
    case 0:
    case 1:
      return [0, undefined, 'cache probe for key %s', ['k' + (i & 1023)]];
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
    case 7:
      return [
        1,
        { shard: i & 7, bytes: i & 4095 },
        'fetched %d bytes from shard %d',
        [i & 4095, i & 7],
      ];
    case 8:
    case 9:
    case 10:
    case 11:
    case 12:
    case 13:
      return [
        2,
        { user: { id: i & 255 }, route: '/api/items' },
        'user %s opened /api/items',
        ['u' + (i & 255)],
      ];
    case 14:
    case 15:
    case 16:
      return [3, undefined, 'queue depth %d above %d', [1000 + (i & 127), 1000]];
    case 17:
    case 18:
      return [4, { code: 'E_TIMEOUT' }, 'upstream timed out after %d ms', [3000 + (i & 63)]];
    default:
      return [2, undefined, 'request done', []];
  }
}

// --- cases -------------------------------------------------------------------------------------
const CASES = {
  'decide/template': 'PatternSampler.decideRecord, known printf template',
  'decide/text': 'PatternSampler.decideRecord, free text (logPattern per line)',
  'site/template': 'the instrumentations’ decision site (decideLine), printf template',
  'site/text': 'the instrumentations’ decision site (decideLine), free text',
  'pino/export': 'pino line, scope export',
  'pino/all': 'pino line, scope all',
  'pino/off': 'pino line, sampling off (every line a record)',
  'winston/export': 'winston line, scope export',
  'winston/all': 'winston line, scope all',
  'winston/off': 'winston line, sampling off',
  'bunyan/export': 'bunyan line, scope export',
  'bunyan/all': 'bunyan line, scope all',
  'bunyan/off': 'bunyan line, sampling off',
  'console/export': 'console line, scope export',
  'console/all': 'console line, scope all',
  'console/off': 'console line, sampling off',
  'fields/flat': 'flattenFields, 6 fields one level deep',
  'fields/deep': 'flattenFields, a deep object and a mixed array (JSON strings)',
};

const FREE_TEXT = (() => {
  const r = rng(1);
  const out = [];
  for (let i = 0; i < 4096; i++) {
    out.push(
      `request ${Math.floor(r() * 1e6)} from 10.0.0.${i % 255} took ${i % 900} ms on worker-${i % 7}`,
    );
  }
  return out;
})();
const SEVERITIES = [1, 5, 9, 13, 17]; // OTel numbers of LEVELS

// --- child: one case on one build ---------------------------------------------------------------
async function child(root, name, warmup, lines, reps) {
  const req = createRequire(join(root, 'package.json'));
  const dist = (path) => req(join(root, 'dist', path));
  const { LoggerProvider } = req('@opentelemetry/sdk-logs');
  const { createLogSampling } = dist('src/sampling/create-log-sampling-processor.js');
  const counted = { n: 0 };
  const counting = {
    onEmit() {
      counted.n++;
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const [family, variant] = name.split('/');
  const sampled =
    variant === 'export' || variant === 'all' || family === 'decide' || family === 'site';
  const sampling = sampled
    ? createLogSampling({
        downstream: counting,
        scope: variant === 'all' ? 'all' : 'export',
        random: rng(7),
        budgetPerMinute: 1e12,
        // A fixed clock: a budget window rolling over (every minute of real time) would send
        // the optimised sampler down a new branch, and recompile it, at a moment that varies.
        now: () => 1_700_000_000_000,
      })
    : undefined;
  const provider = new LoggerProvider({ processors: [sampling?.processor ?? counting] });

  /** Hands the sampler to `instrumentation` as start() does (older builds: publishes it). */
  function attach(instrumentation) {
    instrumentation.setLoggerProvider(provider);
    if (sampling === undefined) return;
    if (typeof instrumentation.setLogSampler === 'function') {
      instrumentation.setLogSampler(sampling.sampler);
    } else {
      dist('src/sampling/log-sampler.js').setActiveLogSampler(sampling.sampler);
    }
  }

  let run; // (start, count) => void | Promise<void>
  let sink = 0;
  if (family === 'decide') {
    const s = sampling.sampler;
    run =
      variant === 'template'
        ? (start, count) => {
            for (let i = start; i < start + count; i++) {
              if (s.decideRecord(SEVERITIES[i % 5], '', TEMPLATES[i & 7], undefined)) sink++;
            }
          }
        : (start, count) => {
            for (let i = start; i < start + count; i++) {
              if (s.decideRecord(SEVERITIES[i % 5], FREE_TEXT[i & 4095], undefined, undefined))
                sink++;
            }
          };
  } else if (family === 'site') {
    const { decideLine } = dist('instrumentations/logs-common/sampling.js');
    const s = sampling.sampler;
    const template = variant === 'template';
    if (decideLine.length === 1) {
      // The older build: the site looks the published sampler up and takes an input object.
      dist('src/sampling/log-sampler.js').setActiveLogSampler(s);
      run = (start, count) => {
        for (let i = start; i < start + count; i++) {
          const verdict = decideLine({
            severityNumber: SEVERITIES[i % 5],
            message: template ? '' : FREE_TEXT[i & 4095],
            template: template ? TEMPLATES[i & 7] : undefined,
            traceId: undefined,
          });
          if (typeof verdict === 'object') sink++;
        }
      };
    } else {
      run = (start, count) => {
        for (let i = start; i < start + count; i++) {
          const verdict = decideLine(
            s,
            SEVERITIES[i % 5],
            template ? '' : FREE_TEXT[i & 4095],
            template ? TEMPLATES[i & 7] : undefined,
            undefined,
          );
          if (verdict === 1) sink++;
        }
      };
    }
  } else if (family === 'fields') {
    const { flattenFields } = dist('instrumentations/logs-common/attributes.js');
    const { DEFAULT_BOUNDS } = dist('instrumentations/logs-common/bounds.js');
    const options = { bounds: DEFAULT_BOUNDS };
    run =
      variant === 'flat'
        ? (start, count) => {
            for (let i = start; i < start + count; i++) {
              const attributes = {};
              flattenFields(
                attributes,
                {
                  user: { id: i & 255, name: 'ann' },
                  route: '/api/items',
                  shard: i & 7,
                  ok: true,
                  tags: ['a', 'b'],
                },
                options,
              );
              sink += attributes.shard;
            }
          }
        : (start, count) => {
            for (let i = start; i < start + count; i++) {
              const attributes = {};
              flattenFields(
                attributes,
                {
                  req: { headers: { a: { b: { c: i & 7, d: [1, 2, { x: 1 }] } } } },
                  list: [1, 'two', { three: i & 3 }],
                },
                options,
              );
              sink += attributes['req.headers.a'].length;
            }
          };
  } else if (family === 'pino') {
    const { PinoInstrumentation } = dist('instrumentations/pino/index.js');
    attach(new PinoInstrumentation());
    const pino = req('pino');
    const log = pino({ level: 'trace', timestamp: false, base: undefined }, { write() {} });
    const methods = LEVELS.map((level) => log[level].bind(log));
    run = (start, count) => {
      for (let i = start; i < start + count; i++) {
        const [level, fields, template, args] = lineOf(i);
        if (fields === undefined) methods[level](template, ...args);
        else methods[level](fields, template, ...args);
      }
    };
  } else if (family === 'winston') {
    const { WinstonInstrumentation } = dist('instrumentations/winston/index.js');
    attach(new WinstonInstrumentation());
    const winston = req('winston');
    class Discard extends winston.Transport {
      log(_info, next) {
        next();
      }
    }
    const log = winston.createLogger({
      level: 'silly',
      format: winston.format.combine(winston.format.splat(), winston.format.json()),
      transports: [new Discard()],
    });
    const names = ['silly', 'debug', 'info', 'warn', 'error'];
    run = async (start, count) => {
      for (let i = start; i < start + count; i++) {
        const [level, fields, template, args] = lineOf(i);
        if (fields === undefined) log[names[level]](template, ...args);
        else log[names[level]](template, ...args, fields);
      }
      await new Promise(setImmediate); // let the streams drain (each chunk)
    };
  } else if (family === 'bunyan') {
    const { BunyanInstrumentation } = dist('instrumentations/bunyan/index.js');
    attach(new BunyanInstrumentation());
    const bunyan = req('bunyan');
    const log = bunyan.createLogger({
      name: 'bench',
      streams: [{ level: 'trace', type: 'stream', stream: { write() {} } }],
    });
    run = (start, count) => {
      for (let i = start; i < start + count; i++) {
        const [level, fields, template, args] = lineOf(i);
        if (fields === undefined) log[LEVELS[level]](template, ...args);
        else log[LEVELS[level]](fields, template, ...args);
      }
    };
  } else if (family === 'console') {
    // What console would print goes nowhere: the methods underneath ours do nothing.
    const names = ['trace', 'debug', 'info', 'warn', 'error'];
    for (const method of [...names, 'log']) console[method] = () => {};
    const { ConsoleInstrumentation } = dist('instrumentations/console/index.js');
    attach(new ConsoleInstrumentation());
    run = (start, count) => {
      for (let i = start; i < start + count; i++) {
        const [level, , template, args] = lineOf(i);
        console[names[level]](template, ...args);
      }
    };
  } else {
    throw new Error(`unknown case ${name}`);
  }

  // Called in chunks, warm-up and measurement alike, so the functions are optimised as a whole
  // (not only on-stack replaced) before the measured lines and no compilation falls among them.
  const CHUNK = 1000;
  const chunks = async (start, count) => {
    for (let done = 0; done < count; done += CHUNK) {
      await run(start + done, Math.min(CHUNK, count - done));
    }
  };
  await chunks(0, warmup);
  const times = [];
  for (let rep = 0; rep < reps; rep++) {
    const start = warmup + rep * lines;
    os.loadavg(); // callgrind mode: zeroes the counts (--zero-before)
    const t0 = process.hrtime.bigint();
    await chunks(start, lines);
    times.push(Number(process.hrtime.bigint() - t0) / Math.max(lines, 1));
    os.freemem(); // callgrind mode: dumps the counts of the measured lines (--dump-before)
  }
  times.sort((a, b) => a - b);
  await sampling?.shutdown();
  process.stdout.write(
    JSON.stringify({ ns: times[Math.floor(times.length / 2)] ?? 0, sink, records: counted.n }) +
      '\n',
  );
}

// --- parent ------------------------------------------------------------------------------------
function runChild({ root, name, warmup, lines, reps, callgrind }) {
  const script = fileURLToPath(import.meta.url);
  const nodeArgs = [script, '--child', root, name, String(warmup), String(lines), String(reps)];
  const outDir = callgrind ? mkdtempSync(join(os.tmpdir(), 'line-cost-')) : undefined;
  const [command, args] = callgrind
    ? [
        'valgrind',
        [
          '--tool=callgrind',
          `--callgrind-out-file=${join(outDir, 'callgrind.out')}`,
          // The main thread alone: Node loads CA certificates on another thread (after any
          // import of node:https), at a time that varies from run to run.
          '--separate-threads=yes',
          // Count the measured lines only: from os.loadavg() to os.freemem() in the child.
          '--zero-before=*GetLoadAvg*',
          '--dump-before=*GetFreeMemory*',
          process.execPath,
          '--predictable',
          '--random-seed=1',
          '--hash-seed=1',
          ...nodeArgs,
        ],
      ]
    : [process.execPath, nodeArgs];
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (chunk) => (out += chunk));
    proc.stderr.on('data', (chunk) => (err += chunk));
    proc.on('error', reject);
    proc.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`${name} (${root}) exited with ${code}:\n${err}`));
        return;
      }
      const result = JSON.parse(out.trim().split('\n').at(-1));
      let instructions;
      if (outDir !== undefined) {
        // The main thread's dump taken before os.freemem(): its counts since os.loadavg().
        const dump = readFileSync(join(outDir, 'callgrind.out.1-01'), 'utf8');
        instructions = Number(/^summary: (\d+)/m.exec(dump)?.[1]);
        rmSync(outDir, { recursive: true, force: true });
      }
      resolvePromise({ ...result, instructions });
    });
  });
}

function parseArgs(argv) {
  const options = { before: undefined, cases: undefined, lines: undefined, rounds: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--before') options.before = resolve(argv[++i]);
    else if (arg === '--cases') options.cases = argv[++i].split(',');
    else if (arg === '--lines') options.lines = Number(argv[++i]);
    else if (arg === '--rounds') options.rounds = Number(argv[++i]);
    else if (arg === '--callgrind') options.callgrind = true;
    else if (arg === '--write') options.write = argv[++i];
    else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

async function parent(options) {
  const sides = [['after', thisRoot]];
  if (options.before !== undefined) sides.unshift(['before', options.before]);
  for (const [, root] of sides) {
    if (!existsSync(join(root, 'dist/src/sampling/create-log-sampling-processor.js'))) {
      console.error(`Build first (npm run build): no dist/ in ${root}`);
      process.exit(1);
    }
  }
  const names = Object.keys(CASES).filter(
    (name) => options.cases === undefined || options.cases.some((c) => name.startsWith(c)),
  );
  const callgrind = options.callgrind === true;
  const lines = options.lines ?? (callgrind ? 40_000 : 200_000);
  const rounds = options.rounds ?? (callgrind ? 1 : 3);
  const warmup = callgrind ? 30_000 : 50_000;
  const rows = [];
  for (const name of names) {
    const result = {};
    for (const [side] of sides) result[side] = [];
    for (let round = 0; round < rounds; round++) {
      for (const [side, root] of sides) {
        if (callgrind) {
          const { instructions } = await runChild({
            root,
            name,
            warmup,
            lines,
            reps: 1,
            callgrind,
          });
          result[side].push(instructions / lines);
        } else {
          const { ns } = await runChild({ root, name, warmup, lines, reps: 5, callgrind });
          result[side].push(ns);
        }
      }
    }
    const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const row = [name, CASES[name], ...sides.map(([side]) => median(result[side]))];
    rows.push(row);
    // Progress, with every run's value (how much they move is worth seeing).
    const runs = sides.map(
      ([side]) => `${side} ${result[side].map((v) => v.toFixed(1)).join(' ')}`,
    );
    process.stderr.write(`${name}: ${runs.join(' | ')}\n`);
  }
  const unit = callgrind ? 'instructions' : 'ns';
  const header = [
    `${callgrind ? 'Instructions' : 'Time'} per line (decide/site cases: per decision; fields cases: per record's fields),`,
    callgrind
      ? `valgrind --tool=callgrind, node --predictable, ${lines.toLocaleString('en-US')} lines counted after ${warmup.toLocaleString('en-US')} of warm-up, median of ${rounds} per side.`
      : `median of ${rounds} processes per side (alternating) × median of 5 runs of ${lines.toLocaleString('en-US')} lines after ${warmup.toLocaleString('en-US')} of warm-up.`,
    `Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}).`,
    '',
    sides.length === 2
      ? `| case | what | before ${unit} | after ${unit} | after / before |\n|---|---|---:|---:|---:|`
      : `| case | what | ${unit} |\n|---|---|---:|`,
  ];
  const body = rows.map(([name, what, ...values]) =>
    sides.length === 2
      ? `| ${name} | ${what} | ${values[0].toFixed(callgrind ? 0 : 1)} | ${values[1].toFixed(callgrind ? 0 : 1)} | ${(values[1] / values[0]).toFixed(3)} |`
      : `| ${name} | ${what} | ${values[0].toFixed(callgrind ? 0 : 1)} |`,
  );
  const table = [...header, ...body].join('\n');
  console.log(table);
  if (options.write !== undefined) writeFileSync(options.write, table + '\n');
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  const [, root, name, warmup, lines, reps] = argv;
  await child(root, name, Number(warmup), Number(lines), Number(reps));
  process.exit(0);
} else {
  await parent(parseArgs(argv));
}
