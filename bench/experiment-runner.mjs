// What runExperiment adds per item over calling the task directly: a trivial async task over N
// items, with the same concurrency both ways, in one process.
//
// Usage: npm run build && node_modules/.bin/node bench/experiment-runner.mjs [--items N]
//          [--rounds R] [--concurrency C]
//
// Cases, timed in alternating rounds (order reversed every round) so they share JIT, GC and
// machine load; the median per item of each is printed, then each runner case less `direct`:
//   direct           the task called over the items by a pool of C workers, results kept
//   runner, no SDK   runExperiment before any SDK: no-op spans, no context manager
//   runner, SDK      after start(): a real span per item run, active while the task runs, its
//                    usage tally in the context; exporters that drop what they are given
//   runner, SDK, 1 evaluator
//                    the same with exactMatch(): one verdict and one gen_ai.evaluation.result
//                    event (a log record through the log sampling) per item run
// Wall time per item (the task is trivial, so this is the runner's own cost). CPU time on a
// shared machine moves by several percent from run to run: compare cases within one run.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const sprintlens = createRequire(join(ROOT, 'package.json'))(join(ROOT, 'dist/src/index.js'));

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .map((arg, i, all) => (arg.startsWith('--') ? [arg.slice(2), all[i + 1]] : undefined))
    .filter((entry) => entry !== undefined),
);
const ITEMS = Number(args.items ?? 20_000);
const ROUNDS = Number(args.rounds ?? 7);
const CONCURRENCY = Number(args.concurrency ?? 4);

const data = Array.from({ length: ITEMS }, (_, i) => ({
  id: `item-${i}`,
  input: i,
  expected: i + 1,
}));
const task = async (n) => n + 1;

/** The task over every item, C at a time, each result kept (what a runner must do at least). */
async function direct() {
  const results = new Array(data.length);
  let next = 0;
  const worker = async () => {
    while (next < data.length) {
      const index = next++;
      results[index] = await task(data[index].input, data[index]);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return results;
}

const runner = (evaluators) => () =>
  sprintlens.runExperiment({
    name: 'bench',
    data,
    task,
    evaluators,
    concurrency: CONCURRENCY,
    print: false,
  });

/** An exporter that drops what it is given (the export path is not what is measured). */
const dropping = {
  export: (_items, done) => done({ code: 0 }),
  shutdown: () => Promise.resolve(),
  forceFlush: () => Promise.resolve(),
};

async function timeOnce(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1000 / ITEMS; // µs per item
}

async function measure(cases) {
  const times = Object.fromEntries(cases.map(([name]) => [name, []]));
  for (const [, fn] of cases) await fn(); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? cases : [...cases].reverse();
    for (const [name, fn] of order) times[name].push(await timeOnce(fn));
  }
  return Object.fromEntries(
    Object.entries(times).map(([name, list]) => [
      name,
      list.sort((a, b) => a - b)[list.length >> 1],
    ]),
  );
}

const before = await measure([
  ['direct', direct],
  ['runner, no SDK', runner([])],
]);
const sdk = sprintlens.start({
  traceExporter: dropping,
  logExporter: dropping,
  metricExporter: dropping,
});
const after = await measure([
  ['direct', direct],
  ['runner, SDK', runner([])],
  ['runner, SDK, 1 evaluator', runner([sprintlens.exactMatch()])],
]);
await sdk.shutdown();

const rows = [
  ['direct (before start)', before.direct, 0],
  ['runner, no SDK', before['runner, no SDK'], before['runner, no SDK'] - before.direct],
  ['direct (after start)', after.direct, 0],
  ['runner, SDK', after['runner, SDK'], after['runner, SDK'] - after.direct],
  [
    'runner, SDK, 1 evaluator',
    after['runner, SDK, 1 evaluator'],
    after['runner, SDK, 1 evaluator'] - after.direct,
  ],
];
console.log(
  `experiment runner: ${ITEMS} items, concurrency ${CONCURRENCY}, median of ${ROUNDS} rounds, ` +
    `Node ${process.versions.node}`,
);
console.log('case                          µs/item   added µs/item');
for (const [name, perItem, added] of rows) {
  console.log(
    `${name.padEnd(28)}  ${perItem.toFixed(2).padStart(7)}   ${added.toFixed(2).padStart(13)}`,
  );
}
