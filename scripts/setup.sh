#!/usr/bin/env bash
# Install what HeatLedger needs on a fresh Debian 12 machine, skipping what is already there.
#   scripts/setup.sh        the product: system libraries and CJK fonts, .venv, the PWA build
#   scripts/setup.sh test   also the test tools: Chromium, poppler-utils, PostgreSQL, test packages
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}

apt_pkgs=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk)  # WeasyPrint + CJK (TOOLCHAIN.md)
if [ "$mode" = test ]; then
  apt_pkgs+=(poppler-utils chromium postgresql)
fi
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
extras=""; [ "$mode" = test ] && extras="[test]"
stamp=".venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)${extras:+-test}"
if [ ! -f "$stamp" ]; then
  .venv/bin/pip install -q --upgrade pip 2>/dev/null || true
  .venv/bin/pip install -q ".${extras}"
  touch "$stamp"
fi

# The print fonts: Noto CJK SC cut to GB2312, so a printed notice is ~120 KB, not ~410 (server/documents/fonts.py).
# Made once; again only when fonts.py changes.
.venv/bin/python -m server.documents.fonts

# The collector's app and the clerks' console: each installed once per lock file, then built.
for app in pwa console; do
  [ -f "$app/package.json" ] || continue
  lockhash=$(sha1sum "$app/package-lock.json" 2>/dev/null | cut -c1-12 || echo none)
  if [ ! -f "$app/node_modules/.installed-$lockhash" ]; then
    (cd "$app" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$app/node_modules/.installed-$lockhash"
  fi
  (cd "$app" && npm run --silent build)
done
