#!/usr/bin/env node
// The `trainplan` command: runs the compiled CLI (built by `npm install` via the prepare script).
// An exit code a signal handler already set (130, 143) is kept: the command's own code comes second.
require('../dist/cli/main.js').main(process.argv).then((code) => {
  if (!process.exitCode) process.exitCode = code;
});
