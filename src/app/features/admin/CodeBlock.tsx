import { useState } from 'preact/hooks';
import { locale, lang } from '../../core/i18n/index.ts';
import { tAdmin as t } from './admin-i18n.ts';

/** A one-time code to hand over, and to whom. */
export interface IssuedCode {
  name: string;
  username: string;
  code: string;
  expiresAt: number;
}

/**
 * The one-time activation code, large enough to read aloud or from across a desk, with "Imprimer"
 * (only this block is printed: admin.css) and "Copier". Shown once: the server keeps only its hash.
 */
export function CodeBlock({ issued, onDone }: { issued: IssuedCode; onDone(): void }) {
  const [copied, setCopied] = useState(false);
  const date = new Date(issued.expiresAt).toLocaleDateString(locale(lang.value), { day: 'numeric', month: 'long', year: 'numeric' });
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(issued.code);
      setCopied(true);
    } catch {
      // No clipboard (permission, insecure context): the code stays on screen to be read or printed.
    }
  };
  return (
    <section class="code-block" data-testid="activation-code-block" aria-labelledby="code-title">
      <h2 id="code-title">{t('code.title', { name: issued.name })}</h2>
      <p class="code-block__code" data-testid="activation-code">
        {issued.code}
      </p>
      <p>{t('code.explain', { name: issued.name, username: issued.username, date })}</p>
      <div class="code-block__actions">
        <button type="button" class="button" onClick={() => window.print()}>
          {t('code.print')}
        </button>
        <button type="button" class="button" onClick={() => void copy()}>
          {t('code.copy')}
        </button>
        <button type="button" class="button button--primary" data-testid="activation-code-done" onClick={onDone}>
          {t('code.done')}
        </button>
      </div>
      {copied && <p role="status">{t('code.copied')}</p>}
    </section>
  );
}
