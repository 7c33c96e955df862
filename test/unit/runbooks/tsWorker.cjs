// Runs the TypeScript parse worker inside a worker thread for unit tests (tsx registers the
// TypeScript loader; workers do not inherit it from the test process).
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS bootstrap, loaded by path */
require('tsx/cjs');
require('../../../src/runbooks/parseWorker.ts');
