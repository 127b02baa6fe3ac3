// SPDX-License-Identifier: MIT
// engines.ts: the modes, each a factory behind the Scanner contract (contract.ts). The only place
// that names both engines' drivers; scan.ts picks one by the resolved mode and knows no more.
import type { ScannerFactory } from './contract';
import { createConnectScanner } from './connect';
import { createSynScanner } from './syn';

export const SCANNERS: Readonly<Record<'connect' | 'syn', ScannerFactory>> = Object.freeze({
  connect: createConnectScanner,
  syn: createSynScanner,
});
