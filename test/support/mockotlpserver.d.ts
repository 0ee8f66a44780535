// Minimal types for the parts of @elastic/mockotlpserver the tests use.
declare module '@elastic/mockotlpserver' {
  export interface MockOtlpServerOptions {
    logLevel?: string;
    services?: Array<'http' | 'grpc' | 'ui'>;
    httpHostname?: string;
    httpPort?: number;
    onTrace?: (request: unknown) => void;
    onLogs?: (request: unknown) => void;
    onMetrics?: (request: unknown) => void;
    onRequest?: (request: {
      transport: string;
      method: string;
      path: string;
      headers: Record<string, string | string[] | undefined>;
    }) => void;
  }
  export class MockOtlpServer {
    constructor(options?: MockOtlpServerOptions);
    httpUrl: URL | null;
    start(): Promise<void>;
    close(): Promise<void>;
  }
  export function normalizeTrace(request: unknown): unknown;
  export function normalizeLogs(request: unknown): unknown;
  export function normalizeMetrics(request: unknown): unknown;
}
