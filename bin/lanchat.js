#!/usr/bin/env node
// The compiled program lives in dist/ (bundled in dist/app/), built by `npm install` (the prepare script).
import('../dist/app/main.js').catch((err) => {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist')) {
    process.stderr.write('lanchat: not built yet; run `npm install` (or `npm run build`) in the lanchat folder\n');
  } else {
    process.stderr.write(`lanchat: ${err?.stack ?? err}\n`);
  }
  process.exit(1);
});
