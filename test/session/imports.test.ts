import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** Every module of src/ (generated code aside), as a path relative to src/. */
function modules(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : modules(path);
    return /\.tsx?$/.test(entry.name) ? [relative(SRC, path)] : [];
  });
}

/** The modules of src/ that `file` imports (static, dynamic and re-exports), relative to src/, as .ts. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((s) => relative(SRC, resolve(SRC, dirname(file), s)).replace(/\.js$/, '.ts'));
}

const all = modules();
const faces = all.filter((f) => f.startsWith('ui/') || f.startsWith('cli/') || f.startsWith('web/'));

describe('the faces see the session, never what is behind it', () => {
  it('finds the modules it checks', () => {
    expect(faces).toContain('ui/controller.ts');
    expect(faces).toContain('cli/main.ts');
    expect(faces).toContain('web/server.ts');
    expect(importsOf('cli/main.ts')).toContain('session/node-session.ts');
  });

  it('has ui/, cli/ and web/ import only session/, chat/, util/ and the errors and limits of wire/', () => {
    const allowed = (target: string): boolean =>
      /^(ui|cli|web|session|chat|util)\//.test(target) || target === 'wire/errors.ts' || target === 'wire/limits.ts';
    // `lanchat doctor` diagnoses discovery itself: it is no chat face, and has no session to ask.
    const doctor = (file: string, target: string): boolean => file === 'cli/doctor.ts' && target.startsWith('discovery/');
    const wrong = faces.flatMap((file) => importsOf(file).filter((t) => !allowed(t) && !doctor(file, t)).map((t) => `${file} -> ${t}`));
    expect(wrong).toEqual([]);
  });

  it('has the node imported by session/node-session.ts alone above it', () => {
    const isNode = (path: string): boolean => path === 'node.ts' || path.startsWith('node/');
    const importers = all.filter((file) => !isNode(file) && importsOf(file).some(isNode));
    expect(importers).toEqual(['session/node-session.ts']);
  });

  it('has session/ import no face', () => {
    const wrong = all
      .filter((f) => f.startsWith('session/'))
      .flatMap((file) => importsOf(file).filter((t) => /^(ui|cli|web)\//.test(t)).map((t) => `${file} -> ${t}`));
    expect(wrong).toEqual([]);
  });
});
