// `lab up`'s arguments are refused before anything starts: a replica count out of range, an unknown flag.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { portsFor, readCatalog, MAX_REPLICAS, REPLICA_STRIDE, BASE } from '../src/catalog';

const cli = join(__dirname, '..', 'dist', 'cli.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cli, 'up', ...args], { encoding: 'utf8', timeout: 20_000 });

describe('lab up arguments', () => {
  it('refuses --replicas outside 1..5, naming the setting, and starts nothing', () => {
    const r = run('--replicas', '9');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/LAB_REPLICAS must be an integer in \[1, 5\], got "9"/);
    expect(r.stdout).not.toMatch(/Starting/);
  });

  it('refuses an unknown flag with the usage line', () => {
    const r = run('--replica', '2');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/usage: lab up \[--broker redis\|kafka\] \[--replicas N\]/);
  });
});

describe('replica ports', () => {
  it('never collide: every instance of every service, up to the most replicas, has ports of its own', () => {
    const taken = new Map<number, string>();
    for (const s of readCatalog()) {
      for (let r = 0; r < MAX_REPLICAS; r++) {
        for (const [kind, port] of Object.entries(portsFor(s, 0, undefined, r))) {
          const who = `${s.name}#${r} ${kind}`;
          expect({ port, clash: taken.get(port) }).toEqual({ port, clash: undefined });
          taken.set(port, who);
        }
      }
    }
    // and stay below the local chaos API's port
    expect(Math.max(...readCatalog().map(s => portsFor(s, 0, undefined, MAX_REPLICAS - 1).app))).toBeLessThan(
      BASE.chaos,
    );
    expect(REPLICA_STRIDE).toBeGreaterThanOrEqual(readCatalog().length);
    expect(() => portsFor(readCatalog()[0]!, 0, undefined, MAX_REPLICAS)).toThrow(/at most 5 replicas/);
  });
});
