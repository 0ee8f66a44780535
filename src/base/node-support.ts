/**
 * The Node.js versions sprintlens supports (package.json `engines`): the register entries, the
 * ES-module hook (`module.registerHooks`, or `module.register` with a message channel) and zstd
 * in `node:zlib` are built and tested for these.
 */
export const SUPPORTED_NODE = { major: 22, minor: 15, range: '>=22.15.0' } as const;

/** Whether `version` (`process.versions.node` form, e.g. `24.11.1`) is supported. */
export function isSupportedNode(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return (
    major > SUPPORTED_NODE.major ||
    (major === SUPPORTED_NODE.major && minor >= SUPPORTED_NODE.minor)
  );
}
