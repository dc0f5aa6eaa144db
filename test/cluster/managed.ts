// Brokers that stand in for managed ones, in a namespace of their own (`data`), for the production profile:
// Redis that wants a password, and Kafka that wants SCRAM-SHA-512 over TLS on 9093 (a certificate made here, its
// CA handed to the release the way an operator hands over a managed broker's CA). The release reaches them only
// by name and through the Secrets the profile expects (tokens.create false): nothing in it knows they are local.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CLUSTER_VALUES, NAMESPACE, kubectl } from './kube';

export const DATA_NAMESPACE = 'data';
const KAFKA_HOST = `kafka-0.kafka.${DATA_NAMESPACE}.svc.cluster.local`;
/** What the release is told (the production profile's envRefs, narrowed to the one broker run here). */
export const KAFKA_BROKERS = `${KAFKA_HOST}:9093`;

export interface Credentials {
  redisPassword: string;
  kafkaUser: string;
  kafkaPassword: string;
  /** The release's tokens (Secrets made outside the chart). */
  tokens: { daprApi: string; appApi: string; admin: string; chaos: string };
  /** The Kafka listener's certificate (self-signed: it is its own CA), PEM. */
  cert: string;
  key: string;
}

const secret = () => randomBytes(18).toString('base64url');

/** Fresh credentials and a certificate for the Kafka listener's names, made with openssl. */
export function makeCredentials(): Credentials {
  const dir = mkdtempSync(join(tmpdir(), 'lab-managed-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=kafka.data',
        '-addext',
        `subjectAltName=DNS:${KAFKA_HOST},DNS:kafka.${DATA_NAMESPACE}.svc.cluster.local`,
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      redisPassword: secret(),
      kafkaUser: 'eda-lab',
      kafkaPassword: secret(),
      tokens: { daprApi: secret(), appApi: secret(), admin: secret(), chaos: secret() },
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The broker images this cluster has (offline: built here, named in the cluster's values; online: the chart's). */
function brokerImages(): { redis: string; kafka: string } {
  const values = parse(readFileSync(CLUSTER_VALUES, 'utf8')) ?? {};
  return {
    redis: values.devInfra?.redis?.image ?? 'redis:7.4-alpine',
    kafka: values.devInfra?.kafka?.image ?? 'apache/kafka:4.1.2',
  };
}

const stringSecret = (namespace: string, name: string, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace },
  type: 'Opaque',
  stringData: data,
});

// One KRaft node. Clients use SASL_SSL on 9093; the broker talks to itself in plaintext on loopback only.
const KAFKA_START = String.raw`set -eu
conf=/tmp/server.properties
cat >"$conf" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:9094
controller.listener.names=CONTROLLER
listeners=INTERNAL://127.0.0.1:9092,SASL_SSL://0.0.0.0:9093,CONTROLLER://127.0.0.1:9094
advertised.listeners=INTERNAL://127.0.0.1:9092,SASL_SSL://${KAFKA_HOST}:9093
listener.security.protocol.map=INTERNAL:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
inter.broker.listener.name=INTERNAL
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PEM
ssl.keystore.location=/tmp/keystore.pem
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.dirs=/var/lib/kafka/data
EOF
cat /tls/tls.key /tls/tls.crt >/tmp/keystore.pem
log4j=""
[ ! -f /opt/kafka/log4j2.properties ] || log4j="-Dlog4j2.configurationFile=/opt/kafka/log4j2.properties"
opts="-Xms256m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError $log4j"
java $opts -cp '/opt/kafka/libs/*' kafka.tools.StorageTool format --cluster-id=ZWRhLWxhYi1tYW5hZ2VkLTAx \
  --config "$conf" --ignore-formatted --add-scram "SCRAM-SHA-512=[name=$KAFKA_USER,password=$KAFKA_PASSWORD]"
exec java $opts -cp '/opt/kafka/libs/*' kafka.Kafka "$conf"
`;

/** Everything in `data` and the release's Secrets in its own namespace, as Kubernetes objects. */
export function managedObjects(c: Credentials): object[] {
  const images = brokerImages();
  const labels = (name: string) => ({ 'app.kubernetes.io/name': name });
  const ns = DATA_NAMESPACE;
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    stringSecret(ns, 'redis-auth', { password: c.redisPassword }),
    stringSecret(ns, 'kafka-auth', {
      username: c.kafkaUser,
      password: c.kafkaPassword,
      'tls.crt': c.cert,
      'tls.key': c.key,
    }),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'redis-master', namespace: ns, labels: labels('redis') },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels('redis') },
        template: {
          metadata: { labels: labels('redis') },
          spec: {
            containers: [
              {
                name: 'redis',
                image: images.redis,
                imagePullPolicy: 'IfNotPresent',
                command: ['redis-server'],
                args: ['--protected-mode', 'no', '--dir', '/data', '--requirepass', '$(REDIS_PASSWORD)'],
                env: [{ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis-auth', key: 'password' } } }],
                ports: [{ containerPort: 6379 }],
                readinessProbe: { tcpSocket: { port: 6379 }, periodSeconds: 2 },
                volumeMounts: [{ name: 'data', mountPath: '/data' }],
              },
            ],
            volumes: [{ name: 'data', emptyDir: {} }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'redis-master', namespace: ns },
      spec: { selector: labels('redis'), ports: [{ port: 6379, targetPort: 6379 }] },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kafka-start', namespace: ns },
      data: { 'start.sh': KAFKA_START },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kafka', namespace: ns },
      spec: { clusterIP: 'None', selector: labels('kafka'), ports: [{ name: 'sasl-ssl', port: 9093 }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'kafka', namespace: ns, labels: labels('kafka') },
      spec: {
        serviceName: 'kafka',
        replicas: 1,
        selector: { matchLabels: labels('kafka') },
        template: {
          metadata: { labels: labels('kafka') },
          spec: {
            containers: [
              {
                name: 'kafka',
                image: images.kafka,
                imagePullPolicy: 'IfNotPresent',
                command: ['sh', '/start/start.sh'],
                env: [
                  { name: 'KAFKA_USER', valueFrom: { secretKeyRef: { name: 'kafka-auth', key: 'username' } } },
                  { name: 'KAFKA_PASSWORD', valueFrom: { secretKeyRef: { name: 'kafka-auth', key: 'password' } } },
                ],
                ports: [{ containerPort: 9093 }],
                readinessProbe: { tcpSocket: { port: 9093 }, periodSeconds: 2 },
                volumeMounts: [
                  { name: 'start', mountPath: '/start' },
                  { name: 'tls', mountPath: '/tls' },
                  { name: 'data', mountPath: '/var/lib/kafka/data' },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'start', configMap: { name: 'kafka-start' } },
              {
                name: 'tls',
                secret: {
                  secretName: 'kafka-auth',
                  items: [
                    { key: 'tls.crt', path: 'tls.crt' },
                    { key: 'tls.key', path: 'tls.key' },
                  ],
                },
              },
              { name: 'data', emptyDir: {} },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    },
    // What the profile expects to find in the release's namespace (tokens.create false, dapr.envRefs, metadataOverrides).
    stringSecret(NAMESPACE, 'eda-lab-redis', { password: c.redisPassword }),
    stringSecret(NAMESPACE, 'eda-lab-kafka', { username: c.kafkaUser, password: c.kafkaPassword, 'ca.crt': c.cert }),
    stringSecret(NAMESPACE, 'eda-lab-dapr-api-token', { token: c.tokens.daprApi }),
    stringSecret(NAMESPACE, 'eda-lab-app-api-token', { token: c.tokens.appApi }),
    stringSecret(NAMESPACE, 'eda-lab-admin-token', { token: c.tokens.admin }),
    stringSecret(NAMESPACE, 'eda-lab-chaos-token', { token: c.tokens.chaos }),
  ];
}

/** kubectl apply of a list of objects (through a file: the tool helpers take no stdin). */
export async function apply(objects: object[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'lab-apply-'));
  const file = join(dir, 'objects.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  try {
    return await kubectl('apply', '-f', file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The release's Secrets made above, for the teardown (the namespace itself is kept: it is the cluster's). */
export const RELEASE_SECRETS = [
  'eda-lab-redis',
  'eda-lab-kafka',
  'eda-lab-dapr-api-token',
  'eda-lab-app-api-token',
  'eda-lab-admin-token',
  'eda-lab-chaos-token',
];
