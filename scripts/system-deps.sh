#!/usr/bin/env bash
# Installs the system packages the test suite uses, when they are missing and we may install
# them (root with apt-get). Otherwise it says what is missing; those tests then skip.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${need[*]}"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null \
    || echo "warning: could not install ${need[*]}; the tests that need them will skip"
else
  echo "note: missing ${need[*]} (install with: sudo apt-get install ${need[*]}); the tests that need them will skip"
fi
exit 0
