// SPDX-License-Identifier: MIT
// scan-help.ts: the closing text of the scan command's --help (scan-args.ts adds it after the
// options): target and port syntax, states, exit codes, privileges, the nmap and masscan
// spellings (dialect.ts), and where the bench is.
export const EPILOG = `Targets: 127.0.0.1, 127.0.0.1-127.0.0.20, 127.0.0.0/29, 127.0.0-1.1-10 (nmap octets),
::1, 2001:2::/125, localhost, or a file (-i FILE, '-' for stdin). Spaces or commas separate them.
Ports: the Standard list of 32 ports by default; '1-1024', '1-30, 80, 443',
'21, 22, 25, 80-88, 1000-1024, 6666', '-p-' or 'all' for 1-65535; service names and nmap's
T: prefix ('ssh,http*,T:8080': nmap's nmap-services names, else IANA's); --top-ports N.

States: open (the handshake completed), closed (the port answered RST), filtered (no answer
after --retries, or an ICMP unreachable: PortScan's "silent").

Exit codes: 0 done, 1 runtime failure (cannot write output, engine error),
2 bad usage (malformed target, port or option; nothing was sent), 130 stopped by Ctrl-C
(what was found is kept and the output file is valid).

Privileges: run as root, a scan becomes --user (default: the sudo user, else nobody) once its raw
sockets, capture, output and first checkpoint are open, with every capability gone; -v says so.
If that user cannot write the checkpoint's directory, it stays root and says so in one line.
Without root, give CAP_NET_RAW to a dedicated copy of node, never to every node script (README).

For nmap and masscan users: -sS (--mode syn), -sT (--mode connect), -sV (--service),
-T0..-T5 (--timing), -iL, --excludefile, --min-rate/--max-rate (--rate; 100k and 1.5M work),
--max-retries, -oX, -oG, -oN, -oA, -oL, -oJ, --open, --reason, -c FILE (masscan's config) and
--echo are read as such.
-Pn, -n, -6 are accepted and change nothing: portscan does no host discovery (every target is
scanned) and no reverse DNS, and the addresses decide the family. --host-timeout is checked, not
applied. Options not offered (-sU, -O, -A, ...) are answered in one line. README: "For nmap and
masscan users".

portscan bench: measure scan throughput in a sealed range on this machine (root; see --help there).`;
