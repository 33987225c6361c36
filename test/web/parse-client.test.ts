import { describe, expect, it } from 'vitest';
import { parseClientMessage } from '../../src/web/parse-client.js';

describe("a page's message, checked", () => {
  it.each([
    ['{"t":"say","text":"hi"}', { t: 'say', text: 'hi' }],
    ['{"t":"say","room":"#dev","text":"hi","extra":1}', { t: 'say', room: '#dev', text: 'hi' }],
    ['{"t":"whisper","nick":"bob","text":"psst"}', { t: 'whisper', nick: 'bob', text: 'psst' }],
    ['{"t":"join","room":"#dev"}', { t: 'join', room: '#dev' }],
    ['{"t":"part"}', { t: 'part' }],
    ['{"t":"command","line":"/who","room":"#dev"}', { t: 'command', line: '/who', room: '#dev' }],
    ['{"t":"command","line":"/me waves","nick":"bob"}', { t: 'command', line: '/me waves', nick: 'bob' }],
    ['{"t":"older","id":3,"room":"#dev"}', { t: 'older', id: 3, room: '#dev' }],
    ['{"t":"older","id":3,"room":"#dev","before":{"id":"x","fromId":"y","z":1}}', { t: 'older', id: 3, room: '#dev', before: { id: 'x', fromId: 'y' } }],
    ['{"t":"read","key":"@bob","ts":17}', { t: 'read', key: '@bob', ts: 17 }],
    ['{"t":"typing","room":"#dev"}', { t: 'typing', room: '#dev' }],
    ['{"t":"typing","nick":"bob"}', { t: 'typing', nick: 'bob' }],
  ])('takes %s', (raw, expected) => {
    expect(parseClientMessage(raw, 1_000)).toEqual(expected);
  });

  it.each([
    ['not json'],
    ['[]'],
    ['null'],
    ['"say"'],
    ['{"t":"say"}'],
    ['{"t":"say","text":1}'],
    ['{"t":"say","text":"x","room":5}'],
    ['{"t":"whisper","text":"x"}'],
    ['{"t":"join"}'],
    ['{"t":"older","id":"1","room":"#dev"}'],
    ['{"t":"older","id":1.5,"room":"#dev"}'],
    ['{"t":"older","id":1}'],
    ['{"t":"older","id":1,"room":"#dev","before":{"id":1}}'],
    ['{"t":"older","id":1,"room":"#dev","before":null}'],
    ['{"t":"quit"}'],
    ['{"t":"read"}'],
    ['{"t":"read","key":"@bob"}'],
    ['{"t":"read","key":"@bob","ts":"1"}'],
    ['{"t":"read","key":"@bob","ts":-1}'],
    ['{"t":"typing"}'],
    ['{"t":"typing","room":"#dev","nick":"bob"}'],
    ['{"t":"typing","nick":7}'],
    ['{"t":"command","line":"/me waves","nick":"bob","room":"#dev"}'],
    ['{"t":"command","line":"/me waves","nick":7}'],
    [`{"t":"command","line":"/me","nick":"${'n'.repeat(201)}"}`],
    [`{"t":"read","key":"${'k'.repeat(201)}"}`],
    ['{"t":"__proto__"}'],
    [`{"t":"say","text":"${'x'.repeat(2_000)}"}`],
  ])('refuses %s', (raw) => {
    expect(parseClientMessage(raw, 1_000)).toBeUndefined();
  });
});
