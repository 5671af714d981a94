import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readPassword } from '../../../../src/server/cli/password-input.ts';

/** A terminal: keys come in on `input` (raw mode recorded), whatever is shown goes to `shown`. */
function terminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true, rawModes: [] as boolean[] });
  Object.assign(input, { setRawMode: (raw: boolean) => input.rawModes.push(raw) });
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  return { input, output, shown: () => shown };
}

describe('readPassword()', () => {
  it('reads a password typed twice at a terminal without echoing it, in raw mode, backspace included', async () => {
    const tty = terminal();
    const read = readPassword({ input: tty.input, output: tty.output });
    tty.input.write('secrett\u007f long\r');
    tty.input.write('secret long\r');
    expect(await read).toBe('secret long');
    expect(tty.shown()).not.toContain('secret');
    expect(tty.shown()).toContain('Mot de passe / password: ');
    expect(tty.input.rawModes).toEqual([true, false]);
  });

  it('answers null when the two entries differ or the prompt is abandoned with Ctrl-C', async () => {
    const differ = terminal();
    const read = readPassword({ input: differ.input, output: differ.output });
    differ.input.write('un mot de passe\run autre\r');
    expect(await read).toBeNull();
    const abandoned = terminal();
    const gone = readPassword({ input: abandoned.input, output: abandoned.output });
    abandoned.input.write('moitié\u0003');
    expect(await gone).toBeNull();
  });

  it('reads the first line of a piped stdin', async () => {
    const piped = new PassThrough();
    const read = readPassword({ input: piped, output: new PassThrough() });
    piped.end('depuis un gestionnaire de secrets\r\nligne suivante\n');
    expect(await read).toBe('depuis un gestionnaire de secrets');
  });
});
