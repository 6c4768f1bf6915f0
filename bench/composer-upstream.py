#!/usr/bin/env python3
"""A synthetic WordPress.org for bench/composer.sh: PLUGINS plugins with VERSIONS versions each,
answering in the real shapes (svn listing, info API plugin_information with versions, the
recently-updated query_plugins feed). POST /control/bump?count=N gives N plugins a new version and
a newer last_updated, as a busy hour on WordPress.org would. Listens on 127.0.0.1 only.

    python3 bench/composer-upstream.py PORT PLUGINS VERSIONS
"""
import json
import sys
import threading
import time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
from urllib.parse import urlparse, parse_qs

port, count, versions = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
slugs = [f"plugin-{i:05d}" for i in range(count)]
# slug -> (number of versions, last_updated epoch)
state = {s: (versions, 1_700_000_000 + i) for i, s in enumerate(slugs)}
lock = threading.Lock()
base = f"http://127.0.0.1:{port}"


def wp_date(epoch):
    return time.strftime("%Y-%m-%d %I:%M%p GMT", time.gmtime(epoch)).replace("AM", "am").replace("PM", "pm")


def info(slug):
    n, updated = state[slug]
    vs = {f"1.{k}.0": f"{base}/plugin/{slug}.1.{k}.0.zip" for k in range(n)}
    vs["trunk"] = f"{base}/plugin/{slug}.zip"
    return {
        "name": slug.replace("-", " ").title(), "slug": slug, "version": f"1.{n - 1}.0",
        "author": '<a href="https://example.org/">Bench Author</a>', "requires": "6.0", "tested": "6.6",
        "requires_php": "7.4", "last_updated": wp_date(updated), "homepage": f"https://example.org/{slug}/",
        "short_description": f"Synthetic plugin {slug} for the Composer benchmark.",
        "download_link": f"{base}/plugin/{slug}.1.{n - 1}.0.zip", "active_installs": 100, "versions": vs,
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as separate writes; without this, Nagle + delayed ACKs cap a
    # kept-alive connection at ~25 requests/s.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def send(self, status, body, kind="application/json"):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path.rstrip("/") == "/svn":
            items = "\n".join(f'  <li><a href="{s}/">{s}/</a></li>' for s in slugs)
            return self.send(200, f"<html><body><h2>Revision 1: /</h2>\n<ul>\n{items}\n</ul></body></html>", "text/html")
        if url.path.startswith("/plugins/info/1.2"):
            if q.get("action") == "query_plugins":
                page, per = int(q.get("request[page]", 1)), int(q.get("request[per_page]", 250))
                with lock:
                    ordered = sorted(state.items(), key=lambda kv: -kv[1][1])
                chunk = ordered[(page - 1) * per: page * per]
                plugins = [{"slug": s, "version": f"1.{n - 1}.0", "last_updated": wp_date(u)} for s, (n, u) in chunk]
                pages = (len(ordered) + per - 1) // per
                return self.send(200, json.dumps({"info": {"page": page, "pages": pages, "results": len(ordered)}, "plugins": plugins}))
            slug = q.get("request[slug]", "")
            with lock:
                known = slug in state
                body = json.dumps(info(slug)) if known else None
            return self.send(200, body) if known else self.send(404, '{"error":"Plugin not found."}')
        self.send(404, "not found", "text/plain")

    def do_POST(self):
        url = urlparse(self.path)
        if url.path == "/control/bump":
            n = int(parse_qs(url.query).get("count", ["100"])[0])
            now = int(time.time())
            with lock:
                for i, s in enumerate(slugs[::max(1, len(slugs) // n)][:n]):
                    state[s] = (state[s][0] + 1, now + i)
            return self.send(200, json.dumps({"bumped": n}))
        self.send(404, "not found", "text/plain")


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
