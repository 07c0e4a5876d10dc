// Copies a secret to the clipboard and says so; falls back to selecting the text where the browser
// refuses clipboard access (an insecure origin), so the user can copy it by hand.
import { useState } from 'react';

/** A button that copies `text`. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState<'idle' | 'copied' | 'select'>('idle');
  const copy = () => {
    if (!navigator.clipboard) return setDone('select');
    navigator.clipboard.writeText(text).then(
      () => setDone('copied'),
      () => setDone('select'),
    );
  };
  return (
    <button type="button" onClick={copy}>
      {done === 'copied' ? 'Copied' : done === 'select' ? 'Select the text to copy' : label}
    </button>
  );
}
