// Child process of exporter-spool.test.ts. PHASE=spool: export N log records to a refusing
// endpoint with a spool, print "spooled" once they are all on disk, then wait to be killed.
// PHASE=deliver: start with the same spool and print the stats once everything is delivered.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createLogExporter } = require('../../dist/exporters/index.js');
const { LoggerProvider, BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');

const { BACKEND_URL, SPOOL_DIR, PHASE } = process.env;
const N = Number(process.env.N);
const exporter = createLogExporter({
  otlpEndpoint: BACKEND_URL,
  spoolDir: SPOOL_DIR,
  transport: {
    initialBackoffMillis: 10,
    maxBackoffMillis: 50,
    circuitFailureThreshold: 2,
    circuitOpenMillis: 200,
    spoolAfterWaitMillis: 100,
  },
});
const provider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter })] });
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

if (PHASE === 'spool') {
  const logger = provider.getLogger('spool-test');
  for (let i = 0; i < N; i++) logger.emit({ body: `spooled ${i}`, attributes: { i } });
  await provider.forceFlush();
  while (exporter.stats().spooled < N) await wait(10);
  process.stdout.write(`spooled ${JSON.stringify(exporter.stats())}\n`);
  setInterval(() => {}, 1000); // wait for SIGKILL
} else {
  while (exporter.stats().delivered < N) await wait(10);
  process.stdout.write(`delivered ${JSON.stringify(exporter.stats())}\n`);
  await provider.shutdown();
}
