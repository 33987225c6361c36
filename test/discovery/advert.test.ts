import { describe, expect, it } from 'vitest';
import { type Advert, advertFromService, advertToTxt, instanceName } from '../../src/discovery/advert.js';

const nodeId = 'ab'.repeat(32);
const advert: Advert = {
  nodeId,
  nick: 'Zoë',
  network: 'lanchat',
  protocol: 1,
  role: 'relay',
  epoch: 3,
  rank: { forced: true, weight: 0, startedAt: 1_795_000_000_000, nodeId },
  port: 40123,
  addresses: ['10.77.0.2'],
};

describe('mDNS advert', () => {
  it('round-trips through TXT', () => {
    const txt = advertToTxt(advert);
    expect(txt).toEqual({ v: '1', net: 'lanchat', id: nodeId, nick: 'Zoë', role: 'relay', ep: '3', f: '1', w: '0', t: '1795000000000' });
    expect(advertFromService({ txt, port: 40123, addresses: ['10.77.0.2'] })).toEqual(advert);
  });

  it('adds the responder address when the answer carries no A record', () => {
    const seen = advertFromService({ txt: advertToTxt(advert), port: 40123, addresses: [], referer: { address: '127.0.0.1' } });
    expect(seen?.addresses).toEqual(['127.0.0.1']);
  });

  it('ignores anything that is not a well-formed lanchat advert', () => {
    const txt = advertToTxt(advert);
    const broken = [
      { txt: undefined, port: 1 },
      { txt: { ...txt, id: 'short' }, port: 1 },
      { txt: { ...txt, role: 'king' }, port: 1 },
      { txt: { ...txt, ep: '-1' }, port: 1 },
      { txt: { ...txt, t: 'soon' }, port: 1 },
      { txt, port: 0 },
      { txt, port: 70000 },
    ];
    for (const service of broken) expect(advertFromService(service), JSON.stringify(service)).toBeUndefined();
  });

  it('makes a DNS-safe instance name unique per node', () => {
    expect(instanceName('Zoë the great', nodeId)).toBe('Zo--the-great-abababab');
    expect(instanceName('', nodeId)).toBe('lanchat-abababab');
  });
});
