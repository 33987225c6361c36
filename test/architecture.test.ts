import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  againstKnown,
  findCycles,
  importEdges,
  layerViolations,
  parseModule,
  readModules,
  resolveImport,
  sizeViolations,
  type Edge,
  type ModuleInfo,
  type Rules,
} from './helpers/architecture.js';

/**
 * The shape of src/, as rules. A module may import its own folder and anything in a lower layer;
 * `node` is src/node.ts or src/node/. Type-only imports count like any other: a type import is still a
 * dependency a reader has to follow, and a cycle through one is still a tangle.
 */
const RULES: Rules = {
  layers: [
    ['cli'],
    ['ui', 'web'],
    ['session', 'node'],
    ['election', 'relay', 'member', 'control', 'discovery'],
    ['sync', 'net', 'identity', 'store'],
    ['wire', 'chat', 'util'],
  ],
  sideways: [
    // The browser face words and parses as the terminal's do: the same events, commands and sentences.
    ['web', 'ui'],
    // session runs a node for a face (cli, ui): it sits beside node and drives it.
    ['session', 'node'],
    // The pure election rule's types: an advert carries a rank and a role, a member's roster ranks.
    ['discovery', 'election'],
    ['member', 'election'],
    // Sync moves the store's messages over a connection and verifies their signatures.
    ['sync', 'store'],
    ['sync', 'net'],
    ['sync', 'identity'],
    // Chat's rules (nick and room lengths, clock skew) read their bounds from wire's one defaults object.
    ['chat', 'wire'],
  ],
  forbidden: [
    // The two roles meet only in node: either can be tested, and changed, without the other.
    ['relay', 'member'],
    ['member', 'relay'],
    // Faces talk to a session, never to the node or its roles.
    ['ui', 'member'],
    ['ui', 'relay'],
    ['ui', 'node'],
    ['cli', 'member'],
    ['cli', 'relay'],
    ['cli', 'node'],
    ['web', 'member'],
    ['web', 'relay'],
    ['web', 'node'],
  ],
  maxFileLines: 400,
  maxClassLines: 300,
  // Made by scripts/build.mjs from proto/lanchat.proto.
  generated: ['src/wire/generated/'],
};

/**
 * Rule breaks accepted for now, each with why. The test subtracts these, and fails on an entry that no
 * longer breaks a rule, so the list only shrinks. Empty since the split of issue 14 landed: keep it so.
 */
const KNOWN_VIOLATIONS: readonly string[] = [];

const root = fileURLToPath(new URL('..', import.meta.url));
const modules = readModules(root, 'src');
const edges = importEdges(modules);
const violations = [...findCycles(edges), ...layerViolations(modules, edges, RULES), ...sizeViolations(modules, RULES)];

/** The kinds of violation (the start of an id), each checked on its own so one failure hides no other. */
const KINDS = {
  cycle: 'has no import cycle',
  layer: 'places every module in a layer',
  import: 'imports only down the layers, sideways where allowed, and no forbidden pair',
  file: `keeps every file within ${RULES.maxFileLines} lines`,
  class: `keeps every class within ${RULES.maxClassLines} lines`,
};

describe('src/ architecture', () => {
  it('reads the sources', () => {
    // A wrong root or a parser that finds nothing would make every check below pass.
    expect(modules.length).toBeGreaterThan(50);
    expect(edges.length).toBeGreaterThan(100);
    expect(modules.find((m) => m.path === 'src/store/level-store.ts')?.classes.map((c) => c.name)).toContain('LevelHistoryStore');
  });

  for (const [kind, title] of Object.entries(KINDS)) {
    it(title, () => {
      const found = violations.filter((v) => v.id.startsWith(`${kind}: `));
      const { unexpected, stale } = againstKnown(found, KNOWN_VIOLATIONS.filter((id) => id.startsWith(`${kind}: `)));
      const report = [
        ...(unexpected.length > 0 ? ['rules broken:', ...unexpected] : []),
        ...(stale.length > 0 ? ['no longer broken, remove from KNOWN_VIOLATIONS:', ...stale] : []),
      ];
      expect({ unexpected, stale }, `\n${report.join('\n')}\n`).toEqual({ unexpected: [], stale: [] });
    });
  }

  it('knows only violations of the kinds it checks', () => {
    expect(KNOWN_VIOLATIONS.filter((id) => !Object.keys(KINDS).some((kind) => id.startsWith(`${kind}: `)))).toEqual([]);
  });
});

/** A module of `imports` (specifiers) and nothing else. */
const mod = (path: string, ...imports: string[]): ModuleInfo => ({
  path,
  lines: 1,
  imports: imports.map((specifier) => ({ specifier, typeOnly: false, line: 1 })),
  classes: [],
});

const edge = (from: string, to: string): Edge => ({ from, to, typeOnly: false, line: 1 });

describe('the checkers', () => {
  describe('parseModule', () => {
    it('finds imports, type-only ones, re-exports and dynamic imports', () => {
      const text = [
        "import { a } from './a.js';",
        "import type { B } from '../b/b.js';",
        "import { type C } from './c.js';",
        "import { type D, e } from './d.js';",
        "export { f } from './f.js';",
        "export type { G } from './g.js';",
        "const h = await import('./h.js');",
        "let i: import('./i.js').I;",
        "import 'node:fs';",
      ].join('\n');
      const found = parseModule('src/x/x.ts', text).imports.map((r) => [r.specifier, r.typeOnly, r.line]);
      expect(found).toEqual([
        ['./a.js', false, 1],
        ['../b/b.js', true, 2],
        ['./c.js', true, 3],
        ['./d.js', false, 4],
        ['./f.js', false, 5],
        ['./g.js', true, 6],
        ['./h.js', false, 7],
        ['./i.js', true, 8],
        ['node:fs', false, 9],
      ]);
    });

    it('counts a class from its declaration to its closing brace, and lines as wc -l does', () => {
      const text = '/** Why. */\nexport class Small {\n  a = 1;\n}\n\nconst Inner = class {\n};\n';
      const m = parseModule('src/x/x.ts', text);
      expect(m.classes).toEqual([
        { name: 'Small', line: 2, lines: 3 },
        { name: '(anonymous class at line 6)', line: 6, lines: 2 },
      ]);
      expect(m.lines).toBe(7);
      expect(parseModule('src/x/y.tsx', 'const a = <b />;').lines).toBe(1);
    });
  });

  describe('resolveImport', () => {
    const known = new Set(['src/a/a.ts', 'src/a/v.tsx', 'src/node.ts', 'src/g/gen.d.ts', 'src/i/index.ts']);
    it('maps .js to the .ts, .tsx or .d.ts beside it, and leaves packages out', () => {
      expect(resolveImport('src/a/b.ts', './a.js', known)).toBe('src/a/a.ts');
      expect(resolveImport('src/a/b.ts', './v.js', known)).toBe('src/a/v.tsx');
      expect(resolveImport('src/ui/x/y.ts', '../../node.js', known)).toBe('src/node.ts');
      expect(resolveImport('src/a/b.ts', '../g/gen.js', known)).toBe('src/g/gen.d.ts');
      expect(resolveImport('src/a/b.ts', '../i', known)).toBe('src/i/index.ts');
      expect(resolveImport('src/a/b.ts', 'level', known)).toBeUndefined();
      expect(resolveImport('src/a/b.ts', './missing.js', known)).toBeUndefined();
    });
  });

  describe('findCycles', () => {
    it('names a cycle from its first module in sort order', () => {
      const graph = importEdges([mod('src/s/c.ts', './a.js'), mod('src/s/a.ts', './b.js'), mod('src/s/b.ts', './c.js'), mod('src/s/d.ts', './a.js')]);
      expect(findCycles(graph).map((v) => v.id)).toEqual(['cycle: src/s/a.ts -> src/s/b.ts -> src/s/c.ts -> src/s/a.ts']);
    });

    it('finds a cycle through a type-only import, and one module importing itself', () => {
      const typed = parseModule('src/s/a.ts', "import type { B } from './b.js';");
      expect(findCycles(importEdges([typed, mod('src/s/b.ts', './a.js')])).map((v) => v.id)).toEqual([
        'cycle: src/s/a.ts -> src/s/b.ts -> src/s/a.ts',
      ]);
      expect(findCycles([edge('src/s/a.ts', 'src/s/a.ts')]).map((v) => v.id)).toEqual(['cycle: src/s/a.ts -> src/s/a.ts']);
    });

    it('reports each tangle once, by its shortest cycle, with all its modules', () => {
      const graph = [edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('b', 'a'), edge('x', 'y'), edge('y', 'x')];
      const found = findCycles(graph);
      expect(found.map((v) => v.id)).toEqual(['cycle: a -> b -> a', 'cycle: x -> y -> x']);
      expect(found[0]!.message).toContain('3 modules: a, b, c');
    });

    it('finds nothing in a graph that only points down', () => {
      expect(findCycles([edge('a', 'b'), edge('a', 'c'), edge('b', 'c')])).toEqual([]);
    });
  });

  describe('layerViolations', () => {
    const check = (...modules: ModuleInfo[]): string[] => layerViolations(modules, importEdges(modules), RULES).map((v) => v.id);

    it('lets a module import its own folder and any lower layer', () => {
      expect(check(mod('src/sync/a.ts', './b.js', '../wire/codec.js'), mod('src/sync/b.ts'), mod('src/wire/codec.ts'))).toEqual([]);
      expect(check(mod('src/session/s.ts', '../node.js'), mod('src/node.ts', './relay/relay.js'), mod('src/relay/relay.ts'))).toEqual([]);
    });

    it('refuses an upward import, and a sideways one the rules do not allow', () => {
      expect(check(mod('src/store/a.ts', '../sync/b.js'), mod('src/sync/b.ts'))).toEqual(['import: src/store/a.ts -> src/sync/b.ts']);
      expect(check(mod('src/election/a.ts', '../discovery/b.js'), mod('src/discovery/b.ts'))).toEqual([
        'import: src/election/a.ts -> src/discovery/b.ts',
      ]);
      expect(check(mod('src/node/a.ts', '../session/b.js'), mod('src/session/b.ts'))).toEqual(['import: src/node/a.ts -> src/session/b.ts']);
    });

    it('refuses a forbidden pair even where the layers allow it', () => {
      expect(check(mod('src/cli/main.ts', '../node.js'), mod('src/node.ts'))).toEqual(['import: src/cli/main.ts -> src/node.ts']);
      expect(check(mod('src/ui/tui/run.ts', '../../member/m.js'), mod('src/member/m.ts'))).toEqual([
        'import: src/ui/tui/run.ts -> src/member/m.ts',
      ]);
      expect(check(mod('src/relay/r.ts', '../member/m.js'), mod('src/member/m.ts'))).toEqual(['import: src/relay/r.ts -> src/member/m.ts']);
    });

    it('names a module in no layer', () => {
      expect(check(mod('src/extra/a.ts'), mod('src/loose.ts'))).toEqual(['layer: src/extra/a.ts', 'layer: src/loose.ts']);
    });
  });

  describe('sizeViolations', () => {
    const body = (n: number): string => Array.from({ length: n }, (_, i) => `  f${i}(): void {}`).join('\n');

    it('refuses a class one line over the limit, not one at it', () => {
      const long = parseModule('src/x/long.ts', `export class Long {\n${body(RULES.maxClassLines - 1)}\n}\n`);
      const fits = parseModule('src/x/fits.ts', `export class Fits {\n${body(RULES.maxClassLines - 2)}\n}\n`);
      expect(sizeViolations([long, fits], { ...RULES, maxFileLines: Infinity }).map((v) => v.id)).toEqual(['class: src/x/long.ts#Long']);
    });

    it('refuses a file one line over the limit, except generated ones', () => {
      const lines = (n: number): string => 'export {};\n'.repeat(n);
      const found = sizeViolations(
        [
          parseModule('src/x/over.ts', lines(RULES.maxFileLines + 1)),
          parseModule('src/x/at.ts', lines(RULES.maxFileLines)),
          parseModule('src/wire/generated/big.d.ts', lines(RULES.maxFileLines * 2)),
        ],
        RULES,
      );
      expect(found.map((v) => v.message)).toEqual([`src/x/over.ts has ${RULES.maxFileLines + 1} lines, over ${RULES.maxFileLines}`]);
    });
  });

  describe('againstKnown', () => {
    it('subtracts known violations, and names known ones that no longer happen', () => {
      const found = [
        { id: 'file: src/a.ts', message: 'a is long' },
        { id: 'file: src/b.ts', message: 'b is long' },
      ];
      expect(againstKnown(found, ['file: src/a.ts', 'file: src/gone.ts'])).toEqual({ unexpected: ['b is long'], stale: ['file: src/gone.ts'] });
    });
  });
});
