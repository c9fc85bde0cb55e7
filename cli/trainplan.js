#!/usr/bin/env node
// The `trainplan` command: runs the compiled CLI (built by `npm install` via the prepare script).
require('../dist/cli/main.js').main(process.argv).then((code) => { process.exitCode = code; });
