// OTLP/HTTP logs sink for bench/exporter.mjs, run as a child process so that its decoding
// CPU is not charged to the exporter under test. It decodes every request with the official
// OTLP protobuf definitions, counts records and distinct ids (attribute `i`), and injects
// faults set through POST /control: { latencyMs, failRatio, seed, outage }.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as zlib from 'node:zlib';

const require = createRequire(import.meta.url);
const protobuf = require('protobufjs');
const protoDir = dirname(require.resolve('@elastic/mockotlpserver/package.json'));
const root = new protobuf.Root();
root.resolvePath = (_o, target) => (isAbsolute(target) ? target : join(protoDir, target));
root.loadSync(['opentelemetry/proto/collector/logs/v1/logs_service.proto']);
const LogsRequest = root.lookupType(
  'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest',
);
// The dev backend's seeded PRNG (built code, as bench/exporter.mjs runs against it): the same
// seed fails the same requests on every run.
const { createRandom } = require('../dist/dev-backend/prng.js');

const MAX_IDS = 4_000_000;
let seen = new Uint8Array(MAX_IDS);
let stats;
let faults = {};
let random = Math.random;
function reset() {
  seen = new Uint8Array(MAX_IDS);
  stats = { requests: 0, failed: 0, records: 0, distinct: 0, wireBytes: 0, maxConcurrent: 0 };
}
reset();
let concurrent = 0;

function count(body) {
  const request = LogsRequest.decode(body);
  for (const rl of request.resourceLogs) {
    for (const sl of rl.scopeLogs) {
      for (const record of sl.logRecords) {
        stats.records += 1;
        const attr = record.attributes.find((a) => a.key === 'i');
        const id = Number(attr?.value?.intValue ?? -1);
        if (id >= 0 && id < MAX_IDS && seen[id] === 0) {
          seen[id] = 1;
          stats.distinct += 1;
        }
      }
    }
  }
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (req.url === '/control') {
      faults = JSON.parse(body.toString());
      random = createRandom(faults.seed ?? 1);
      res.end('{}');
      return;
    }
    if (req.url === '/reset') {
      reset();
      res.end('{}');
      return;
    }
    if (req.url === '/stats') {
      res.end(JSON.stringify(stats));
      return;
    }
    concurrent += 1;
    stats.maxConcurrent = Math.max(stats.maxConcurrent, concurrent);
    const answer = () => {
      concurrent -= 1;
      stats.requests += 1;
      if (faults.outage || (faults.failRatio && random() < faults.failRatio)) {
        stats.failed += 1;
        res.writeHead(503).end();
        return;
      }
      stats.wireBytes += body.length;
      if (req.url === '/v1/traces') {
        // Traces only feed the CPU comparison: counted in spans by the caller, not decoded.
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        return;
      }
      const encoding = req.headers['content-encoding'];
      const raw =
        encoding === 'gzip'
          ? gunzipSync(body)
          : encoding === 'zstd'
            ? zlib.zstdDecompressSync(body)
            : body;
      count(raw);
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    };
    if (faults.latencyMs) setTimeout(answer, faults.latencyMs);
    else answer();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
