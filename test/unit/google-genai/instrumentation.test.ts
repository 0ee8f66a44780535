/**
 * The Google Gen AI instrumentation without network: its module definitions, where it patches
 * (on an SDK-shaped fake whose public methods are per-instance arrow functions, like the real
 * one's) and its catalogue entry. The real SDK calling a local Gemini server, and the package
 * files it hooks, are test/integration/llm-in-process/google-genai-instrumentation.test.ts.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { getInstrumentations } from '../../../src/get-instrumentations';
import { catalogueEntry, hookedModules } from '../../../src/config/instrumentation-catalogue';
import { GoogleGenAIInstrumentation } from '../../../instrumentations/google-genai';
import type { GoogleGenAIInstrumentationConfig } from '../../../instrumentations/google-genai';
import { clientInfo, configAbortSignal } from '../../../instrumentations/google-genai/client';
import { patchedSdkTests } from '../../support/llm-instrumentation';

/** An `ApiClient` as the real one answers. */
class FakeApiClient {
  constructor(
    private readonly vertex: boolean,
    private readonly baseUrl = 'https://generativelanguage.googleapis.com/',
  ) {}
  isVertexAI(): boolean {
    return this.vertex;
  }
  getBaseUrl(): string {
    return this.baseUrl;
  }
}

const RESPONSE = {
  responseId: 'r1',
  modelVersion: 'gemini-2.5-flash',
  candidates: [{ content: { role: 'model', parts: [{ text: 'hi' }] }, finishReason: 'STOP' }],
  usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
};

/**
 * `Models` as @google/genai builds it: the public methods are arrow functions made in the
 * constructor, delegating to prototype methods that each send one request.
 */
class Models {
  readonly generateContent: (params: unknown) => Promise<unknown>;
  readonly generateContentStream: (params: unknown) => Promise<AsyncGenerator<unknown>>;
  readonly embedContent: (params: unknown) => Promise<unknown>;
  constructor(readonly apiClient: FakeApiClient) {
    this.generateContent = async (params) => this.generateContentInternal(params);
    this.generateContentStream = async (params) => this.generateContentStreamInternal(params);
    this.embedContent = async (params) => this.embedContentInternal(params);
  }
  async generateContentInternal(_params: unknown): Promise<unknown> {
    return { ...RESPONSE };
  }
  async generateContentStreamInternal(_params: unknown): Promise<AsyncGenerator<unknown>> {
    return (async function* chunks() {
      yield { ...RESPONSE, candidates: [{ content: { parts: [{ text: 'h' }] } }] };
      yield { ...RESPONSE };
    })();
  }
  async embedContentInternal(_params: unknown): Promise<unknown> {
    return { embeddings: [{ values: [1], statistics: { tokenCount: 2 } }] };
  }
}

/** 1.x shape: `embedContent` on the prototype, no `embedContentInternal`. */
class LegacyModels {
  constructor(readonly apiClient: FakeApiClient) {}
  async embedContent(_params: unknown): Promise<unknown> {
    return { embeddings: [{ statistics: { tokenCount: 4 } }] };
  }
}

const fakeSdk = { Models };
const { exporter, instrument, unpatch } = patchedSdkTests({
  create: (config: GoogleGenAIInstrumentationConfig = {}) =>
    new GoogleGenAIInstrumentation({ enabled: false, ...config }),
  exports: fakeSdk,
  version: '3.3.0',
});

const request = { model: 'models/gemini-2.5-flash', contents: 'hi' };

describe('GoogleGenAIInstrumentation', () => {
  it('declares the supported versions and leaves other versions alone with a debug message', () => {
    const inst = new GoogleGenAIInstrumentation({ enabled: false });
    const [supported, other] = inst.getModuleDefinitions();
    expect(supported!.name).toBe('@google/genai');
    expect(supported!.supportedVersions).toEqual(['>=1.0.0 <4']);
    expect(other!.supportedVersions).toEqual(['<1.0.0 || >=4']);
    const fake = { Models: class {} };
    expect(other!.patch?.(fake, '0.15.0')).toBe(fake);
  });

  it('the catalogue entry is available and hooks the package for the ES-module loader', () => {
    const entry = catalogueEntry('google-genai');
    expect(entry.status).toBe('available');
    expect(hookedModules([entry])).toContain('@google/genai');
  });

  it('patches the prototype: clients made before and after patching are both instrumented', async () => {
    const before = new Models(new FakeApiClient(false));
    instrument();
    const after = new Models(new FakeApiClient(true, 'https://aiplatform.googleapis.com/'));
    await before.generateContent(request);
    await after.generateContent(request);
    const [gemini, vertex] = exporter.getFinishedSpans();
    expect(gemini!.name).toBe('chat gemini-2.5-flash');
    expect(gemini!.attributes).toMatchObject({
      'gen_ai.provider.name': 'gcp.gemini',
      'server.address': 'generativelanguage.googleapis.com',
      'server.port': 443,
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(vertex!.attributes).toMatchObject({
      'gen_ai.provider.name': 'gcp.vertex_ai',
      'server.address': 'aiplatform.googleapis.com',
    });
  });

  it('streams and embeddings through the prototype methods, one span each', async () => {
    instrument();
    const models = new Models(new FakeApiClient(false));
    for await (const _ of await models.generateContentStream(request)) void _;
    await models.embedContent({ model: 'text-embedding-004', contents: ['a'] });
    expect(
      exporter.getFinishedSpans().map((s) => [s.name, s.attributes['gen_ai.usage.input_tokens']]),
    ).toEqual([
      ['chat gemini-2.5-flash', 3],
      ['embeddings text-embedding-004', 2],
    ]);
  });

  it('unpatch restores the prototype; patching twice wraps once', async () => {
    const original = Models.prototype.generateContentInternal;
    const inst = instrument();
    const wrapped = Models.prototype.generateContentInternal;
    inst.getModuleDefinitions()[0]!.patch?.(fakeSdk, '3.3.0');
    expect(Models.prototype.generateContentInternal).toBe(wrapped);
    unpatch(inst);
    expect(Models.prototype.generateContentInternal).toBe(original);
    await new Models(new FakeApiClient(false)).generateContent(request);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('SDKs with embedContent on the prototype get it wrapped instead', async () => {
    const inst = new GoogleGenAIInstrumentation({ enabled: false });
    const legacy = { Models: LegacyModels };
    const original = LegacyModels.prototype.embedContent;
    inst.getModuleDefinitions()[0]!.patch?.(legacy, '1.0.0');
    expect(LegacyModels.prototype.embedContent).not.toBe(original);
    inst.getModuleDefinitions()[0]!.unpatch?.(legacy, '1.0.0');
    expect(LegacyModels.prototype.embedContent).toBe(original);
  });

  it('the methods it patches exist on the installed SDK, in both module formats', async () => {
    const cjs = createRequire(__filename)('@google/genai') as { Models: { prototype: object } };
    const esm = (await import('@google/genai')) as unknown as { Models: { prototype: object } };
    for (const sdk of [cjs, esm]) {
      for (const method of [
        'generateContentInternal',
        'generateContentStreamInternal',
        'embedContentInternal',
      ]) {
        expect(typeof (sdk.Models.prototype as Record<string, unknown>)[method], method).toBe(
          'function',
        );
      }
      // The public methods are per-instance arrow functions: not on the prototype.
      expect(sdk.Models.prototype).not.toHaveProperty('generateContent');
    }
    expect(cjs.Models).not.toBe(esm.Models);
  });

  it('client info is computed once per client; the abort signal comes from config', () => {
    const api = new FakeApiClient(true, 'http://127.0.0.1:8080');
    const first = clientInfo({ apiClient: api });
    expect(first).toEqual({
      provider: 'gcp.vertex_ai',
      serverAddress: '127.0.0.1',
      serverPort: 8080,
    });
    expect(clientInfo({ apiClient: api })).toBe(first);
    expect(clientInfo(undefined).provider).toBe('gcp.gemini');
    const controller = new AbortController();
    expect(configAbortSignal([{ config: { abortSignal: controller.signal } }])).toBe(
      controller.signal,
    );
    expect(configAbortSignal([{ config: { abortSignal: 'no' } }])).toBeUndefined();
    expect(configAbortSignal([])).toBeUndefined();
  });

  it('getInstrumentations() returns it (named google-genai), unless disabled', () => {
    const all = getInstrumentations({ enabledInstrumentations: ['google-genai'] });
    expect(all.filter((i) => i instanceof GoogleGenAIInstrumentation)).toHaveLength(1);
    expect(all[0]!.instrumentationName).toBe('sprintlens-instrumentation-google-genai');
    for (const inst of all) inst.disable();
    const without = getInstrumentations({ disabledInstrumentations: ['google-genai'] });
    expect(without.some((i) => i instanceof GoogleGenAIInstrumentation)).toBe(false);
    for (const inst of without) inst.disable();
  });

  it('enabling it patches a copy the app required before start(); disabling unpatches it', () => {
    const cjs = createRequire(__filename)('@google/genai') as { Models: { prototype: object } };
    const prototype = cjs.Models.prototype as Record<string, unknown>;
    const original = prototype.generateContentInternal;
    const inst = new GoogleGenAIInstrumentation();
    expect(prototype.generateContentInternal).not.toBe(original);
    expect((prototype.generateContentInternal as { __wrapped?: boolean }).__wrapped).toBe(true);
    inst.disable();
    expect(prototype.generateContentInternal).toBe(original);
  });
});
