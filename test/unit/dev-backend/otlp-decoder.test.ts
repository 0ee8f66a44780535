import { describe, expect, it } from 'vitest';
import {
  OtlpDecodeError,
  decodeExportRequest,
  decodePlainRequest,
  encodeExportResponse,
  encodeStatus,
} from '../../../dev-backend/otlp-decode';
import type { OtlpFormat } from '../../../dev-backend/otlp-decode';
import { createRandom, randomInt } from '../../support/prng';
import type { OtlpSignal } from '../../support/backend';
import { loadOtlpSchema } from '../../support/backend/otlp-schema';
import {
  referenceDecode,
  referencePlain,
  referencePlainFromJson,
} from '../../support/backend/otlp-reference';
import { logsPayload, metricsPayload, raw, tracePayload } from './otlp-fixtures';
import type { Payload } from './otlp-fixtures';

function ours(signal: OtlpSignal, body: Uint8Array, format: OtlpFormat = 'protobuf') {
  return decodePlainRequest({ signal, format, body: Buffer.from(body) });
}

/** Encodes a request from a protobufjs-style object with the official schema. */
function encodeWithProtobufjs(signal: OtlpSignal, value: object): Uint8Array {
  const { request } = loadOtlpSchema().signals[signal];
  return request.encode(request.fromObject(value)).finish();
}

/** Wraps log records into a request (protobufjs object form). */
function logsRequest(logRecords: object[]): object {
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeLogs: [{ scope: { name: 'scope' }, logRecords }],
      },
    ],
  };
}

/** Expects both decoders to agree on `body`, in plain form and normalized. */
function expectSameAsReference(signal: OtlpSignal, body: Uint8Array): void {
  expect(ours(signal, body)).toEqual(referencePlain({ signal, body }));
  expect(decodeExportRequest({ signal, format: 'protobuf', body: Buffer.from(body) })).toEqual(
    referenceDecode({ signal, body }),
  );
}

async function payloads(): Promise<Payload[]> {
  return [tracePayload(), logsPayload(), await metricsPayload()];
}

describe('protobuf decoding equals protobufjs with the official protos', () => {
  it.each(['traces', 'logs', 'metrics'] as const)(
    'decodes what the SDK serializers write (%s)',
    async (signal) => {
      const payload = (await payloads()).find((candidate) => candidate.signal === signal);
      if (!payload) throw new Error('no payload');
      expectSameAsReference(signal, payload.protobuf);
      // Sanity: the payloads are not trivially empty.
      expect(payload.protobuf.length).toBeGreaterThan(200);
    },
  );

  it('decodes every AnyValue kind, nested arrays and maps, bytes, and extremes', () => {
    const value = (v: object) => ({ key: 'k', value: v });
    const body = encodeWithProtobufjs(
      'logs',
      logsRequest([
        {
          body: {
            kvlistValue: {
              values: [
                { key: 's', value: { stringValue: 'text ✓' } },
                { key: 'empty', value: { stringValue: '' } },
                { key: 'b', value: { boolValue: true } },
                { key: 'f', value: { boolValue: false } },
                { key: 'i', value: { intValue: -1 } },
                { key: 'zero', value: { intValue: 0 } },
                { key: 'min', value: { intValue: '-9223372036854775808' } },
                { key: 'max', value: { intValue: '9223372036854775807' } },
                { key: 'safe', value: { intValue: 9007199254740991 } },
                { key: 'd', value: { doubleValue: -1.5e-300 } },
                { key: 'nan', value: { doubleValue: NaN } },
                { key: 'inf', value: { doubleValue: -Infinity } },
                { key: 'negzero', value: { doubleValue: -0 } },
                { key: 'bytes', value: { bytesValue: Buffer.from([0, 0xff, 0x80]) } },
                { key: 'nobytes', value: { bytesValue: Buffer.alloc(0) } },
                { key: 'unset', value: {} },
                { key: 'novalue' },
                {
                  key: 'nested',
                  value: {
                    arrayValue: {
                      values: [
                        { arrayValue: { values: [{ intValue: 1 }, { stringValue: 'x' }] } },
                        { kvlistValue: { values: [value({ boolValue: false })] } },
                        { arrayValue: {} },
                        {},
                      ],
                    },
                  },
                },
              ],
            },
          },
          attributes: [
            { key: 'dup', value: { stringValue: 'first' } },
            { key: 'dup', value: { stringValue: 'second' } },
          ],
          severityNumber: 24,
          severityText: 'FATAL4',
          timeUnixNano: '18446744073709551615',
          observedTimeUnixNano: 1,
          flags: 0xffffffff,
          traceId: Buffer.alloc(16, 0xab),
          spanId: Buffer.alloc(8, 0xcd),
          droppedAttributesCount: 4294967295,
        },
      ]),
    );
    expectSameAsReference('logs', body);
    const [record] = decodeExportRequest({
      signal: 'logs',
      format: 'protobuf',
      body: Buffer.from(body),
    }).resourceLogs[0]!.scopeLogs[0]!.logRecords;
    expect(record?.body).toMatchObject({
      min: -9223372036854775808n,
      max: 9223372036854775807n,
      safe: 9007199254740991,
      i: -1,
      bytes: new Uint8Array([0, 0xff, 0x80]),
      nested: [[1, 'x'], { k: false }, [], undefined],
    });
    expect(record?.attributes).toEqual({ dup: 'second' });
    expect(record?.timeUnixNano).toBe('18446744073709551615');
    expect(record?.flags).toBe(0xffffffff);
  });

  it('decodes empty messages and absent sub-messages to their defaults', () => {
    for (const signal of ['traces', 'logs', 'metrics'] as const) {
      expectSameAsReference(signal, new Uint8Array(0));
    }
    expectSameAsReference(
      'traces',
      encodeWithProtobufjs('traces', {
        resourceSpans: [{}, { scopeSpans: [{}, { spans: [{}, { status: {} }] }] }],
      }),
    );
    expectSameAsReference(
      'metrics',
      encodeWithProtobufjs('metrics', {
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  { name: 'no data' },
                  { name: 'empty gauge', gauge: {} },
                  { name: 'summary', summary: { dataPoints: [{}, { quantileValues: [{}] }] } },
                  {
                    name: 'exp',
                    exponentialHistogram: {
                      dataPoints: [
                        {},
                        {
                          scale: -3,
                          positive: { offset: -2, bucketCounts: [1, 0, '18446744073709551615'] },
                        },
                      ],
                    },
                  },
                  {
                    name: 'points',
                    sum: {
                      dataPoints: [
                        { asInt: '-9223372036854775808' },
                        { asDouble: 0 },
                        { exemplars: [{ asInt: -1, spanId: Buffer.alloc(8, 1) }, {}] },
                      ],
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
  });

  it('accepts repeated numbers packed or unpacked', () => {
    const packed = encodeWithProtobufjs('metrics', {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'h',
                  histogram: {
                    dataPoints: [{ bucketCounts: [1, 2, 3], explicitBounds: [0.5, 1.5] }],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    expectSameAsReference('metrics', packed);
    // The same point with unpacked fields (one tag per value), as older writers do.
    const point = raw.join(
      raw.fixed64(6, 1),
      raw.fixed64(6, 2),
      raw.fixed64(6, 3),
      raw.join(raw.tag(7, 1), Buffer.from(new Float64Array([0.5]).buffer)),
      raw.join(raw.tag(7, 1), Buffer.from(new Float64Array([1.5]).buffer)),
    );
    const unpacked = raw.bytes(
      1,
      raw.bytes(
        2,
        raw.bytes(2, raw.join(raw.bytes(1, Buffer.from('h')), raw.bytes(9, raw.bytes(1, point)))),
      ),
    );
    expectSameAsReference('metrics', unpacked);
    expect(ours('metrics', unpacked)).toEqual(ours('metrics', packed));
  });

  it('skips unknown fields of every wire type, at the top and deep inside', () => {
    const unknown = raw.join(
      raw.varint(100, 2 ** 40),
      raw.fixed64(101, 7),
      raw.bytes(102, Buffer.from('ignored')),
      raw.fixed32(103, 9),
      // A group (wire types 3 and 4), deprecated but still valid protobuf.
      raw.tag(104, 3),
      raw.varint(1, 5),
      raw.tag(104, 4),
    );
    const span = raw.join(raw.bytes(5, Buffer.from('named')), unknown);
    const scopeSpans = raw.join(raw.bytes(2, span), unknown);
    const resourceSpans = raw.join(unknown, raw.bytes(2, scopeSpans));
    const body = raw.join(unknown, raw.bytes(1, resourceSpans), unknown);
    expectSameAsReference('traces', body);
    expect(
      decodeExportRequest({ signal: 'traces', format: 'protobuf', body: Buffer.from(body) })
        .resourceSpans[0]?.scopeSpans[0]?.spans[0]?.name,
    ).toBe('named');
  });

  it('decodes negative enums and int32 written as 10-byte varints', () => {
    const record = raw.join(raw.varint(2, -1), raw.varint(7, 3));
    const body = raw.bytes(1, raw.bytes(2, raw.bytes(2, record)));
    expectSameAsReference('logs', body);
  });

  it('keeps a __proto__ attribute key as a plain key, never as a prototype', () => {
    const document = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  name: 'n',
                  attributes: [
                    {
                      key: '__proto__',
                      value: {
                        kvlistValue: { values: [{ key: 'polluted', value: { boolValue: true } }] },
                      },
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    for (const format of ['json', 'protobuf'] as const) {
      const body =
        format === 'json'
          ? Buffer.from(JSON.stringify(document))
          : Buffer.from(encodeWithProtobufjs('traces', document));
      const span = decodeExportRequest({ signal: 'traces', format, body }).resourceSpans[0]
        ?.scopeSpans[0]?.spans[0];
      const attributes = span?.attributes ?? {};
      expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
      expect(Object.keys(attributes)).toEqual(['__proto__']);
      expect((attributes as Record<string, unknown>).polluted).toBeUndefined();
      expect(JSON.parse(JSON.stringify(attributes))).toEqual(
        JSON.parse('{"__proto__":{"polluted":true}}'),
      );
    }
  });

  it('lets the last member of a oneof win, as protobuf specifies', () => {
    const anyValue = raw.join(raw.bytes(1, Buffer.from('text')), raw.varint(3, 5));
    const keyValue = raw.join(raw.bytes(1, Buffer.from('k')), raw.bytes(2, anyValue));
    const body = raw.bytes(1, raw.bytes(2, raw.bytes(2, raw.bytes(6, keyValue))));
    const decoded = decodeExportRequest({
      signal: 'logs',
      format: 'protobuf',
      body: Buffer.from(body),
    });
    expect(decoded.resourceLogs[0]?.scopeLogs[0]?.logRecords[0]?.attributes).toEqual({ k: 5 });
  });
});

describe('OTLP/JSON decoding', () => {
  it.each(['traces', 'logs', 'metrics'] as const)(
    'gives the same result as the protobuf encoding of the same data (%s)',
    async (signal) => {
      const payload = (await payloads()).find((candidate) => candidate.signal === signal);
      if (!payload) throw new Error('no payload');
      const fromJson = decodeExportRequest({
        signal,
        format: 'json',
        body: Buffer.from(payload.json),
      });
      const fromProtobuf = decodeExportRequest({
        signal,
        format: 'protobuf',
        body: Buffer.from(payload.protobuf),
      });
      expect(fromJson).toEqual(fromProtobuf);
      const document = JSON.parse(Buffer.from(payload.json).toString('utf8')) as object;
      expect(ours(signal, payload.json, 'json')).toEqual(
        referencePlainFromJson({ signal, document }),
      );
    },
  );

  it('accepts snake_case names, enum names, integers as strings or numbers, and null', () => {
    const document = {
      resource_spans: [
        {
          resource: null,
          scope_spans: [
            {
              spans: [
                {
                  trace_id: '0AF7651916CD43DD8448EB211C80319C',
                  span_id: '00f067aa0ba902b7',
                  parent_span_id: '',
                  name: 'n',
                  kind: 'SPAN_KIND_CLIENT',
                  start_time_unix_nano: 1700000000000000000,
                  endTimeUnixNano: '1700000000500000000',
                  status: { code: 'STATUS_CODE_ERROR', message: 'x' },
                  dropped_attributes_count: '3',
                  attributes: [
                    { key: 'd', value: { doubleValue: 'NaN' } },
                    { key: 'i', value: { intValue: '-5' } },
                    { key: 'raw', value: { bytes_value: 'AQID' } },
                  ],
                  somethingNew: { ignored: true },
                },
              ],
            },
          ],
        },
      ],
    };
    const decoded = decodeExportRequest({
      signal: 'traces',
      format: 'json',
      body: Buffer.from(JSON.stringify(document)),
    });
    const span = decoded.resourceSpans[0]?.scopeSpans[0]?.spans[0];
    expect(span).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: '00f067aa0ba902b7',
      parentSpanId: '',
      kind: 3,
      startTimeUnixNano: '1700000000000000000',
      endTimeUnixNano: '1700000000500000000',
      status: { code: 2, message: 'x' },
      droppedAttributesCount: 3,
      attributes: { d: NaN, i: -5, raw: new Uint8Array([1, 2, 3]) },
    });
    expect(decoded.resourceSpans[0]?.resource).toEqual({
      attributes: {},
      droppedAttributesCount: 0,
    });
  });

  it.each([
    ['a list where an object belongs', { resourceSpans: {} }, 'resourceSpans must be an array'],
    [
      'a bad hex id',
      { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'xyz' }] }] }] },
      'resourceSpans[0].scopeSpans[0].spans[0].traceId is not a hex string',
    ],
    [
      'a fractional integer',
      { resourceSpans: [{ scopeSpans: [{ spans: [{ droppedEventsCount: 1.5 }] }] }] },
      'droppedEventsCount is not a valid uint32',
    ],
    [
      'a negative unsigned',
      { resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: '-1' }] }] }] },
      'startTimeUnixNano is not a valid fixed64',
    ],
    [
      'an unknown enum name',
      { resourceSpans: [{ scopeSpans: [{ spans: [{ kind: 'SPAN_KIND_SIDEWAYS' }] }] }] },
      'kind is not a valid enum',
    ],
    [
      'a number where a string belongs',
      { resourceSpans: [{ scopeSpans: [{ spans: [{ name: 5 }] }] }] },
      'name must be a string',
    ],
    ['a scalar body', [], 'body must be an object'],
  ])('rejects %s with a message naming the path', (_case, document, message) => {
    expect(() =>
      decodePlainRequest({
        signal: 'traces',
        format: 'json',
        body: Buffer.from(JSON.stringify(document)),
      }),
    ).toThrow(message);
  });
});

/** Decoding `body` either succeeds or throws OtlpDecodeError, and does so quickly. */
function decodesOrRejectsCleanly(
  signal: OtlpSignal,
  body: Uint8Array,
  format: OtlpFormat = 'protobuf',
) {
  const begin = performance.now();
  let result: 'ok' | 'rejected';
  try {
    decodePlainRequest({ signal, format, body: Buffer.from(body) });
    result = 'ok';
  } catch (error: unknown) {
    if (!(error instanceof OtlpDecodeError)) throw error;
    result = 'rejected';
  }
  expect(performance.now() - begin).toBeLessThan(1000);
  return result;
}

describe('hostile input', () => {
  it('every truncation of a real payload decodes cleanly or is rejected cleanly', async () => {
    for (const payload of await payloads()) {
      for (let length = 0; length < payload.protobuf.length; length++) {
        const prefix = payload.protobuf.subarray(0, length);
        const result = decodesOrRejectsCleanly(payload.signal, prefix);
        // Where we accept a prefix (cut at a field boundary), protobufjs reads the same.
        if (result === 'ok') expectSameAsReference(payload.signal, prefix);
      }
      for (let length = 0; length < payload.json.length; length += 7) {
        decodesOrRejectsCleanly(payload.signal, payload.json.subarray(0, length), 'json');
      }
    }
  });

  it('random bytes and flipped bytes never crash or hang the decoder', async () => {
    const random = createRandom(20240601);
    for (let run = 0; run < 2000; run++) {
      const bytes = new Uint8Array(randomInt(random, 0, 64)).map(() => randomInt(random, 0, 255));
      decodesOrRejectsCleanly('traces', bytes);
      decodesOrRejectsCleanly('metrics', bytes);
    }
    for (const payload of await payloads()) {
      for (let run = 0; run < 300; run++) {
        const mutated = Buffer.from(payload.protobuf);
        for (let flips = 0; flips < 3; flips++) {
          mutated[randomInt(random, 0, mutated.length - 1)] = randomInt(random, 0, 255);
        }
        decodesOrRejectsCleanly(payload.signal, mutated);
      }
    }
  });

  it('rejects nesting deeper than the bound, in protobuf and in JSON', () => {
    let anyValue: Uint8Array = raw.bytes(1, Buffer.from('leaf'));
    for (let depth = 0; depth < 5000; depth++) anyValue = raw.bytes(5, raw.bytes(1, anyValue));
    const record = raw.bytes(5, anyValue);
    const body = raw.bytes(1, raw.bytes(2, raw.bytes(2, record)));
    expect(() => ours('logs', body)).toThrow(/nesting deeper than 64/);

    // Built as text: JSON.stringify itself would overflow the stack on 5000 levels.
    const levels = 5000;
    const deepBody = `${'{"arrayValue":{"values":['.repeat(levels)}{"stringValue":"leaf"}${']}}'.repeat(levels)}`;
    const deepDocument = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${deepBody}}]}]}]}`;
    expect(() => ours('logs', Buffer.from(deepDocument), 'json')).toThrow(/nesting deeper than 64/);
    // A sane depth is fine.
    let shallow: Uint8Array = raw.bytes(1, Buffer.from('leaf'));
    for (let depth = 0; depth < 20; depth++) shallow = raw.bytes(5, raw.bytes(1, shallow));
    expectSameAsReference('logs', raw.bytes(1, raw.bytes(2, raw.bytes(2, raw.bytes(5, shallow)))));
  });

  it.each([
    [
      'a length beyond the buffer',
      raw.join(raw.tag(1, 2), Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])),
      /truncated/,
    ],
    [
      'a 2^40 length',
      raw.join(raw.tag(1, 2), Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x20])),
      /truncated/,
    ],
    [
      'an 11-byte varint',
      raw.join(raw.tag(100, 0), Buffer.alloc(10, 0xff), Buffer.from([1])),
      /varint longer/,
    ],
    ['wire type 6', raw.tag(100, 6), /invalid wire type 6/],
    ['wire type 7', raw.tag(100, 7), /invalid wire type 7/],
    ['field number 0', raw.varint(0, 1), /field number 0/],
    ['a message field sent as a varint', raw.varint(1, 1), /wire type 0/],
    ['a stray end-group', raw.tag(100, 4), /end-group/],
    ['an unterminated group', raw.join(raw.tag(100, 3), raw.varint(1, 1)), /truncated group/],
    ['a truncated fixed64', raw.join(raw.tag(100, 1), Buffer.from([1, 2, 3])), /truncated/],
    [
      'a sub-message longer than its parent',
      raw.bytes(1, raw.join(raw.tag(2, 2), Buffer.from([0x10]), Buffer.alloc(3))),
      /truncated/,
    ],
  ])('rejects %s with a clear error', (_case, body, message) => {
    expect(() => ours('traces', body)).toThrow(OtlpDecodeError);
    expect(() => ours('traces', body)).toThrow(message);
    expect(() => ours('traces', body)).toThrow(/^invalid protobuf ExportTraceServiceRequest: /);
  });
});

describe('responses', () => {
  it.each([
    ['traces', 'rejectedSpans'],
    ['logs', 'rejectedLogRecords'],
    ['metrics', 'rejectedDataPoints'],
  ] as const)('encodes %s responses that protobufjs reads back', (signal, field) => {
    const { response } = loadOtlpSchema().signals[signal];
    const empty = encodeExportResponse({ signal, format: 'protobuf' });
    expect(empty.length).toBe(0);
    const partial = encodeExportResponse({
      signal,
      format: 'protobuf',
      partialSuccess: { rejected: 3, errorMessage: 'too old ✓' },
    });
    expect(response.toObject(response.decode(partial), { longs: Number })).toEqual({
      partialSuccess: { [field]: 3, errorMessage: 'too old ✓' },
    });
    const zero = encodeExportResponse({
      signal,
      format: 'protobuf',
      partialSuccess: { rejected: 0, errorMessage: 'warning only' },
    });
    expect(response.toObject(response.decode(zero), { longs: Number, defaults: true })).toEqual({
      partialSuccess: { [field]: 0, errorMessage: 'warning only' },
    });
    expect(
      JSON.parse(
        encodeExportResponse({
          signal,
          format: 'json',
          partialSuccess: { rejected: 2 },
        }).toString(),
      ),
    ).toEqual({ partialSuccess: { [field]: '2', errorMessage: '' } });
  });

  it('encodes google.rpc.Status', () => {
    const status = loadOtlpSchema().status;
    const body = encodeStatus({ format: 'protobuf', code: 14, message: 'unavailable' });
    expect(status.toObject(status.decode(body))).toEqual({ code: 14, message: 'unavailable' });
    expect(
      JSON.parse(encodeStatus({ format: 'json', code: 3, message: 'bad' }).toString()),
    ).toEqual({ code: 3, message: 'bad' });
  });
});
