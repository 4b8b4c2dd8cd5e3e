#!/usr/bin/env node
/**
 * Type-checks the README's first example against the compiled declarations in build/lib (what
 * `npm install cdk8s-istio` users get), not against the sources: catches a public type that refers to
 * something `stripInternal` removed, or any other broken .d.ts. Run after `npm run build`.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { root, readmeExample, typeCheck } = require('./readme-example');

const types = path.join(root, 'build/lib/index.d.ts');
if (!fs.existsSync(types)) {
  console.error('build/lib/index.d.ts is missing: run `npm run build` first.');
  process.exit(1);
}
// Our own declarations must be clean too, so library checking stays on (third-party .d.ts are filtered out).
const { errors, checked } = typeCheck(readmeExample(), types, path.join(root, 'build'), { skipLibCheck: false });
if (errors) {
  console.error(errors);
  process.exit(1);
}
console.log(`package types OK: the README example type-checks against build/lib (${checked} declaration files).`);
