/**
 * A pattern report (`POST /v1/sampling/patterns`, Backend API v1) for the dev backend's budget
 * policy tests: the given patterns counted over `minutes` minutes (default one).
 */
export function patternReport(
  patterns: { id: string; count: number; severity?: string }[],
  options: { minutes?: number; service?: string; severity?: string } = {},
) {
  const start = Date.parse('2026-01-01T10:00:00.000Z');
  const end = start + (options.minutes ?? 1) * 60_000;
  return {
    service: options.service ?? 'checkout',
    windowStart: new Date(start).toISOString(),
    windowEnd: new Date(end).toISOString(),
    patterns: patterns.map((pattern) => ({
      template: 't <*>',
      severity: options.severity ?? 'INFO',
      kept: 0,
      ...pattern,
    })),
  };
}
