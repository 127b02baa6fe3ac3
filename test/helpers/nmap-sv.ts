// Runs `nmap -sV` on loopback ports (127.0.0.0/8 only), or with `testbed` inside that testbed's
// scanner namespace on a testbed address (198.18.0.0/16 only), refused otherwise, and reads the
// service name of each port from its XML ("unknown" where it has none), as "tunnel/name"
// ("ssl/http") where nmap saw a tunnel.
import { spawn } from 'node:child_process';

/** The testbed command and prefix to run nmap through (`testbed run nmap ...`). */
export interface ThroughTestbed {
  command: string;
  prefix: string;
}

export async function nmapServiceNames(
  ip: string,
  ports: number[],
  extra: string[] = [],
  testbed?: ThroughTestbed,
): Promise<Map<number, string>> {
  if (testbed ? !/^198\.18\.\d+\.\d+$/.test(ip) : !/^127\.\d+\.\d+\.\d+$/.test(ip)) {
    throw new Error(`nmap -sV runs on ${testbed ? 'a testbed address' : 'loopback'} only, not ${ip}`);
  }
  const args = ['-sV', '-Pn', '-n', ...extra, '-p', ports.join(','), '-oX', '-', ip];
  const [cmd, cmdArgs] = testbed ? [testbed.command, ['run', 'nmap', ...args]] : ['nmap', args];
  const env = testbed ? { ...process.env, TESTBED_PREFIX: testbed.prefix } : process.env;
  const xml = await new Promise<string>((resolve, reject) => {
    const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`nmap ${args.join(' ')}: ${code} ${err}`)),
    );
  });
  const names = new Map<number, string>();
  for (const m of xml.matchAll(/<port protocol="tcp" portid="(\d+)">([\s\S]*?)<\/port>/g)) {
    const service = /<service name="([^"]*)"(?:[^>]*?tunnel="([^"]*)")?/.exec(m[2] as string);
    // No <service> element: nmap's normal output calls the port "unknown".
    const name = service?.[1] ?? 'unknown';
    names.set(Number(m[1]), service?.[2] ? `${service[2]}/${name}` : name);
  }
  return names;
}
