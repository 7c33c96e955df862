#!/usr/bin/env bash
# Installs what the real-editor tests and the demo need, idempotently:
#   - Debian packages: chromium (headless browser), ripgrep (VS Code's search), libkrb5-dev
#     (to build code-server's kerberos module), zsh, fish and ksh (real shells for the unit tests)
#   - code-server 4.100.3 (VS Code 1.100.3 for the browser) from the npm registry, into
#     .cache/code-server inside the project (git-ignored).
# Safe to run again: each step checks whether its result is already there.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="$here/.cache"
version="4.100.3"
dest="$cache/code-server-$version"
log() { printf '[setup] %s\n' "$*"; }

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
command -v git >/dev/null 2>&1 || need_apt+=(git)
# Real shells for the unit tests of quoting through nested shells and of history suppression.
for shell in zsh fish ksh; do command -v "$shell" >/dev/null 2>&1 || need_apt+=("$shell"); done
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ -f "$dest/.complete" ]; then
  log "code-server $version already installed in $dest"
  exit 0
fi

log "installing code-server $version into $dest"
rm -rf "$dest" "$dest.tmp"
mkdir -p "$dest.tmp"
(
  cd "$dest.tmp"
  npm pack --silent "code-server@$version" >/dev/null
  tar xzf "code-server-$version.tgz"
  rm "code-server-$version.tgz"
  cd package
  # Its postinstall refuses to run as root and downloads ripgrep from GitHub: skip scripts and
  # build the native parts ourselves.
  npm install --silent --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null
  npm rebuild --silent argon2 >/dev/null
  cd lib/vscode
  npm install --silent --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null
  npm rebuild --silent node-pty @vscode/spdlog kerberos native-watchdog >/dev/null 2>&1 || true
  # node-pty's rebuild can exit 1 at a late step after pty.node is built: check the artifact.
  test -f node_modules/node-pty/build/Release/pty.node || { echo "node-pty did not build" >&2; exit 1; }
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  ln -sfn node_modules node_modules.asar
)
mv "$dest.tmp/package" "$dest"
rm -rf "$dest.tmp"
touch "$dest/.complete"
log "code-server ready"
