// Child process for test/integration/exporters/spool-processes.test.ts. Uses the BUILT spool
// (npm run build), as an installed package would.
//   write <dir> <count> <bodyBytes>  write count entries, print "spooled", wait to be killed
//   churn <dir> <bodyBytes>          write entries forever, print "writing" after the first
//   claim <dir>                      print "ready", wait for "go" on stdin, claim and ack until
//                                    empty, print the ids as JSON, exit
//   hold <dir>                       claim one entry, print "claimed <id>", wait to be killed
//   fill <dir> <count> <bodyBytes> <maxBytes>
//                                    print "ready", wait for "go", write count entries into a
//                                    spool bounded to maxBytes, print its stats as JSON, exit
import spoolModule from '../../../dist/exporters/spool/index.js';
import { bodyFor } from './spool-body.mjs';

const { DiskSpool } = spoolModule;
const [mode, dir, a, b, c] = process.argv.slice(2);
const CONTENT_TYPE = 'application/x-protobuf';

const keepAlive = () => setInterval(() => undefined, 1000);

async function main() {
  const maxBytes = mode === 'fill' ? Number(c) : 1 << 30;
  const spool = await DiskSpool.open({ dir, maxBytes, signal: 'logs' });
  if (mode === 'write') {
    const count = Number(a);
    for (let i = 0; i < count; i++) {
      await spool.write({ body: bodyFor(i, Number(b)), records: i + 1, contentType: CONTENT_TYPE });
    }
    process.stdout.write('spooled\n');
    keepAlive();
  } else if (mode === 'churn') {
    for (let i = 0; ; i++) {
      await spool.write({ body: bodyFor(i, Number(a)), records: i + 1, contentType: CONTENT_TYPE });
      if (i === 0) process.stdout.write('writing\n');
    }
  } else if (mode === 'claim') {
    process.stdout.write('ready\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
    const ids = [];
    for (;;) {
      const entry = await spool.claimOldest();
      if (entry === undefined) break;
      ids.push(entry.id);
      await spool.ack(entry);
    }
    process.stdout.write(JSON.stringify(ids) + '\n');
    process.exit(0);
  } else if (mode === 'hold') {
    const entry = await spool.claimOldest();
    process.stdout.write(`claimed ${entry?.id}\n`);
    keepAlive();
  } else if (mode === 'fill') {
    process.stdout.write('ready\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
    for (let i = 0; i < Number(a); i++) {
      await spool.write({ body: bodyFor(i, Number(b)), records: 1, contentType: CONTENT_TYPE });
    }
    process.stdout.write(JSON.stringify(spool.stats()) + '\n');
    process.exit(0);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}

main().catch((error) => {
  process.stderr.write(String(error?.stack ?? error) + '\n');
  process.exit(1);
});
