"""Run a command where nothing can leave the machine, and list what tried to.

``run_offline(cmd)`` starts ``cmd`` in a fresh network namespace (``unshare
-n``, as root) whose only way out is a route into a dead end, under
``strace -f``, so every
socket call of the command and of every process it starts (kaleido's
Chromium included) is logged. :func:`outbound` reads that log and returns
each attempt to reach a host other than this one: a TCP connect, a datagram
sent, or a bind to a non-loopback address. A UDP ``connect`` alone sends no
packet (Chromium does one to learn whether IPv6 is routable), so it counts
only when something is then sent on that socket.

Run as a script (``python tests/offline.py PORT``) it is the driver the
server test starts inside the namespace: it waits for the app, opens it in
headless Chromium, draws a domain page and downloads one PNG export.
"""

from __future__ import annotations

import ipaddress
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRACE = "trace=connect,sendto,sendmsg,sendmmsg,bind"
_CALL = re.compile(r"^(?P<pid>\d+)\s+(?P<call>connect|sendto|sendmsg|sendmmsg|bind)"
                   r"\((?P<fd>\d+)<(?P<proto>[A-Za-z0-9]+):")
_ADDR = re.compile(r'inet_(?:addr|pton)\((?:AF_INET6?, )?"(?P<ip>[^"]+)"')


def available() -> str | None:
    """Why the offline check cannot run here, or None when it can."""
    import os

    if os.geteuid() != 0:
        return "needs root for `unshare -n`"
    for tool in ("unshare", "strace", "ip"):
        if shutil.which(tool) is None:
            return f"needs `{tool}` (make test installs strace)"
    return None


def _local(ip: str) -> bool:
    addr = ipaddress.ip_address(ip)
    mapped = getattr(addr, "ipv4_mapped", None)
    return (mapped or addr).is_loopback or (mapped or addr).is_unspecified


def outbound(log: str) -> list[str]:
    """Lines of an ``strace -f -yy`` log that try to reach another host.

    Examples
    --------
    >>> tcp = ('7 connect(3<TCP:[9]>, {sa_family=AF_INET, sin_port=htons(443), '
    ...        'sin_addr=inet_addr("104.16.1.1")}, 16) = -1 ENETUNREACH')
    >>> probe = ('8 connect(5<UDPv6:[1]>, {sa_family=AF_INET6, sin6_port=htons(443), '
    ...          'inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr)}, 28) = -1')
    >>> loop = ('9 connect(4<TCP:[2]>, {sa_family=AF_INET, sin_port=htons(8501), '
    ...         'sin_addr=inet_addr("127.0.0.1")}, 16) = 0')
    >>> [line.split()[0] for line in outbound("\\n".join([tcp, probe, loop]))]
    ['7']
    >>> outbound(probe + "\\n8 sendto(5<UDPv6:[1]>, ...) = 1")[0].split()[0]
    '8'
    """
    found, udp_peers = [], {}
    for line in log.splitlines():
        m = _CALL.match(line)
        if not m or m["proto"] in ("UNIX", "NETLINK"):
            continue
        addr = _ADDR.search(line)
        remote = addr is not None and not _local(addr["ip"])
        key = (m["pid"], m["fd"])
        if m["call"] == "bind":
            if remote:
                found.append(line)
        elif m["call"] == "connect" and m["proto"].startswith("UDP"):
            udp_peers[key] = line if remote else None
        elif m["call"] == "connect":
            if remote:
                found.append(line)
        elif remote or (addr is None and udp_peers.get(key)):
            found.append(line if remote else f"{udp_peers[key]}\n  then {line}")
    return found


def run_offline(cmd: list[str], log: Path | None, *, timeout: float = 240,
                cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run ``cmd`` in a namespace with no way out, under strace to ``log``."""
    inner = cmd if log is None else ["strace", "-f", "-qq", "-yy", "-e", TRACE,
                                     "-o", str(log), *cmd]
    script = " && ".join([
        "ip link set lo up",
        # a default route into a veth pair whose far end drops everything: the
        # command believes it is online and tries what it would try, yet no
        # packet can leave the namespace
        "ip link add msc0 type veth peer name msc1",
        "ip addr add 192.0.2.1/24 dev msc0",
        "ip link set msc0 up", "ip link set msc1 up",
        "ip route add default via 192.0.2.2 dev msc0",
        'exec "$@"'])
    return subprocess.run(["unshare", "-n", "sh", "-c", script, "sh", *inner],
                          cwd=cwd, capture_output=True, text=True, timeout=timeout)


def _drive(port: int) -> None:  # pragma: no cover - runs inside the namespace
    import os
    import signal
    import time
    import urllib.request

    from playwright.sync_api import sync_playwright

    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    log = Path(os.environ["OFFLINE_STRACE_LOG"])
    server = subprocess.Popen(
        ["strace", "-f", "-qq", "-yy", "-e", TRACE, "-o", str(log), sys.executable,
         "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)  # strace leaves its tracee running when terminated
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium"),
                args=["--headless", "--no-sandbox", "--disable-gpu",
                      "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(f"{url}/mobility?data=single", timeout=120_000)
            page.locator(".js-plotly-plot").first.wait_for(timeout=120_000)
            with page.expect_download(timeout=120_000) as download:
                page.get_by_role("button", name="Download", exact=True).first.click()
                page.get_by_role("button", name="PNG").first.click()
            print("PNG bytes:", Path(download.value.path()).stat().st_size)
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        out, _ = server.communicate(timeout=30)
        print("SERVER OUTPUT:", out)


if __name__ == "__main__":
    _drive(int(sys.argv[1]))
