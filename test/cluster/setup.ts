// Cluster suites drive a real kind cluster: pods start, images load, Dapr injects sidecars. Every wait inside
// has its own deadline; this only bounds a whole test.
jest.setTimeout(600_000);
