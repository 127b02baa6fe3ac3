// SPDX-License-Identifier: MIT
// types.ts: the typed facade of portscan_native.node, the only description of its shape. It must
// change together with native/addon.cc, native/engine_connect.cc and native/record.h.

/** An error raised by native code: errno name, failing syscall, message. */
export interface NativeError extends Error {
  code?: string;
  syscall?: string;
  errno?: number;
}

/** One call per batch of finished probes, on the JS thread. `records` is owned by JS. */
export type BatchCallback = (err: NativeError | null, records: Uint8Array | null, count: number) => void;

export interface ConnectEngineOptions {
  /** Most connect() attempts in flight at once (the seed's "Tasks"). */
  window: number;
  /** Longest a finished result waits in native code before it is handed over, ms. */
  flushIntervalMs: number;
  /** Most results per callback. */
  maxBatch: number;
  /** Native scan threads; the window and every submit are split evenly between them. */
  threads: number;
}

export interface NativeEngine {
  /**
   * Copies `count` packed targets (TARGET_SIZE bytes each); the caller may reuse the buffer.
   * `urgent` targets (retries) are queued ahead of all others.
   */
  submit(targets: Uint8Array, count: number, urgent?: boolean): void;
  /** Idempotent and synchronous: stops the thread, drops probes in flight, joins. */
  close(): void;
  /** Keep the process alive while the engine is open (the default). */
  ref(): void;
  /** Let the process exit even though the engine is open. */
  unref(): void;
}

export interface NativeBinding {
  readonly ABI_VERSION: number;
  readonly TARGET_SIZE: number;
  readonly RECORD_SIZE: number;
  ConnectEngine: new (opts: ConnectEngineOptions, onBatch: BatchCallback) => NativeEngine;
  /** The process's soft RLIMIT_NOFILE. */
  getFdLimit(): number;
}
