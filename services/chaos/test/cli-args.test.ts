// The CLI's command line: commands, defaults and validation, without a cluster.
import { parseCli, USAGE } from '../src/cli-args';
import { parseTargets } from '../src/targets';

describe('parseCli', () => {
  it('parses the scaling commands with namespace defaults', () => {
    expect(parseCli(['stop', 'order'])).toEqual({
      command: 'stop',
      service: 'order',
      namespace: 'eda-lab',
      catalog: 'services/catalog.json',
    });
    expect(parseCli(['kill', 'payment', '-n', 'lab'], {}).namespace).toBe('lab');
    expect(parseCli(['list'], { CHAOS_NAMESPACE: 'from-env' }).namespace).toBe('from-env');
  });

  it('parses fault knobs into the body the service accepts', () => {
    const cmd = parseCli(['faults', 'gateway', '--latency-ms', '300', '--error-rate', '0.5']);
    expect(cmd).toMatchObject({ command: 'faults', service: 'gateway', faults: { latencyMs: 300, errorRate: 0.5 } });
  });

  it.each([
    [[], 'usage:'],
    [['explode', 'order'], 'usage:'],
    [['stop'], 'stop needs a service name'],
    [['kill', 'order', 'payment'], 'unexpected arguments'],
    [['faults', 'order'], 'at least one'],
    [['faults', 'order', '--error-rate', '2'], 'invalid faults'],
    [['faults', 'order', '--latency-ms', 'soon'], 'must be a number'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCli(argv as string[])).toThrow(message);
  });

  it('prints every command in the usage', () => {
    for (const c of ['list', 'stop', 'start', 'kill', 'faults']) expect(USAGE).toContain(`  ${c}`);
  });
});

describe('parseTargets', () => {
  it('reads the list the chart renders', () => {
    expect(parseTargets('[{"name":"order","port":3000}]')).toEqual([{ name: 'order', port: 3000 }]);
  });

  it.each(['nope', '[]', '[{"name":"Order","port":3000}]', '[{"name":"order","port":0}]'])('refuses %s', raw => {
    expect(() => parseTargets(raw)).toThrow('CHAOS_SERVICES');
  });
});
