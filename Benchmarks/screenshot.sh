#!/usr/bin/env bash
# Screenshots an interactive plot page (or SVG) with headless Chromium, so a person can check that
# it renders and that a group's words sit together.
# Usage: Benchmarks/screenshot.sh PAGE.html [OUT.png] [WORD]   (WORD: selected via the URL #word)
# Needs Chromium: Debian `apt-get install -y chromium` (or set CHROMIUM=/path/to/chrome).
set -euo pipefail
page="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
out="${2:-${1%.*}.png}"
word="${3:-}"
browser="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}"
if [ -z "$browser" ]; then
  echo "no Chromium found: apt-get install -y chromium (Debian) or set CHROMIUM" >&2
  exit 1
fi
url="file://$page"
[ -n "$word" ] && url="$url#$word"
log="$(mktemp)"
# --virtual-time-budget lets the page's script run before the capture.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,860 \
  --virtual-time-budget=3000 --enable-logging=stderr --v=0 --screenshot="$out" "$url" 2>"$log" || {
  cat "$log" >&2
  exit 1
}
# Fail on JavaScript errors reported on the console.
if grep -E "Uncaught|SyntaxError|TypeError|ReferenceError" "$log" >&2; then
  echo "the page reported script errors (above)" >&2
  exit 1
fi
rm -f "$log"
echo "wrote $out"
