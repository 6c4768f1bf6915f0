"""A git host on 127.0.0.1 that answers nothing for a while: a deploy from it stays running,
long enough to watch the job page live and to cancel it. Every request is held at most
HOLD seconds (or until `release()`), then answered 404."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOLD = 10


class SlowGitHost:
    def __init__(self):
        self.released = threading.Event()
        released = self.released

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                released.wait(HOLD)
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/site.git"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def release(self):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
