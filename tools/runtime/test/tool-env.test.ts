// The tooling's environment, read once, and its arguments, parsed strictly.
import { join } from 'node:path';
import { REPO_ROOT } from '../src/catalog';
import { readToolEnv, toolArgs } from '../src/tool-env';

describe('readToolEnv', () => {
  it("takes a tool's own default offset, the repository's .run, and no broker when none is set", () => {
    expect(readToolEnv({}, { portOffset: 15_000 })).toEqual({
      portOffset: 15_000,
      runDir: join(REPO_ROOT, '.run'),
      adminToken: undefined,
      broker: undefined,
      replicas: 1,
    });
  });

  it('reads what is set', () => {
    const env = {
      LAB_PORT_OFFSET: '12000',
      LAB_RUN_DIR: '/tmp/r',
      LAB_ADMIN_TOKEN: 't',
      LAB_BROKER: 'kafka',
      LAB_REPLICAS: '2',
    };
    expect(readToolEnv(env)).toEqual({
      portOffset: 12_000,
      runDir: '/tmp/r',
      adminToken: 't',
      broker: 'kafka',
      replicas: 2,
    });
  });

  it('names every bad variable at once', () => {
    expect(() => readToolEnv({ LAB_PORT_OFFSET: '-1', LAB_BROKER: 'rabbit', LAB_REPLICAS: '0' })).toThrow(
      /LAB_PORT_OFFSET must be an integer in \[0, 20000\], got "-1"[\s\S]*LAB_BROKER must be one of redis\|kafka[\s\S]*LAB_REPLICAS must be an integer in \[1, 5\], got "0"/,
    );
  });
});

describe('toolArgs', () => {
  const options = { since: { type: 'string' }, quick: { type: 'boolean' } } as const;

  it('parses flags and positionals', () => {
    const { values, positionals } = toolArgs(['list', '--since', '6h', '--quick'], options, 'x');
    expect(values).toEqual({ since: '6h', quick: true });
    expect(positionals).toEqual(['list']);
  });

  it('refuses an unknown flag or a missing value, with the usage', () => {
    expect(() => toolArgs(['--sinse', '6h'], options, 'verify [--since 24h]')).toThrow(
      /Unknown option '--sinse'[\s\S]*usage: verify \[--since 24h\]/,
    );
    expect(() => toolArgs(['--since'], options, 'u')).toThrow(/argument missing/);
  });
});
