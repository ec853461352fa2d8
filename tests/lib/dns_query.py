#!/usr/bin/python3
"""dns_query.py SERVER PORT NAME: one A query over UDP for NAME, whose
labels may hold any byte (Python escapes such as \\r \\n \\x01 are read);
SERVER "gateway" is the default route's next hop. Prints "rcode=N" of the
answer, or "timeout" after 3 s."""
import socket
import struct
import subprocess
import sys

server, port, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if server == "gateway":
    server = subprocess.run(["ip", "route", "show", "default"], capture_output=True,
                            text=True).stdout.split()[2]
raw = name.encode("latin-1").decode("unicode_escape").encode("latin-1")
question = b"".join(bytes([len(label)]) + label for label in raw.split(b".")) + b"\0"
query = struct.pack(">HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0) + question + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(query, (server, port))
try:
    answer, _ = s.recvfrom(4096)
except socket.timeout:
    print("timeout")
else:
    print("rcode=%d id=%s" % (answer[3] & 0x0F, "same" if answer[:2] == b"\x42\x42" else "other"))
