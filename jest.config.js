// Four projects so CI and developers can run a slice: `jest --selectProjects unit`.
const base = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  setupFiles: ['<rootDir>/test/support/setup.ts'],
};
const project = (name) => ({
  ...base,
  displayName: name,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
});
export default {
  projects: [project('unit'), project('integration'), project('e2e'), project('faults')],
  // testTimeout is a global option (a project's own is ignored). Generous because the machines
  // are shared and the suites start databases, hosts and browsers; a hang still fails.
  testTimeout: 180000,
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
