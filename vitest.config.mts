import { defineConfig } from 'vitest/config';

// Two tiers (docs/architecture.md, "Tests: tiers"), run apart by `npm test`: unit, then build,
// then integration.
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        // The TypeScript source in process: no build, no servers, no child processes, no dist/
        // (test/unit/core/test-tiers.test.ts holds every file to that). Seconds in all.
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          pool: 'forks',
          // Every core: these are CPU-bound (the default leaves one idle).
          maxWorkers: '100%',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        // Real processes of the built package, and the source against loopback servers. Its
        // setup links the package into the fixture apps and installs the version matrix.
        // Processes and servers on two cores: keep workers few.
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          pool: 'forks',
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
