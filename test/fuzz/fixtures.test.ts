import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Fixture, inputsOf, replay } from './engine.js';
import { decodersTarget } from './targets/decoders.js';
import { memberTarget } from './targets/member.js';
import { parserTarget } from './targets/parser.js';
import { relayTarget } from './targets/relay.js';

/**
 * Every input the fuzzer ever failed on (and a few seed inputs that reach its trickiest paths), replayed
 * through its target on a fresh harness: the invariant that broke must hold now. scripts/fuzz.mjs writes
 * new ones here; a fixture is never deleted, so a fixed bug stays fixed.
 */
const DIR = fileURLToPath(new URL('../fixtures/fuzz/', import.meta.url));
const TARGETS = new Map([parserTarget, decodersTarget, relayTarget, memberTarget].map((t) => [t.name, t]));
const files = readdirSync(DIR).filter((name) => name.endsWith('.json')).sort();

describe('fuzz fixtures', () => {
  it('are there, each for a known target', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) {
      const fixture = JSON.parse(readFileSync(`${DIR}${name}`, 'utf8')) as Fixture;
      expect(TARGETS.has(fixture.target), `${name}: target ${fixture.target}`).toBe(true);
      expect(name.startsWith(`${fixture.target}-`), `${name} is named after its target`).toBe(true);
      expect(fixture.inputs.length, `${name} has inputs`).toBeGreaterThan(0);
    }
  });

  for (const name of files) {
    const fixture = JSON.parse(readFileSync(`${DIR}${name}`, 'utf8')) as Fixture;
    it(`${name}: ${fixture.note ?? fixture.error.split(' [')[0]}`, async () => {
      await replay(TARGETS.get(fixture.target)!, inputsOf(fixture));
    });
  }
});
