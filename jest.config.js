// Four projects so CI and developers can run a slice: `jest --selectProjects unit`.
const base = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  setupFiles: ['<rootDir>/test/support/setup.ts'],
};
const project = (name, timeout) => ({
  ...base,
  displayName: name,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  testTimeout: timeout,
});
export default {
  projects: [project('unit', 20000), project('integration', 60000), project('e2e', 120000), project('faults', 180000)],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
