import { describe, expect, it } from 'vitest';
import { defineScript, type LuaFragment } from '../../../../../src/server/store/lua/define-script.ts';
import { APPEND, CLOCK, DEDUPE, MEMBERSHIP, REPLY, SESSION } from '../../../../../src/server/store/lua/fragments.ts';

const count = (text: string, part: string): number => text.split(part).length - 1;

describe('defineScript()', () => {
  it('declares the keys and arguments by name, once, before the fragments and the body', () => {
    const lua = defineScript({ keys: ['meta', 'members'], argv: ['userId', 'mutationId'], uses: [MEMBERSHIP], body: 'return 1' });
    expect(lua.startsWith('local meta, members = KEYS[1], KEYS[2]\nlocal userId, mutationId = ARGV[1], ARGV[2]\n')).toBe(true);
    expect(lua.indexOf('local function is_member')).toBeLessThan(lua.indexOf('return 1'));
  });

  it('writes each fragment once, after the fragments it uses, however often it is asked for', () => {
    const lua = defineScript({
      keys: ['meta', 'members', 'log', 'dedupe', 'reads', 'seqver', 'msgids', 'session'],
      argv: ['userId', 'mutationId', 'sessionTtl'],
      uses: [SESSION, CLOCK, REPLY, MEMBERSHIP, DEDUPE, APPEND, REPLY, CLOCK],
      body: 'return 1',
    });
    for (const name of ['now_ms', 'is_member', 'replayed', 'head_ids', 'append_change', 'publish', 'reply', 'session_refused']) {
      expect(count(lua, `local function ${name}(`)).toBe(1);
    }
    // REPLY calls publish(): PUBLISH comes first even though only REPLY was asked for.
    expect(lua.indexOf('local function publish(')).toBeLessThan(lua.indexOf('local function reply('));
    // APPEND indexes each message by its id (MESSAGE_IDS): the index comes first.
    expect(lua.indexOf('local function head_ids(')).toBeLessThan(lua.indexOf('local function append_message('));
  });

  it('gathers the arguments past the named ones under the rest name', () => {
    const lua = defineScript({ keys: [], argv: ['userId'], rest: 'memberIds', body: 'return #memberIds' });
    expect(lua).toContain('for i = 2, #ARGV do memberIds[#memberIds + 1] = ARGV[i] end');
  });

  it('refuses a fragment whose keys or arguments the script does not declare', () => {
    expect(() => defineScript({ keys: ['meta'], argv: ['userId', 'mutationId'], uses: [DEDUPE], body: '' })).toThrow(/DEDUPE needs the key dedupe/);
    const needsArg: LuaFragment = { name: 'NEEDS_ARG', needs: { argv: ['seq'] }, lua: '' };
    expect(() => defineScript({ keys: [], argv: [], uses: [needsArg], body: '' })).toThrow(/NEEDS_ARG needs the argument seq/);
  });
});
