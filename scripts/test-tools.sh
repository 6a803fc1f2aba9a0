#!/usr/bin/env bash
# Install what the end-to-end tests need when it is missing and we can:
#   tmux            (tests/e2e/test_tmux.py, tests/e2e/test_ssh.py)
#   openssh-server  (sshd, tests/e2e/test_ssh.py)
#   openssh-client  (ssh, ssh-keygen, tests/e2e/test_ssh.py)
# Never fails the run: what cannot be installed is named, and the tests that
# need it are skipped with a reason.
set -u

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }

missing=()
have tmux || missing+=(tmux)
have sshd || missing+=(openssh-server)
{ have ssh && have ssh-keygen; } || missing+=(openssh-client)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test tools missing: ${missing[*]} (not root or no apt-get, so not installed)."
  echo "  The end-to-end tests that need them will be skipped with a reason."
  exit 0
fi

echo "installing test tools: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! apt-get update -qq >"$log" 2>&1; then
  echo "  apt-get update failed (offline?); trying to install from the cached package lists"
fi
# One package at a time, so one that fails does not stop the others.
failed=()
for pkg in "${missing[@]}"; do
  if ! apt-get install -y -qq --no-install-recommends "$pkg" >>"$log" 2>&1; then
    failed+=("$pkg")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "could not install: ${failed[*]}. The end-to-end tests that need them will be skipped with a reason."
  echo "  last lines of the apt-get log:"
  tail -n 5 "$log" | sed 's/^/    /'
else
  echo "  installed: ${missing[*]}"
fi
rm -f "$log"
exit 0
