// SPDX-License-Identifier: MIT
// port-names.ts: service names in port lists (`-p ssh,http`, nmap's wildcards `-p 'http*'`). A
// name means every TCP port nmap's nmap-services gives that name (nmap's `-p http` is 80, 8008
// and more); when nmap is not installed, or does not know the name, IANA's registry
// (services.ts) answers. Each table is indexed by name once, on first use.
import { nmapServices } from './nmap-services';
import { serviceName } from './services';

type Index = Map<string, number[]>;
const indexes = new Map<string, Index>();

function index(key: string, nameOf: (port: number) => string): Index {
  let byName = indexes.get(key);
  if (byName) return byName;
  byName = new Map();
  for (let port = 1; port <= 65535; port++) {
    const name = nameOf(port).toLowerCase();
    if (name === '') continue;
    const ports = byName.get(name);
    if (ports) ports.push(port);
    else byName.set(name, [port]);
  }
  indexes.set(key, byName);
  return byName;
}

function lookup(byName: Index, name: string): number[] {
  if (!/[*?]/.test(name)) return byName.get(name) ?? [];
  const escaped = name.replace(/[.+^${}()|[\]\\-]/g, '\\$&');
  const re = new RegExp(`^${escaped.replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return [...byName].filter(([n]) => re.test(n)).flatMap(([, ports]) => ports);
}

/** The TCP ports a service name (with * and ? wildcards) stands for; empty when none. */
export function portsNamed(name: string): number[] {
  const wanted = name.toLowerCase();
  const nmap = nmapServices();
  const found = nmap
    ? lookup(
        index(nmap.path, (p) => nmap.nameOf(p)),
        wanted,
      )
    : [];
  return found.length > 0 ? found : lookup(index('iana', serviceName), wanted);
}
