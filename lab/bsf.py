#!/usr/bin/env python3
"""Development BSF (Bootstrapping Server Function) for the GBA lab.

One process, two HTTP listeners:

  Ub  TS 24.109 clause 5.2.1 / RFC 3310: HTTP Digest AKAv1-MD5 bootstrapping
      of a UE (Milenage authentication vectors, SQN per subscriber, AUTS
      resynchronisation), answering 200 with the B-TID and key lifetime.
  Zn  TS 29.309 Nbsp_GBA (JSON): POST /nbsp-gba/v1/bootstrapping-info-retrieval
      returning Ks_(ext)_NAF for exactly the NAF_Id asked for, the key expiry
      and the subscriber's user security settings (IMPUs).
      Lab extras on the same listener: GET /counters, POST /admin/reset,
      POST /admin/fault, POST /admin/expire, POST /admin/bootstrap.

Everything lives in memory; a restart forgets bootstraps and resets SQNs
to the values of the subscriber file. Not for production: no TLS, no NAF
authentication, admin endpoints without access control (bind to loopback).
"""

import argparse
import base64
import datetime
import http.server
import json
import math
import os
import re
import signal
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import digest  # noqa: E402
import gba  # noqa: E402
from milenage import Milenage  # noqa: E402

ZN_PATH = "/nbsp-gba/v1/bootstrapping-info-retrieval"
FAULTS = ("none", "500", "503", "garbage", "bad-key", "slow")
FAULT_HEADER = "X-Lab-Zn-Fault"
BSF_XML_TYPE = "application/vnd.3gpp.bsf+xml"
CHALLENGE_TTL = 120          # seconds a Ub challenge stays answerable

_FQDN_RE = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}"
                      r"[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}"
                      r"[A-Za-z0-9])?)*\.?$")
_UA_RE = re.compile(r"^[A-Fa-f0-9]{10}$")


def rfc3339(ts):
    return datetime.datetime.fromtimestamp(
        int(ts), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def log(*parts):
    now = datetime.datetime.now(datetime.timezone.utc)
    sys.stderr.write("%s bsf %s\n" % (now.strftime("%H:%M:%S.%f")[:-3],
                                      " ".join(str(p) for p in parts)))
    sys.stderr.flush()


# --------------------------------------------------------------------------
# subscribers and state

class Subscriber:
    def __init__(self, d, default_lifetime):
        try:
            self.impi = d["impi"]
            self.name = d.get("name", self.impi.partition("@")[0])
            k = bytes.fromhex(d["k"])
            if "opc" in d:
                self.mil = Milenage(k, opc=bytes.fromhex(d["opc"]))
            else:
                self.mil = Milenage(k, op=bytes.fromhex(d["op"]))
            self.amf = bytes.fromhex(d.get("amf", "8000"))
            if len(self.amf) != 2:
                raise ValueError("amf is 2 octets")
            sqn = d.get("sqn", 0)
            self.sqn = int(sqn, 16) if isinstance(sqn, str) else int(sqn)
            self.identities = list(d.get("identities", []))
            self.lifetime = int(d.get("key_lifetime", default_lifetime))
        except (KeyError, ValueError, TypeError) as e:
            raise ValueError("bad subscriber entry %r: %s"
                             % (d.get("impi", d), e))


def load_subscribers(path, default_lifetime):
    with open(path) as f:
        data = json.load(f)
    if isinstance(data, dict):
        data = data.get("subscribers", [])
    subs = {}
    for d in data:
        s = Subscriber(d, default_lifetime)
        subs[s.impi] = s
    if not subs:
        raise ValueError("%s: no subscribers" % path)
    return subs


class Bootstrap:
    """One bootstrapping session: what the BSF keeps per B-TID."""

    def __init__(self, sub, rand, ck, ik, domain, lifetime):
        self.sub = sub
        self.rand = rand
        self.ck = ck
        self.ik = ik
        self.btid = gba.btid(rand, domain)
        self.created = time.time()
        # whole seconds, rounded up: what <lifetime> and keyExpiryTime
        # announce is exactly when the key stops working
        self.expires = float(math.ceil(self.created + lifetime))


class State:
    def __init__(self, subscribers, domain, fault="none"):
        self.lock = threading.Lock()
        self.subs = subscribers
        self.domain = domain
        self.fault = fault
        self.challenges = {}     # nonce -> dict
        self.bootstraps = {}     # btid -> Bootstrap
        self.reset_counters()

    def reset_counters(self):
        self.counters = dict(ub_challenges=0, ub_success=0, ub_failures=0,
                             resyncs=0, zn_requests=0, zn_success=0,
                             zn_not_found=0, zn_bad_request=0, zn_faults=0)
        self.zn_by_btid = {}

    def count(self, name, n=1):
        with self.lock:
            self.counters[name] += n

    def snapshot(self):
        with self.lock:
            d = dict(self.counters)
            d["zn_by_btid"] = dict(self.zn_by_btid)
            d["bootstraps"] = len(self.bootstraps)
            d["fault"] = self.fault
            return d

    # -- Ub --

    def new_challenge(self, sub):
        """Fresh authentication vector; SQN incremented per challenge."""
        rand = os.urandom(16)
        with self.lock:
            sub.sqn = (sub.sqn + 1) & gba.SQN_MAX
            sqn = sub.sqn
            autn, xres, ck, ik = gba.make_vector(sub.mil, rand, sqn, sub.amf)
            nonce = base64.b64encode(rand + autn).decode("ascii")
            now = time.time()
            for n in [n for n, c in self.challenges.items()
                      if c["time"] + CHALLENGE_TTL < now]:
                del self.challenges[n]
            self.challenges[nonce] = dict(sub=sub, rand=rand, xres=xres,
                                          ck=ck, ik=ik, sqn=sqn, time=now)
            self.counters["ub_challenges"] += 1
        return nonce

    def take_challenge(self, nonce):
        with self.lock:
            c = self.challenges.pop(nonce, None)
        if c is not None and c["time"] + CHALLENGE_TTL < time.time():
            return None
        return c

    def resync(self, sub, sqn_ms):
        with self.lock:
            sub.sqn = sqn_ms
            self.counters["resyncs"] += 1

    def add_bootstrap(self, sub, rand, ck, ik, lifetime=None):
        b = Bootstrap(sub, rand, ck, ik, self.domain,
                      sub.lifetime if lifetime is None else lifetime)
        with self.lock:
            # A new bootstrap replaces the subscriber's previous key
            # (TS 33.220 4.5.2): older B-TIDs of this IMPI stop working.
            for t in [t for t, o in self.bootstraps.items() if o.sub is sub]:
                del self.bootstraps[t]
            self.bootstraps[b.btid] = b
        return b

    def lookup(self, btid):
        with self.lock:
            b = self.bootstraps.get(btid)
            if b is not None and b.expires <= time.time():
                del self.bootstraps[btid]
                b = None
            return b


# --------------------------------------------------------------------------
# HTTP plumbing

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "lab-bsf/1.0"
    sys_version = ""

    def version_string(self):
        return self.server_version
    iface = "?"

    def log_message(self, fmt, *args):
        pass     # one line per request is written by finish_log()

    def setup(self):
        http.server.BaseHTTPRequestHandler.setup(self)
        self.note = ""

    def read_body(self, limit=1 << 20):
        te = self.headers.get("Transfer-Encoding", "")
        if te.lower() == "chunked":
            data = b""
            while True:
                line = self.rfile.readline(100)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1000) not in (b"\r\n", b"\n",
                                                             b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline(10)
                if len(data) > limit:
                    raise ValueError("body too large")
        n = int(self.headers.get("Content-Length") or 0)
        if n > limit:
            raise ValueError("body too large")
        return self.rfile.read(n) if n else b""

    def reply(self, status, body=b"", ctype=None, headers=()):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        log(self.iface, self.client_address[0],
            '"%s %s"' % (self.command, self.path), status, self.note)

    def reply_json(self, status, obj, ctype="application/json"):
        self.reply(status, json.dumps(obj, indent=1) + "\n", ctype)

    def problem(self, status, cause, title, detail=None, invalid=None):
        p = {"status": status, "cause": cause, "title": title}
        if detail:
            p["detail"] = detail
        if invalid:
            p["invalidParams"] = [{"param": a, "reason": b}
                                  for a, b in invalid]
        self.reply_json(status, p, "application/problem+json")


class UbHandler(Handler):
    iface = "ub"

    def do_GET(self):
        st = self.server.state
        realm = st.domain
        try:
            self.read_body()
        except ValueError:
            self.close_connection = True
        auth = self.headers.get("Authorization")
        if not auth:
            # Without a username there is no subscriber to challenge.
            self.note = "no Authorization (username=IMPI needed)"
            self.reply(401, "send Authorization: Digest username=\"<IMPI>\","
                       " realm, nonce=\"\", uri, response=\"\"\n",
                       "text/plain", [("WWW-Authenticate", digest.build_header(
                           "Digest", {"realm": realm, "nonce": "",
                                      "algorithm": "AKAv1-MD5",
                                      "qop": "auth-int"},
                           quoted_names={"realm", "nonce", "qop"}))])
            return
        try:
            scheme, p = digest.parse_credentials(auth)
        except ValueError as e:
            self.note = "bad Authorization: %s" % e
            st.count("ub_failures")
            self.reply(400, "malformed Authorization header\n", "text/plain")
            return
        impi = p.get("username", "")
        sub = st.subs.get(impi)
        if scheme != "digest" or sub is None:
            self.note = "unknown IMPI %r" % impi
            st.count("ub_failures")
            self.reply(403, "unknown private identity\n", "text/plain")
            return
        self.note = "impi=%s" % impi
        nonce = p.get("nonce", "")
        if not nonce or not p.get("response"):
            if p.get("response") == "" and nonce:
                # RFC 3310: empty password without AUTS = the UE could not
                # authenticate the network (MAC failure).
                st.take_challenge(nonce)
                st.count("ub_failures")
                self.note += " UE rejected AUTN"
            return self.challenge(sub, "initial")
        ch = st.take_challenge(nonce)
        if ch is None or ch["sub"] is not sub:
            return self.challenge(sub, "unknown or expired nonce")
        alg = p.get("algorithm", "AKAv1-MD5")
        if alg.lower() != "akav1-md5" or p.get("realm") != realm:
            st.count("ub_failures")
            return self.challenge(sub, "bad algorithm/realm")
        qop = p.get("qop", "")
        if qop not in ("auth", "auth-int", ""):
            st.count("ub_failures")
            return self.challenge(sub, "bad qop")
        if p.get("uri") != self.path:
            st.count("ub_failures")
            return self.challenge(sub, "digest uri %r != request %r"
                                  % (p.get("uri"), self.path))
        nc = p.get("nc", "")
        cnonce = p.get("cnonce", "")
        if "auts" in p:
            return self.resync(sub, ch, p, alg, realm, qop, nc, cnonce)
        h1 = digest.ha1(alg, impi, realm, ch["xres"])
        h2 = digest.ha2(alg, self.command, p["uri"], qop)
        want = digest.response(alg, h1, nonce, nc, cnonce, qop, h2)
        if not digest.equal(want, p.get("response", "").lower()):
            st.count("ub_failures")
            h1 = digest.ha1(alg, impi, realm, b"")
            empty = digest.response(alg, h1, nonce, nc, cnonce, qop, h2)
            if digest.equal(empty, p.get("response", "").lower()):
                # RFC 3310: an empty password without AUTS means the UE
                # could not authenticate the network (MAC-A failure).
                return self.challenge(sub, "UE rejected AUTN: MAC failure")
            return self.challenge(sub, "wrong RES")
        b = st.add_bootstrap(sub, ch["rand"], ch["ck"], ch["ik"])
        st.count("ub_success")
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<BootstrappingInfo xmlns="uri:3gpp-gba">'
                '<btid>%s</btid><lifetime>%s</lifetime>'
                '</BootstrappingInfo>\n' % (b.btid, rfc3339(b.expires)))
        body = body.encode("ascii")
        info = {"qop": qop or None}
        h2r = digest.ha2(alg, "", p["uri"], qop, body)
        info["rspauth"] = digest.response(alg, h1, nonce, nc, cnonce, qop,
                                          h2r)
        if qop:
            info["cnonce"] = cnonce
            info["nc"] = nc
        self.note += " ok btid=%s sqn=%012x lifetime=%ds" % (
            b.btid, ch["sqn"], int(b.expires - b.created))
        self.reply(200, body, BSF_XML_TYPE, [
            ("Authentication-Info", digest.build_header("", info))])

    def resync(self, sub, ch, p, alg, realm, qop, nc, cnonce):
        st = self.server.state
        # RFC 3310 clause 3.4: the digest accompanying AUTS uses an empty
        # password; it still proves the nonce/uri binding of this answer.
        h1 = digest.ha1(alg, sub.impi, realm, b"")
        h2 = digest.ha2(alg, self.command, p["uri"], qop)
        want = digest.response(alg, h1, p["nonce"], nc, cnonce, qop, h2)
        if not digest.equal(want, p.get("response", "").lower()):
            st.count("ub_failures")
            return self.challenge(sub, "bad digest with AUTS")
        try:
            auts = base64.b64decode(p["auts"], validate=True)
        except ValueError:
            auts = b""
        sqn_ms = gba.verify_auts(sub.mil, ch["rand"], auts)
        if sqn_ms is None:
            st.count("ub_failures")
            return self.challenge(sub, "AUTS: MAC-S does not verify")
        st.resync(sub, sqn_ms)
        self.note += " resync SQN_MS=%012x" % sqn_ms
        return self.challenge(sub, "after resync")

    def challenge(self, sub, why, stale=False):
        st = self.server.state
        nonce = st.new_challenge(sub)
        params = {"realm": st.domain, "nonce": nonce,
                  "algorithm": "AKAv1-MD5", "qop": "auth-int"}
        if stale:
            params["stale"] = "true"
        self.note += " challenge (%s) sqn=%012x" % (why, sub.sqn)
        self.reply(401, "", None, [("WWW-Authenticate", digest.build_header(
            "Digest", params, quoted_names={"realm", "nonce", "qop"},
            order=("realm", "nonce", "algorithm", "qop", "stale")))])

    def do_POST(self):
        self.do_GET()


class ZnHandler(Handler):
    iface = "zn"

    def body_json(self):
        raw = self.read_body()
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None

    def do_GET(self):
        st = self.server.state
        if self.path == "/counters":
            return self.reply_json(200, st.snapshot())
        if self.path == ZN_PATH:
            return self.problem(405, "METHOD_NOT_ALLOWED",
                                "Method Not Allowed", "use POST")
        self.problem(404, "RESOURCE_NOT_FOUND", "Not Found")

    def do_POST(self):
        st = self.server.state
        try:
            if self.path == ZN_PATH:
                return self.zn()
            if self.path == "/admin/reset":
                self.read_body()
                with st.lock:
                    st.reset_counters()
                return self.reply_json(200, st.snapshot())
            if self.path == "/admin/fault":
                d = self.body_json() or {}
                f = str(d.get("fault", ""))
                if f not in FAULTS:
                    return self.problem(400, "INVALID_MSG_FORMAT",
                                        "Bad Request",
                                        "fault must be one of %s"
                                        % ", ".join(FAULTS))
                st.fault = f
                self.note = "fault=%s" % f
                return self.reply_json(200, {"fault": f})
            if self.path == "/admin/expire":
                d = self.body_json() or {}
                b = st.lookup(str(d.get("btId", "")))
                if b is None:
                    return self.problem(404, "USER_NOT_FOUND", "Not Found")
                b.expires = time.time()
                self.note = "expired %s" % b.btid
                return self.reply_json(200, {"btId": b.btid})
            if self.path == "/admin/bootstrap":
                return self.admin_bootstrap()
        except ValueError as e:
            self.close_connection = True
            return self.problem(400, "INVALID_MSG_FORMAT", "Bad Request",
                                str(e))
        self.read_body()
        self.problem(404, "RESOURCE_NOT_FOUND", "Not Found")

    def admin_bootstrap(self):
        """Lab shortcut: run AKA on the network side for a subscriber and
        register the B-TID, so tests can get keys without a UE."""
        st = self.server.state
        d = self.body_json()
        if not isinstance(d, dict) or d.get("impi") not in st.subs:
            return self.problem(404, "USER_NOT_FOUND", "Not Found",
                                "unknown impi")
        sub = st.subs[d["impi"]]
        rand = os.urandom(16)
        _, _, ck, ik = gba.make_vector(sub.mil, rand, sub.sqn, sub.amf)
        lifetime = d.get("lifetime")
        b = st.add_bootstrap(sub, rand, ck, ik,
                             None if lifetime is None else int(lifetime))
        out = {"btId": b.btid, "impi": sub.impi, "rand": rand.hex(),
               "ks": (ck + ik).hex(), "keyExpiryTime": rfc3339(b.expires)}
        naf = d.get("nafId")
        if isinstance(naf, dict):
            nid = gba.naf_id(str(naf.get("nafFqdn", "")),
                             str(naf.get("uaSecProtId", "0100000002")))
            key = gba.ks_naf(ck, ik, rand, sub.impi, nid)
            out["meKeyMaterial"] = key.hex()
            out["password"] = base64.b64encode(key).decode("ascii")
        self.note = "admin bootstrap %s" % b.btid
        self.reply_json(200, out)

    def zn(self):
        st = self.server.state
        st.count("zn_requests")
        try:
            req = self.body_json()
        except ValueError as e:
            self.close_connection = True
            st.count("zn_bad_request")
            return self.problem(400, "INVALID_MSG_FORMAT", "Bad Request",
                                str(e))
        invalid = []
        if not isinstance(req, dict):
            st.count("zn_bad_request")
            self.note = "body is not a JSON object"
            return self.problem(400, "INVALID_MSG_FORMAT", "Bad Request",
                                "request body is not a JSON object")
        bt = req.get("btId")
        naf = req.get("nafId")
        if not isinstance(bt, str) or not bt:
            invalid.append(("/btId", "missing or not a non-empty string"))
        if not isinstance(naf, dict):
            invalid.append(("/nafId", "missing or not an object"))
        else:
            fq = naf.get("nafFqdn")
            ua = naf.get("uaSecProtId")
            if not isinstance(fq, str) or not _FQDN_RE.match(fq):
                invalid.append(("/nafId/nafFqdn", "not an FQDN"))
            if not isinstance(ua, str) or not _UA_RE.match(ua):
                invalid.append(("/nafId/uaSecProtId",
                                "not 10 hexadecimal digits"))
        if "gbaUAware" in req and not isinstance(req["gbaUAware"], bool):
            invalid.append(("/gbaUAware", "not a boolean"))
        gs_ids = req.get("gsIds")
        if gs_ids is not None and (
                not isinstance(gs_ids, list) or not gs_ids
                or not all(isinstance(g, int) and not isinstance(g, bool)
                           and g >= 0 for g in gs_ids)):
            invalid.append(("/gsIds", "not a non-empty array of Uint32"))
        if invalid:
            st.count("zn_bad_request")
            self.note = "invalid: %s" % ", ".join(a for a, _ in invalid)
            cause = ("MANDATORY_IE_MISSING"
                     if any(r.startswith("missing") for _, r in invalid)
                     else "MANDATORY_IE_INCORRECT")
            return self.problem(400, cause, "Bad Request",
                                "invalid request", invalid)
        with st.lock:
            st.zn_by_btid[bt] = st.zn_by_btid.get(bt, 0) + 1
        self.note = "btid=%s naf=%s|%s" % (bt, naf["nafFqdn"],
                                           naf["uaSecProtId"].lower())
        fault = self.headers.get(FAULT_HEADER, st.fault).strip().lower()
        if fault not in FAULTS:
            fault = "none"
        if fault == "slow":
            self.note += " fault=slow"
            time.sleep(self.server.slow_seconds)
        elif fault in ("500", "503"):
            st.count("zn_faults")
            self.note += " fault=%s" % fault
            return self.problem(int(fault), "SYSTEM_FAILURE"
                                if fault == "500" else "NF_CONGESTION",
                                "injected fault")
        elif fault == "garbage":
            st.count("zn_faults")
            self.note += " fault=garbage"
            return self.reply(200, b'{"meKeyMaterial": "\x00\xff<html>',
                              "application/json")
        b = st.lookup(bt)
        if b is None:
            st.count("zn_not_found")
            self.note += " unknown or expired"
            return self.problem(404, "USER_NOT_FOUND", "Not Found",
                                "unknown or expired B-TID")
        nid = gba.naf_id(naf["nafFqdn"], naf["uaSecProtId"])
        key = gba.ks_naf(b.ck, b.ik, b.rand, b.sub.impi, nid)
        if fault == "bad-key":
            st.count("zn_faults")
            self.note += " fault=bad-key"
            key = bytes(x ^ 0x5a for x in key)
        uss = {"gsId": 1, "gsType": 1,
               "ueIds": [{"ueId": u} for u in b.sub.identities]}
        resp = {"meKeyMaterial": key.hex(),
                "keyExpiryTime": rfc3339(b.expires),
                "bootstrappingInfoCreationTime": rfc3339(b.created),
                "impi": b.sub.impi,
                "gbaType": "3G_GBA"}
        if uss["ueIds"] and (gs_ids is None or 1 in gs_ids):
            resp["ussList"] = [{"uss": uss}]
        st.count("zn_success")
        self.reply_json(200, resp)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, addr, handler, state, slow_seconds=30.0):
        host, port = addr
        self.address_family = (socket.AF_INET6 if ":" in host
                               else socket.AF_INET)
        self.state = state
        self.slow_seconds = slow_seconds
        http.server.ThreadingHTTPServer.__init__(self, (host, port), handler)


def parse_addr(s):
    host, sep, port = s.rpartition(":")
    if not sep:
        raise argparse.ArgumentTypeError("expected HOST:PORT, got %r" % s)
    host = host.strip("[]") or "127.0.0.1"
    return host, int(port)


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--subscribers",
                    default=os.path.join(here, "subscribers.json"))
    ap.add_argument("--ub", type=parse_addr, default="127.0.0.1:8080",
                    help="Ub listener HOST:PORT (port 0: any free port)")
    ap.add_argument("--zn", type=parse_addr, default="127.0.0.1:8081",
                    help="Zn listener HOST:PORT (port 0: any free port)")
    ap.add_argument("--domain", default="bsf.mnc001.mcc001.pub.3gppnetwork.org",
                    help="BSF domain: Ub realm and B-TID suffix")
    ap.add_argument("--lifetime", type=int, default=3600,
                    help="default key lifetime in seconds")
    ap.add_argument("--zn-fault", choices=FAULTS, default="none",
                    help="fault injected on every Zn request (a request "
                    "header %s: ... overrides it)" % FAULT_HEADER)
    ap.add_argument("--slow-seconds", type=float, default=30.0,
                    help="delay of the 'slow' fault")
    a = ap.parse_args(argv)

    try:
        subs = load_subscribers(a.subscribers, a.lifetime)
    except (OSError, ValueError) as e:
        sys.exit("bsf: %s" % e)
    state = State(subs, a.domain, a.zn_fault)
    servers = []
    for name, addr, h in (("ub", a.ub, UbHandler), ("zn", a.zn, ZnHandler)):
        try:
            srv = Server(addr, h, state, a.slow_seconds)
        except OSError as e:
            sys.exit("bsf: cannot listen on %s:%d for %s: %s"
                     % (addr[0], addr[1], name, e.strerror))
        servers.append((name, srv))
    for name, srv in servers:
        host, port = srv.server_address[:2]
        log("%s listening on %s:%d" % (name, host, port))
        threading.Thread(target=srv.serve_forever, args=(0.1,), name=name,
                         daemon=True).start()
    log("domain %s, %d subscribers, zn fault %s"
        % (a.domain, len(subs), a.zn_fault))

    done = threading.Event()

    def stop(signum, frame):
        done.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not done.wait(3600):
        pass
    for _, srv in servers:
        srv.shutdown()
        srv.server_close()
    log("stopped")


if __name__ == "__main__":
    main()
