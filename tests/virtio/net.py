#!/usr/bin/env python3
"""virtio-net with user networking (libslirp) and a real Linux guest: the
guest gets 10.0.2.15 by DHCP, fetches a page from an HTTP server this test runs
on the host's loopback (through slirp's gateway, 10.0.2.2), and the host
fetches a page from busybox httpd in the guest through a hostfwd rule; a UDP
hostfwd carries a datagram from a host socket to busybox nc in the guest and
its answer back. eth0 must sit on the transport --transport asks for."""
import http.server
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kite_testlib import GuestShell, fail, kite_and_transport, require_default_riscv_guest  # noqa: E402

kite, transport = kite_and_transport()
# Every check below boots the default guest (the busy-port one too, since Kite
# reads its kernel before it opens the forwards): skip without it.
require_default_riscv_guest()

PAGE = b"hello from the host's web server\n"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *a):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
host_port = server.server_address[1]

# A forward from a host port that is taken is a usage error, before any boot.
with socket.socket() as taken:
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    busy = taken.getsockname()[1]
    r = subprocess.run([kite, "run", "--serial", "none", "--net", f"user,hostfwd=tcp:127.0.0.1:{busy}-:80"],
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    if r.returncode != 2 or "in use" not in r.stderr:
        fail(f"hostfwd from a busy port: status {r.returncode}, stderr {r.stderr!r}")

with socket.socket() as s:  # free ports for the forwards
    s.bind(("127.0.0.1", 0))
    fwd_port = s.getsockname()[1]
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.bind(("127.0.0.1", 0))
    udp_port = s.getsockname()[1]

guest = GuestShell(kite, ["--serial", "stdio",
                          "--net", f"user,hostfwd=tcp:127.0.0.1:{fwd_port}-:8080,"
                                   f"hostfwd=udp:127.0.0.1:{udp_port}-:5555,transport={transport}"])
# Host I/O has its own thread next to the vCPU's.
threads = set()
for tid in os.listdir(f"/proc/{guest.proc.pid}/task"):
    with open(f"/proc/{guest.proc.pid}/task/{tid}/comm") as f:
        threads.add(f.read().strip())
if not {"kite-io", "kite-vcpu0"} <= threads:
    guest.fail(f"expected threads kite-io and kite-vcpu0, found {sorted(threads)}")
guest.require_transport("/sys/class/net/eth0/device", transport, "eth0")
status, out = guest.run("udhcpc -i eth0 -n -q -t 5 -T 2", timeout=60)
if status != 0 or "10.0.2.15" not in out:
    guest.fail(f"DHCP failed ({status}):\n{out}")
status, out = guest.run(f"wget -q -O - http://10.0.2.2:{host_port}/page", timeout=60)
if status != 0 or PAGE.decode().strip() not in out:
    guest.fail(f"the guest could not fetch from the host ({status}):\n{out}")

guest.run("httpd -p 8080 -h /var/www", check=True)
body = None
deadline = time.monotonic() + 30
while time.monotonic() < deadline and body is None:
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{fwd_port}/index.html", timeout=10).read()
    except OSError:
        time.sleep(0.5)
if body is None or b"kite guest httpd" not in body:
    guest.fail(f"the host could not fetch from the guest's httpd through hostfwd: {body!r}")

# UDP through the forward: the guest's nc takes the host's datagram and
# answers its sender, which slirp carries back to the host socket.
guest.run("(echo pong-from-guest | nc -u -l -p 5555 > /tmp/udp.txt 2>&1 &)", check=True)
reply = None
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
    udp.settimeout(0.5)
    deadline = time.monotonic() + 20
    while reply is None and time.monotonic() < deadline:
        udp.sendto(b"ping-from-host\n", ("127.0.0.1", udp_port))  # again until nc listens
        try:
            reply = udp.recv(512)
        except OSError:
            pass
_, received = guest.run("cat /tmp/udp.txt")
if reply is None or b"pong-from-guest" not in reply or "ping-from-host" not in received:
    guest.fail(f"UDP through hostfwd :{udp_port}: the host got {reply!r}, the guest got {received!r}")
guest.poweroff(check=True)
server.shutdown()
print(f"ok: DHCP gave 10.0.2.15; guest fetched from host :{host_port}; host fetched from guest httpd via "
      f"hostfwd :{fwd_port}; a UDP datagram and its answer through hostfwd :{udp_port} ({transport})")
