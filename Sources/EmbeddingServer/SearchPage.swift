#if Server
/// The search page served at `GET /`: one self-contained HTML file (no external resources) that
/// calls `POST /v1/search` and shows the results.
enum SearchPage {
  /// The page's HTML.
  static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>EmbeddingKit search</title>
    <style>
      body { font: 15px/1.45 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
      header { background: #1d2330; color: #fff; padding: 14px 24px; }
      header h1 { font-size: 18px; margin: 0; font-weight: 600; }
      header span { color: #9aa4b8; font-size: 13px; }
      main { max-width: 860px; margin: 20px auto; padding: 0 16px; }
      form { display: flex; gap: 8px; flex-wrap: wrap; }
      input[type=search] { flex: 1 1 320px; font-size: 16px; padding: 9px 12px; border: 1px solid #c5cad6; border-radius: 6px; }
      select, input[type=number], input[type=password] { padding: 8px; border: 1px solid #c5cad6; border-radius: 6px; }
      input[type=number] { width: 64px; }
      button { font-size: 15px; padding: 8px 18px; border: 0; border-radius: 6px; background: #2f6fed; color: #fff; cursor: pointer; }
      #status { color: #5b6475; margin: 12px 2px; font-size: 13px; }
      .hit { background: #fff; border: 1px solid #e1e4ea; border-radius: 8px; padding: 12px 16px; margin: 10px 0; }
      .hit h2 { font-size: 16px; margin: 0 0 4px; }
      .meta { color: #6b7385; font-size: 12px; }
      .score { float: right; font-variant-numeric: tabular-nums; color: #2f6fed; font-weight: 600; }
      .text { margin-top: 6px; white-space: pre-wrap; }
      .error { color: #b3261e; }
    </style>
    </head>
    <body>
    <header><h1>EmbeddingKit search <span id="model"></span></h1></header>
    <main>
      <form id="form">
        <input type="search" id="q" placeholder="Search the index…" autofocus required>
        <select id="mode" title="search mode">
          <option value="hybrid">hybrid</option><option value="dense">dense</option><option value="bm25">bm25</option>
        </select>
        <input type="number" id="k" value="10" min="1" max="100" title="results">
        <input type="password" id="key" placeholder="API key (if set)" size="14">
        <button type="submit">Search</button>
      </form>
      <div id="status"></div>
      <div id="results"></div>
    </main>
    <script>
    const $ = (id) => document.getElementById(id);
    $("key").value = sessionStorage.getItem("embeddingkit-key") || "";
    function headers() {
      const h = { "Content-Type": "application/json" };
      const key = $("key").value.trim();
      if (key) { h["Authorization"] = "Bearer " + key; sessionStorage.setItem("embeddingkit-key", key); }
      return h;
    }
    fetch("/health").then(r => r.json()).then(j => { if (j.model) $("model").textContent = "· " + j.model; }).catch(() => {});
    function add(parent, tag, cls, text) {
      const el = document.createElement(tag);
      if (cls) el.className = cls;
      if (text !== undefined) el.textContent = text;
      parent.appendChild(el);
      return el;
    }
    async function search(ev) {
      if (ev) ev.preventDefault();
      const query = $("q").value.trim();
      if (!query) return;
      const results = $("results");
      results.replaceChildren();
      $("status").textContent = "Searching…";
      $("status").className = "";
      const started = performance.now();
      try {
        const body = { query, k: Number($("k").value) || 10, mode: $("mode").value };
        const r = await fetch("/v1/search", { method: "POST", headers: headers(), body: JSON.stringify(body) });
        const j = await r.json();
        if (!r.ok) throw new Error((j.error && j.error.message) || ("HTTP " + r.status));
        const ms = Math.round(performance.now() - started);
        $("status").textContent = j.data.length + " results in " + ms + " ms (" + body.mode + ")";
        for (const hit of j.data) {
          const div = add(results, "div", "hit");
          add(div, "span", "score", hit.score.toFixed(4));
          add(div, "h2", "", hit.title || hit.id);
          const meta = Object.entries(hit.metadata || {}).map(([k, v]) => k + ": " + v).join(" · ");
          add(div, "div", "meta", "id " + hit.id + " · chunk " + hit.chunk_index + (meta ? " · " + meta : ""));
          add(div, "div", "text", hit.text);
        }
      } catch (e) {
        $("status").textContent = e.message;
        $("status").className = "error";
      }
    }
    $("form").addEventListener("submit", search);
    const params = new URLSearchParams(location.search);
    if (params.get("mode")) $("mode").value = params.get("mode");
    if (params.get("q")) { $("q").value = params.get("q"); search(); }
    </script>
    </body>
    </html>

    """#
}
#endif
