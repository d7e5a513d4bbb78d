module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/__test__/jest/**/*.test.js'],
  testTimeout: 60000,
}
