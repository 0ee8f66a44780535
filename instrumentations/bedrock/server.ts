import { asObject } from '../genai/narrow';
import { serverFromBaseUrl } from '../genai/server-address';
import type { ServerAddress } from '../genai/server-address';
import type { BedrockClientConfig, EndpointV1 } from './types';

const UNKNOWN: ServerAddress = { serverAddress: undefined, serverPort: undefined };

/** Each client's server once known, or the promise of it while it is being resolved. */
const servers = new WeakMap<object, ServerAddress | Promise<ServerAddress>>();

/**
 * The server a Bedrock client sends to: known at once from the second call of a client on; for
 * its first call, a promise (the SDK resolves its endpoint only through async providers) that
 * the pipeline records when it settles. Resolved the way the SDK does: a custom `endpoint`, the
 * service's configured endpoint (`AWS_ENDPOINT_URL_BEDROCK_RUNTIME`), or the client's own
 * endpoint rules for its region, FIPS and dual-stack settings. Never rejects.
 */
export function clientServer(client: unknown): ServerAddress | Promise<ServerAddress> {
  const c = asObject(client);
  if (c === undefined) return UNKNOWN;
  const known = servers.get(c);
  if (known !== undefined) return known;
  const pending = resolveServer(asObject(c.config) as BedrockClientConfig | undefined).then(
    (server) => {
      servers.set(c, server);
      return server;
    },
    () => {
      servers.set(c, UNKNOWN);
      return UNKNOWN;
    },
  );
  servers.set(c, pending);
  return pending;
}

async function resolveServer(config: BedrockClientConfig | undefined): Promise<ServerAddress> {
  if (config === undefined) return UNKNOWN;
  if (config.isCustomEndpoint === true && typeof config.endpoint === 'function') {
    return fromEndpoint(await config.endpoint());
  }
  if (typeof config.serviceConfiguredEndpoint === 'function') {
    const configured = await config.serviceConfiguredEndpoint();
    if (typeof configured === 'string' && configured !== '') return serverFromBaseUrl(configured);
  }
  if (typeof config.region !== 'function' || typeof config.endpointProvider !== 'function') {
    return UNKNOWN;
  }
  const [region, fips, dualStack] = await Promise.all([
    config.region(),
    config.useFipsEndpoint?.(),
    config.useDualstackEndpoint?.(),
  ]);
  const endpoint = config.endpointProvider({
    Region: region,
    UseFIPS: fips === true,
    UseDualStack: dualStack === true,
  });
  const url = endpoint.url;
  return url instanceof URL ? serverFromBaseUrl(url.href) : serverFromBaseUrl(url);
}

function fromEndpoint(endpoint: EndpointV1 | undefined): ServerAddress {
  const hostname = endpoint?.hostname;
  if (typeof hostname !== 'string' || hostname === '') return UNKNOWN;
  const port = endpoint?.port;
  return {
    serverAddress: hostname,
    serverPort: typeof port === 'number' ? port : endpoint?.protocol === 'http:' ? 80 : 443,
  };
}
