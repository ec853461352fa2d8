#!/usr/bin/python3
"""socks_request.py SERVER PORT NAME [5|4a] [--mark]: one SOCKS CONNECT to
NAME:80, whose bytes may be anything (Python escapes such as \\r \\n \\x01
are read). SERVER "gateway" is the default route's next hop. Prints
"reply=N" (SOCKS5's REP, SOCKS4's CD), "closed" or "reset" if the server
ends the connection without one, "timeout" after 5 s. With --mark, first
tries to give the socket a firewall mark (SO_MARK) and prints whether it
could."""
import socket
import subprocess
import sys

args = [a for a in sys.argv[1:] if a != "--mark"]
server, port, name = args[0], int(args[1]), args[2]
version = args[3] if len(args) > 3 else "5"
if server == "gateway":
    server = subprocess.run(["ip", "route", "show", "default"], capture_output=True,
                            text=True).stdout.split()[2]
raw = name.encode("latin-1").decode("unicode_escape").encode("latin-1")
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(5)
if "--mark" in sys.argv:
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, 0x746F72)
        print("mark=set")
    except PermissionError:
        print("mark=refused")


def recv_exact(n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


try:
    s.connect((server, port))
    if version == "4a":
        s.sendall(b"\x04\x01\x00\x50\x00\x00\x00\x01user\x00" + raw + b"\x00")
        print("reply=%d" % recv_exact(8)[1])
    else:
        s.sendall(b"\x05\x01\x00")
        recv_exact(2)
        s.sendall(b"\x05\x01\x00\x03" + bytes([len(raw)]) + raw + b"\x00\x50")
        print("reply=%d" % recv_exact(10)[1])
except EOFError:
    print("closed")
except ConnectionResetError:
    print("reset")
except socket.timeout:
    print("timeout")
