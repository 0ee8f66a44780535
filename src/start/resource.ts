import { userInfo } from 'node:os';
import {
  defaultResource,
  detectResources,
  hostDetector,
  osDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import type { DetectedResource, Resource, ResourceDetector } from '@opentelemetry/resources';
import type { ResolvedConfig } from '../config/options';
import { DISTRO_NAME, VERSION } from '../base/version';

/**
 * The process attributes of OTel's process detector, minus `process.command_args` and
 * `process.command_line`: command lines often carry secrets (`--api-key=…`), and we promise
 * that none reach the telemetry.
 */
const safeProcessDetector: ResourceDetector = {
  detect(): DetectedResource {
    const attributes: Record<string, string | number> = {
      'process.pid': process.pid,
      'process.executable.name': process.title,
      'process.executable.path': process.execPath,
      'process.runtime.name': 'nodejs',
      'process.runtime.version': process.versions.node,
      'process.runtime.description': 'Node.js',
    };
    if (process.argv[1] !== undefined) attributes['process.command'] = process.argv[1];
    try {
      attributes['process.owner'] = userInfo().username;
    } catch {
      // No user name in some containers; the attribute is optional.
    }
    return { attributes };
  },
};

/** The resource every signal carries: SDK defaults, host/os/process, user attributes, ours. */
export function buildResource(config: ResolvedConfig): Resource {
  const ours: Record<string, string> = {
    ...config.resourceAttributes,
    'service.name': config.serviceName,
    'telemetry.distro.name': DISTRO_NAME,
    'telemetry.distro.version': VERSION,
  };
  if (config.serviceVersion !== undefined) ours['service.version'] = config.serviceVersion;
  if (config.environment !== undefined) ours['deployment.environment.name'] = config.environment;
  return defaultResource()
    .merge(detectResources({ detectors: [hostDetector, osDetector, safeProcessDetector] }))
    .merge(resourceFromAttributes(ours));
}
