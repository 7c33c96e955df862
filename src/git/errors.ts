// Every way committing a post-mortem can fail, as one typed error, so the editor can attach the
// right action (offer `git init`, show the hook's output, offer a labelled "without hooks" retry).

export type GitFailureKind =
  | 'gitUnavailable'
  | 'notARepository'
  | 'unsafeRepository'
  | 'missingIdentity'
  | 'indexLocked'
  | 'operationInProgress'
  | 'detachedHead'
  | 'outsideRepository'
  | 'symlink'
  | 'fileMissing'
  | 'nothingToCommit'
  | 'hookFailed'
  | 'signingFailed'
  | 'timedOut'
  | 'commitFailed'
  | 'invalidRemote'
  | 'pushFailed';

export class GitOperationError extends Error {
  constructor(
    readonly kind: GitFailureKind,
    message: string,
    /** What git (or a hook) printed, for the user to read; never parsed further. */
    readonly output?: string,
    /** Extra facts for the caller, e.g. which identity fields are missing. */
    readonly details: Readonly<Record<string, string | string[]>> = {},
  ) {
    super(message);
    this.name = 'GitOperationError';
  }
}
