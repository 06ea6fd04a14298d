/// The interactive page's markup, style and script.
///
/// `DATA` is filled in by `HTMLRenderer`:
/// `{title, subtitle, words[], x[], y[], cat[] (−1 = none), categories[], colours[], other,
/// nbrs[][[index, similarity]]}`.
enum HTMLTemplate {
  static func page(title: String, data: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(title)</title>
    <style>
    html, body { margin: 0; height: 100%; font: 14px Helvetica, Arial, sans-serif; color: #222; }
    body { display: grid; grid-template-rows: auto 1fr; grid-template-columns: 1fr 260px; }
    header { grid-column: 1 / 3; padding: 10px 16px; border-bottom: 1px solid #ddd;
      display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
    h1 { font-size: 18px; margin: 0; }
    #subtitle { color: #666; }
    #tools { margin-left: auto; display: flex; gap: 6px; align-items: center; }
    input { font: inherit; padding: 4px 8px; width: 180px; }
    button { font: inherit; padding: 3px 9px; cursor: pointer; }
    #map { width: 100%; height: 100%; display: block; cursor: grab; background: #fff; }
    #map.dragging { cursor: grabbing; }
    main { position: relative; min-height: 0; }
    aside { border-left: 1px solid #ddd; padding: 10px 14px; overflow: auto; }
    aside h2 { font-size: 14px; margin: 12px 0 6px; }
    .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%;
      margin-right: 6px; }
    ol { padding-left: 22px; margin: 4px 0; }
    li { cursor: pointer; } li:hover { text-decoration: underline; }
    .sim { color: #888; font-variant-numeric: tabular-nums; }
    #tip { position: absolute; pointer-events: none; background: rgba(30,30,30,.88); color: #fff;
      padding: 3px 7px; border-radius: 4px; font-size: 13px; display: none; white-space: nowrap; }
    #status { color: #a33; }
    .hint { color: #888; font-size: 12px; }
    </style>
    </head>
    <body>
    <header><h1 id="title"></h1><span id="subtitle"></span>
    <div id="tools"><span id="status"></span>
    <input id="search" type="search" placeholder="Search a word" title="Search a word (press / to focus)" autocomplete="off">
    <button id="zoomIn" title="Zoom in">+</button><button id="zoomOut" title="Zoom out">&minus;</button>
    <button id="reset" title="Show everything">Reset</button></div></header>
    <main><canvas id="map"></canvas><div id="tip"></div></main>
    <aside><div id="selection"><p class="hint">Hover a point to see its word; click it (or search)
    to highlight its nearest neighbours in the original space. Drag to pan, scroll to zoom,
    double-click to reset.</p></div><h2>Groups</h2><div id="legend"></div></aside>
    <script>const DATA = \(data);</script>
    <script>
    (function () {
      "use strict";
      const D = DATA, n = D.words.length;
      const canvas = document.getElementById("map"), ctx = canvas.getContext("2d");
      const tip = document.getElementById("tip"), search = document.getElementById("search");
      const status = document.getElementById("status");
      document.getElementById("title").textContent = D.title;
      document.getElementById("subtitle").textContent = D.subtitle;
      document.title = D.title;
      const index = new Map();
      D.words.forEach((w, i) => { if (!index.has(w)) index.set(w, i); });
      let W = 0, H = 0, scale = 1, ox = 0, oy = 0, fitScale = 1;
      let selected = -1, hover = -1;
      const radius = n > 3000 ? 2 : n > 300 ? 3 : 4.5;
      const colour = i => D.cat[i] < 0 ? D.other : D.colours[D.cat[i] % D.colours.length];
      const sx = i => D.x[i] * scale + ox, sy = i => oy - D.y[i] * scale;

      function fit() {
        let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
        for (let i = 0; i < n; i++) {
          x0 = Math.min(x0, D.x[i]); x1 = Math.max(x1, D.x[i]);
          y0 = Math.min(y0, D.y[i]); y1 = Math.max(y1, D.y[i]);
        }
        if (!n) { x0 = y0 = 0; x1 = y1 = 1; }
        scale = fitScale = 0.86 * Math.min(W / Math.max(x1 - x0, 1e-9), H / Math.max(y1 - y0, 1e-9));
        ox = W / 2 - (x0 + x1) / 2 * scale; oy = H / 2 + (y0 + y1) / 2 * scale;
      }
      function resize() {
        const r = canvas.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
        const first = W === 0;
        W = r.width; H = r.height;
        canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        if (first) fit();
        draw();
      }

      function draw() {
        ctx.clearRect(0, 0, W, H);
        const near = new Set(selected >= 0 ? D.nbrs[selected].map(e => e[0]) : []);
        const focus = selected >= 0;
        if (focus) {
          ctx.strokeStyle = "rgba(40,40,40,0.45)"; ctx.lineWidth = 1;
          ctx.beginPath();
          for (const j of near) { ctx.moveTo(sx(selected), sy(selected)); ctx.lineTo(sx(j), sy(j)); }
          ctx.stroke();
        }
        // Uncategorised points first, grouped ones on top and a little larger.
        for (const grouped of [false, true])
          for (let i = 0; i < n; i++) {
            if ((D.cat[i] >= 0) !== grouped) continue;
            const x = sx(i), y = sy(i);
            if (x < -10 || y < -10 || x > W + 10 || y > H + 10) continue;
            ctx.globalAlpha = focus && i !== selected && !near.has(i) ? 0.22 : 1;
            ctx.fillStyle = colour(i);
            ctx.beginPath(); ctx.arc(x, y, grouped && n > 300 ? radius + 1.5 : radius, 0, 6.2832);
            ctx.fill();
          }
        ctx.globalAlpha = 1;
        for (const j of near) ring(j, "#333", radius + 3);
        if (focus) ring(selected, "#111", radius + 4);
        if (hover >= 0) ring(hover, "#111", radius + 2);
        drawLabels(near);
      }
      function ring(i, c, r) {
        ctx.strokeStyle = c; ctx.lineWidth = 2;
        ctx.beginPath(); ctx.arc(sx(i), sy(i), r, 0, 6.2832); ctx.stroke();
      }
      // Greedy labels: selection and neighbours first, then points in data order (most frequent
      // first); a label is drawn only where it overlaps no earlier label (16-px occupancy grid).
      function drawLabels(near) {
        const cell = 16, taken = new Set();
        const order = [];
        if (selected >= 0) order.push(selected);
        for (const j of near) order.push(j);
        if (hover >= 0) order.push(hover);
        for (let i = 0; i < n; i++) if (D.cat[i] >= 0) order.push(i);
        for (let i = 0; i < n; i++) order.push(i);
        const done = new Set();
        let budget = 4000;
        for (const i of order) {
          if (done.has(i) || budget-- <= 0) continue;
          done.add(i);
          const x = sx(i), y = sy(i);
          if (x < 0 || y < 0 || x > W || y > H) continue;
          const strong = i === selected || near.has(i) || i === hover;
          ctx.font = (strong ? "bold " : "") + (n > 300 ? 11 : 13) + "px Helvetica, Arial, sans-serif";
          const w = ctx.measureText(D.words[i]).width, h = n > 300 ? 12 : 14;
          for (const [lx, ly] of [[x + radius + 3, y - h / 2], [x - radius - 3 - w, y - h / 2],
                                  [x - w / 2, y - radius - 2 - h], [x - w / 2, y + radius + 2]]) {
            const keys = [];
            let free = true;
            for (let gx = Math.floor(lx / cell); gx <= Math.floor((lx + w) / cell) && free; gx++)
              for (let gy = Math.floor(ly / cell); gy <= Math.floor((ly + h) / cell); gy++) {
                const k = gx * 100003 + gy;
                if (taken.has(k) && i !== selected) { free = false; break; }
                keys.push(k);
              }
            if (!free) continue;
            keys.forEach(k => taken.add(k));
            ctx.fillStyle = strong ? "#000" : "#333";
            ctx.globalAlpha = selected >= 0 && !strong ? 0.35 : 1;
            ctx.fillText(D.words[i], lx, ly + h * 0.8);
            ctx.globalAlpha = 1;
            break;
          }
        }
      }

      function nearest(mx, my, maxDist) {
        let best = -1, bd = maxDist * maxDist;
        for (let i = 0; i < n; i++) {
          const dx = sx(i) - mx, dy = sy(i) - my, d = dx * dx + dy * dy;
          if (d < bd) { bd = d; best = i; }
        }
        return best;
      }
      function select(i, centre) {
        selected = i;
        const box = document.getElementById("selection");
        if (i < 0) { box.innerHTML = ""; draw(); return; }
        if (centre) {
          // Zoom so the nearer half of the neighbours fills the view (far ones keep their lines).
          const d = D.nbrs[i].map(e => Math.max(Math.abs(D.x[e[0]] - D.x[i]), Math.abs(D.y[e[0]] - D.y[i])))
            .sort((a, b) => a - b);
          const r = d.length ? d[Math.floor((d.length - 1) / 2)] : 1;
          scale = Math.max(scale, Math.min(fitScale * 40, 0.4 * Math.min(W, H) / Math.max(r, 1e-9)));
          ox = W / 2 - D.x[i] * scale; oy = H / 2 + D.y[i] * scale;
        }
        const cat = D.cat[i] >= 0 ? " (" + D.categories[D.cat[i]] + ")" : "";
        let html = "<h2>" + esc(D.words[i]) + esc(cat) + "</h2>";
        html += "<div class='hint'>Nearest in the original space (cosine):</div><ol>";
        for (const [j, s] of D.nbrs[i])
          html += "<li data-i='" + j + "'>" + esc(D.words[j]) + " <span class='sim'>" + s.toFixed(3) + "</span></li>";
        box.innerHTML = html + "</ol>";
        box.querySelectorAll("li").forEach(li => li.onclick = () => select(+li.dataset.i, true));
        draw();
      }
      function esc(s) {
        return s.replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\\"": "&quot;", "'": "&#39;"})[c]);
      }
      function find(q) {
        q = q.trim();
        if (!q) return -1;
        if (index.has(q)) return index.get(q);
        const lower = q.toLowerCase();
        for (let i = 0; i < n; i++) if (D.words[i].toLowerCase() === lower) return i;
        for (let i = 0; i < n; i++) if (D.words[i].toLowerCase().startsWith(lower)) return i;
        return -1;
      }
      function zoomAt(mx, my, f) {
        ox = mx - (mx - ox) * f; oy = my - (my - oy) * f; scale *= f; draw();
      }

      let drag = null;
      canvas.addEventListener("pointerdown", e => {
        drag = { x: e.offsetX, y: e.offsetY, moved: false };
        canvas.setPointerCapture(e.pointerId); canvas.classList.add("dragging");
      });
      canvas.addEventListener("pointermove", e => {
        if (drag) {
          const dx = e.offsetX - drag.x, dy = e.offsetY - drag.y;
          if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
          ox += dx; oy += dy; drag.x = e.offsetX; drag.y = e.offsetY; draw(); return;
        }
        const h = nearest(e.offsetX, e.offsetY, 10);
        if (h !== hover) { hover = h; draw(); }
        if (h >= 0) {
          tip.style.display = "block";
          tip.textContent = D.words[h] + (D.cat[h] >= 0 ? " · " + D.categories[D.cat[h]] : "");
          tip.style.left = (sx(h) + 10) + "px"; tip.style.top = (sy(h) - 30) + "px";
        } else tip.style.display = "none";
      });
      canvas.addEventListener("pointerup", e => {
        canvas.classList.remove("dragging");
        if (drag && !drag.moved) select(nearest(e.offsetX, e.offsetY, 10), false);
        drag = null;
      });
      canvas.addEventListener("pointerleave", () => { tip.style.display = "none"; hover = -1; draw(); });
      canvas.addEventListener("wheel", e => {
        e.preventDefault(); zoomAt(e.offsetX, e.offsetY, Math.exp(-e.deltaY * 0.0015));
      }, { passive: false });
      canvas.addEventListener("dblclick", () => { fit(); select(-1); });
      document.getElementById("zoomIn").onclick = () => zoomAt(W / 2, H / 2, 1.5);
      document.getElementById("zoomOut").onclick = () => zoomAt(W / 2, H / 2, 1 / 1.5);
      document.getElementById("reset").onclick = () => { fit(); select(-1); };
      search.addEventListener("keydown", e => {
        if (e.key !== "Enter") return;
        const i = find(search.value);
        status.textContent = i < 0 && search.value.trim() ? "not in the plot: " + search.value.trim() : "";
        if (i >= 0) select(i, true);
      });
      document.addEventListener("keydown", e => {
        if (e.key === "/" && document.activeElement !== search) { e.preventDefault(); search.focus(); }
      });
      const legend = document.getElementById("legend");
      const counts = new Array(D.categories.length).fill(0);
      let others = 0;
      for (const c of D.cat) c >= 0 ? counts[c]++ : others++;
      let lh = "";
      D.categories.forEach((c, k) => lh += "<div><span class='swatch' style='background:" +
        D.colours[k % D.colours.length] + "'></span>" + esc(c) + " <span class='sim'>" + counts[k] + "</span></div>");
      if (others) lh += "<div><span class='swatch' style='background:" + D.other + "'></span>other <span class='sim'>" + others + "</span></div>";
      legend.innerHTML = lh || "<span class='hint'>no groups given</span>";
      window.addEventListener("resize", resize);
      resize();
      const wanted = decodeURIComponent(location.hash.slice(1));
      if (wanted) { search.value = wanted; const i = find(wanted); if (i >= 0) select(i, true); }
    })();
    </script>
    </body>
    </html>

    """
  }
}
