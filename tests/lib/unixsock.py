#!/usr/bin/env python3
"""UNIX sockets for the tests: a host daemon's listener, and a client.

  unixsock.py listen PATH LOG   accept forever; one line "connected pid=PID
                                comm=NAME" in LOG per connection, naming the
                                peer (made world-connectable, as daemons'
                                sockets in /run and /tmp are)
  unixsock.py connect PATH      prints "connected" or "FAIL <errno name>"
"""
import errno
import os
import socket
import struct
import sys


def listen(path, log):
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    os.chmod(path, 0o777)
    srv.listen(16)
    while True:
        conn, _ = srv.accept()
        pid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[0]
        try:
            with open("/proc/%d/comm" % pid) as f:
                comm = f.read().strip()
        except OSError:
            comm = "?"
        with open(log, "a") as f:
            f.write("connected pid=%d comm=%s\n" % (pid, comm))
        conn.close()


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
    except OSError as e:
        print("FAIL", errno.errorcode.get(e.errno, e.errno))
        return 1
    print("connected")
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "listen":
        listen(sys.argv[2], sys.argv[3])
    else:
        sys.exit(connect(sys.argv[2]))
