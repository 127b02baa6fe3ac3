// SPDX-License-Identifier: MIT
// testbed-report.ts: what the testbed (../shared/testbed/testbed) prints as JSON, declared once
// for the benchmarks (bench/) and the tests' helper (test/helpers/testbed.ts). `testbed verify
// HOSTS PORTS < RESULTS` prints one TestbedVerdict line on stdout (and the first missed and false
// results on stderr, "missed open: IP PORT"); `testbed truth HOSTS PORTS` prints one TestbedTruth
// line, then the expected open pairs.

/** The counts of each state a workload should find. */
export interface StateCounts {
  open: number;
  closed: number;
  filtered: number;
}

/** `testbed verify`'s report: a scan's results scored against the testbed's model. */
export interface TestbedVerdict {
  expected_open: number;
  found_open: number;
  missed_open: number;
  false_open: number;
  /** Listed closed or filtered ports whose state is wrong (with --strict-closed, closed vs filtered too). */
  wrong_state: number;
  /** found_open / expected_open, rounded to 6 places (1 when nothing is expected open). */
  recall: number;
  /** Result lines that were neither NDJSON nor "IP PORT STATE". */
  malformed: number;
  expected: StateCounts;
}

/** `testbed truth`'s first line: the workload's size and what it should find. */
export interface TestbedTruth extends StateCounts {
  hosts: number;
  ports: number;
  pairs: number;
}
