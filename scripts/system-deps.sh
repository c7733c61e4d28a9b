#!/usr/bin/env bash
# The system packages the tests run for real: redis-server (the Redis store's tests start their own)
# and chromium (the gateway's browser tests). Installs what is missing when run as root with apt-get;
# otherwise says what to install and fails, so a missing component is never silently skipped.
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || [ -x "${CHROMIUM_PATH:-/nonexistent}" ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  printf '== installing %s\n' "${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi

printf 'The tests need %s. Install it with:\n  sudo apt-get install -y %s\n' "${missing[*]}" "${missing[*]}" >&2
printf '(or set CHROMIUM_PATH to a Chromium executable)\n' >&2
exit 1
