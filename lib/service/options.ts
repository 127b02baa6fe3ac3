// SPDX-License-Identifier: MIT
// options.ts: the checks of scan()'s `service` option (identification's limits), in the
// library's own terms ("option 'service.timeoutMs'"), before anything is sent.
import { UsageError } from '../errors';
import { escapeText } from '../safe-fs';
import type { ServiceOptions } from './queue';

const LIMITS: Record<string, [number, number]> = {
  timeoutMs: [1, 600_000],
  bannerWaitMs: [0, 600_000],
  probeWaitMs: [0, 600_000],
  quietMs: [1, 60_000],
  maxBytes: [1, 1 << 20],
  tasks: [1, 10_000],
  perHost: [1, 10_000],
  silentLimit: [1, 1_000_000],
};

/** `service` as given (true, false, undefined or an object of limits) -> the queue's options or undefined. */
export function checkServiceOption(v: unknown): ServiceOptions | undefined {
  if (v === undefined || v === false) return undefined;
  if (v === true) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new UsageError(`option 'service' expects true or an object of limits, got ${escapeText(String(v), 40)}`);
  }
  const out: ServiceOptions = {};
  for (const [key, value] of Object.entries(v)) {
    const range = LIMITS[key];
    if (!range) throw new UsageError(`option 'service' has no limit '${escapeText(key, 40)}'`);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < range[0] || value > range[1]) {
      throw new UsageError(
        `option 'service.${key}' expects a whole number from ${range[0]} to ${range[1]}, ` +
          `got ${escapeText(String(value), 40)}`,
      );
    }
    out[key as keyof ServiceOptions] = value;
  }
  return out;
}
