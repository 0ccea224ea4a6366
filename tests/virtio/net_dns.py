#!/usr/bin/env python3
"""slirp's DNS with a real Linux guest: the guest asks 10.0.2.3, which user
networking forwards to the host's resolver. So that the test needs no outside
network and knows the answer, Kite runs in private network and mount
namespaces whose /etc/resolv.conf names a small DNS server this script runs
on 127.0.0.1:53 there; it answers kite-test.example with 192.0.2.55 (a
documentation address nothing else would give) and unknown names with
NXDOMAIN. The guest learns 10.0.2.3 from DHCP and must resolve the name
through it, and must be told that an unknown name does not exist.

Run as `net_dns.py --serve-dns READY_FILE` it is that DNS server: it touches
READY_FILE once it listens and exits when its parent (Kite) does."""
import os
import socket
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from kite_testlib import GuestShell, kite_and_transport, skip  # noqa: E402

NAME = "kite-test.example"
ADDRESS = "192.0.2.55"
TYPE_A, CLASS_IN = 1, 1
RCODE_NXDOMAIN = 3


def answer(query):
    """The response to one DNS query (None for a malformed one)."""
    if len(query) < 12:
        return None
    ident, flags, qdcount = struct.unpack(">HHH", query[:6])
    labels, pos = [], 12
    while pos < len(query) and query[pos] != 0:
        length = query[pos]
        labels.append(query[pos + 1:pos + 1 + length].decode("ascii", "replace"))
        pos += 1 + length
    if qdcount != 1 or pos + 5 > len(query):
        return None
    qtype, qclass = struct.unpack(">HH", query[pos + 1:pos + 5])
    question = query[12:pos + 5]
    known = ".".join(labels).lower() == NAME
    records = b""
    if known and qtype == TYPE_A and qclass == CLASS_IN:
        # The name as a pointer to the question (offset 12), TTL 60 s.
        records = struct.pack(">HHHIH", 0xC00C, TYPE_A, CLASS_IN, 60, 4) + socket.inet_aton(ADDRESS)
    rcode = 0 if known else RCODE_NXDOMAIN
    # QR (response), the query's RD, RA; one question, 0 or 1 answers.
    header = struct.pack(">HHHHHH", ident, 0x8080 | (flags & 0x0100) | rcode, 1, 1 if records else 0, 0, 0)
    return header + question + records


def serve_dns(ready_file):
    parent = os.getppid()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 53))
        s.settimeout(0.5)
        open(ready_file, "w").close()
        while os.getppid() == parent:
            try:
                query, peer = s.recvfrom(512)
            except socket.timeout:
                continue
            response = answer(query)
            if response:
                s.sendto(response, peer)


if len(sys.argv) == 3 and sys.argv[1] == "--serve-dns":
    serve_dns(sys.argv[2])
    sys.exit(0)

kite, transport = kite_and_transport()
probe = subprocess.run(["unshare", "-n", "-m", "--", "true"], capture_output=True, text=True)
if probe.returncode != 0:
    skip(f"cannot make private network and mount namespaces: {probe.stderr.strip() or 'unshare failed'}")

with tempfile.TemporaryDirectory() as tmp:
    resolv = os.path.join(tmp, "resolv.conf")
    with open(resolv, "w") as f:
        f.write("nameserver 127.0.0.1\n")
    ready = os.path.join(tmp, "dns-ready")
    # In the namespaces: loopback up, our resolv.conf, the DNS server (its
    # parent becomes Kite through exec), then Kite once it listens.
    setup = ('ip link set lo up && mount --bind "$1" /etc/resolv.conf && '
             '{ "$2" "$3" --serve-dns "$4" & } && i=0 && '
             'while [ ! -e "$4" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done && '
             'shift 4 && exec "$@"')
    wrapper = ["/usr/bin/unshare", "-n", "-m", "--", "/bin/sh", "-c", setup, "sh",
               resolv, sys.executable, os.path.abspath(__file__), ready]
    guest = GuestShell(kite, ["--serial", "stdio", "--net", f"user,transport={transport}"], wrapper=wrapper)
    if not os.path.exists(ready):
        guest.fail("the DNS server in the namespace did not start")
    status, out = guest.run("udhcpc -i eth0 -n -q -t 5 -T 2 && cat /etc/resolv.conf", timeout=60)
    if status != 0 or "nameserver 10.0.2.3" not in out:
        guest.fail(f"DHCP did not name 10.0.2.3 as the DNS server ({status}):\n{out}")
    status, out = guest.run(f"nslookup {NAME} 10.0.2.3", timeout=40)
    if status != 0 or ADDRESS not in out:
        guest.fail(f"the guest did not resolve {NAME} to {ADDRESS} through 10.0.2.3 ({status}):\n{out}")
    status, missing = guest.run("nslookup no-such-name.example 10.0.2.3", timeout=40)
    if status == 0 or "NXDOMAIN" not in missing:
        guest.fail(f"an unknown name: expected NXDOMAIN, got status {status}:\n{missing}")
    guest.poweroff(check=True)
print(f"ok: the guest resolved {NAME} to {ADDRESS} through slirp's DNS at 10.0.2.3 ({transport}), "
      "and an unknown name gave NXDOMAIN")
