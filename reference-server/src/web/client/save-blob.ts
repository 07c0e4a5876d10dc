// Saves a downloaded file: exports and reports are fetched with the credential in a header (never
// in a URL, where it would be logged), so the browser's download is started from the Blob.

/** Offers `blob` as a download named `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
