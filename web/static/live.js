// Live updates for any page whose <main> says data-live: the page is fetched again every
// two seconds and <main> replaced, until the new page no longer says data-live. The server
// renders everything; this only refreshes it. A page where someone is typing is left alone.
const INTERVAL_MS = 2000;
let dirty = false;

document.addEventListener("input", () => { dirty = true; });

async function refresh() {
  const main = document.getElementById("main");
  if (!main || !main.dataset.live) return;
  const active = document.activeElement;
  const typing = active && main.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName);
  if (!dirty && !typing && !document.hidden) {
    try {
      const response = await fetch(location.href, { headers: { "Accept": "text/html" } });
      if (response.ok) {
        const next = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("main");
        if (next) {
          main.innerHTML = next.innerHTML;
          if (!next.dataset.live) delete main.dataset.live;
        }
      }
    } catch (_) { /* the server may be restarting; try again next time */ }
  }
  if (main.dataset.live) setTimeout(refresh, INTERVAL_MS);
}

setTimeout(refresh, INTERVAL_MS);
