/** The package version; a test keeps it equal to package.json's. */
export const VERSION = '0.1.0';

/** `telemetry.distro.name` on every resource. */
export const DISTRO_NAME = 'sprintlens';
