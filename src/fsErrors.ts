// File system errors in words, so a message says what really went wrong: a folder that cannot
// be read is not "missing", and a link loop is not "not a folder". Pure: no imports.

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'it does not exist',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder, not a file',
  ELOOP: 'too many symbolic links (a link loop?)',
  ENAMETOOLONG: 'the path is too long',
  EIO: 'input/output error (a failing disk or network share?)',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files on the system',
  EBUSY: 'it is busy',
  ENODEV: 'no such device',
  ENXIO: 'no such device',
  ESTALE: 'stale network file handle',
  ETIMEDOUT: 'the file system timed out',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
};

/** The error code of a Node file system error (`EACCES`…), if it has one. */
export function fsErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True when the error only says that the path does not exist. */
export function isNotFound(err: unknown): boolean {
  return fsErrorCode(err) === 'ENOENT';
}

/** What went wrong, in words, with the code: `permission denied (EACCES)`. */
export function describeFsError(err: unknown): string {
  const code = fsErrorCode(err);
  const reason = code ? REASONS[code] : undefined;
  if (reason) return `${reason} (${code})`;
  const message = err instanceof Error ? err.message : String(err);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}
