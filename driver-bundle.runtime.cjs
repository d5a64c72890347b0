// Run time of driver-bundle.mjs, inside the CLI's bundle: requires that resolve like a file of the
// installed snowflake-sdk, and the deferred packages. CommonJS, so esbuild bundles it as it is and a
// test can require it directly. `require` is the bundle's (its banner's createRequire).
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');

let sdkMain;
const sdkRoot = () => dirname((sdkMain ??= require.resolve('snowflake-sdk')));

/** The installed driver's folder `relativeDir` (relative to its main file's folder). */
exports.sdkDir = (relativeDir) => join(sdkRoot(), relativeDir);

/** A require that resolves as the driver's files in `relativeDir` do. */
exports.sdkRequire = (relativeDir) => createRequire(join(sdkRoot(), relativeDir, 'index.js'));

/**
 * The package `name`, required (from the driver's folder) the first time it is used: called,
 * constructed or read. `functionExports` (its exports that are functions, read at build time) are
 * handed out before that as stand-ins that forward calls, `new`, reads and instanceof to the real
 * export, so `const { X } = require(name)` while modules load does not load the package.
 */
exports.deferred = (name, functionExports) => {
  let real;
  const load = () => (real ??= exports.sdkRequire('.')(name));
  // Bound functions as targets: callable and constructible, without an own 'prototype' to keep in step.
  const standIn = (get) =>
    new Proxy(function () {}.bind(), {
      apply: (_, self, args) => Reflect.apply(get(), self, args),
      construct: (_, args) => Reflect.construct(get(), args),
      get: (_, key) => Reflect.get(get(), key),
      has: (_, key) => key in get(),
      getPrototypeOf: () => Reflect.getPrototypeOf(get()),
    });
  const functions = new Set(functionExports);
  const module = new Proxy(function () {}.bind(), {
    apply: (_, self, args) => Reflect.apply(load(), self, args),
    construct: (_, args) => Reflect.construct(load(), args),
    get: (_, key) => (real === undefined && functions.has(key) ? standIn(() => load()[key]) : Reflect.get(load(), key)),
    has: (_, key) => key in load(),
    getPrototypeOf: () => Reflect.getPrototypeOf(load()),
  });
  return { module, loaded: () => real !== undefined };
};
