#!/usr/bin/env bash
# Exercises an `embed plot` HTML page in headless Chromium: dispatches pointer hover, drag (pan),
# wheel (zoom), a click on a point, a search, and checks the page's response in the DOM.
# Usage: Benchmarks/html-selftest.sh PAGE.html WORD     (WORD must be in the plot)
set -euo pipefail
page="$1"
word="$2"
browser="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}"
[ -n "$browser" ] || { echo "no Chromium found: apt-get install -y chromium" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$page" "$work/page.html"
# Append a test script that drives the page and reports in <body data-selftest>.
cat >> "$work/page.html" <<JS
<script>
setTimeout(function () {
  const out = [], c = document.getElementById("map"), r = c.getBoundingClientRect();
  const i = DATA.words.indexOf("$word");
  function ev(type, x, y, extra) {
    const e = new (type === "wheel" ? WheelEvent : PointerEvent)(type, Object.assign({
      clientX: r.left + x, clientY: r.top + y, bubbles: true, pointerId: 1, cancelable: true}, extra || {}));
    c.dispatchEvent(e);
  }
  try {
    // Search.
    const s = document.getElementById("search");
    s.value = "$word";
    s.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter"}));
    const h2 = document.querySelector("#selection h2");
    out.push("search:" + (h2 && h2.textContent.startsWith("$word") ? "ok" : "fail"));
    out.push("neighbours:" + document.querySelectorAll("#selection li").length);
    // The selected word is centred: hover the centre shows its tooltip.
    ev("pointermove", r.width / 2, r.height / 2);
    const tip = document.getElementById("tip");
    out.push("hover:" + (tip.style.display === "block" && tip.textContent.startsWith("$word") ? "ok" : "fail"));
    // Drag 100 px right: the word moves with the map.
    ev("pointerdown", 10, 10); ev("pointermove", 110, 10); ev("pointerup", 110, 10);
    ev("pointermove", r.width / 2 + 100, r.height / 2);
    const shown = () => tip.style.display === "block" && tip.textContent.startsWith("$word");
    out.push("pan:" + (shown() ? "ok" : "fail"));
    // Zoom in at the word: it stays under the cursor.
    ev("wheel", r.width / 2 + 100, r.height / 2, {deltaY: -300});
    ev("pointermove", r.width / 2 + 100, r.height / 2);
    out.push("zoom:" + (shown() ? "ok" : "fail"));
    // Click a neighbour in the list selects it.
    const li = document.querySelector("#selection li");
    const next = li ? li.textContent.split(" ")[0] : "";
    if (li) li.click();
    const h2b = document.querySelector("#selection h2");
    out.push("list-click:" + (h2b && h2b.textContent.startsWith(next) ? "ok" : "fail"));
  } catch (e) { out.push("error:" + e); }
  document.body.setAttribute("data-selftest", out.join(" "));
}, 200);
</script>
JS
dom="$("$browser" --headless --no-sandbox --disable-gpu --window-size=1280,860 \
  --virtual-time-budget=3000 --dump-dom "file://$work/page.html" 2>/dev/null)"
result="$(echo "$dom" | grep -o 'data-selftest="[^"]*"' || true)"
echo "${result:-no result: the page did not finish}"
echo "$result" | grep -q "fail\|error\|^$" && exit 1 || exit 0
