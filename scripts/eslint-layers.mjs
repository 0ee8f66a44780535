// The layer rule: imports point down (docs/architecture.md draws the layers). A relative import
// is resolved against the importing file and both are placed in a layer by path; an import into
// a higher layer, or into a sibling that is kept apart, is an error naming both files and layers.
import path from 'node:path';

/** Bottom to top. A file belongs to the first layer with a prefix of its path. */
export const LAYERS = [
  { name: 'base', paths: ['src/base/'] },
  { name: 'policy', paths: ['src/config/', 'src/sampling/', 'src/redaction/', 'src/context/'] },
  {
    name: 'instruments and transport',
    paths: ['instrumentations/', 'exporters/', 'src/track/', 'src/evaluation/'],
    // Siblings of this layer that must not import each other.
    apart: ['instrumentations/', 'exporters/', 'src/track/', 'src/evaluation/'],
  },
  {
    name: 'assembly',
    paths: [
      'src/start/',
      'src/register/',
      'src/cli/',
      'src/metrics/',
      'src/esm/',
      'src/index.ts',
      'src/get-instrumentations.ts',
    ],
  },
];

/**
 * The development backend: a tool beside the runtime, which only the CLI may start (lazily), and
 * which may itself import only the bottom layer.
 */
const DEV_BACKEND = 'dev-backend/';
const DEV_BACKEND_USERS = ['src/cli/main.ts'];
const DEV_BACKEND_MAY_IMPORT = LAYERS[0].paths;

function place(relative) {
  for (let index = 0; index < LAYERS.length; index++) {
    const layer = LAYERS[index];
    const prefix = layer.paths.find((p) => relative === p || relative.startsWith(p));
    if (prefix !== undefined) return { index, layer, prefix };
  }
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports point down the layers of docs/architecture.md' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, required: ['root'] }],
  },
  create(context) {
    const root = context.options[0].root;
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    const from = place(file);
    const check = (node, spec) => {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = path
        .relative(root, path.resolve(path.dirname(context.filename), spec))
        .split(path.sep)
        .join('/');
      if (file.startsWith(DEV_BACKEND)) {
        if (
          !target.startsWith(DEV_BACKEND) &&
          !DEV_BACKEND_MAY_IMPORT.some((prefix) => target.startsWith(prefix))
        ) {
          context.report({
            node,
            message: `${file} imports ${target}: the dev backend may import only ${DEV_BACKEND_MAY_IMPORT.join(', ')} (the bottom layer).`,
          });
        }
        return;
      }
      if (target.startsWith(DEV_BACKEND)) {
        if (!DEV_BACKEND_USERS.includes(file)) {
          context.report({
            node,
            message: `${file} imports ${target}: the runtime never loads the dev backend (only the CLI starts it).`,
          });
        }
        return;
      }
      if (from === undefined) return;
      const to = place(target.replace(/\.(m?js|m?ts)$/, '') + '.ts') ?? place(target + '/');
      if (to === undefined) return;
      if (to.index > from.index) {
        context.report({
          node,
          message: `${file} (layer ${from.layer.name}) imports ${target} (layer ${to.layer.name}): imports point down only.`,
        });
      } else if (
        to.index === from.index &&
        from.layer.apart?.includes(from.prefix) &&
        from.prefix !== to.prefix
      ) {
        context.report({
          node,
          message: `${file} imports ${target}: ${from.prefix} and ${to.prefix} are kept apart; share through a lower layer.`,
        });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') {
          const [arg] = node.arguments;
          if (arg && arg.type === 'Literal') check(node, arg.value);
        }
      },
      TSImportType: (node) => {
        const arg = node.argument;
        const literal = arg?.type === 'TSLiteralType' ? arg.literal : arg;
        if (literal && literal.type === 'Literal') check(node, literal.value);
      },
    };
  },
};

export default { rules: { 'imports-point-down': rule } };
