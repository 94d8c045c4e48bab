"""Helpers for the lab tests: paths, a live bsf.py on ephemeral ports,
small HTTP calls."""

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

TESTS = os.path.dirname(os.path.abspath(__file__))
LAB = os.path.dirname(TESTS)
sys.path.insert(0, LAB)

import ue as _ue  # noqa: E402

_ue.trace.quiet = True      # keep unittest output readable

SUBSCRIBERS = os.path.join(LAB, "subscribers.json")
DOMAIN = "bsf.mnc001.mcc001.pub.3gppnetwork.org"
ALICE = "001010123456789@ims.mnc001.mcc001.3gppnetwork.org"
BOB = "001010123456790@ims.mnc001.mcc001.3gppnetwork.org"
CAROL = "001010123456791@ims.mnc001.mcc001.3gppnetwork.org"
NAF_FQDN = "xcap.ims.mnc001.mcc001.pub.3gppnetwork.org"
ZN_PATH = "/nbsp-gba/v1/bootstrapping-info-retrieval"


def vectors():
    with open(os.path.join(TESTS, "vectors.json")) as f:
        return json.load(f)


def subscriber(impi):
    with open(SUBSCRIBERS) as f:
        for d in json.load(f)["subscribers"]:
            if d["impi"] == impi:
                return d
    raise KeyError(impi)


def milenage_for(impi):
    from milenage import Milenage
    d = subscriber(impi)
    if "op" in d:
        return Milenage(bytes.fromhex(d["k"]), op=bytes.fromhex(d["op"]))
    return Milenage(bytes.fromhex(d["k"]), opc=bytes.fromhex(d["opc"]))


class LiveBsf:
    """bsf.py in a subprocess, listening on ports the kernel picks."""

    def __init__(self, *args, subscribers=SUBSCRIBERS):
        self.tmp = tempfile.TemporaryDirectory(prefix="labtest-bsf-")
        self.log_path = os.path.join(self.tmp.name, "bsf.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(LAB, "bsf.py"),
             "--subscribers", subscribers, "--ub", "127.0.0.1:0",
             "--zn", "127.0.0.1:0", "--domain", DOMAIN] + list(args),
            stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
        self.ub_port = self.zn_port = None
        deadline = time.time() + 10
        while time.time() < deadline:
            text = self.log_text()
            m1 = re.search(r"ub listening on 127\.0\.0\.1:(\d+)", text)
            m2 = re.search(r"zn listening on 127\.0\.0\.1:(\d+)", text)
            if m1 and m2:
                self.ub_port, self.zn_port = int(m1.group(1)), int(m2.group(1))
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        if self.zn_port is None:
            self.stop()
            raise RuntimeError("bsf.py did not start:\n" + self.log_text())
        self.ub_url = "http://127.0.0.1:%d" % self.ub_port

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        self.tmp.cleanup()

    def zn(self, method, path, body=None, headers=None, timeout=5):
        return http_call("127.0.0.1", self.zn_port, method, path, body,
                         headers, timeout)

    def zn_json(self, method, path, obj=None, headers=None, timeout=5):
        body = None if obj is None else json.dumps(obj).encode()
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        st, hdrs, data = self.zn(method, path, body, h, timeout)
        try:
            parsed = json.loads(data.decode())
        except ValueError:
            parsed = None
        return st, hdrs, parsed

    def counters(self):
        return self.zn_json("GET", "/counters")[2]

    def retrieve(self, btid, fqdn=NAF_FQDN, ua="0100000002", headers=None,
                 timeout=5):
        return self.zn_json("POST", ZN_PATH, {
            "btId": btid, "nafId": {"nafFqdn": fqdn, "uaSecProtId": ua}},
            headers, timeout)


def http_call(host, port, method, path, body=None, headers=None, timeout=5):
    c = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, r.msg, r.read()
    finally:
        c.close()
