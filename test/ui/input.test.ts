import { describe, expect, it } from 'vitest';
import { COMMANDS, commandsFor, parseInput } from '../../src/ui/input.js';

describe('parseInput', () => {
  it('sends plain text to the current room, as typed', () => {
    expect(parseInput('hello there  ')).toEqual({ kind: 'say', text: 'hello there  ' });
    expect(parseInput('  ')).toEqual({ kind: 'empty' });
    expect(parseInput('//not a command')).toEqual({ kind: 'say', text: '/not a command' });
  });

  it('reads private messages in both spellings', () => {
    expect(parseInput('/msg bob see you at 5')).toEqual({ kind: 'msg', nick: 'bob', text: 'see you at 5' });
    expect(parseInput('@bob see you')).toEqual({ kind: 'msg', nick: 'bob', text: 'see you' });
    expect(parseInput('@bob')).toMatchObject({ kind: 'invalid', message: 'usage: @NICK TEXT' });
    expect(parseInput('@bob:hello')).toEqual({ kind: 'msg', nick: 'bob', text: 'hello' });
    expect(parseInput('@bob: hello')).toEqual({ kind: 'msg', nick: 'bob', text: 'hello' });
    expect(parseInput('@bob: see: you')).toEqual({ kind: 'msg', nick: 'bob', text: 'see: you' });
    expect(parseInput('@bob:')).toMatchObject({ kind: 'invalid', message: 'usage: @NICK TEXT' });
    expect(parseInput('/msg bob')).toMatchObject({ kind: 'invalid' });
  });

  it('reads every command of /help', () => {
    expect(parseInput('/help')).toEqual({ kind: 'help' });
    expect(parseInput('/nick zed')).toEqual({ kind: 'nick', nick: 'zed' });
    expect(parseInput('/join #dev')).toEqual({ kind: 'join', room: '#dev' });
    expect(parseInput('/part')).toEqual({ kind: 'part' });
    expect(parseInput('/part #dev')).toEqual({ kind: 'part', room: '#dev' });
    expect(parseInput('/who')).toEqual({ kind: 'who' });
    expect(parseInput('/who #dev')).toEqual({ kind: 'who', room: '#dev' });
    expect(parseInput('/rooms')).toEqual({ kind: 'rooms' });
    expect(parseInput('/QUIT')).toEqual({ kind: 'quit' });
    expect(parseInput('/history')).toEqual({ kind: 'history', count: 50 });
    expect(parseInput('/history #dev 10')).toEqual({ kind: 'history', room: '#dev', count: 10 });
    expect(parseInput('/history 0')).toMatchObject({ kind: 'invalid' });
    expect(parseInput('/search printer')).toEqual({ kind: 'search', text: 'printer' });
    expect(parseInput('/search the printer  is down #ops')).toEqual({ kind: 'search', text: 'the printer  is down', room: '#ops' });
    // A lone "#word" is what is looked for, not a room.
    expect(parseInput('/search #ops')).toEqual({ kind: 'search', text: '#ops' });
    expect(parseInput('/search   ')).toMatchObject({ kind: 'invalid' });
    for (const { usage } of COMMANDS) {
      const example = usage.replace('[#ROOM]', '').replace('[N]', '').replace('#ROOM', '#x').replace('NICK', 'n').replace('TEXT', 't');
      expect(parseInput(example).kind, usage).not.toBe('invalid');
    }
  });

  it('explains a wrong command in one line', () => {
    expect(parseInput('/frobnicate')).toEqual({
      kind: 'invalid',
      message: 'unknown command /frobnicate; /help lists the commands',
    });
    expect(parseInput('/nick two words')).toEqual({ kind: 'invalid', message: 'usage: /nick NICK' });
    expect(parseInput('/join')).toEqual({ kind: 'invalid', message: 'usage: /join #ROOM' });
  });

  it('reads the conversation commands (issue 17)', () => {
    expect(parseInput('/me waves  hello')).toEqual({ kind: 'me', text: 'waves  hello' });
    expect(parseInput('/me')).toEqual({ kind: 'invalid', message: 'usage: /me TEXT' });
    expect(parseInput('/action bob waves  hi')).toEqual({ kind: 'me', nick: 'bob', text: 'waves  hi' });
    expect(parseInput('/ACTION bob')).toMatchObject({ kind: 'invalid' });
    expect(parseInput('/action #dev waves')).toMatchObject({ kind: 'invalid', message: expect.stringContaining('/me TEXT') });
    expect(parseInput('/away')).toEqual({ kind: 'away' });
    expect(parseInput('/away gone to lunch')).toEqual({ kind: 'away', reason: 'gone to lunch' });
    expect(parseInput('/back')).toEqual({ kind: 'back' });
    expect(parseInput('/topic')).toEqual({ kind: 'topic' });
    expect(parseInput('/topic #dev')).toEqual({ kind: 'topic', room: '#dev' });
    expect(parseInput('/topic #dev ship it  now')).toEqual({ kind: 'topic', room: '#dev', text: 'ship it  now' });
    expect(parseInput('/topic ship it')).toEqual({ kind: 'topic', text: 'ship it' });
    expect(parseInput('/whois bob')).toEqual({ kind: 'whois', nick: 'bob' });
    expect(parseInput('/whois')).toEqual({ kind: 'invalid', message: 'usage: /whois NICK' });
    expect(parseInput('/ignore')).toEqual({ kind: 'ignore' });
    expect(parseInput('/ignore bob')).toEqual({ kind: 'ignore', nick: 'bob' });
    expect(parseInput('/ignore bob carol')).toEqual({ kind: 'invalid', message: 'usage: /ignore [NICK]' });
    expect(parseInput('/unignore bob')).toEqual({ kind: 'unignore', nick: 'bob' });
    expect(parseInput('/unignore')).toEqual({ kind: 'invalid', message: 'usage: /unignore NICK' });
    expect(parseInput('/typing')).toEqual({ kind: 'typing' });
    expect(parseInput('/typing #dev')).toEqual({ kind: 'typing', room: '#dev' });
    expect(parseInput('/typing bob')).toEqual({ kind: 'typing', nick: 'bob' });
  });
});

describe('/help by face', () => {
  const summary = (windows: boolean, usage: string): string | undefined => commandsFor(windows).find((c) => c.usage.startsWith(usage))?.summary;

  it('speaks of windows only where private conversations have them (the full screen)', () => {
    expect(summary(true, '/query')).toMatch(/private window/);
    expect(summary(true, '/close')).toMatch(/private window/);
    expect(summary(true, '/me')).toMatch(/private window/);
    expect(summary(false, '/me')).toBe(COMMANDS.find((c) => c.usage.startsWith('/me'))?.summary);
    expect(summary(false, '/query')).not.toMatch(/window|full-screen/);
    expect(summary(false, '/close')).not.toMatch(/window|full-screen/);
    expect(commandsFor(false)).toEqual([...COMMANDS]);
    expect(commandsFor(true).map((c) => c.usage)).toEqual(COMMANDS.map((c) => c.usage));
  });
});
