// Stand-ins for the programs whose far side is out of reach in a test (a remote host, a pod, a
// container, another user, another namespace), doing on this machine what the real tools do
// there: `ssh` joins the words after the host with spaces and has the remote login shell run
// them (`sh -c`); `kubectl exec … --` and `docker exec … CONTAINER` run the rest as given;
// `su -c` runs the command with the user's shell; `sudo` runs the rest as given; `watch` joins
// its words and runs them with `sh -c` (once, not every two seconds); `nsenter` runs the rest.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const STANDINS: Record<string, string> = {
  ssh: `
while [ $# -gt 0 ]; do
  case "$1" in --) shift; break;; -[bcDEeFIiJLlmOopQRSWwBP]) shift 2;; -*) shift;; *) break;; esac
done
shift # the host
while [ $# -gt 0 ]; do
  case "$1" in -[bcDEeFIiJLlmOopQRSWwBP]) shift 2;; -*) shift;; *) break;; esac
done
if [ $# -eq 0 ]; then exec sh; fi
exec sh -c "$*"`,
  kubectl: `
while [ $# -gt 0 ] && [ "$1" != -- ]; do shift; done
shift
exec "$@"`,
  docker: `
[ "$1" = exec ] && shift
while [ $# -gt 0 ]; do
  case "$1" in -e|-u|-w|--env|--user|--workdir|--detach-keys) shift 2;; -*) shift;; *) break;; esac
done
shift # the container
exec "$@"`,
  su: `
cmd=
while [ $# -gt 0 ]; do
  case "$1" in -c|--command) cmd=$2; shift 2;; *) shift;; esac
done
exec sh -c "$cmd"`,
  sudo: `
while [ $# -gt 0 ]; do
  case "$1" in -u|-g|-h|-p|-C|-D|-r|-t|-U|-T|-R) shift 2;; --) shift; break;; -*) shift;; *) break;; esac
done
exec "$@"`,
  watch: `
while [ $# -gt 0 ]; do
  case "$1" in -n|--interval) shift 2;; -*) shift;; *) break;; esac
done
exec sh -c "$*"`,
  nsenter: `
while [ $# -gt 0 ]; do
  case "$1" in -t|-S|-G|-W|--target) shift 2;; --) shift; break;; -*) shift;; *) break;; esac
done
exec "$@"`,
};
STANDINS.oc = STANDINS.kubectl;
STANDINS.podman = STANDINS.docker;

/** Writes the stand-ins into `dir` (to go first on PATH) and returns their names. */
export function writeStandIns(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  for (const [name, body] of Object.entries(STANDINS)) {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\n# stand-in for ${name}\n${body.trim()}\n`);
    chmodSync(file, 0o755);
  }
  return Object.keys(STANDINS);
}
