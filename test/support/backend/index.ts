/**
 * The reference Sprint Lens backend for tests: the shipped dev backend
 * (`dev-backend/`), which keeps everything it receives for assertions by default.
 *
 * Test-only helpers that need devDependencies live beside this file: `otlp-schema.ts`
 * (the official `.proto` files through `protobufjs`) and `otlp-reference.ts` (a decoder
 * built on them, to check the shipped one against).
 *
 * @example
 * ```ts
 * const backend = await startBackend({ apiKey: 'k', faults: { statusSequence: { statuses: [503] } } });
 * // point an exporter at `${backend.url}/v1/traces`, export, then:
 * await backend.waitFor(() => backend.spans.length === 1);
 * expect(backend.requestsTo('traces').map((r) => r.status)).toEqual([503, 200]);
 * await backend.close();
 * ```
 */
export * from '../../../dev-backend';
