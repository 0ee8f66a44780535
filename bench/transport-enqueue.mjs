// CPU per `Transport.enqueueOne`, the per-record path every span and log record takes in
// `start()`'s pipeline, with sending held off (so only the enqueue is measured).
//
// Usage: npm run build && node_modules/.bin/node bench/transport-enqueue.mjs [options] [root...]
//   root         a built checkout to compare with this one (e.g. a worktree of an older commit
//                after `npm run build` there); this repository is always measured first
//   --rounds R   processes per checkout, alternating between checkouts (default 9); the median
//                is printed
//   --callgrind  count instructions instead of timing: each checkout runs under
//                `valgrind --tool=callgrind` twice, with two iteration counts, and the
//                difference of the totals over the difference of the counts is printed as
//                instructions per enqueueOne (startup, module loading and warm-up cancel out).
//                Slow (about a minute per checkout); needs valgrind.
//   --child ROOT N   internal: one measuring process
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callgrindInstructions } from './callgrind.mjs';

const HERE = fileURLToPath(import.meta.url);
const WARMUP = 50_000;
const N = 400_000;
/** Iteration counts of the two callgrind runs (their difference is what is counted). */
const CALLGRIND_N = [20_000, 120_000];

const args = process.argv.slice(2);
if (args[0] === '--child') {
  child(resolve(args[1]), Number(args[2]));
} else {
  parent(args);
}

/** One measurement in this process: warm up, then `n` timed enqueues. */
function child(root, n) {
  const require = createRequire(join(root, 'package.json'));
  const { resolveConfig } = require('./dist/src/config/resolve.js');
  const { logTransport } = require('./dist/exporters/factory.js');

  const { config } = resolveConfig({ otlpEndpoint: 'http://127.0.0.1:9' });
  const tunables = {
    batchDelayMillis: 3_600_000,
    initialBatchRecords: 1_000_000,
    maxBatchRecords: 1_000_000,
    queueMaxRecords: 10_000_000,
    queueMaxBytes: 4 * 1024 ** 3,
  };
  // `{ tunables }` since 0.1.0's first-run fixes; the spread keeps older checkouts comparable.
  const transport = logTransport(config, { tunables, ...tunables });
  const record = {
    body: 'request served',
    attributes: {},
    severityNumber: 9,
    hrTime: [0, 0],
    resource: { attributes: {} },
    instrumentationScope: { name: 'bench' },
  };
  for (let i = 0; i < WARMUP; i++) transport.enqueueOne(record);
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) transport.enqueueOne(record);
  const used = process.cpuUsage(start);
  process.stdout.write(`${((used.user + used.system) * 1000) / n}\n`);
  process.exit(0);
}

function parent(argv) {
  let rounds = 9;
  let callgrind = false;
  const roots = [resolve(dirname(HERE), '..')];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rounds') rounds = Number(argv[++i]);
    else if (argv[i] === '--callgrind') callgrind = true;
    else roots.push(resolve(argv[i]));
  }
  if (callgrind) {
    for (const root of roots) {
      const [few, many] = CALLGRIND_N.map((n) => instructions(root, n));
      const per = (many - few) / (CALLGRIND_N[1] - CALLGRIND_N[0]);
      console.log(
        `${per.toFixed(0)} instructions per enqueueOne (${root}; totals ${few} at ` +
          `${CALLGRIND_N[0]}, ${many} at ${CALLGRIND_N[1]} iterations)`,
      );
    }
    return;
  }
  const samples = new Map(roots.map((root) => [root, []]));
  for (let round = 0; round < rounds; round++) {
    for (const root of roots) {
      const out = execFileSync(process.execPath, [HERE, '--child', root, String(N)], {
        encoding: 'utf8',
      });
      samples.get(root).push(Number(out));
    }
  }
  const first = median(samples.get(roots[0]));
  for (const root of roots) {
    const m = median(samples.get(root));
    const all = samples
      .get(root)
      .map((v) => v.toFixed(0))
      .join(' ');
    const vs =
      root === roots[0] ? '' : `; this checkout takes ${((first / m) * 100).toFixed(0)} % of it`;
    console.log(`${m.toFixed(0)} ns per enqueueOne, median of [${all}] (${root}${vs})`);
  }
}

/** Instructions of one child process doing `n` enqueues. */
function instructions(root, n) {
  return callgrindInstructions([HERE, '--child', root, String(n)]);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
