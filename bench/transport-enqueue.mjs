// CPU per `Transport.enqueueOne`, the per-record path every span and log record takes in
// `start()`'s pipeline, with sending held off (so only the enqueue is measured).
// Usage: npm run build && node_modules/.bin/node bench/transport-enqueue.mjs [repo root]
//        (another root, e.g. a built checkout of an older commit, compares two versions)
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
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
const N = 400_000;
for (let i = 0; i < 50_000; i++) transport.enqueueOne(record);
const start = process.cpuUsage();
for (let i = 0; i < N; i++) transport.enqueueOne(record);
const used = process.cpuUsage(start);
console.log(`${(((used.user + used.system) * 1000) / N).toFixed(0)} ns per enqueueOne (${root})`);
process.exit(0);
