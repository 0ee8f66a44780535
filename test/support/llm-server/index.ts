/**
 * A local LLM server for tests: `new LlmServer()` plus provider routes (`addOpenAIRoutes`;
 * Anthropic's go beside it). See server.ts for the route table and scenarios.
 */
export { LlmServer, LlmResponder, sleep } from './server';
export type { LlmHandler, LlmRequest } from './server';
export { addOpenAIRoutes, REPLY, REPLY_WORDS, USAGE } from './openai';
export { addAnthropicRoutes, CLAUDE_REPLY, CLAUDE_USAGE } from './anthropic';

import { LlmServer } from './server';
import { addOpenAIRoutes } from './openai';
import { addAnthropicRoutes } from './anthropic';

/** A started server with every provider's routes. */
export async function startLlmServer(): Promise<LlmServer> {
  const server = new LlmServer();
  addOpenAIRoutes(server);
  addAnthropicRoutes(server);
  return server.start();
}
