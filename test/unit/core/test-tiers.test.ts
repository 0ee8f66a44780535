/**
 * The tier rule, checked statically so that it cannot erode unnoticed (docs/architecture.md,
 * "Tests: tiers"): a unit test runs the TypeScript source in process, with no build, no server,
 * no loopback HTTP, no child process and no reading of `dist/`. Every file under test/unit, and
 * every file under test/ that one imports (type-only imports aside), is parsed and held to it.
 * What needs any of that belongs to test/integration.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import config from '../../../vitest.config.mjs';
import { REPO_ROOT } from '../../support/paths';

const TEST_DIR = join(REPO_ROOT, 'test');
const UNIT_DIR = join(TEST_DIR, 'unit');
const SUPPORT_DIR = join(TEST_DIR, 'support');

/** Node modules that start processes or serve and reach the network. */
const PROCESS_MODULES = new Set(['child_process', 'cluster']);
const NETWORK_MODULES = new Set(['http', 'https', 'http2', 'net', 'tls', 'dgram']);
/** Packages and test support modules that exist to run servers or processes. */
const SERVER_PACKAGES = new Set(['@elastic/mockotlpserver']);
const SERVER_SUPPORT = [
  'spawn-app.ts',
  'global-setup.ts',
  'otlp-receiver.ts',
  'prometheus.ts',
  'blackhole.ts',
  'ports.ts',
  'llm-in-process.ts',
  'llm-server',
].map((name) => join(SUPPORT_DIR, name));
/** Calls and constructors that start a server, a process, or a request. */
const SERVER_CALLS = new Set([
  'createServer',
  'listen',
  'startBackend',
  'startLlmServer',
  'startMetricsServer',
  'runApp',
  'fetch',
]);
const SERVER_CLASSES = new Set(['OtlpReceiver', 'LlmServer', 'PrometheusServer', 'Blackhole']);
/** A path with a `dist` segment: the build, which unit tests never read. */
const BUILT_PATH = /(^|[\\/])dist([\\/]|$)/;
const SCANNED = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);

interface Finding {
  readonly file: string;
  readonly line: number;
  readonly why: string;
}

/** What one file breaks, and the files under test/ its value imports name. */
function scan(file: string, text: string): { findings: Finding[]; imports: string[] } {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const findings: Finding[] = [];
  const imports: string[] = [];
  const where = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  const flag = (node: ts.Node, why: string) =>
    findings.push({ file: relative(REPO_ROOT, file), line: where(node), why });

  const imported = (node: ts.Node, specifier: string) => {
    const bare = specifier.replace(/^node:/, '');
    if (PROCESS_MODULES.has(bare)) flag(node, `imports ${specifier} (child processes)`);
    if (NETWORK_MODULES.has(bare)) flag(node, `imports ${specifier} (servers, sockets)`);
    if (SERVER_PACKAGES.has(specifier)) flag(node, `imports ${specifier} (a server)`);
    if (specifier === 'sprintlens' || specifier.startsWith('sprintlens/')) {
      flag(node, `imports ${specifier} (the built package, not the source)`);
    }
    if (!specifier.startsWith('.')) return;
    const target = resolveModule(dirname(file), specifier);
    if (target === undefined) return;
    if (SERVER_SUPPORT.some((s) => target === s || target.startsWith(s + sep))) {
      flag(node, `imports ${relative(REPO_ROOT, target)} (test support that serves or spawns)`);
    }
    if (target.startsWith(TEST_DIR + sep)) imports.push(target);
  };

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!isTypeOnlyImport(node)) imported(node, node.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      if (!node.isTypeOnly) imported(node, node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node)) {
      const [first] = node.arguments;
      const callee = node.expression;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if ((isRequire || callee.kind === ts.SyntaxKind.ImportKeyword) && first !== undefined) {
        if (ts.isStringLiteralLike(first)) imported(node, first.text);
      }
      const name = ts.isIdentifier(callee)
        ? callee.text
        : ts.isPropertyAccessExpression(callee)
          ? callee.name.text
          : undefined;
      if (name !== undefined && SERVER_CALLS.has(name)) flag(node, `calls ${name}()`);
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
      if (SERVER_CLASSES.has(node.expression.text)) flag(node, `new ${node.expression.text}`);
    } else if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      if (BUILT_PATH.test(node.text) && !isModuleSpecifier(node)) {
        flag(node, `names the build (${JSON.stringify(node.text)})`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { findings, imports };
}

/** `import type …`, or only `type` specifiers: erased, nothing is loaded. */
function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (clause === undefined) return false; // `import 'x'` runs x
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return (
    clause.name === undefined &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((element) => element.isTypeOnly)
  );
}

/** A module specifier is judged by what it resolves to, not by its text. */
function isModuleSpecifier(node: ts.Node): boolean {
  const parent = node.parent;
  return (
    (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent)) &&
    parent.moduleSpecifier === node
  );
}

/** The file a relative specifier loads, as TypeScript and vitest resolve it. */
function resolveModule(from: string, specifier: string): string | undefined {
  const base = resolve(from, specifier);
  const stem = base.replace(/\.(m|c)?js$/, '');
  const candidates = [
    base,
    `${stem}.ts`,
    `${stem}.mts`,
    `${stem}.cts`,
    join(base, 'index.ts'),
    join(base, 'index.js'),
  ];
  return candidates.find((path) => existsSync(path) && statSync(path).isFile()) ?? base;
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** Scans the unit tier and what it imports from test/; returns the findings and the files. */
function scanUnitTier(): { findings: Finding[]; scanned: string[] } {
  const queue = filesUnder(UNIT_DIR).filter((file) => SCANNED.has(extname(file)));
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (seen.has(file) || !existsSync(file) || !SCANNED.has(extname(file))) continue;
    seen.add(file);
    const result = scan(file, readFileSync(file, 'utf8'));
    findings.push(...result.findings);
    queue.push(...result.imports);
  }
  return { findings, scanned: [...seen] };
}

describe('test tiers', () => {
  it('no unit test, nor the test code it imports, serves, spawns, fetches or reads dist/', () => {
    const { findings, scanned } = scanUnitTier();
    expect(scanned.length).toBeGreaterThan(50);
    // Support code the unit tier may use is scanned too, not only the tests.
    expect(scanned.some((file) => file.startsWith(SUPPORT_DIR + sep))).toBe(true);
    const report = findings.map((f) => `${f.file}:${f.line} ${f.why}`);
    expect(report, 'move these to test/integration (docs/architecture.md, "Tests: tiers")').toEqual(
      [],
    );
  });

  it('the check sees every kind of breach (a known-bad sample)', () => {
    const sample = join(REPO_ROOT, 'test/fixtures/test-tiers/unit-violations.ts.txt');
    const { findings } = scan(join(UNIT_DIR, 'sample.test.ts'), readFileSync(sample, 'utf8'));
    expect(findings.map((f) => f.why).sort()).toEqual(
      [
        'imports node:child_process (child processes)',
        'imports child_process (child processes)',
        'imports node:http (servers, sockets)',
        'imports node:net (servers, sockets)',
        'imports @elastic/mockotlpserver (a server)',
        'imports test/support/llm-server/index.ts (test support that serves or spawns)',
        'imports test/support/spawn-app.ts (test support that serves or spawns)',
        'calls createServer()',
        'calls listen()',
        'calls startBackend()',
        'calls fetch()',
        'new OtlpReceiver',
        'names the build ("dist/src/index.js")',
        'names the build ("dist")',
        'imports sprintlens/register (the built package, not the source)',
      ].sort(),
    );
  });

  it('vitest runs the tiers as separate projects; only integration has a global setup', () => {
    const projects = (config.test?.projects ?? []) as {
      test?: { name?: string; include?: string[]; globalSetup?: string | string[] };
    }[];
    const byName = new Map(projects.map((p) => [p.test?.name, p.test]));
    expect([...byName.keys()].sort()).toEqual(['integration', 'unit']);
    expect(byName.get('unit')?.include).toEqual(['test/unit/**/*.test.ts']);
    expect(byName.get('unit')?.globalSetup).toBeUndefined();
    expect(byName.get('integration')?.include).toEqual(['test/integration/**/*.test.ts']);
    expect(byName.get('integration')?.globalSetup).toEqual(['test/support/global-setup.ts']);
  });
});
