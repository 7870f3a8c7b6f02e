// canon serve: reloads the page after a rebuild, swaps stylesheets in place, and shows build
// errors over the page. Injected only by `canon serve`, never into `canon build` output.
(() => {
  "use strict";
  const key = "canon-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    const y = Number(saved);
    const restore = () => window.scrollTo(0, y);
    if (document.readyState === "complete") restore(); else window.addEventListener("load", restore);
  }
  let overlay = null;
  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }
  function show(report) {
    hide();
    overlay = document.createElement("div");
    overlay.id = "canon-overlay";
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-labelledby", "canon-overlay-title");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);color:#fff;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:2rem";
    const title = document.createElement("h2");
    title.id = "canon-overlay-title";
    title.style.cssText = "margin:0 0 1rem;font:700 1.25rem system-ui,sans-serif;color:#ffb3b3";
    title.textContent = "canon: the last change could not be built (" + report.errors + " error" + (report.errors === 1 ? "" : "s") + "). Showing the last good version.";
    const pre = document.createElement("pre");
    pre.style.cssText = "white-space:pre-wrap;margin:0";
    pre.textContent = report.text;
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide";
    close.style.cssText = "position:absolute;top:1rem;right:1rem;font:inherit;padding:.25rem .75rem";
    close.addEventListener("click", hide);
    overlay.append(close, title, pre);
    document.body.append(overlay);
    close.focus();
  }
  const events = new EventSource("/__canon/events");
  events.addEventListener("reload", () => {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  });
  events.addEventListener("css", () => {
    hide();
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set("canon", String(Date.now()));
      link.href = url.toString();
    }
  });
  events.addEventListener("failed", (e) => show(JSON.parse(e.data)));
  events.addEventListener("ok", hide);
})();
