// Runs parseRunbook in a worker thread for the memory test: the test gives the worker a heap
// limit and checks the parse stays under it (tsx registers the TypeScript loader).
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS bootstrap, loaded by path */
require('tsx/cjs');
const { parentPort, workerData } = require('node:worker_threads');
const { parseRunbook } = require('../../../src/runbooks/parse.ts');

const runbook = parseRunbook({ path: '/r/large.md', root: '/r', text: workerData.text }, workerData.options);
parentPort.postMessage({ parseStatus: runbook.parseStatus, codeBlocks: runbook.codeBlocks.length, heapMb: process.memoryUsage().heapUsed / 1048576 });
