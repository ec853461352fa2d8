#!/usr/bin/python3
"""A small Tor ControlPort client for the tests (standard library only).

Authenticates with the cookie file, then one of:

  bootstrap --timeout S   polls status/bootstrap-phase; prints a line on
                          stderr each time the progress changes ("host tor:
                          45% (loading relay descriptors)"); exits 0 at 100%,
                          1 on timeout.
  getinfo KEY             prints the value of GETINFO KEY.
  signal NAME             SIGNAL NAME (NEWNYM, for instance).
  events FILE [--events E] SETEVENTS E (default "CIRC STREAM"); appends
                          every event line to FILE (flushed at once) until
                          killed or tor closes the connection.
"""

import argparse
import socket
import sys
import time


class Control:
    def __init__(self, host, port, cookie):
        self.sock = socket.create_connection((host, port), timeout=10)
        self.buf = b""
        with open(cookie, "rb") as f:
            secret = f.read()
        self.command("AUTHENTICATE " + secret.hex())

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise EOFError("tor closed the control connection")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\r\n")
        return line.decode("utf-8", "replace")

    def reply(self):
        """All lines of one reply; a data block (250+) is folded in."""
        lines = []
        while True:
            line = self.line()
            lines.append(line)
            if len(line) >= 4 and line[3] == "+":
                while True:
                    data = self.line()
                    if data == ".":
                        break
                    lines.append(data)
            elif len(line) >= 4 and line[3] == " ":
                return lines

    def command(self, text):
        self.sock.sendall(text.encode() + b"\r\n")
        lines = self.reply()
        if not lines[-1].startswith("250"):
            raise RuntimeError("%s: %s" % (text.split()[0], lines[-1]))
        return lines

    def getinfo(self, key):
        lines = self.command("GETINFO " + key)
        first = lines[0][4:]
        if first.startswith(key + "="):
            return "\n".join([first[len(key) + 1:]] + lines[1:-1]).strip()
        return "\n".join(lines[1:-1]).strip()


def bootstrap(ctl, timeout):
    last = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        phase = ctl.getinfo("status/bootstrap-phase")
        fields = dict(f.split("=", 1) for f in phase.split() if "=" in f)
        progress = fields.get("PROGRESS", "?")
        summary = phase.split('SUMMARY="', 1)[-1].split('"', 1)[0]
        if progress != last:
            print("host tor: %s%% (%s)" % (progress, summary), file=sys.stderr, flush=True)
            last = progress
        if progress == "100":
            return 0
        time.sleep(0.25)
    print("host tor: not bootstrapped in time", file=sys.stderr)
    return 1


def events(ctl, path, names):
    ctl.sock.settimeout(None)
    ctl.command("SETEVENTS " + names)
    with open(path, "a") as out:
        out.write("ready\n")
        out.flush()
        while True:
            try:
                line = ctl.line()
            except (EOFError, OSError):
                return 0
            if line.startswith("650"):
                out.write(line[4:] + "\n")
                out.flush()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9051)
    p.add_argument("--cookie", required=True)
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("bootstrap")
    b.add_argument("--timeout", type=int, default=120)
    g = sub.add_parser("getinfo")
    g.add_argument("key")
    s = sub.add_parser("signal")
    s.add_argument("name")
    e = sub.add_parser("events")
    e.add_argument("file")
    e.add_argument("--events", default="CIRC STREAM")
    a = p.parse_args()
    try:
        if a.cmd == "bootstrap":
            # tor opens its ControlPort and writes the cookie a moment
            # after it starts: keep trying until the deadline
            deadline = time.monotonic() + a.timeout
            while True:
                try:
                    ctl = Control(a.host, a.port, a.cookie)
                    break
                except (OSError, RuntimeError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            return bootstrap(ctl, max(1, deadline - time.monotonic()))
        ctl = Control(a.host, a.port, a.cookie)
        if a.cmd == "getinfo":
            print(ctl.getinfo(a.key))
            return 0
        if a.cmd == "signal":
            ctl.command("SIGNAL " + a.name)
            return 0
        return events(ctl, a.file, a.events)
    except (OSError, EOFError, RuntimeError) as err:
        print("torctl: %s" % err, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
