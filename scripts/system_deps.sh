#!/usr/bin/env bash
# Debian packages the test suite needs: nginx for the scaled-topology tests, Chromium for
# the browser tests (Playwright drives Debian's build; it never downloads a browser) and
# Thai fonts so Thai renders.
# Installs what is missing when run as root; otherwise says what to install.
set -euo pipefail
needed=(chromium fonts-thai-tlwg nginx-light)
missing=()
for package in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${missing[@]}" >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
else
  echo "error: the tests need these Debian packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
