// Two projects: unit tests (no port, no sidecar) beside each package, and end-to-end tests on a real system.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] };

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testEnvironment: 'node',
      transform,
      testMatch: [
        '<rootDir>/packages/*/test/**/*.test.ts',
        '<rootDir>/services/*/test/**/*.test.ts',
        '<rootDir>/tools/*/test/**/*.test.ts',
        '<rootDir>/k6/test/**/*.test.ts',
        // Tests across packages and services (no port, no sidecar).
        '<rootDir>/test/unit/**/*.test.ts',
      ],
      moduleNameMapper: {
        '^@lab/kit/testing$': '<rootDir>/packages/kit/src/testing',
        '^@lab/(contracts|kit)$': '<rootDir>/packages/$1/src',
        '^@lab/(runtime|verify|charts|demos|bench|gen)$': '<rootDir>/tools/$1/src',
        '^@lab/chaos$': '<rootDir>/services/chaos/src',
      },
    },
    {
      // Kubernetes delivery checked offline with the real tools (helm, tilt) and schemas.
      displayName: 'k8s',
      rootDir: __dirname,
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/k8s/**/*.test.ts'],
      moduleNameMapper: {
        '^@lab/kit/testing$': '<rootDir>/packages/kit/src/testing',
        '^@lab/(contracts|kit)$': '<rootDir>/packages/$1/src',
        '^@lab/(runtime|verify|charts|demos|bench|gen)$': '<rootDir>/tools/$1/src',
        '^@lab/chaos$': '<rootDir>/services/chaos/src',
      },
      setupFilesAfterEnv: ['<rootDir>/test/e2e/setup.ts'],
    },
    {
      displayName: 'e2e',
      rootDir: __dirname,
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      moduleNameMapper: {
        '^@lab/kit/testing$': '<rootDir>/packages/kit/src/testing',
        '^@lab/(contracts|kit)$': '<rootDir>/packages/$1/src',
        '^@lab/(runtime|verify|charts|demos|bench|gen)$': '<rootDir>/tools/$1/src',
      },
      setupFilesAfterEnv: ['<rootDir>/test/e2e/setup.ts'],
    },
    {
      // A real kind cluster with the Dapr control plane (`./lab cluster up` and `apps` first; ./lab test does both).
      displayName: 'cluster',
      rootDir: __dirname,
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/cluster/**/*.test.ts'],
      moduleNameMapper: {
        '^@lab/kit/testing$': '<rootDir>/packages/kit/src/testing',
        '^@lab/(contracts|kit)$': '<rootDir>/packages/$1/src',
        '^@lab/(runtime|verify|charts|demos|bench|gen)$': '<rootDir>/tools/$1/src',
        '^@lab/chaos$': '<rootDir>/services/chaos/src',
      },
      setupFilesAfterEnv: ['<rootDir>/test/cluster/setup.ts'],
    },
  ],
};
