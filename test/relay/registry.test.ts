import { describe, expect, it } from 'vitest';
import { Registry } from '../../src/relay/registry.js';

interface Fake {
  readonly nodeIdHex: string;
  nick: string;
  readonly rooms: Set<string>;
}

const seat = (nodeIdHex: string, nick: string, rooms: string[] = []): Fake => ({ nodeIdHex, nick, rooms: new Set(rooms) });

describe('Registry', () => {
  it('finds a registered session by node id, by nick in any case, and in each of its rooms', () => {
    const registry = new Registry<Fake>();
    const ann = seat('a1', 'Ann', ['#lobby', '#dev']);
    const bob = seat('b0', 'bob', ['#lobby']);
    registry.register(ann);
    registry.register(bob);
    expect(registry.size).toBe(2);
    expect(registry.byId.get('a1')).toBe(ann);
    expect(registry.byNick.get('ann')).toBe(ann);
    expect(registry.byNick.has('Ann')).toBe(false); // keyed by nickKey
    expect([...registry.room('#lobby')!]).toEqual([ann, bob]);
    expect([...registry.room('#dev')!]).toEqual([ann]);
    expect(registry.room('#none')).toBeUndefined();
    expect([...registry.values()]).toEqual([ann, bob]);
    expect(registry.has(ann)).toBe(true);
  });

  it('unregisters a session from every index once, emptying its rooms', () => {
    const registry = new Registry<Fake>();
    const ann = seat('a1', 'ann', ['#lobby', '#dev']);
    const bob = seat('b0', 'bob', ['#lobby']);
    registry.register(ann);
    registry.register(bob);
    expect(registry.unregister(ann)).toBe(true);
    expect(registry.byId.has('a1')).toBe(false);
    expect(registry.byNick.has('ann')).toBe(false);
    expect([...registry.room('#lobby')!]).toEqual([bob]);
    expect(registry.room('#dev')).toBeUndefined();
    expect(ann.rooms.size).toBe(0);
    expect(registry.has(ann)).toBe(false);
    expect(registry.unregister(ann)).toBe(false);
    expect(registry.size).toBe(1);
  });

  it('leaves the newer session of a node alone when the one it replaced goes', () => {
    const registry = new Registry<Fake>();
    const stale = seat('a1', 'ann', ['#lobby']);
    registry.register(stale);
    registry.unregister(stale);
    const fresh = seat('a1', 'ann', ['#lobby']);
    registry.register(fresh);
    expect(registry.unregister(stale)).toBe(false);
    expect(registry.byId.get('a1')).toBe(fresh);
    expect(registry.byNick.get('ann')).toBe(fresh);
    expect([...registry.room('#lobby')!]).toEqual([fresh]);
  });

  it('renames: the old nick is free, the new one found', () => {
    const registry = new Registry<Fake>();
    const ann = seat('a1', 'ann');
    registry.register(ann);
    registry.rename(ann, 'Anna');
    expect(ann.nick).toBe('Anna');
    expect(registry.byNick.has('ann')).toBe(false);
    expect(registry.byNick.get('anna')).toBe(ann);
    registry.unregister(ann);
    expect(registry.byNick.size).toBe(0);
  });

  it('joins and parts; a room that empties is gone, and a new set stands for it when someone joins again', () => {
    const registry = new Registry<Fake>();
    const ann = seat('a1', 'ann');
    registry.register(ann);
    registry.join(ann, '#dev');
    const first = registry.room('#dev');
    expect([...first!]).toEqual([ann]);
    expect([...ann.rooms]).toEqual(['#dev']);
    registry.part(ann, '#dev');
    expect(registry.room('#dev')).toBeUndefined();
    expect(ann.rooms.size).toBe(0);
    registry.join(ann, '#dev');
    expect(registry.room('#dev')).not.toBe(first);
    registry.part(ann, '#never-joined');
    expect([...ann.rooms]).toEqual(['#dev']);
  });
});
