// docs/adding-a-subscriber.md, followed step by step in a copy of the repository: the new service's files are
// taken from the page itself, the catalog gets the page's entry, `./lab gen` and the lockfile step run, and the
// copy's own runtime starts the new service beside order, payment and the gateway. It receives the facts, and no
// publisher's file changed. (Broker-agnostic: it runs on Redis; the other broker's suites cover the brokers.)
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT, waitFor } from '@lab/runtime';
import { BROKER } from './broker';
import { anOrder, E2E_OFFSET, E2E_RUN_DIR, http } from './helpers';

const PAGE = join(REPO_ROOT, 'docs', 'adding-a-subscriber.md');
const onRedis = BROKER === 'redis' ? describe : describe.skip;

/** The page's code blocks that name a file (```json file=services/loyalty/package.json), in order. */
export function pageFiles(markdown: string): { file: string; body: string }[] {
  const blocks = [...markdown.matchAll(/^( *)```\w+ file=(\S+)\n([\s\S]*?)^\1```$/gm)];
  return blocks.map(([, indent, file, body]) => ({
    file: file!,
    body: body!
      .split('\n')
      .map(l => l.slice(indent!.length))
      .join('\n'),
  }));
}

let copy: string;
let child: ChildProcess | undefined;
let output = '';
const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { cwd: copy, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'subscriber-'));
  // The working tree with its build (dist and build info keep their times, so tsc builds only what is new) and
  // a git history of its own, to show afterwards what the steps changed.
  execFileSync(
    'sh',
    [
      '-c',
      `{ git ls-files -co --exclude-standard -z; find packages services tools -maxdepth 2 \\( -name dist -o -name tsconfig.tsbuildinfo \\) -print0; } | tar -c --null -T - -f - | tar -x -C '${copy}'`,
    ],
    { cwd: REPO_ROOT },
  );
  // The copy's node_modules: the repository's installed packages, linked, but its own workspaces. Linking the
  // whole folder would resolve @lab/* to the repository's workspaces (npm's links are relative), so `lab gen`
  // and the runtime in the copy would read and write the repository instead of the copy.
  const modules = join(REPO_ROOT, 'node_modules');
  mkdirSync(join(copy, 'node_modules', '@lab'), { recursive: true });
  for (const name of readdirSync(modules).filter(n => n !== '@lab'))
    symlinkSync(join(modules, name), join(copy, 'node_modules', name));
  for (const name of readdirSync(join(modules, '@lab')))
    symlinkSync(readlinkSync(join(modules, '@lab', name)), join(copy, 'node_modules', '@lab', name));
  run('git', ['init', '-q']);
  run('git', ['add', '-A']);
  run('git', ['-c', 'user.name=lab', '-c', 'user.email=lab@localhost', 'commit', '-qm', 'before']);
}, 300_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await waitFor(async () => (child!.exitCode !== null ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the copy runtime to stop',
    }).catch(() => child!.kill('SIGKILL'));
  }
  rmSync(copy, { recursive: true, force: true });
}, 90_000);

onRedis('docs/adding-a-subscriber.md, followed in a copy of the repository', () => {
  it('the page gives every file of the new service and its catalog entry', () => {
    const files = pageFiles(readFileSync(PAGE, 'utf8')).map(f => f.file);
    expect(files).toEqual([
      'services/loyalty/package.json',
      'services/loyalty/tsconfig.json',
      'services/loyalty/src/config.ts',
      'services/loyalty/src/main.ts',
      'services/loyalty/src/app.ts',
      'services/catalog.json#services',
    ]);
  });

  it('steps 1-3: the files, one catalog entry, ./lab gen and the lockfile; no publisher changes', () => {
    for (const { file, body } of pageFiles(readFileSync(PAGE, 'utf8'))) {
      if (file === 'services/catalog.json#services') {
        const path = join(copy, 'services', 'catalog.json');
        const catalog = JSON.parse(readFileSync(path, 'utf8'));
        catalog.services.push(JSON.parse(body));
        writeFileSync(path, `${JSON.stringify(catalog, null, 2)}\n`);
      } else {
        mkdirSync(dirname(join(copy, file)), { recursive: true });
        writeFileSync(join(copy, file), body);
      }
    }
    // The page's order: the lockfile, then what `./lab gen` runs once it has installed and built.
    run('npm', ['install', '--package-lock-only', '--offline', '--no-audit', '--no-fund', '--ignore-scripts']);
    run(process.execPath, ['tools/gen/dist/cli.js']);
    run('npx', ['tsc', '--build']);

    const changed = run('git', ['status', '--porcelain'])
      .split('\n')
      .filter(Boolean)
      .map(l => l.slice(3))
      .sort();
    // What the steps touched: the new folder, the catalog, and what is generated from them.
    expect(changed).toEqual(
      [
        'dapr.yaml',
        'docs/asyncapi.yaml',
        'package-lock.json',
        'services/catalog.json',
        'services/loyalty/',
        'tsconfig.json',
      ].sort(),
    );
    const refs = JSON.parse(readFileSync(join(copy, 'services', 'loyalty', 'tsconfig.json'), 'utf8')).references;
    expect(refs).toEqual([{ path: '../../packages/contracts' }, { path: '../../packages/kit' }]);
    expect(readFileSync(join(copy, 'package-lock.json'), 'utf8')).toContain('"services/loyalty"');
    expect(readFileSync(join(copy, 'dapr.yaml'), 'utf8')).toContain('appID: loyalty');
  }, 300_000);

  it('step 4: the copy runs it with its own sidecar, and it receives PaymentCompleted with no publisher changed', async () => {
    const start = [
      `const { LocalSystem } = require('./tools/runtime/dist');`,
      `LocalSystem.start({ services: ['order', 'payment', 'gateway', 'loyalty'], portOffset: ${E2E_OFFSET},`,
      `  runDir: ${JSON.stringify(`${E2E_RUN_DIR}-subscriber`)} }).then(s => {`,
      `  console.log('READY ' + JSON.stringify({ order: s.url('order'), loyalty: s.url('loyalty') }));`,
      `  process.on('SIGTERM', () => s.stop().then(() => process.exit(0)));`,
      `}, err => { console.error(err); process.exit(1); });`,
    ].join('\n');
    child = spawn(process.execPath, ['-e', start], { cwd: copy, env: { ...process.env, LAB_BROKER: 'redis' } });
    child.stdout!.on('data', d => (output += d));
    child.stderr!.on('data', d => (output += d));
    const urls = await waitFor(
      async () => {
        if (child!.exitCode !== null) throw new Error(`the copy's runtime exited:\n${output}`);
        const m = output.match(/READY (\{.*\})/);
        return m ? (JSON.parse(m[1]!) as { order: string; loyalty: string }) : undefined;
      },
      { timeoutMs: 120_000, what: "the copy's runtime with loyalty" },
    );

    const subscribed = await http('GET', `${urls.loyalty}/dapr/subscribe`);
    // The sidecar-only route answers only with the app token: what matters is that loyalty is up and guarded.
    expect(subscribed.status).toBe(401);
    const placed = await Promise.all(
      [1, 2].map(() => http('POST', `${urls.order}/orders`, anOrder('stamp-collector'))),
    );
    expect(placed.map(p => p.status)).toEqual([202, 202]);
    const card = await waitFor(
      async () => {
        const r = await http('GET', `${urls.loyalty}/cards/stamp-collector`);
        return r.status === 200 && r.body.stamps === 2 ? r.body : undefined;
      },
      { timeoutMs: 60_000, what: 'two stamps on the new service' },
    );
    expect(card).toMatchObject({ customerId: 'stamp-collector', stamps: 2 });
    expect(card.eventIds).toHaveLength(2);
  }, 240_000);
});
