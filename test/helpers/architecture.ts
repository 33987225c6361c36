/**
 * The checkers behind test/architecture.test.ts: what src/ imports, how long its files and classes are,
 * and which of that breaks the rules. Parsing reads text (the TypeScript compiler's parser, no type
 * checking, no file system); every checker takes plain data, so each is tested on tiny in-memory graphs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import ts from 'typescript';

export interface ImportRef {
  /** The module specifier as written. */
  specifier: string;
  /** `import type` / `export type`, or every name imported with `type`: still a dependency here. */
  typeOnly: boolean;
  line: number;
}

export interface ClassInfo {
  name: string;
  line: number;
  lines: number;
}

export interface ModuleInfo {
  /** Repository-relative, with forward slashes: `src/store/keys.ts`. */
  path: string;
  lines: number;
  imports: ImportRef[];
  classes: ClassInfo[];
}

export interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
  line: number;
}

export interface Rules {
  /** Highest first; each layer holds folders (or top-level files without `.ts`) of src/. */
  layers: readonly (readonly string[])[];
  /** Folder pairs of one layer where the first may import the second. */
  sideways: readonly (readonly [from: string, to: string])[];
  /** Folder pairs never allowed, whatever the layers say. */
  forbidden: readonly (readonly [from: string, to: string])[];
  maxFileLines: number;
  maxClassLines: number;
  /** Path prefixes made by the build, not written by hand: no size limits. */
  generated: readonly string[];
}

/** One broken rule. `id` is stable (no counts in it), so it can be listed as known. */
export interface Violation {
  id: string;
  message: string;
}

const lineOf = (source: ts.SourceFile, pos: number): number => source.getLineAndCharacterOfPosition(pos).line + 1;

/** Lines as `wc -l` counts them, plus a last line with no newline after it. */
export function countLines(text: string): number {
  if (text.length === 0) return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

/** The imports (static, re-exports, `import()` and `import('x').T`) and classes of one module's text. */
export function parseModule(path: string, text: string): ModuleInfo {
  const kind = path.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind);
  const imports: ImportRef[] = [];
  const classes: ClassInfo[] = [];
  const addImport = (specifier: ts.Node | undefined, typeOnly: boolean, at: ts.Node): void => {
    if (specifier !== undefined && ts.isStringLiteralLike(specifier)) {
      imports.push({ specifier: specifier.text, typeOnly, line: lineOf(source, at.getStart(source)) });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const allNamedTypes =
        clause !== undefined &&
        clause.name === undefined &&
        bindings !== undefined &&
        ts.isNamedImports(bindings) &&
        bindings.elements.length > 0 &&
        bindings.elements.every((e) => e.isTypeOnly);
      addImport(node.moduleSpecifier, clause?.isTypeOnly === true || allNamedTypes, node);
    } else if (ts.isExportDeclaration(node)) {
      addImport(node.moduleSpecifier, node.isTypeOnly, node);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      addImport(node.moduleReference.expression, node.isTypeOnly, node);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      addImport(node.arguments[0], false, node);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      addImport(node.argument.literal, true, node);
    } else if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      const first = lineOf(source, node.getStart(source));
      const name = node.name?.text ?? `(anonymous class at line ${first})`;
      classes.push({ name, line: first, lines: lineOf(source, node.getEnd()) - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { path, lines: countLines(text), imports, classes };
}

/**
 * The module a relative specifier names, among `known` paths, as TypeScript's node16 resolution finds
 * it (`./x.js` is `./x.ts`, `./x.tsx` or `./x.d.ts`); undefined for packages and `node:` modules.
 */
export function resolveImport(from: string, specifier: string, known: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [target];
  const js = /\.(m|c)?js$/.exec(target);
  const stem = js === null ? target : target.slice(0, -js[0].length);
  const flavour = js?.[1] ?? '';
  if (js !== null) candidates.push(`${stem}.${flavour}ts`, `${stem}.tsx`, `${stem}.d.${flavour}ts`);
  else if (target.endsWith('.jsx')) candidates.push(`${target.slice(0, -4)}.tsx`);
  else candidates.push(`${target}.ts`, `${target}.tsx`, `${target}.d.ts`, `${target}/index.ts`, `${target}/index.tsx`);
  return candidates.find((c) => known.has(c));
}

/** The import edges between `modules` (imports of anything else left out). */
export function importEdges(modules: readonly ModuleInfo[]): Edge[] {
  const known = new Set(modules.map((m) => m.path));
  const edges: Edge[] = [];
  for (const m of modules) {
    for (const ref of m.imports) {
      const to = resolveImport(m.path, ref.specifier, known);
      if (to !== undefined) edges.push({ from: m.path, to, typeOnly: ref.typeOnly, line: ref.line });
    }
  }
  return edges;
}

/**
 * Every tangle of modules that import each other (a strongly connected component with a cycle), named by
 * its shortest cycle through its first module in sort order, so the name does not depend on scan order.
 */
export function findCycles(edges: readonly Edge[]): Violation[] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) {
    const list = next.get(from) ?? [];
    if (!list.includes(to)) list.push(to);
    next.set(from, list);
    if (!next.has(to)) next.set(to, []);
  }
  const violations: Violation[] = [];
  for (const component of stronglyConnected(next)) {
    const start = [...component].sort()[0]!;
    const selfLoop = next.get(start)!.includes(start);
    if (component.size === 1 && !selfLoop) continue;
    const cycle = shortestCycle(start, next, component);
    const name = cycle.join(' -> ');
    const more = component.size > cycle.length - 1 ? ` (the tangle holds ${component.size} modules: ${[...component].sort().join(', ')})` : '';
    violations.push({ id: `cycle: ${name}`, message: `import cycle: ${name}${more}` });
  }
  return violations.sort((a, b) => a.id.localeCompare(b.id));
}

/** Tarjan's algorithm, iterative so that a long chain of imports cannot overflow the stack. */
function stronglyConnected(next: ReadonlyMap<string, readonly string[]>): Set<string>[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: Set<string>[] = [];
  let counter = 0;
  for (const root of next.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; child: number }[] = [{ node: root, child: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work.at(-1)!;
      const children = next.get(frame.node)!;
      if (frame.child < children.length) {
        const child = children[frame.child++]!;
        if (!index.has(child)) {
          index.set(child, counter);
          low.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push({ node: child, child: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(child)!));
        }
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component = new Set<string>();
        for (;;) {
          const member = stack.pop()!;
          onStack.delete(member);
          component.add(member);
          if (member === frame.node) break;
        }
        components.push(component);
      }
    }
  }
  return components;
}

/** Breadth first from `start` back to itself, within `component`; neighbours in sort order. */
function shortestCycle(start: string, next: ReadonlyMap<string, readonly string[]>, component: ReadonlySet<string>): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const child of [...next.get(node)!].sort()) {
      if (!component.has(child)) continue;
      if (child === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
        return [...path, start];
      }
      if (!cameFrom.has(child)) {
        cameFrom.set(child, node);
        queue.push(child);
      }
    }
  }
  throw new Error(`${start} is in a cycle but none was found`);
}

/** The layer unit of a path: its folder under src/, or a top-level file's name without extension. */
export function unitOf(path: string): string {
  const [, top = ''] = path.split('/');
  return path.split('/').length > 2 ? top : top.replace(/(\.d)?\.tsx?$/, '');
}

/** Imports against the layers, the sideways pairs and the forbidden pairs; modules in no layer. */
export function layerViolations(modules: readonly ModuleInfo[], edges: readonly Edge[], rules: Rules): Violation[] {
  const level = new Map<string, number>();
  rules.layers.forEach((units, i) => units.forEach((unit) => level.set(unit, i)));
  const has = (pairs: Rules['forbidden'], from: string, to: string): boolean => pairs.some(([a, b]) => a === from && b === to);
  const violations: Violation[] = [];
  for (const m of modules) {
    if (!level.has(unitOf(m.path))) {
      violations.push({ id: `layer: ${m.path}`, message: `${m.path} is in no layer: put "${unitOf(m.path)}" in the layer table` });
    }
  }
  for (const edge of edges) {
    const from = unitOf(edge.from);
    const to = unitOf(edge.to);
    const fromLevel = level.get(from);
    const toLevel = level.get(to);
    if (from === to || fromLevel === undefined || toLevel === undefined) continue;
    let why: string | undefined;
    if (has(rules.forbidden, from, to)) why = `${from} must never import ${to}`;
    else if (toLevel < fromLevel) why = `${to} is in a higher layer than ${from}`;
    else if (toLevel === fromLevel && !has(rules.sideways, from, to)) why = `${to} is in the same layer as ${from}, and not a sideways import the rules allow`;
    if (why === undefined) continue;
    const kind = edge.typeOnly ? 'a type import' : 'an import';
    violations.push({
      id: `import: ${edge.from} -> ${edge.to}`,
      message: `${edge.from}:${edge.line} (${from}) has ${kind} of ${edge.to} (${to}): ${why}`,
    });
  }
  return dedupe(violations);
}

/** Files over the line limit, classes over theirs; generated files are left out. */
export function sizeViolations(modules: readonly ModuleInfo[], rules: Rules): Violation[] {
  const violations: Violation[] = [];
  for (const m of modules) {
    if (rules.generated.some((prefix) => m.path.startsWith(prefix))) continue;
    if (m.lines > rules.maxFileLines) {
      violations.push({ id: `file: ${m.path}`, message: `${m.path} has ${m.lines} lines, over ${rules.maxFileLines}` });
    }
    for (const c of m.classes) {
      if (c.lines > rules.maxClassLines) {
        violations.push({
          id: `class: ${m.path}#${c.name}`,
          message: `class ${c.name} (${m.path}:${c.line}) has ${c.lines} lines, over ${rules.maxClassLines}`,
        });
      }
    }
  }
  return violations;
}

/** What breaks the rules beyond the known list, and which known entries no longer break them. */
export function againstKnown(found: readonly Violation[], known: readonly string[]): { unexpected: string[]; stale: string[] } {
  const ids = new Set(found.map((v) => v.id));
  return {
    unexpected: found.filter((v) => !known.includes(v.id)).map((v) => v.message),
    stale: known.filter((id) => !ids.has(id)),
  };
}

function dedupe(violations: readonly Violation[]): Violation[] {
  const seen = new Map<string, Violation>();
  for (const v of violations) if (!seen.has(v.id)) seen.set(v.id, v);
  return [...seen.values()];
}

/** Every .ts and .tsx file under `dir` (`root`-relative paths), parsed. */
export function readModules(root: string, dir: string): ModuleInfo[] {
  const modules: ModuleInfo[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.tsx?$/.test(entry.name)) {
        const path = relative(root, full).split('\\').join('/');
        modules.push(parseModule(path, readFileSync(full, 'utf8')));
      }
    }
  };
  walk(join(root, dir));
  return modules.sort((a, b) => a.path.localeCompare(b.path));
}
