// SPDX-License-Identifier: MIT
// index.d.mts: the types of the ESM entry point, the same as the CommonJS ones.
export * from '../dist/lib/index.js';
