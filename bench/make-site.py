#!/usr/bin/env python3
"""Writes a deterministic 1,000-file static site for bench/deploy.sh.

    make-site.py DIR [COUNT]

DIR/index.html, DIR/404.html, then HTML pages in nested folders (docs/<section>/<chapter>/),
stylesheets, scripts and small images (PNG-like binary blobs and SVGs), each 2-20 KB, the
same bytes on every run (seeded). Prints the number of files and bytes written.
"""
import os
import random
import sys

root = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
rng = random.Random(1000)

WORDS = ("ferry workload build deploy manifest static site commit branch folder reconcile job "
         "trigger source plugin revision verify rollback live current release cache header "
         "request response latency throughput immutable atomic rename symlink history").split()


def text(size):
    out, n = [], 0
    while n < size:
        w = rng.choice(WORDS)
        out.append(w)
        n += len(w) + 1
    return " ".join(out)[:size]


def html(title, size):
    head = f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>" \
           f"<link rel=\"stylesheet\" href=\"/assets/css/site-0.css\"></head>\n<body><h1>{title}</h1>\n"
    tail = "\n</body></html>\n"
    body, n = [], len(head) + len(tail)
    while n < size:
        p = f"<p>{text(rng.randint(200, 600))}</p>\n"
        body.append(p)
        n += len(p)
    return (head + "".join(body))[: max(size - len(tail), len(head))] + tail


def css(size):
    out, n, i = [], 0, 0
    while n < size:
        rule = f".c{i} {{ margin: {rng.randint(0, 40)}px; color: #{rng.randrange(1 << 24):06x}; }}\n"
        out.append(rule)
        n += len(rule)
        i += 1
    return "".join(out)


def js(size):
    out, n, i = ["\"use strict\";\n"], 0, 0
    while n < size:
        fn = f"function f{i}(a, b) {{ return a * {rng.randint(1, 99)} + b; /* {text(60)} */ }}\n"
        out.append(fn)
        n += len(fn)
        i += 1
    return "".join(out)


def svg(size):
    out = ["<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 100\">\n"]
    n = len(out[0])
    while n < size - 7:
        c = f"<circle cx=\"{rng.randint(0, 99)}\" cy=\"{rng.randint(0, 99)}\" r=\"{rng.randint(1, 20)}\"/>\n"
        out.append(c)
        n += len(c)
    out.append("</svg>\n")
    return "".join(out)


def png(size):
    return b"\x89PNG\r\n\x1a\n" + rng.randbytes(size - 8)


def write(rel, data):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)
    return len(data)


size = lambda: rng.randint(2 * 1024, 20 * 1024)
files = [("index.html", lambda: html("Home", 10 * 1024)), ("404.html", lambda: html("Not found", 3 * 1024))]
n_css, n_js, n_img = count // 10, count * 15 // 100, count * 15 // 100
for i in range(n_css):
    files.append((f"assets/css/site-{i}.css", lambda: css(size())))
for i in range(n_js):
    files.append((f"assets/js/{'vendor' if i % 3 == 0 else 'app'}/mod-{i}.js", lambda: js(size())))
for i in range(n_img):
    if i % 2:
        files.append((f"assets/img/icons/icon-{i}.svg", lambda: svg(size())))
    else:
        files.append((f"assets/img/photos/photo-{i}.png", lambda: png(size())))
i = 0
while len(files) < count:
    section, chapter = i % 10, (i // 10) % 5
    files.append((f"docs/section-{section}/chapter-{chapter}/page-{i}.html", lambda i=i: html(f"Page {i}", size())))
    i += 1

total = sum(write(rel, make()) for rel, make in files)
print(f"{len(files)} files, {total} bytes")
