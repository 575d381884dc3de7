#!/usr/bin/env bash
# Make the browser end-to-end tests runnable: Chromium (CHROMIUM_PATH, default /usr/bin/chromium)
# and CJK fonts (the SPA is Chinese; without them the screenshots show boxes). Missing pieces are
# installed with apt-get when this user can (root, or passwordless sudo).
#   exit 0  ready
#   exit 1  cannot be made ready and CI=true (a missing browser is a failure under CI)
#   exit 3  cannot be made ready, not under CI: the browser suites are to be skipped
# The one-line reason goes to stderr. Used by tests/e2e/run.sh (make e2e, make test) and .ci/run.
set -uo pipefail

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"

have_fonts() {
  if command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh family 2>/dev/null)" ]; then
    return 0
  fi
  command -v dpkg >/dev/null 2>&1 && dpkg -s fonts-noto-cjk >/dev/null 2>&1
}

missing() {
  local m=()
  [ -x "$chromium" ] || m+=(chromium)
  have_fonts || m+=(fonts-noto-cjk)
  echo "${m[*]}"
}

need=$(missing)
[ -z "$need" ] && exit 0

# Install when we can: apt-get present and root or passwordless sudo.
if command -v apt-get >/dev/null 2>&1; then
  as_root=()
  if [ "$EUID" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root=(sudo -n); else as_root=(none); fi
  fi
  if [ "${as_root[*]}" != none ]; then
    echo "installing for the browser tests: $need" >&2
    # shellcheck disable=SC2086 # $need is a list of package names
    if "${as_root[@]}" apt-get update -qq \
      && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null; then
      need=$(missing)
      [ -z "$need" ] && exit 0
    fi
  fi
fi

reason="浏览器测试需要 Chromium 与中文字体：sudo apt-get install chromium fonts-noto-cjk — the browser tests need Chromium and CJK fonts (missing: $need)"
if [ "${CI:-}" = true ]; then
  echo "ERROR: $reason; required when CI=true" >&2
  exit 1
fi
echo "browser tests skipped: $reason" >&2
exit 3
