// Injected into a copy of a digest by tests/test_render_browser.py: measures the laid-out page and
// writes the figures as JSON into a pre element (id "measure") that `chromium --dump-dom` prints.
// The digest sits in an iframe (srcdoc) of the requested width: headless Chromium will not make its
// window narrower than 500 px, but an iframe is its own viewport, so the phone media query applies.
function measureDigest(frame) {
  const doc = frame.contentDocument;
  const win = frame.contentWindow;
  function box(el) {
    const r = el.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, width: r.width };
  }
  function textExtent(el) {
    const range = doc.createRange();
    range.selectNodeContents(el);
    const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0);
    if (!rects.length) return null;
    return { left: Math.min(...rects.map((r) => r.left)), right: Math.max(...rects.map((r) => r.right)) };
  }
  const out = { clientWidth: doc.documentElement.clientWidth, scrollWidth: doc.documentElement.scrollWidth, notes: [] };
  for (const article of doc.querySelectorAll("article.note")) {
    const heading = article.querySelector("h2, h3");
    const heads = Array.from(article.querySelectorAll(".row.heads .lang-head")).map((h) => ({ lang: h.dataset.lang, ...box(h) }));
    const cells = Array.from(article.querySelectorAll(".row > .cell[lang]")).map((cell) => {
      const style = win.getComputedStyle(cell);
      return {
        lang: cell.getAttribute("lang"), direction: style.direction, textAlign: style.textAlign,
        padStart: parseFloat(style.paddingInlineStart) || 0, ...box(cell), text: textExtent(cell),
      };
    });
    out.notes.push({ id: heading ? heading.id : "", article: box(article), heads, cells });
  }
  const pre = document.createElement("pre");
  pre.id = "measure";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}
