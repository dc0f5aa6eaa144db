import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allEvents } from '@lab/contracts';
import { BASE, portsFor, readCatalog, REPO_ROOT } from '../src/catalog';
import { renderRunFile } from '../src/run-file';
import { KAFKA_BASE } from '../src/kafka';

const catalog = readCatalog();

describe('services/catalog.json', () => {
  it('gives every service a distinct port and a folder with a main.ts', () => {
    const ports = catalog.map(s => s.port);
    expect(new Set(ports).size).toBe(ports.length);
    for (const s of catalog) {
      expect(() => readFileSync(join(REPO_ROOT, 'services', s.name, 'src', 'main.ts'))).not.toThrow();
    }
  });

  it('puts the order API on 3000', () => {
    expect(catalog.find(s => s.name === 'order')?.port).toBe(3000);
  });

  it('derives sidecar, app metrics and broker ports that never collide, for any offset', () => {
    for (const offset of [0, 10_000]) {
      const all = catalog.flatMap(s => Object.values(portsFor(s, offset)));
      all.push(BASE.redis + offset, BASE.chaos + offset, KAFKA_BASE.broker + offset, KAFKA_BASE.controller + offset);
      expect(new Set(all).size).toBe(all.length);
      expect(Math.max(...all)).toBeLessThan(32768);
    }
  });

  it('names only topics that have a contract', () => {
    const topics = new Set(allEvents.map(e => e.topic));
    for (const s of catalog) for (const t of [...s.publishes, ...s.subscribes]) expect(topics).toContain(t);
  });
});

describe('dapr.yaml', () => {
  it('is what `./lab gen` renders from the catalog', () => {
    expect(readFileSync(join(REPO_ROOT, 'dapr.yaml'), 'utf8')).toBe(renderRunFile(catalog));
  });
});
