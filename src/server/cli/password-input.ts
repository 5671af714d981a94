import type { Readable, Writable } from 'node:stream';

/** A terminal's input: raw mode lets it read keys without echoing them. */
type TerminalInput = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

const ENTER = new Set(['\r', '\n']);
const BACKSPACE = new Set(['\u007f', '\b']);
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';

/**
 * Lines typed at a terminal, read key by key in raw mode so nothing is echoed; a line is null once
 * abandoned (Ctrl-C, Ctrl-D). Keys typed (or pasted) ahead wait for the next prompt.
 */
function hiddenLines(input: TerminalInput, output: Writable): { next(prompt: string): Promise<string | null>; close(): void } {
  const ready: (string | null)[] = [];
  let waiting: ((line: string | null) => void) | null = null;
  let typed = '';
  const deliver = (line: string | null): void => {
    if (waiting === null) ready.push(line);
    else {
      const resolve = waiting;
      waiting = null;
      resolve(line);
    }
  };
  const onData = (chunk: string): void => {
    for (const char of chunk) {
      if (ENTER.has(char)) {
        deliver(typed);
        typed = '';
      } else if (char === CTRL_C || char === CTRL_D) deliver(null);
      else if (BACKSPACE.has(char)) typed = [...typed].slice(0, -1).join('');
      else if (char >= ' ') typed += char;
    }
  };
  input.setRawMode?.(true);
  input.setEncoding('utf8');
  input.on('data', onData);
  input.resume();
  return {
    next(prompt) {
      output.write(prompt);
      const line = ready.length > 0 ? Promise.resolve(ready.shift() ?? null) : new Promise<string | null>((resolve) => (waiting = resolve));
      return line.then((value) => {
        output.write('\n');
        return value;
      });
    },
    close() {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
    },
  };
}

/** The first line of a piped input (`printf '%s\n' "$PASSWORD" | npm run user:add …`), without its line end. */
async function firstLine(input: Readable): Promise<string> {
  let text = '';
  input.setEncoding('utf8');
  for await (const chunk of input) {
    text += chunk as string;
    if (text.includes('\n')) break;
  }
  return (text.split('\n')[0] ?? '').replace(/\r$/, '');
}

/**
 * Reads a password for the account tools, never from argv (which `ps` shows to every user of the
 * machine and the shell keeps in its history): at a terminal, typed without echo and typed twice;
 * otherwise the first line of stdin. Null when abandoned or when the two typings differ.
 */
export async function readPassword(options: { input: TerminalInput; output: Writable }): Promise<string | null> {
  const { input, output } = options;
  if (!input.isTTY) return firstLine(input);
  const lines = hiddenLines(input, output);
  try {
    const first = await lines.next('Mot de passe / password: ');
    if (first === null) return null;
    const again = await lines.next('Encore une fois / again: ');
    if (again === first) return first;
    if (again !== null) output.write('Les deux saisies diffèrent / the two entries differ\n');
    return null;
  } finally {
    lines.close();
  }
}
