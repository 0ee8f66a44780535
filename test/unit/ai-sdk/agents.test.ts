/**
 * `ai` 6 agent classes: their `prepareCall` wrapped so that the calls they make inside the module
 * get telemetry on by default, named after the agent; the app's choice wins; unpatched cleanly.
 */
import { describe, expect, it } from 'vitest';
import { patchAgents, unpatchAgents } from '../../../instrumentations/ai-sdk/agents';
import { loadPriceBook } from '../../../instrumentations/genai';
import type { GenAiTelemetry } from '../../../instrumentations/genai';
import { LegacyTracer } from '../../../instrumentations/ai-sdk/legacy-tracer';

const TELEMETRY: GenAiTelemetry = {
  tracer: { startSpan: () => undefined } as never,
  metrics: undefined,
  prices: loadPriceBook({}),
  content: undefined,
};

type Prepared = Record<string, unknown> & { experimental_telemetry?: Record<string, unknown> };

/** A module with an agent class as `ai` 6 has it (also exported under its older name). */
function agentModule() {
  class ToolLoopAgent {
    constructor(readonly settings: Prepared) {}
    async prepareCall(options: Prepared): Promise<Prepared> {
      return { ...this.settings, ...options };
    }
  }
  return { ToolLoopAgent, Experimental_Agent: ToolLoopAgent } as Record<string, unknown> & {
    ToolLoopAgent: typeof ToolLoopAgent;
  };
}

describe('ai 6 agents', () => {
  it('telemetry on with our tracer, named after the agent id; the original runs once', async () => {
    const module = agentModule();
    const original = module.ToolLoopAgent.prototype.prepareCall;
    patchAgents(module, { telemetry: () => TELEMETRY }, 6);
    const agent = new module.ToolLoopAgent({ id: 'trip_agent', model: 'm' });
    const prepared = await agent.prepareCall({ prompt: 'hi' });
    expect(prepared).toMatchObject({ id: 'trip_agent', model: 'm', prompt: 'hi' });
    expect(prepared.experimental_telemetry).toMatchObject({
      isEnabled: true,
      functionId: 'trip_agent',
      recordInputs: false,
      recordOutputs: false,
    });
    expect(prepared.experimental_telemetry!.tracer).toBeInstanceOf(LegacyTracer);
    // Patched once, whichever name the class is exported under.
    patchAgents(module, { telemetry: () => TELEMETRY }, 6);
    unpatchAgents(module);
    expect(module.ToolLoopAgent.prototype.prepareCall).toBe(original);
  });

  it('the app’s functionId, isEnabled: false or own tracer win; disabled: left alone', async () => {
    const module = agentModule();
    let telemetry: GenAiTelemetry | undefined = TELEMETRY;
    patchAgents(module, { telemetry: () => telemetry }, 6);
    const named = new module.ToolLoopAgent({
      id: 'a',
      experimental_telemetry: { functionId: 'mine' },
    });
    expect((await named.prepareCall({})).experimental_telemetry).toMatchObject({
      functionId: 'mine',
      isEnabled: true,
    });
    const off = { isEnabled: false };
    const silent = new module.ToolLoopAgent({ id: 'a', experimental_telemetry: off });
    expect((await silent.prepareCall({})).experimental_telemetry).toBe(off);
    const tracer = { startSpan: () => undefined };
    const own = new module.ToolLoopAgent({ experimental_telemetry: { isEnabled: true, tracer } });
    expect((await own.prepareCall({})).experimental_telemetry!.tracer).toBe(tracer);
    telemetry = undefined;
    const plain = await new module.ToolLoopAgent({ id: 'a' }).prepareCall({});
    expect(plain).not.toHaveProperty('experimental_telemetry');
    unpatchAgents(module);
  });

  it('an agent whose prepareCall rejects rejects with the same error', async () => {
    const module = agentModule();
    const failure = new Error('bad options');
    module.ToolLoopAgent.prototype.prepareCall = async () => {
      throw failure;
    };
    patchAgents(module, { telemetry: () => TELEMETRY }, 6);
    await expect(new module.ToolLoopAgent({}).prepareCall({})).rejects.toBe(failure);
  });
});
