/**
 * The patch of `send` on a fake client hierarchy shaped like the SDK's (a shared base client
 * whose `send` every service's client inherits): which calls get a span, how the callback form
 * and other commands behave, and how unpatching restores the prototypes.
 */
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { beforeEach, describe, expect, it } from 'vitest';
import { PriceBook } from '../../../instrumentations/genai';
import type { GenAiTelemetry, LlmAdapter } from '../../../instrumentations/genai';
import { patchSend, unpatchSend } from '../../../instrumentations/bedrock/send-patch';
import type { OperationAdapters } from '../../../instrumentations/bedrock/send-patch';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const telemetry: GenAiTelemetry = {
  tracer: provider.getTracer('test'),
  metrics: undefined,
  prices: new PriceBook([]),
  content: undefined,
};
beforeEach(() => exporter.reset());

const adapter: LlmAdapter = {
  request: (_self, args) => ({
    operation: 'chat',
    provider: 'aws.bedrock',
    requestModel: (args[0] as { input: { modelId: string } }).input.modelId,
    attributes: {},
  }),
  readResult(call, result) {
    call.outputTokens = (result as { tokens?: number }).tokens;
  },
};
const ADAPTERS: OperationAdapters = {
  Converse: adapter,
  ConverseStream: adapter,
  InvokeModel: adapter,
  InvokeModelWithResponseStream: adapter,
};

/** The shared smithy client: `send(command, options?, callback?)` as the SDK has it. */
class SharedClient {
  sent: unknown[] = [];
  send(command: unknown, optionsOrCallback?: unknown, callback?: unknown): unknown {
    this.sent.push(command);
    const done = typeof optionsOrCallback === 'function' ? optionsOrCallback : callback;
    const result =
      (command as { fail?: boolean }).fail === true
        ? Promise.reject(new ThrottlingException())
        : Promise.resolve({ tokens: 7 });
    if (typeof done !== 'function') return result;
    result.then(
      (output) => (done as (e: unknown, o?: unknown) => void)(null, output),
      (error: unknown) => (done as (e: unknown) => void)(error),
    );
    return undefined;
  }
}
class BedrockRuntimeClient extends SharedClient {}
class S3Client extends SharedClient {}
class ThrottlingException extends Error {}
class ConverseCommand {
  constructor(
    readonly input: { modelId: string },
    readonly fail = false,
  ) {}
}
class PutObjectCommand {
  readonly input = { Bucket: 'b' };
}

const inherited = SharedClient.prototype.send;

describe('patchSend', () => {
  it('gives the Bedrock client its own send: model calls get spans, other commands pass on', async () => {
    expect(patchSend(BedrockRuntimeClient.prototype, ADAPTERS, () => telemetry)).toBe(true);
    try {
      expect(Object.hasOwn(BedrockRuntimeClient.prototype, 'send')).toBe(true);
      expect(SharedClient.prototype.send).toBe(inherited);
      const client = new BedrockRuntimeClient();
      expect(await client.send(new ConverseCommand({ modelId: 'm' }))).toEqual({ tokens: 7 });
      expect(await client.send(new PutObjectCommand())).toEqual({ tokens: 7 });
      // Another service's client shares the base class and is never observed.
      await new S3Client().send(new ConverseCommand({ modelId: 's3' }));
      expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['chat m']);
      expect(exporter.getFinishedSpans()[0]!.attributes['gen_ai.usage.output_tokens']).toBe(7);
      // A second patch does nothing.
      expect(patchSend(BedrockRuntimeClient.prototype, ADAPTERS, () => telemetry)).toBe(false);
    } finally {
      unpatchSend(BedrockRuntimeClient.prototype);
    }
    expect(Object.hasOwn(BedrockRuntimeClient.prototype, 'send')).toBe(false);
    expect(BedrockRuntimeClient.prototype.send).toBe(inherited);
  });

  it('the callback form: called as the SDK calls it, nothing returned, errors keep their class', async () => {
    patchSend(BedrockRuntimeClient.prototype, ADAPTERS, () => telemetry);
    try {
      const client = new BedrockRuntimeClient();
      const ok = await new Promise<unknown[]>((resolve) => {
        const returned = client.send(new ConverseCommand({ modelId: 'a' }), (...args: unknown[]) =>
          resolve([returned, ...args]),
        );
      });
      expect(ok).toEqual([undefined, null, { tokens: 7 }]);
      const failed = await new Promise<unknown>((resolve) => {
        client.send(new ConverseCommand({ modelId: 'b' }, true), {}, (error: unknown) =>
          resolve(error),
        );
      });
      expect(failed).toBeInstanceOf(ThrottlingException);
      // A callback that throws is swallowed, as the SDK swallows it.
      client.send(new ConverseCommand({ modelId: 'c' }), () => {
        throw new Error('callback failed');
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(exporter.getFinishedSpans().map((s) => [s.name, s.attributes['error.type']])).toEqual([
        ['chat a', undefined],
        ['chat b', 'ThrottlingException'],
        ['chat c', undefined],
      ]);
    } finally {
      unpatchSend(BedrockRuntimeClient.prototype);
    }
  });

  it("calls the shared send found at each call: a later patch of it (another tool's) still runs", async () => {
    patchSend(BedrockRuntimeClient.prototype, ADAPTERS, () => telemetry);
    const seen: unknown[] = [];
    SharedClient.prototype.send = function send(this: SharedClient, ...args: unknown[]) {
      seen.push(args[0]);
      return inherited.apply(this, args as Parameters<typeof inherited>);
    };
    try {
      const command = new ConverseCommand({ modelId: 'm' });
      await new BedrockRuntimeClient().send(command);
      expect(seen).toEqual([command]);
      expect(exporter.getFinishedSpans()).toHaveLength(1);
    } finally {
      SharedClient.prototype.send = inherited;
      unpatchSend(BedrockRuntimeClient.prototype);
    }
  });

  it("an own send of the client's prototype is wrapped, and restored by unpatching", async () => {
    class OwnSendClient extends SharedClient {
      override send(command: unknown, ...rest: unknown[]): unknown {
        return super.send(command, ...rest);
      }
    }
    const own = OwnSendClient.prototype.send;
    patchSend(OwnSendClient.prototype, ADAPTERS, () => telemetry);
    expect(OwnSendClient.prototype.send).not.toBe(own);
    await new OwnSendClient().send(new ConverseCommand({ modelId: 'm' }));
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    unpatchSend(OwnSendClient.prototype);
    expect(OwnSendClient.prototype.send).toBe(own);
    // Unpatching what is not ours does nothing.
    unpatchSend(OwnSendClient.prototype);
    unpatchSend(SharedClient.prototype);
    expect(OwnSendClient.prototype.send).toBe(own);
    expect(SharedClient.prototype.send).toBe(inherited);
  });

  it('a prototype without send is left alone', () => {
    const bare = {};
    expect(patchSend(bare, ADAPTERS, () => telemetry)).toBe(false);
    expect(bare).toEqual({});
  });
});
