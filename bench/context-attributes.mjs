// CPU per span (start and end) and per log record that the context-attribute processors add
// (src/context/), against the same providers without them, in one run.
//
// Usage: npm run build && node_modules/.bin/node bench/context-attributes.mjs [--rounds R]
//          [--callgrind] [--only TEXT] [root]
//   root         a built checkout to measure instead of this one (its dist/ and node_modules/)
//   --callgrind  count instructions instead of timing: each case runs under
//                `valgrind --tool=callgrind` with two operation counts, and the difference of
//                the totals over the difference of the counts is printed as instructions per
//                operation (start-up, loading and warm-up cancel out). Slow; needs valgrind.
//   --only TEXT  only the cases whose name contains TEXT (and their baselines)
//
// Each case runs in its own process (`--child ROOT CASE N`), the cases interleaved round by
// round; the median is printed with what the case adds to its baseline. Every provider has a
// processor that does nothing (where an exporter would be); the cases add ours in front.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callgrindInstructions } from './callgrind.mjs';

const HERE = fileURLToPath(import.meta.url);
const DEFAULT_ROOT = join(dirname(HERE), '..');
const WARMUP = 50_000;
const N = 500_000;
/** Operation counts of the two callgrind runs (their difference is what is counted). */
const CALLGRIND_N = [10_000, 60_000];

/**
 * signal: span (tracer.startSpan + end) or log (logger.emit); ours: our processor in front;
 * extra: a second processor that does nothing instead (what any processor costs); scopes: a
 * middleware helper was made (request scopes kept); attributes: none, `context` (inside
 * withAttributes) or `request` (under a SERVER span whose request scope holds them, in its
 * context, as after a body reader); base: the case it is compared with.
 */
const CASES = [
  { name: 'span, baseline', signal: 'span' },
  { name: 'span, a second no-op processor', signal: 'span', extra: true, base: 'span, baseline' },
  { name: 'span, none set', signal: 'span', ours: true, base: 'span, baseline' },
  {
    name: 'span, none set, scopes on',
    signal: 'span',
    ours: true,
    scopes: true,
    base: 'span, baseline',
  },
  {
    name: 'span, 3 set',
    signal: 'span',
    ours: true,
    attributes: 'context',
    base: 'span, baseline',
  },
  { name: 'span in request, baseline', signal: 'span', attributes: 'request' },
  {
    name: 'span in request, 3 set',
    signal: 'span',
    ours: true,
    scopes: true,
    attributes: 'request',
    base: 'span in request, baseline',
  },
  // The processors' own calls alone, on one span or record, for what they cost in isolation.
  { name: 'onStart alone, no-op processor', signal: 'onStart' },
  {
    name: 'onStart alone, none set',
    signal: 'onStart',
    ours: true,
    base: 'onStart alone, no-op processor',
  },
  {
    name: 'onStart alone, none set, scopes on',
    signal: 'onStart',
    ours: true,
    scopes: true,
    base: 'onStart alone, no-op processor',
  },
  { name: 'onEmit alone, no-op processor', signal: 'onEmit' },
  {
    name: 'onEmit alone, none set',
    signal: 'onEmit',
    ours: true,
    base: 'onEmit alone, no-op processor',
  },
  { name: 'log, baseline', signal: 'log' },
  { name: 'log, none set', signal: 'log', ours: true, base: 'log, baseline' },
  { name: 'log, 3 set', signal: 'log', ours: true, attributes: 'context', base: 'log, baseline' },
  { name: 'log in request, baseline', signal: 'log', attributes: 'request' },
  {
    name: 'log in request, 3 set',
    signal: 'log',
    ours: true,
    scopes: true,
    attributes: 'request',
    base: 'log in request, baseline',
  },
];

const args = process.argv.slice(2);
if (args[0] === '--child') child(args[1], args[2], Number(args[3]));
else parent(args);

function child(root, name, n) {
  const spec = CASES.find((c) => c.name === name);
  const require = createRequire(join(root, 'package.json'));
  const { context, trace, SpanKind, ROOT_CONTEXT } = require('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
  const { TracerProvider } = require('@opentelemetry/sdk-trace');
  const { LoggerProvider } = require('@opentelemetry/sdk-logs');
  const sl = require('./dist/src/index.js');
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

  const nothing = () => ({
    onStart() {},
    onEnd() {},
    onEmit() {},
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  });
  const front = (ours) => (spec.ours ? [ours] : spec.extra ? [nothing()] : []);
  const tracer = new TracerProvider({
    spanProcessors: [...front(new sl.ContextAttributesSpanProcessor()), nothing()],
  }).getTracer('bench');
  const logger = new LoggerProvider({
    processors: [...front(new sl.ContextAttributesLogRecordProcessor()), nothing()],
  }).getLogger('bench');
  if (spec.scopes) sl.attributesMiddleware.express(() => undefined);
  const attributes = { 'session.id': 'a1b2c3d4', 'user.id': 'user-42', feature: 'chat' };
  let op;
  if (spec.signal === 'log') op = () => logger.emit({ body: 'request served', severityNumber: 9 });
  else if (spec.signal === 'span') op = () => tracer.startSpan('work').end();
  else if (spec.signal === 'onStart') {
    const processor = spec.ours ? new sl.ContextAttributesSpanProcessor() : nothing();
    const span = tracer.startSpan('work');
    const parent = context.active();
    op = () => processor.onStart(span, parent);
  } else {
    const processor = spec.ours ? new sl.ContextAttributesLogRecordProcessor() : nothing();
    let record;
    new LoggerProvider({ processors: [{ ...nothing(), onEmit: (r) => (record = r) }] })
      .getLogger('bench')
      .emit({ body: 'request served' });
    const parent = context.active();
    op = () => processor.onEmit(record, parent);
  }

  const measure = () => {
    for (let i = 0; i < WARMUP; i++) op();
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) op();
    const used = process.cpuUsage(start);
    return ((used.user + used.system) * 1000) / n;
  };
  let ns;
  if (spec.attributes === 'request') {
    const server = tracer.startSpan('POST /chat', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
    const serverContext = trace.setSpan(ROOT_CONTEXT, server);
    ns = context.with(serverContext, () => {
      if (spec.ours) sl.attributesMiddleware.express(() => attributes)({}, {}, () => {});
      return measure();
    });
  } else if (spec.attributes === 'context') {
    ns = sl.withAttributes(attributes, measure);
  } else {
    ns = measure();
  }
  process.stdout.write(`${ns}\n`);
}

function parent(argv) {
  let rounds = 7;
  let callgrind = false;
  let only;
  let root = DEFAULT_ROOT;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rounds') rounds = Number(argv[++i]);
    else if (argv[i] === '--callgrind') callgrind = true;
    else if (argv[i] === '--only') only = argv[++i];
    else root = resolve(argv[i]);
  }
  const chosen = CASES.filter(
    (c) =>
      only === undefined ||
      c.name.includes(only) ||
      CASES.some((o) => o.name.includes(only) && o.base === c.name),
  );
  const results = new Map(chosen.map((c) => [c.name, []]));
  const measureOnce = (name) => {
    if (callgrind) {
      const [few, many] = CALLGRIND_N.map((n) => instructions(root, name, n));
      return (many - few) / (CALLGRIND_N[1] - CALLGRIND_N[0]);
    }
    const out = spawnSync(process.execPath, [HERE, '--child', root, name, String(N)], {
      encoding: 'utf8',
    });
    if (out.status !== 0) throw new Error(`${name}: ${out.stderr}`);
    return Number(out.stdout.trim());
  };
  // Instruction counts do not vary from run to run: one round is enough.
  for (let r = 0; r < (callgrind ? 1 : rounds); r++) {
    for (const { name } of chosen) results.get(name).push(measureOnce(name));
  }
  const unit = callgrind ? 'instructions' : 'ns';
  console.log(
    callgrind
      ? `Node ${process.version}, instructions per operation (callgrind)`
      : `Node ${process.version}, median of ${rounds} processes, ${N} operations each`,
  );
  console.log(`| case | ${unit} per operation | added to its baseline |`);
  console.log('|---|---:|---:|');
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const { name, base } of chosen) {
    const m = median(results.get(name));
    const added = base === undefined ? '' : (m - median(results.get(base))).toFixed(0);
    console.log(`| ${name} | ${m.toFixed(0)} | ${added} |`);
  }
}

/** Instructions of one child process doing `n` operations of `name`. */
function instructions(root, name, n) {
  return callgrindInstructions([HERE, '--child', root, name, String(n)]);
}
