/**
 * The OpenAI instrumentation patched onto the real openai SDK in process, without calls; calls
 * against a local LLM server are test/integration/llm-in-process/openai-instrumentation.test.ts.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenAIInstrumentation } from '../../../instrumentations/openai';
import type { OpenAIInstrumentationConfig } from '../../../instrumentations/openai';
import { patchedSdkTests } from '../../support/llm-instrumentation';

// The real openai 7 package, patched through the instrumentation's own module definition.
const requireHere = createRequire(__filename);
const openai = requireHere('openai') as {
  Chat: { Completions: { prototype: { create: unknown } } };
};
// openai's `exports` hides package.json: read it next to the resolved entry.
const OPENAI_VERSION = (
  JSON.parse(
    readFileSync(join(dirname(requireHere.resolve('openai')), 'package.json'), 'utf8'),
  ) as {
    version: string;
  }
).version;

const { diagLines, instrument, unpatch } = patchedSdkTests({
  create: (config: OpenAIInstrumentationConfig = {}) =>
    new OpenAIInstrumentation({ enabled: false, ...config }),
  exports: openai,
  version: OPENAI_VERSION,
});

describe('OpenAIInstrumentation in process', () => {
  it('declares the supported majors and leaves other versions alone with a debug message', () => {
    const inst = new OpenAIInstrumentation({ enabled: false });
    const [supported, other] = inst.getModuleDefinitions();
    expect(supported!.supportedVersions).toEqual(['>=5.0.0 <8']);
    const fake = { OpenAI: { Chat: { Completions: class {} } } };
    expect(other!.patch?.(fake, '4.104.0')).toBe(fake);
    expect(diagLines.join('\n')).toContain('openai 4.104.0 is not supported');
  });

  it('disable restores the original methods', () => {
    const original = openai.Chat.Completions.prototype.create;
    const inst = instrument();
    expect(openai.Chat.Completions.prototype.create).not.toBe(original);
    unpatch(inst);
    expect(openai.Chat.Completions.prototype.create).toBe(original);
  });
});
