#!/usr/bin/env bash
# Install what the end-to-end tests need (tmux) when it is missing and we can.
set -u
missing=()
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing test tools: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  (apt-get update -qq && apt-get install -y -qq "${missing[@]}") >/dev/null 2>&1 \
    || echo "could not install ${missing[*]}: the tests that need them will be skipped with a reason"
else
  echo "missing ${missing[*]} (not root or no apt-get): the tests that need them will be skipped with a reason"
fi
exit 0
