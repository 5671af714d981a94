/**
 * Lua as a library: scripts are written as a body over named keys and arguments, plus the shared
 * fragments they use (store/lua/fragments.ts). `defineScript` writes the prelude once per script —
 * `local <key names> = KEYS[1], …`, `local <argument names> = ARGV[1], …`, then each fragment once,
 * after the fragments it needs — so no script re-declares its locals or copies a helper.
 *
 *   defineScript({ keys: ['meta', 'members'], argv: ['userId'], uses: [MEMBERSHIP], body })
 *     ─▶  local meta, members = KEYS[1], KEYS[2]
 *         local userId = ARGV[1]
 *         <MEMBERSHIP's Lua>
 *         <body>
 */

/** A piece of Lua several scripts share: functions (and the locals they need) over named keys and arguments. */
export interface LuaFragment {
  /** For error messages and the comment heading its Lua in the script. */
  readonly name: string;
  /** Key and argument names its Lua reads: the script must declare them. */
  readonly needs?: { keys?: readonly string[]; argv?: readonly string[] };
  /** Fragments whose functions its Lua calls (emitted before it). */
  readonly uses?: readonly LuaFragment[];
  readonly lua: string;
}

/** A script: its keys and arguments by name (in KEYS/ARGV order), the fragments it uses, its body. */
export interface ScriptDefinition {
  /** KEYS names; a trailing optional key (given only to some commands) reads as nil when absent. */
  readonly keys: readonly string[];
  readonly argv: readonly string[];
  /** ARGV past the named ones, gathered in a Lua table under this name (e.g. member ids). */
  readonly rest?: string;
  readonly uses?: readonly LuaFragment[];
  readonly body: string;
}

/** The fragments in the order they must appear: each after those it uses, each once. */
function ordered(fragments: readonly LuaFragment[]): LuaFragment[] {
  const out: LuaFragment[] = [];
  const visit = (fragment: LuaFragment): void => {
    if (out.includes(fragment)) return;
    for (const used of fragment.uses ?? []) visit(used);
    out.push(fragment);
  };
  for (const fragment of fragments) visit(fragment);
  return out;
}

/**
 * The Lua source of a script: its prelude (named keys and arguments, the fragments it uses) then its
 * body. Throws at definition when a fragment needs a key or argument the script does not declare.
 */
export function defineScript(definition: ScriptDefinition): string {
  const { keys, argv, rest, body } = definition;
  const fragments = ordered(definition.uses ?? []);
  for (const fragment of fragments) {
    for (const key of fragment.needs?.keys ?? []) {
      if (!keys.includes(key)) throw new Error(`Lua fragment ${fragment.name} needs the key ${key}`);
    }
    for (const name of fragment.needs?.argv ?? []) {
      if (!argv.includes(name)) throw new Error(`Lua fragment ${fragment.name} needs the argument ${name}`);
    }
  }
  const lines: string[] = [];
  if (keys.length > 0) lines.push(`local ${keys.join(', ')} = ${keys.map((_, i) => `KEYS[${i + 1}]`).join(', ')}`);
  if (argv.length > 0) lines.push(`local ${argv.join(', ')} = ${argv.map((_, i) => `ARGV[${i + 1}]`).join(', ')}`);
  if (rest) lines.push(`local ${rest} = {}`, `for i = ${argv.length + 1}, #ARGV do ${rest}[#${rest} + 1] = ARGV[i] end`);
  for (const fragment of fragments) lines.push(`-- ${fragment.name}`, fragment.lua.trim());
  lines.push(body.trim());
  return `${lines.join('\n')}\n`;
}
