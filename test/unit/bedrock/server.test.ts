import { describe, expect, it } from 'vitest';
import { clientServer } from '../../../instrumentations/bedrock/server';

/** A client whose resolved config has the SDK's async providers. */
function client(config: Record<string, unknown>): object {
  return { config };
}

const defaults = {
  region: () => Promise.resolve('eu-west-3'),
  useFipsEndpoint: () => Promise.resolve(false),
  useDualstackEndpoint: () => Promise.resolve(false),
  endpointProvider: (params: Record<string, unknown>) => ({
    url: new URL(
      `https://bedrock-runtime${params.UseFIPS === true ? '-fips' : ''}.${String(params.Region)}.amazonaws.com`,
    ),
  }),
};

describe('the server of a Bedrock client', () => {
  it("a client's first call waits for the providers; later calls know it at once", async () => {
    const c = client(defaults);
    const first = clientServer(c);
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toEqual({
      serverAddress: 'bedrock-runtime.eu-west-3.amazonaws.com',
      serverPort: 443,
    });
    expect(clientServer(c)).toEqual({
      serverAddress: 'bedrock-runtime.eu-west-3.amazonaws.com',
      serverPort: 443,
    });
  });

  it("resolved with the client's own endpoint rules (FIPS)", async () => {
    const c = client({ ...defaults, useFipsEndpoint: () => Promise.resolve(true) });
    expect(await clientServer(c)).toEqual({
      serverAddress: 'bedrock-runtime-fips.eu-west-3.amazonaws.com',
      serverPort: 443,
    });
  });

  it('a custom endpoint, or the configured endpoint of the service', async () => {
    const custom = client({
      ...defaults,
      isCustomEndpoint: true,
      endpoint: () => Promise.resolve({ hostname: '127.0.0.1', port: 4566, protocol: 'http:' }),
    });
    expect(await clientServer(custom)).toEqual({ serverAddress: '127.0.0.1', serverPort: 4566 });
    const noPort = client({
      isCustomEndpoint: true,
      endpoint: () => Promise.resolve({ hostname: 'proxy.internal', protocol: 'http:' }),
    });
    expect(await clientServer(noPort)).toEqual({ serverAddress: 'proxy.internal', serverPort: 80 });
    const configured = client({
      ...defaults,
      serviceConfiguredEndpoint: () =>
        Promise.resolve('https://vpce-1.bedrock-runtime.example:8443'),
    });
    expect(await clientServer(configured)).toEqual({
      serverAddress: 'vpce-1.bedrock-runtime.example',
      serverPort: 8443,
    });
  });

  it('never rejects: failing providers or an odd config leave the server unknown', async () => {
    const unknown = { serverAddress: undefined, serverPort: undefined };
    const failing = client({ ...defaults, region: () => Promise.reject(new Error('no region')) });
    expect(await clientServer(failing)).toEqual(unknown);
    expect(clientServer(failing)).toEqual(unknown);
    expect(await clientServer(client({}))).toEqual(unknown);
    expect(await clientServer({ config: 'x' })).toEqual(unknown);
    expect(clientServer(undefined)).toEqual(unknown);
    const throwing = client({
      ...defaults,
      endpointProvider: () => {
        throw new Error('Invalid region');
      },
    });
    expect(await clientServer(throwing)).toEqual(unknown);
  });
});
