import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type Limits, resolveLimits } from '../../src/wire/limits.js';

/**
 * README.md's "Limits" table and DEFAULT_LIMITS say the same thing: every row names its entries as code
 * spans in its first column, and the figures of its second column, in order, are their values (in the
 * units the figures give: KiB, MiB, ms, s, min). A row naming no entry, an entry with no row, or a figure
 * that disagrees fails here.
 */

interface Row {
  line: number;
  names: string[];
  defaults: string;
}

function limitsRows(readme: string): Row[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.trim() === '### Limits');
  if (start < 0) throw new Error('README.md has no "### Limits" section');
  const rows: Row[] = [];
  let inTable = false;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.startsWith('#')) break;
    if (!line.startsWith('|')) {
      if (inTable) break;
      continue;
    }
    inTable = true;
    const cells = line.slice(1, -1).split('|').map((c) => c.trim());
    if (cells[0] === 'limit' || /^-+$/.test(cells[0] ?? '')) continue;
    const names = [...(cells[0] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!).filter((n) => /^[a-z][A-Za-z]*$/.test(n));
    rows.push({ line: i + 1, names, defaults: cells[1] ?? '' });
  }
  return rows;
}

const UNIT: Record<string, number> = { KiB: 1024, MiB: 1024 * 1024, ms: 1, s: 1_000, min: 60_000 };

/** The figures of a cell, in order: a number and its unit, if one follows it. "UTF-8" holds none. */
function figures(cell: string): { value: number; unit: string | undefined }[] {
  return [...cell.matchAll(/(?<![\w.\-±])(\d[\d,]*(?:\.\d+)?)(?:\s*(KiB|MiB|ms|s|min)\b)?/g)].map((m) => ({
    value: Number(m[1]!.replaceAll(',', '')),
    unit: m[2],
  }));
}

/** A figure in the entry's own unit: milliseconds for *Ms, bytes for *Bytes, a plain count otherwise. */
function inEntryUnits(name: string, figure: { value: number; unit: string | undefined }): number | string {
  const { value, unit } = figure;
  if (name.endsWith('Ms')) return unit === 'ms' || unit === 's' || unit === 'min' ? value * UNIT[unit]! : `${value} with no time unit`;
  if (name.endsWith('Bytes')) return unit === 'KiB' || unit === 'MiB' ? value * UNIT[unit]! : unit === undefined ? value : `${value} ${unit}`;
  return unit === undefined ? value : `${value} ${unit}, for a count`;
}

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const rows = limitsRows(readme);

describe("README's limits table", () => {
  it('has rows, each naming at least one entry', () => {
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.filter((r) => r.names.length === 0).map((r) => `README.md:${r.line}`)).toEqual([]);
  });

  it('names only entries of DEFAULT_LIMITS, and every entry once', () => {
    const named = rows.flatMap((r) => r.names);
    expect(named.filter((n) => !(n in DEFAULT_LIMITS))).toEqual([]);
    expect(Object.keys(DEFAULT_LIMITS).filter((n) => !named.includes(n))).toEqual([]);
    expect(named.filter((n, i) => named.indexOf(n) !== i)).toEqual([]);
  });

  it("states each entry's value, in the order the row names them", () => {
    for (const row of rows) {
      const found = figures(row.defaults);
      const where = `README.md:${row.line} (${row.names.join(', ')}: "${row.defaults}")`;
      expect(found.length, `${where}: one figure per entry`).toBe(row.names.length);
      row.names.forEach((name, i) => {
        expect(inEntryUnits(name, found[i]!), where).toBe(DEFAULT_LIMITS[name as keyof Limits]);
      });
    }
  });
});

describe('figures', () => {
  it('reads units and thousands, and no figure out of a word', () => {
    expect(figures('16 KiB of UTF-8')).toEqual([{ value: 16, unit: 'KiB' }]);
    expect(figures('1,000 messages')).toEqual([{ value: 1000, unit: undefined }]);
    expect(figures('every 1 s; silence for 3 s')).toEqual([
      { value: 1, unit: 's' },
      { value: 3, unit: 's' },
    ]);
    expect(figures('0.5 s')).toEqual([{ value: 0.5, unit: 's' }]);
    expect(inEntryUnits('discoveryWindowMs', { value: 0.5, unit: 's' })).toBe(500);
    expect(inEntryUnits('dialTimeoutMs', { value: 1500, unit: undefined })).toBe('1500 with no time unit');
  });
});

describe('DEFAULT_LIMITS', () => {
  it('is frozen, and resolveLimits lays overrides over it without changing it', () => {
    expect(Object.isFrozen(DEFAULT_LIMITS)).toBe(true);
    const limits = resolveLimits({ frameBytes: 1024, heartbeatMs: 0, banMs: undefined });
    expect(limits).toEqual({ ...DEFAULT_LIMITS, frameBytes: 1024, heartbeatMs: 0 });
    expect(Object.isFrozen(limits)).toBe(true);
    expect(DEFAULT_LIMITS.frameBytes).toBe(256 * 1024);
    expect(resolveLimits()).toEqual(DEFAULT_LIMITS);
  });
});
