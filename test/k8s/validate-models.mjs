// Validates Kubernetes objects (a JSON array on stdin) with the kubernetes-models package's schemas, offline.
// A separate ESM process because kubernetes-models is ESM-only and jest runs CommonJS. Prints one result per object.
import { Buffer } from 'node:buffer';
import process from 'node:process';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const objects = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const results = [];
for (const obj of objects) {
  const where = `${obj.kind}/${obj.metadata?.name}`;
  // apiVersion "apps/v1" -> kubernetes-models/apps/v1/<Kind>; core "v1" -> kubernetes-models/v1/<Kind>.
  const path = `kubernetes-models/${obj.apiVersion}/${obj.kind}`;
  let Model;
  try {
    Model = (await import(path))[obj.kind];
  } catch {
    results.push({ where, error: `no schema for ${obj.apiVersion} ${obj.kind}` });
    continue;
  }
  try {
    new Model(obj).validate();
    results.push({ where });
  } catch (err) {
    results.push({ where, error: String(err?.message ?? err) });
  }
}
process.stdout.write(JSON.stringify(results));
