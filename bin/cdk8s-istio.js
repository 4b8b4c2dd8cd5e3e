#!/usr/bin/env node
'use strict';
// The cdk8s-istio command: the compiled CLI (lib/cli, built by `npm run build`).
let cli;
try {
  cli = require('../build/lib/cli/main');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && /build[\\/]lib[\\/]cli[\\/]main/.test(String(e.message))) {
    process.stderr.write('cdk8s-istio: build/lib/cli/main.js is missing; run `npm run build` first.\n');
    process.exit(2);
  }
  throw e;
}
process.exitCode = cli.main(process.argv.slice(2));
