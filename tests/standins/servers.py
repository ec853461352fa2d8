#!/usr/bin/python3
"""Stand-in network services for torgate's tests (standard library only).

Every subcommand takes one or more --listen ADDR:PORT (IPv6 as [ADDR]:PORT)
and --log FILE.  One line is appended (and flushed at once) to FILE per
event.  The process serves until killed.

  transport  Tor TransPort stand-in (TCP).  Reads the original destination
             with SO_ORIGINAL_DST (no conntrack entry -> the local address;
             other errors -> "orig=ERR:ERRNONAME"), logs "peer=IP:PORT orig=IP:PORT", replies
             "HTTP/1.0 200 OK ... TRANSPORT orig=IP:PORT peer=IP\\n".
  dns        DNS (UDP).  A records from a fixture; logs "peer=IP qname=NAME"
             (or "client=IP qname=NAME" with --log-key client).
             --fixture tor    : www.example.test and *.onion answered
             --fixture inet   : www.example.test, git.example.test and
                                ssh.example.test (default)
  socks      SOCKS5 no-auth CONNECT (IPv4, IPv6, domain), SOCKS4 and 4a.  Logs
             "peer=IP target=HOST:PORT", then answers one HTTP request with
             "SOCKS target=HOST:PORT\\n".
  web        HTTP.  Logs "client=IP", answers "LABEL client=IP\\n"
             (--label, default INTERNET).
  banner     TCP.  Logs "peer=IP", sends --reply (default "250 OK\\r\\n"),
             closes.
  control    Tor ControlPort stand-in (TCP).  AUTHENTICATE with the hex of
             the --cookie file's 32 bytes, then GETINFO
             status/bootstrap-phase answers PROGRESS=--progress, GETINFO
             version "0.4.7.99", GETINFO circuit-status two circuits (1 and
             2), SETEVENTS, SIGNAL NEWNYM and CLOSECIRCUIT "250 OK" (SETEVENTS followed by
             a STREAM event of the source address 10.118.0.2).  Logs
             "peer=IP command=WORD" per command.
"""

import argparse
import errno
import re
import socket
import socketserver
import struct
import sys
import threading

SO_ORIGINAL_DST = 80          # SOL_IP, and IP6T_SO_ORIGINAL_DST at SOL_IPV6

_log_lock = threading.Lock()
_log_file = None


def log(line):
    with _log_lock:
        _log_file.write(line + "\n")
        _log_file.flush()


def parse_addr(text):
    """'1.2.3.4:80' or '[::1]:80' -> (family, host, port)."""
    if text.startswith("["):
        host, _, port = text[1:].partition("]:")
        return socket.AF_INET6, host, int(port)
    host, _, port = text.rpartition(":")
    if ":" in host:
        raise SystemExit("IPv6 listen address must be written [ADDR]:PORT")
    return socket.AF_INET, host, int(port)


def unmap(ip):
    return ip[7:] if ip.startswith("::ffff:") else ip


def fmt_hostport(ip, port):
    return "[%s]:%d" % (ip, port) if ":" in ip else "%s:%d" % (ip, port)


def make_tcp_server(family, host, port, handler):
    class Server(socketserver.ThreadingTCPServer):
        address_family = family
        allow_reuse_address = True
        daemon_threads = True
        request_queue_size = 64

        def server_bind(self):
            if family == socket.AF_INET6:
                self.socket.setsockopt(socket.IPPROTO_IPV6,
                                       socket.IPV6_V6ONLY, 1)
            super().server_bind()

        def handle_error(self, request, client_address):
            pass            # a client resetting the connection is not news
    return Server((host, port), handler)


def make_udp_server(family, host, port, handler):
    class Server(socketserver.ThreadingUDPServer):
        address_family = family
        allow_reuse_address = True
        daemon_threads = True

        def server_bind(self):
            if family == socket.AF_INET6:
                self.socket.setsockopt(socket.IPPROTO_IPV6,
                                       socket.IPV6_V6ONLY, 1)
            super().server_bind()
    return Server((host, port), handler)


def read_request(sock, timeout):
    """Read until end of HTTP headers, EOF or timeout; return bytes."""
    sock.settimeout(timeout)
    data = b""
    try:
        while b"\r\n\r\n" not in data and b"\n\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
            if len(data) > 65536:
                break
    except (socket.timeout, OSError):
        pass
    return data


def finish(sock, payload):
    try:
        sock.settimeout(2)
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)
        # drain briefly so the close doesn't turn into an RST
        sock.settimeout(0.2)
        while sock.recv(4096):
            pass
    except OSError:
        pass


# ---------------------------------------------------------------- transport
def original_dst(sock):
    if sock.family == socket.AF_INET6:
        raw = sock.getsockopt(socket.IPPROTO_IPV6, SO_ORIGINAL_DST, 28)
        port = struct.unpack("!H", raw[2:4])[0]
        ip = socket.inet_ntop(socket.AF_INET6, raw[8:24])
        return ip, port
    raw = sock.getsockopt(socket.SOL_IP, SO_ORIGINAL_DST, 16)
    port = struct.unpack("!H", raw[2:4])[0]
    ip = socket.inet_ntoa(raw[4:8])
    return ip, port


class TransportHandler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        peer_ip, peer_port = unmap(self.client_address[0]), self.client_address[1]
        try:
            oip, oport = original_dst(sock)
        except OSError as e:
            if e.errno != errno.ENOENT:
                oip, oport = "ERR", e.errno
            else:
                # ENOENT: conntrack has no entry for this connection (nothing
                # in this namespace uses conntrack, so nothing was NATed):
                # the original destination is the local address itself.
                oip, oport = sock.getsockname()[:2]
        if oip == "ERR":
            orig = "ERR:" + errno.errorcode.get(oport, str(oport))
        else:
            orig = fmt_hostport(unmap(oip), oport)
        log("peer=%s orig=%s" % (fmt_hostport(peer_ip, peer_port), orig))
        read_request(sock, 0.5)
        finish(sock, ("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n"
                      "TRANSPORT orig=%s peer=%s\n" % (orig, peer_ip)).encode())


# ---------------------------------------------------------------------- dns
FIXTURES = {
    "inet": {"www.example.test": "203.0.113.10",
             "git.example.test": "203.0.113.11",
             "ssh.example.test": "203.0.113.22"},
    "tor": {"www.example.test": "203.0.113.10", ".onion": "10.192.0.77"},
}


def parse_qname(msg, off):
    labels = []
    while True:
        n = msg[off]
        off += 1
        if n == 0:
            break
        if n & 0xC0:
            raise ValueError("compressed name in question")
        labels.append(msg[off:off + n].decode("ascii", "replace"))
        off += n
    return ".".join(labels), off


def lookup(fixture, name):
    name = name.lower().rstrip(".")
    if name in fixture:
        return fixture[name]
    if ".onion" in fixture and (name == "onion" or name.endswith(".onion")):
        return fixture[".onion"]
    return None


def make_dns_handler(fixture, log_key):
    class DnsHandler(socketserver.BaseRequestHandler):
        def handle(self):
            data, sock = self.request
            peer = unmap(self.client_address[0])
            if len(data) < 12:
                return
            qid, flags, qd = struct.unpack("!HHH", data[:6])
            if flags & 0x8000 or qd < 1:
                return
            try:
                qname, off = parse_qname(data, 12)
                qtype, qclass = struct.unpack("!HH", data[off:off + 4])
            except (ValueError, IndexError, struct.error):
                return
            log("%s=%s qname=%s" % (log_key, peer, qname))
            question = data[12:off + 4]
            addr = lookup(fixture, qname)
            answers = b""
            ancount = 0
            if addr is None:
                rcode = 3                       # NXDOMAIN
            else:
                rcode = 0
                if qtype in (1, 255) and qclass == 1:   # A / ANY
                    answers = (b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4)
                               + socket.inet_aton(addr))
                    ancount = 1
                # other types: NOERROR, no data
            rflags = 0x8000 | (flags & 0x7900) | 0x0080 | rcode  # QR,op,RD,RA
            reply = struct.pack("!HHHHHH", qid, rflags, 1, ancount, 0, 0)
            try:
                sock.sendto(reply + question + answers, self.client_address)
            except OSError:
                pass
    return DnsHandler


# -------------------------------------------------------------------- socks
def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("eof")
        buf += chunk
    return buf


class SocksHandler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        peer = unmap(self.client_address[0])
        sock.settimeout(3)
        try:
            ver, nmeth = recv_exact(sock, 2)
            if ver == 4:
                target = self.socks4(sock, peer, nmeth)
                if not target:
                    return
            elif ver != 5:
                log("peer=%s error=version%d" % (peer, ver))
                return
            else:
                target = self.socks5(sock, peer, nmeth)
                if not target:
                    return
        except (OSError, ConnectionError, ValueError):
            return
        request = read_request(sock, 1.0)
        words = request.split(b" ", 2)
        if len(words) > 1 and words[1].startswith(b"/bytes/"):
            # GET /bytes/N: N bytes back; POST /bytes/0 with a body: its length
            head, _, body = request.partition(b"\r\n\r\n")
            length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
            try:
                sock.settimeout(10)
                while length and len(body) < int(length.group(1)):
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    body += chunk
            except OSError:
                return
            log("peer=%s bytes-in=%d" % (peer, len(body)))
            finish(sock, b"HTTP/1.0 200 OK\r\n\r\n" + b"x" * int(words[1][7:] or 0) +
                   ("received=%d\n" % len(body)).encode())
            return
        finish(sock, ("HTTP/1.0 200 OK\r\n\r\nSOCKS target=%s\n" % target).encode())

    @staticmethod
    def socks4(sock, peer, cmd):
        """SOCKS4 and 4a: the target granted, or None."""
        head = recv_exact(sock, 6)
        port = struct.unpack("!H", head[:2])[0]
        fields, data = [], b""
        while len(fields) < (2 if head[2:5] == b"\0\0\0" and head[5] else 1):
            data += recv_exact(sock, 1)
            if data.endswith(b"\0"):
                fields.append(data[:-1])
                data = b""
        host = fields[1].decode("ascii", "replace") if len(fields) > 1 else socket.inet_ntoa(head[2:6])
        target = "%s:%d" % (host, port)
        log("peer=%s socks4 cmd=%d target=%s" % (peer, cmd, target))
        sock.sendall(b"\0\x5a" + b"\0" * 6)
        return target

    @staticmethod
    def socks5(sock, peer, nmeth):
        """SOCKS5 no-auth: the target granted, or None."""
        methods = recv_exact(sock, nmeth)
        if 0 not in methods:
            sock.sendall(b"\x05\xff")
            log("peer=%s error=noauth-not-offered" % peer)
            return
        sock.sendall(b"\x05\x00")
        ver, cmd, _, atyp = recv_exact(sock, 4)
        if atyp == 1:
            host = socket.inet_ntoa(recv_exact(sock, 4))
        elif atyp == 3:
            n = recv_exact(sock, 1)[0]
            host = recv_exact(sock, n).decode("ascii", "replace")
        elif atyp == 4:
            host = "[%s]" % socket.inet_ntop(socket.AF_INET6,
                                              recv_exact(sock, 16))
        else:
            sock.sendall(b"\x05\x08\x00\x01" + b"\0" * 6)
            log("peer=%s error=atyp%d" % (peer, atyp))
            return
        port = struct.unpack("!H", recv_exact(sock, 2))[0]
        target = "%s:%d" % (host, port)
        if cmd != 1:
            sock.sendall(b"\x05\x07\x00\x01" + b"\0" * 6)
            log("peer=%s error=cmd%d target=%s" % (peer, cmd, target))
            return
        log("peer=%s target=%s" % (peer, target))
        sock.sendall(b"\x05\x00\x00\x01" + b"\0" * 6)
        return target


# ---------------------------------------------------------------------- web
def make_web_handler(label, path_log):
    class WebHandler(socketserver.BaseRequestHandler):
        def handle(self):
            sock = self.request
            peer = unmap(self.client_address[0])
            req = read_request(sock, 2.0)
            if not req:
                return
            log("client=%s" % peer)
            if path_log:
                words = req.split(b"\r\n", 1)[0].split()
                path = words[1].decode("latin-1") if len(words) > 1 else "-"
                with _log_lock, open(path_log, "a") as f:
                    f.write("client=%s path=%s\n" % (peer, path))
            body = ("%s client=%s\n" % (label, peer)).encode()
            head = ("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                    "Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
            finish(sock, head.encode() + body)
    return WebHandler


# ------------------------------------------------------------------- banner
def make_banner_handler(reply):
    class BannerHandler(socketserver.BaseRequestHandler):
        def handle(self):
            log("peer=%s" % unmap(self.client_address[0]))
            finish(self.request, reply)
    return BannerHandler


# ------------------------------------------------------------------ control
def make_control_handler(cookie_file, progress):
    class ControlHandler(socketserver.StreamRequestHandler):
        def handle(self):
            cookie = open(cookie_file, "rb").read().hex() if cookie_file else ""
            authed = False
            for raw in self.rfile:
                line = raw.decode("latin-1").strip()
                word = line.split(" ", 1)[0].upper()
                log("peer=%s command=%s" % (unmap(self.client_address[0]), word))
                if word == "AUTHENTICATE":
                    given = line.split(" ", 1)[1] if " " in line else ""
                    authed = given.lower() == cookie
                    self.wfile.write(b"250 OK\r\n" if authed else
                                     b"515 Authentication failed\r\n")
                elif not authed:
                    self.wfile.write(b"514 Authentication required.\r\n")
                elif line == "GETINFO status/bootstrap-phase":
                    self.wfile.write(("250-status/bootstrap-phase=NOTICE BOOTSTRAP PROGRESS=%d "
                                      "TAG=done SUMMARY=\"Done\"\r\n250 OK\r\n" % progress).encode())
                elif line == "GETINFO version":
                    self.wfile.write(b"250-version=0.4.7.99 (stand-in)\r\n250 OK\r\n")
                elif line == "GETINFO circuit-status":
                    self.wfile.write(b"250+circuit-status=\r\n1 BUILT $A~a PURPOSE=GENERAL\r\n"
                                     b"2 BUILT $B~b PURPOSE=GENERAL\r\n.\r\n250 OK\r\n")
                elif word == "SETEVENTS":
                    self.wfile.write(b"250 OK\r\n650 STREAM 7 NEW 0 203.0.113.10:80 "
                                     b"SOURCE_ADDR=10.118.0.2:40000 PURPOSE=USER\r\n"
                                     b"650 STREAM 7 SENTCONNECT 1 203.0.113.10:80\r\n")
                elif line == "SIGNAL NEWNYM" or word == "CLOSECIRCUIT":
                    self.wfile.write(b"250 OK\r\n")
                else:
                    self.wfile.write(b"510 Unrecognized command\r\n")
                self.wfile.flush()
    return ControlHandler


def unescape(s):
    return s.encode().decode("unicode_escape").encode("latin-1")


def main():
    global _log_file
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=["transport", "dns", "socks", "web", "banner", "control"])
    p.add_argument("--listen", action="append", required=True,
                   help="ADDR:PORT or [ADDR]:PORT; may be repeated")
    p.add_argument("--log", required=True)
    p.add_argument("--fixture", choices=sorted(FIXTURES), default="inet")
    p.add_argument("--log-key", default="peer", help="dns: peer or client")
    p.add_argument("--label", default="INTERNET", help="web: body label")
    p.add_argument("--path-log", help="web: also a log of \"client=IP path=PATH\" lines")
    p.add_argument("--reply", default="250 OK\\r\\n",
                   help="banner: reply (backslash escapes allowed)")
    p.add_argument("--cookie", help="control: the cookie file")
    p.add_argument("--progress", type=int, default=100, help="control: bootstrap percent")
    a = p.parse_args()

    _log_file = open(a.log, "a", buffering=1)

    servers = []
    for spec in a.listen:
        fam, host, port = parse_addr(spec)
        if a.kind == "dns":
            srv = make_udp_server(fam, host, port,
                                  make_dns_handler(FIXTURES[a.fixture], a.log_key))
        else:
            handler = {
                "transport": lambda: TransportHandler,
                "socks": lambda: SocksHandler,
                "web": lambda: make_web_handler(a.label, a.path_log),
                "banner": lambda: make_banner_handler(unescape(a.reply)),
                "control": lambda: make_control_handler(a.cookie, a.progress),
            }[a.kind]()
            srv = make_tcp_server(fam, host, port, handler)
        servers.append(srv)

    threads = [threading.Thread(target=s.serve_forever, daemon=True)
               for s in servers]
    for t in threads:
        t.start()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
