/**
 * The URL of one route of an endpoint: `path` appended to the base URL's path, `query` added to
 * whatever query the base already has. A base URL may carry a query (`https://host/?tenant=x`);
 * plain concatenation would put the route inside that query.
 *
 * @example endpointUrl('https://lens.example.com/?tenant=a', '/v1/traces')
 *   // 'https://lens.example.com/v1/traces?tenant=a'
 */
export function endpointUrl(
  base: string,
  path: string,
  query: Readonly<Record<string, string>> = {},
): string {
  const url = new URL(base);
  url.pathname = url.pathname.replace(/\/+$/, '') + path;
  for (const [name, value] of Object.entries(query)) url.searchParams.append(name, value);
  return url.href;
}
