/**
 * The ES-module face of the package: the CommonJS build re-exported, names and types alike, so
 * `import` and `require` share one SDK state in the same process and no name is listed twice.
 * (Node finds the CommonJS build's named exports statically.)
 */
export * from '../index.js';
