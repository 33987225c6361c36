// Builds lanchat: the protobuf code and its types are generated from proto/lanchat.proto (the one
// source of truth of the wire), then TypeScript compiles src/ to dist/. npm install runs this (prepare).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';

const bin = (name) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;
const run = (name, args) => {
  try {
    execFileSync(bin(name), args, { stdio: 'inherit' });
  } catch {
    console.error(`build failed in ${name} (its errors are above)`);
    process.exit(1);
  }
};

mkdirSync('src/wire/generated', { recursive: true });
run('pbjs', [
  '--target', 'static-module',
  '--wrap', 'esm',
  '--dependency', 'protobufjs/minimal.js',
  '--force-number',
  '--no-verify', '--no-convert', '--no-delimited', '--no-typeurl',
  '--dts',
  '--out', 'src/wire/generated/lanchat.js',
  'proto/lanchat.proto',
]);
run('tsc', ['-p', 'tsconfig.build.json']);
// tsc compiles only TypeScript; the generated JavaScript goes beside the modules that import it.
cpSync('src/wire/generated/lanchat.js', 'dist/wire/generated/lanchat.js');
