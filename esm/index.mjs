// SPDX-License-Identifier: MIT
// index.mjs: the package's ESM entry point (`import { scan } from 'portscan'`). The library is
// compiled to CommonJS (dist/lib/); this wrapper re-exports the same bindings, so CJS and ESM
// users share one module instance. test/package/exports.test.ts checks both export the same names.
import lib from '../dist/lib/index.js';

export const { scan, runScan, ParseError, UsageError, ScanError, parsePortList, STANDARD_PORTS, parseTargets } = lib;
