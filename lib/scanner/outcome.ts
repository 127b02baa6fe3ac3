// SPDX-License-Identifier: MIT
// outcome.ts: how a Scanner's start() promise settles, once: with "stopped early" or not, or
// with the engine's failure. Both engines' drivers settle through it, so the first of a failure,
// a stop and the natural end wins, and later ones are ignored.

export class RunOutcome {
  readonly promise: Promise<boolean>;
  private resolve: (aborted: boolean) => void = () => undefined;
  private reject: (err: Error) => void = () => undefined;
  private settled = false;

  constructor() {
    this.promise = new Promise<boolean>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Has the run settled (ended, stopped or failed)? */
  get done(): boolean {
    return this.settled;
  }

  /** Settles the run; the first call wins. Returns false when it had settled already. */
  settle(aborted: boolean, err?: Error): boolean {
    if (this.settled) return false;
    this.settled = true;
    if (err) this.reject(err);
    else this.resolve(aborted);
    return true;
  }
}
