#!/usr/bin/python3
"""A client of Tor's control protocol for the tests, run inside a sandbox:
it speaks to the control port it is given (by default the sandbox's own
127.0.0.1:9051, which torgate leads to the filter) and prints a transcript.

Each argument is a step:
  send:LINE     send LINE; print "> LINE" and each line of the reply as
                "< LINE" (events that arrive meanwhile as "event: LINE")
  spawn:SHELL   run SHELL (sh -c) to its end; print "spawned: STATUS"
  await:REGEX   read events until one matches REGEX (60 s at most); print
                "event: LINE" for each, "timeout: REGEX" if none came
Exits 0 when every step ran (whatever the replies), 1 if the connection
failed or closed.
"""

import re
import socket
import subprocess
import sys
import time


class Conn:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=60)
        self.buf = b""

    def line(self, deadline=None):
        while b"\r\n" not in self.buf:
            if deadline is not None:
                self.sock.settimeout(max(0.1, deadline - time.monotonic()))
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the control connection closed")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\r\n")
        return line.decode("utf-8", "replace")


def send(conn, text):
    print("> " + text, flush=True)
    conn.sock.sendall(text.encode() + b"\r\n")
    in_data = False
    while True:
        line = conn.line()
        if in_data:
            print("< " + line, flush=True)
            in_data = line != "."
            continue
        if line.startswith("650"):
            print("event: " + line, flush=True)
            continue
        print("< " + line, flush=True)
        if len(line) >= 4 and line[3] == "+":
            in_data = True
        elif len(line) < 4 or line[3] == " ":
            return


def await_event(conn, pattern):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            line = conn.line(deadline)
        except socket.timeout:
            break
        print("event: " + line, flush=True)
        if re.search(pattern, line):
            return
    print("timeout: " + pattern, flush=True)


def main():
    host, port = "127.0.0.1", 9051
    steps = sys.argv[1:]
    if steps and steps[0].startswith("--to="):
        host, port = steps[0][5:].rsplit(":", 1)
        port = int(port)
        steps = steps[1:]
    try:
        conn = Conn(host, port)
        for step in steps:
            kind, _, arg = step.partition(":")
            if kind == "send":
                send(conn, arg)
            elif kind == "spawn":
                status = subprocess.run(["sh", "-c", arg]).returncode
                print("spawned: %d" % status, flush=True)
            elif kind == "await":
                await_event(conn, arg)
    except (OSError, EOFError) as e:
        print("closed: %s" % e, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
