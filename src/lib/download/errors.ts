/**
 * Every way a download can fail, as a code the panel acts on (retry, free space, report) plus
 * the facts a message needs (file, URL, numbers). `message` is English for logs and tests; the
 * panel words it in the reader's language from the same facts (strings.ts).
 */
export type DownloadErrorCode =
  /** A URL (or a redirect) outside the manifest's origins: refused, nothing sent. */
  | 'origin'
  | 'not-found'
  | 'forbidden'
  /** Another HTTP status that retrying does not fix. */
  | 'http'
  /** Connection lost and retries used up. */
  | 'network'
  /** The server's answer does not fit the request (wrong Content-Range, file size changed). */
  | 'protocol'
  /** Size differs from the manifest, or the file is shorter than its header says. */
  | 'size'
  /** The safetensors header does not parse. */
  | 'header'
  | 'checksum'
  /** The file changed upstream between two requests (ETag differs). */
  | 'changed'
  /** Not enough free disk for the download (checked before it starts). */
  | 'disk'
  /** The browser refused a write (QuotaExceededError) during the download. */
  | 'quota'
  | 'storage'
  | 'aborted';

export interface DownloadErrorFacts {
  file?: string;
  url?: string;
  status?: number;
  expected?: string | number;
  actual?: string | number;
  need?: number;
  free?: number;
}

export class DownloadError extends Error {
  constructor(readonly code: DownloadErrorCode, message: string, readonly facts: DownloadErrorFacts = {}) {
    super(message);
    this.name = 'DownloadError';
  }

  /** Retrying the same request may succeed. */
  get retryable(): boolean {
    return this.code === 'network' || (this.code === 'http' && (this.facts.status === 429 || (this.facts.status ?? 0) >= 500));
  }
}

export const isAbort = (e: unknown) =>
  (e instanceof DownloadError && e.code === 'aborted') || (typeof e === 'object' && e !== null && (e as { name?: string }).name === 'AbortError');

export const isQuotaError = (e: unknown) =>
  typeof e === 'object' && e !== null && ((e as { name?: string }).name === 'QuotaExceededError' || (e as { code?: number }).code === 22);
