import type { DiagLogger } from '@opentelemetry/api';

/** Whether `moduleExports` is an ES-module namespace (`import`) rather than CommonJS exports. */
export function isModuleNamespace(moduleExports: unknown): boolean {
  return (
    typeof moduleExports === 'object' &&
    moduleExports !== null &&
    (moduleExports as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'Module'
  );
}

/** Says which loader path applied the patch: the ES-module tests check it. */
export function reportLoaderPath(diag: DiagLogger, name: string, isNamespace: boolean): void {
  diag.debug(
    `${name} patched through its ${isNamespace ? 'ES-module namespace' : 'CommonJS exports'}`,
  );
}
