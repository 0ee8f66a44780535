// The environment every variant of the start-up and HTTP benchmarks runs in: the same for
// sprintlens and the alternatives, with nothing of the caller's shell leaking in.

/**
 * `process.env` without settings of ours, `NODE_OPTIONS` or exporter settings, plus quiet
 * diagnostics and a fixed service name. Resource detectors are limited to what sprintlens
 * detects (env, host, os, process): the contrib default also probes cloud metadata endpoints,
 * which stalls for seconds on a machine without them.
 */
export function variantEnv() {
  const env = {
    ...process.env,
    OTEL_LOG_LEVEL: 'none',
    OTEL_SERVICE_NAME: 'bench',
    OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process',
    NODE_NO_WARNINGS: '1',
  };
  for (const key of Object.keys(env)) {
    if (
      key.startsWith('SPRINTLENS_') ||
      key === 'NODE_OPTIONS' ||
      key.startsWith('OTEL_EXPORTER')
    ) {
      delete env[key];
    }
  }
  return env;
}
