// Tests are transformed with swc (fast, no type check); `npm test` type-checks and builds
// with tsc first (pretest), so worker threads can load the compiled code from dist/.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
  testTimeout: 120000,
  setupFiles: ['<rootDir>/test/setup.ts'],
};
