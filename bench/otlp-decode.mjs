// Decode throughput of the dev backend's OTLP decoder against maintained protobuf libraries, on
// realistic export bodies: 512 LLM/HTTP spans and 512 sampled log records, as the SDK's own
// serializers (@opentelemetry/otlp-transformer) write them, in protobuf and in OTLP/JSON.
//
// Variants (each from the body bytes to the backend's normalized objects, and, where it
// applies, to the library's own message objects only):
//   ours                        dev-backend's table-driven decoder (dist/dev-backend)
//   protobufjs 7 / 8            reflection over the official .proto files (shipped inside
//                               @elastic/mockotlpserver), decode; + toObject; + normalize
//   @bufbuild/protobuf reader   our table-driven loop on bufbuild's BinaryReader (the reader
//                               swapped, to price the primitives alone)
//   JSON.parse                  the floor for OTLP/JSON
// Rounds interleave the variants so machine noise hits all alike; the median round is shown.
//
// Usage: npm run bench:setup && npm run build && node_modules/.bin/node bench/otlp-decode.mjs
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const rootRequire = createRequire(join(benchDir, '..', 'package.json'));
const benchRequire = createRequire(join(benchDir, 'package.json'));

const { decodeExportRequest, decodePlainRequest } = rootRequire(
  './dist/dev-backend/otlp-decode.js',
);
const { normalizeTraces, normalizeLogs } = rootRequire('./dist/dev-backend/otlp-normalize.js');
const schema = rootRequire('./dist/dev-backend/otlp-wire-schema.js');

const { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } =
  rootRequire('@opentelemetry/otlp-transformer');
const { resourceFromAttributes } = rootRequire('@opentelemetry/resources');
const { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } = rootRequire(
  '@opentelemetry/sdk-trace',
);
const { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } =
  rootRequire('@opentelemetry/sdk-logs');
const api = rootRequire('@opentelemetry/api');

const COUNT = 512;
const resource = resourceFromAttributes({
  'service.name': 'checkout',
  'service.version': '1.4.2',
  'deployment.environment.name': 'production',
  'host.name': 'ip-10-0-3-17',
  'process.pid': 4242,
  'process.runtime.name': 'nodejs',
  'process.runtime.version': '24.2.0',
  'telemetry.sdk.name': 'opentelemetry',
  'telemetry.sdk.language': 'nodejs',
  'telemetry.sdk.version': '3.1.0',
  'telemetry.distro.name': 'sprintlens',
  'telemetry.distro.version': '0.1.0',
});

/** 512 spans: per request, one HTTP server span, one LLM client span, one tool span, one fetch. */
function spans() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource,
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('@sprintlens/instrumentation-openai', '0.1.0');
  for (let i = 0; i < COUNT / 4; i++) {
    const server = tracer.startSpan(`POST /api/chat`, {
      kind: api.SpanKind.SERVER,
      attributes: {
        'http.request.method': 'POST',
        'url.path': '/api/chat',
        'http.route': '/api/chat',
        'http.response.status_code': 200,
        'server.address': 'checkout.internal',
        'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36',
        'session.id': `sess-${i % 37}`,
      },
    });
    const ctx = api.trace.setSpan(api.context.active(), server);
    const llm = tracer.startSpan(
      'chat gpt-4o-mini',
      {
        kind: api.SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
          'gen_ai.response.id': `chatcmpl-${(1e9 + i).toString(36)}AbCdEf`,
          'gen_ai.response.finish_reasons': ['stop'],
          'gen_ai.request.temperature': 0.2,
          'gen_ai.request.max_tokens': 512,
          'gen_ai.usage.input_tokens': 812 + i,
          'gen_ai.usage.output_tokens': 143,
          'gen_ai.usage.cache_read.input_tokens': 512,
          'sprintlens.cost.usd': 0.000207 + i * 1e-7,
          'server.address': 'api.openai.com',
          'server.port': 443,
        },
      },
      ctx,
    );
    llm.addEvent('gen_ai.content.completion', { 'gen_ai.event.index': 0 });
    llm.end();
    const tool = tracer.startSpan(
      'execute_tool lookup_order',
      {
        kind: api.SpanKind.INTERNAL,
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'lookup_order',
          'gen_ai.tool.call.id': `call_${i}`,
        },
      },
      ctx,
    );
    if (i % 10 === 0)
      tool.setStatus({ code: api.SpanStatusCode.ERROR, message: 'order not found' });
    tool.end();
    const fetch = tracer.startSpan(
      'GET',
      {
        kind: api.SpanKind.CLIENT,
        attributes: {
          'http.request.method': 'GET',
          'url.full': `https://orders.internal/v2/orders/${100000 + i}`,
          'http.response.status_code': 200,
          'server.address': 'orders.internal',
          'server.port': 443,
        },
      },
      ctx,
    );
    fetch.end();
    server.end();
  }
  return exporter.getFinishedSpans().slice(0, COUNT);
}

/** 512 log records as the sampler leaves them: template, pattern id and rate attributes. */
function logRecords() {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource,
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('@sprintlens/instrumentation-pino', '0.1.0');
  const spanContext = {
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: 'eee19b7ec3c1b174',
    traceFlags: 1,
  };
  const ctx = api.trace.setSpanContext(api.context.active(), spanContext);
  const templates = [
    ['user <*> logged in from <*>', 'INFO', 9],
    ['payment <*> authorised for order <*> amount <*>', 'INFO', 9],
    ['cache miss for key <*>', 'DEBUG', 5],
    ['slow query took <*> ms: <*>', 'WARN', 13],
    ['payment failed for order <*>: <*>', 'ERROR', 17],
  ];
  for (let i = 0; i < COUNT; i++) {
    const [template, severityText, severityNumber] = templates[i % templates.length];
    let n = 0;
    const body = template.replace(/<\*>/g, () => `${(i * 7919 + n++ * 104729) % 100000}`);
    logger.emit({
      context: ctx,
      severityNumber,
      severityText,
      body,
      attributes: {
        'sprintlens.pattern.id': (0x1f3a5c7e9b2d4f60n + BigInt(i % 5)).toString(16),
        'log.record.template': template,
        'sprintlens.sample_rate': severityNumber >= 17 ? 1 : 5,
        'code.function.name': 'handleRequest',
        'request.id': `req-${i}`,
        'http.route': '/api/chat',
      },
    });
  }
  return exporter.getFinishedLogRecords();
}

const spanList = spans();
const logList = logRecords();
const bodies = {
  traces: {
    protobuf: Buffer.from(ProtobufTraceSerializer.serializeRequest(spanList)),
    json: Buffer.from(JsonTraceSerializer.serializeRequest(spanList)),
  },
  logs: {
    protobuf: Buffer.from(ProtobufLogsSerializer.serializeRequest(logList)),
    json: Buffer.from(JsonLogsSerializer.serializeRequest(logList)),
  },
};

/** Loads the OTLP request types with one protobufjs version from the mockotlpserver protos. */
function protobufjsTypes(protobuf) {
  const protoDir = dirname(rootRequire.resolve('@elastic/mockotlpserver/package.json'));
  const root = new protobuf.Root();
  root.resolvePath = (_o, target) => (isAbsolute(target) ? target : join(protoDir, target));
  root.loadSync([
    'opentelemetry/proto/collector/trace/v1/trace_service.proto',
    'opentelemetry/proto/collector/logs/v1/logs_service.proto',
  ]);
  return {
    traces: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    logs: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'),
  };
}
const TO_PLAIN = { longs: String, enums: Number, defaults: true, arrays: true };
// Without defaults: fewer keys to build (the normalizer takes a missing key as its default).
const LEAN = { longs: String, enums: Number, arrays: true };
const normalize = { traces: normalizeTraces, logs: normalizeLogs };

const pbjs7 = protobufjsTypes(rootRequire('protobufjs'));
let pbjs8;
let bufbuild;
try {
  const protobuf8 = benchRequire('protobufjs');
  if (!benchRequire('protobufjs/package.json').version.startsWith('8.')) throw new Error('not 8');
  pbjs8 = protobufjsTypes(protobuf8);
  bufbuild = benchRequire('@bufbuild/protobuf/wire');
} catch {
  console.error('protobufjs 8 / @bufbuild/protobuf missing: run `npm run bench:setup` first');
  process.exit(1);
}

/**
 * Our table-driven loop over bufbuild's BinaryReader: the same plain form as
 * dev-backend/otlp-protobuf.ts (the cases OTLP traces and logs use), primitives swapped.
 */
function bufbuildPlain(signal, body) {
  const { BinaryReader, WireType } = bufbuild;
  const request = signal === 'traces' ? 'ExportTraceServiceRequest' : 'ExportLogsServiceRequest';
  const reader = new BinaryReader(body);
  const scalar = (type) => {
    switch (type) {
      case 'string':
        return reader.string();
      case 'bytes':
        return reader.bytes();
      case 'double':
        return reader.double();
      case 'fixed32':
        return reader.fixed32();
      case 'fixed64':
        return String(reader.fixed64());
      case 'sfixed64':
        return String(reader.sfixed64());
      case 'bool':
        return reader.bool();
      case 'uint64':
        return String(reader.uint64());
      case 'int64':
        return String(reader.int64());
      case 'sint32':
        return reader.sint32();
      case 'uint32':
        return reader.uint32();
      default:
        return reader.int32();
    }
  };
  const message = (spec, end) => {
    const result = schema.createDefaults(spec);
    while (reader.pos < end) {
      const [number, wireType] = reader.tag();
      const field = spec.byNumber.get(number);
      if (field === undefined) {
        reader.skip(wireType);
        continue;
      }
      if (field.message !== undefined) {
        const length = reader.uint32();
        const value = message(field.message, reader.pos + length);
        if (field.repeated) result[field.name].push(value);
        else schema.setField(result, field, value);
      } else if (field.repeated) {
        if (wireType === WireType.LengthDelimited && field.scalar !== 'string') {
          const stop = reader.uint32() + reader.pos;
          while (reader.pos < stop) result[field.name].push(scalar(field.scalar));
        } else result[field.name].push(scalar(field.scalar));
      } else schema.setField(result, field, scalar(field.scalar));
    }
    return result;
  };
  return message(schema.messageSpec(request), body.length);
}

const variants = [];
for (const signal of ['traces', 'logs']) {
  const { protobuf, json } = bodies[signal];
  const add = (name, format, run) => variants.push({ signal, name, format, run });
  add('ours: bytes -> normalized', 'protobuf', () =>
    decodeExportRequest({ signal, format: 'protobuf', body: protobuf }),
  );
  add('ours: bytes -> plain form', 'protobuf', () =>
    decodePlainRequest({ signal, format: 'protobuf', body: protobuf }),
  );
  for (const [label, types] of [
    ['protobufjs 7', pbjs7],
    ['protobufjs 8', pbjs8],
  ]) {
    const type = types[signal];
    add(`${label}: bytes -> normalized`, 'protobuf', () =>
      normalize[signal](type.toObject(type.decode(protobuf), TO_PLAIN)),
    );
    add(`${label}: -> normalized, lean toObject`, 'protobuf', () =>
      normalize[signal](type.toObject(type.decode(protobuf), LEAN)),
    );
    add(`${label}: decode() only`, 'protobuf', () => type.decode(protobuf));
  }
  add('bufbuild reader + our loop: -> normalized', 'protobuf', () =>
    normalize[signal](bufbuildPlain(signal, protobuf)),
  );
  add('ours: OTLP/JSON -> normalized', 'json', () =>
    decodeExportRequest({ signal, format: 'json', body: json }),
  );
  add('JSON.parse only', 'json', () => JSON.parse(json.toString('utf8')));
}

// The variants must agree before they are timed.
for (const signal of ['traces', 'logs']) {
  const expected = JSON.stringify(
    decodeExportRequest({ signal, format: 'protobuf', body: bodies[signal].protobuf }),
    (_k, v) => (typeof v === 'bigint' ? v.toString() : v),
  );
  for (const variant of variants) {
    if (variant.signal !== signal || !variant.name.includes('normalized')) continue;
    const got = JSON.stringify(variant.run(), (_k, v) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
    if (got !== expected) throw new Error(`${variant.name} (${signal}) decodes differently`);
  }
}

const ROUNDS = Number(process.argv[2] ?? 7);
const ROUND_MS = 300;
const times = new Map(variants.map((v) => [v, []]));
for (const v of variants) for (let i = 0; i < 20; i++) v.run(); // warm up
for (let round = 0; round < ROUNDS; round++) {
  for (const variant of variants) {
    let n = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < ROUND_MS * 1e6) {
      variant.run();
      n++;
      elapsed = Number(process.hrtime.bigint() - start);
    }
    times.get(variant).push(elapsed / n);
  }
}

console.log(`node ${process.version}, ${COUNT} records a body, median of ${ROUNDS} rounds`);
for (const signal of ['traces', 'logs']) {
  const { protobuf, json } = bodies[signal];
  console.log(`\n${signal}: protobuf body ${protobuf.length} B, OTLP/JSON body ${json.length} B`);
  console.log(
    'variant'.padEnd(56),
    'ms/body'.padStart(8),
    'MB/s'.padStart(7),
    'records/s'.padStart(11),
  );
  for (const variant of variants) {
    if (variant.signal !== signal) continue;
    const sorted = [...times.get(variant)].sort((a, b) => a - b);
    const ns = sorted[Math.floor(sorted.length / 2)];
    const bytes = variant.format === 'json' ? json.length : protobuf.length;
    console.log(
      `${variant.name} (${variant.format})`.padEnd(56),
      (ns / 1e6).toFixed(3).padStart(8),
      (bytes / (ns / 1e9) / 1e6).toFixed(0).padStart(7),
      Math.round(COUNT / (ns / 1e9))
        .toLocaleString('en-US')
        .padStart(11),
    );
  }
}
