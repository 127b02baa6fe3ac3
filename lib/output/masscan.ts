// SPDX-License-Identifier: MIT
// masscan.ts: masscan's two record forms, streamed in scan order as results come. list (-oL):
// "#masscan", then "open tcp 22 198.18.0.1 1700000000" per result, then "# end". json (-oJ): an
// array of one object per result, each line as masscan 1.3 writes it ("ip", "timestamp",
// "ports": [{"port", "proto", "status", "reason", "ttl"}]), records separated by "," lines.
// masscan knows open and closed only: a filtered result (with --full) is not written. The file
// ends with its closing ("# end", "]") from the first flush on (Writer trailer), so a stopped
// scan or a full disk leaves a file masscan's readers accept.
import type { PortResult } from '../scanner/result';
import type { Writer } from './writer';

export interface RecordFormatter {
  begin(): void;
  result(r: PortResult): void;
  end(): void;
}

function shown(r: PortResult): boolean {
  return r.state === 'open' || r.state === 'closed';
}

const now = (): number => Math.floor(Date.now() / 1000);

export function masscanList(out: Writer): RecordFormatter {
  return {
    begin: () => {
      out.write('#masscan\n');
      out.setTrailer('# end\n');
    },
    result: (r) => {
      if (shown(r)) out.write(`${r.state} tcp ${r.port} ${r.ip} ${now()}\n`);
    },
    end: () => {
      out.setTrailer('');
      out.write('# end\n');
    },
  };
}

export function masscanJson(out: Writer): RecordFormatter {
  let first = true;
  return {
    begin: () => {
      out.write('[\n');
      out.setTrailer(']\n');
    },
    result: (r) => {
      if (!shown(r)) return;
      const reason = r.state === 'open' ? 'syn-ack' : 'rst-ack';
      out.write(
        `${first ? '' : ',\n'}{   "ip": "${r.ip}",   "timestamp": "${now()}", "ports": [ {"port": ${r.port}, ` +
          `"proto": "tcp", "status": "${r.state}", "reason": "${reason}", "ttl": 0} ] }\n`,
      );
      first = false;
    },
    end: () => {
      out.setTrailer('');
      out.write(']\n');
    },
  };
}
