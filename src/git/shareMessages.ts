// What to tell a person about sharing through git: failed pushes, and the switch to the branch
// for a host that refuses custom refs. Pure text, no git.
import { REMOTE_NAMESPACE } from './incidentRefs';
import { SHARE_BRANCH, SHARE_BRANCH_NAME } from './incidentBranch';

/** What to tell a person when a push did not land. */
export function pushFailureMessage(kind: string, detail: string, ref: string): string {
  const branch = ref === SHARE_BRANCH;
  switch (kind) {
    case 'refusedRef':
      if (branch) {
        return `The remote refused the branch ${SHARE_BRANCH_NAME} too (${detail}). Incidents shared through that branch need pushes to it allowed (a protected-branch rule may forbid them), or refs under ${REMOTE_NAMESPACE} allowed. Your events are safe in the local journal.`;
      }
      return `The remote refused ${ref} (${detail}). Incidents are shared under ${REMOTE_NAMESPACE}, outside branches and tags, and some hosts accept only branches and tags. Ask for refs under ${REMOTE_NAMESPACE} to be allowed, or share through the dedicated branch ${SHARE_BRANCH_NAME} instead, whose files are per writer (so merges are unions): set oncall.incidents.shareTransport to "auto" (which switches by itself) or "branch". Your events are safe in the local journal.`;
    case 'notFastForward':
      return branch
        ? `Teammates kept pushing to the branch ${SHARE_BRANCH_NAME} on the remote (${detail}); each time this machine fetched it and rebuilt its own folder on top, and gave up for now. Nothing was forced; your events are safe in the local journal and the next sync tries again.`
        : `The remote's ${ref} moved on without this machine (${detail}); it is fetched and the next push builds on both. Nothing is forced.`;
    case 'unreachable':
      return `The remote could not be reached (${detail}). Events stay in the local journal and are shared when it is back.`;
    case 'auth':
      return `The remote refused the credentials (${detail}). Events stay in the local journal.`;
    default:
      return `Pushing ${ref} failed: ${detail}`;
  }
}

/** Said once (log and notification) when a remote that refused custom refs is switched to the branch. */
export function switchedToBranchMessage(remote: string): string {
  return `${remote} does not accept refs under ${REMOTE_NAMESPACE} (only branches and tags), so incidents are now shared there through the branch ${SHARE_BRANCH_NAME}: one folder per incident and writer, so teammates' pushes are unions and nothing is forced. Everyone who can read the repository can read that branch, and clones fetch it. Set oncall.incidents.shareTransport to "refs" to stop this.`;
}
