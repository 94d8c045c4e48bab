#!/usr/bin/env python3
"""Lab UE: GBA bootstrapping over Ub and XCAP over Ua (HTTP Digest with
Ks_NAF), as a library and a command line tool.

  ue.py --user alice bootstrap
  ue.py --user alice --ca lab/run/ca.pem \\
        --naf https://xcap.ims.mnc001.mcc001.pub.3gppnetwork.org:8443 \\
        --connect 127.0.0.1 get /xcap-root/pres-rules/users/sip:alice@.../index

Exit status: 0 when the final answer is 2xx, 1 otherwise.
"""

import argparse
import base64
import datetime
import http.client
import json
import os
import re
import socket
import ssl
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import digest  # noqa: E402
import gba  # noqa: E402
from milenage import Milenage  # noqa: E402

USER_AGENT = "lab-ue 3gpp-gba/1.0"
REALM_PREFIX = "3GPP-bootstrapping@"
XCAP_TYPES = {
    "pres-rules": "application/auth-policy+xml",
    "org.openmobilealliance.pres-rules": "application/auth-policy+xml",
    "resource-lists": "application/resource-lists+xml",
    "rls-services": "application/rls-services+xml",
    "pidf-manipulation": "application/pidf+xml",
    "simservs.ngn.etsi.org": "application/simservs+xml",
}
TLS_VERSIONS = {
    "1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1,
    "1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3,
}


class UeError(Exception):
    pass


def trace(msg):
    if not trace.quiet:
        sys.stderr.write("ue: %s\n" % msg)
        sys.stderr.flush()


trace.quiet = False


def parse_time(s):
    s = s.strip()
    if s.endswith("Z") or s.endswith("z"):
        s = s[:-1] + "+00:00"
    t = datetime.datetime.fromisoformat(s)
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    return t.timestamp()


# --------------------------------------------------------------------------
# USIM + Ub

class UE:
    """A UE with a USIM (Milenage K/OPc) and its current GBA bootstrap."""

    def __init__(self, impi, mil, bsf_url="http://127.0.0.1:8080",
                 state_path=None, sqn_ms=None, use_expired=False,
                 timeout=10.0):
        self.impi = impi
        self.mil = mil
        self.bsf = urllib.parse.urlsplit(bsf_url)
        if self.bsf.scheme not in ("http", "https"):
            raise UeError("BSF URL must be http:// or https://")
        self.state_path = state_path
        self.sqn_ms = sqn_ms
        self.use_expired = use_expired
        self.timeout = timeout
        self.boot = None      # dict(btid, rand, ck, ik, expires)
        self.bootstraps = 0
        self._load()

    # -- state file --

    def _load(self):
        if not self.state_path or not os.path.exists(self.state_path):
            return
        with open(self.state_path) as f:
            d = json.load(f)
        if d.get("impi") != self.impi:
            return
        if d.get("sqn_ms") is not None and self.sqn_ms is None:
            self.sqn_ms = int(d["sqn_ms"], 16)
        if d.get("btid"):
            self.boot = dict(btid=d["btid"], rand=bytes.fromhex(d["rand"]),
                             ck=bytes.fromhex(d["ck"]),
                             ik=bytes.fromhex(d["ik"]),
                             expires=float(d["expires"]))

    def save(self):
        if not self.state_path:
            return
        d = {"impi": self.impi,
             "sqn_ms": None if self.sqn_ms is None else "%012x" % self.sqn_ms}
        if self.boot:
            b = self.boot
            d.update(btid=b["btid"], rand=b["rand"].hex(), ck=b["ck"].hex(),
                     ik=b["ik"].hex(), expires=b["expires"])
        tmp = self.state_path + ".tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(d, f, indent=1)
        os.replace(tmp, self.state_path)

    # -- Ub --

    def _ub_connection(self):
        port = self.bsf.port or (443 if self.bsf.scheme == "https" else 80)
        if self.bsf.scheme == "https":
            return http.client.HTTPSConnection(self.bsf.hostname, port,
                                               timeout=self.timeout)
        return http.client.HTTPConnection(self.bsf.hostname, port,
                                          timeout=self.timeout)

    def bootstrap(self):
        """Run TS 24.109 bootstrapping; returns the new B-TID."""
        realm = gba.bsf_domain(self.impi)
        uri = self.bsf.path or "/"
        conn = self._ub_connection()
        auth = digest.build_header("Digest", {
            "username": self.impi, "realm": realm, "nonce": "",
            "uri": uri, "response": ""})
        resyncs = 0
        try:
            for _ in range(6):
                status, hdrs, body = self._ub_send(conn, uri, auth)
                if status == 200:
                    return self._ub_done(hdrs, body, uri)
                if status != 401:
                    raise UeError("BSF answered %d %s" % (status, body[:200]))
                ch = [c for s, c in self._challenges(hdrs) if s == "digest"
                      and c.get("algorithm", "").lower() == "akav1-md5"]
                if not ch:
                    raise UeError("BSF 401 without an AKAv1-MD5 challenge")
                ch = ch[0]
                realm = ch.get("realm", realm)
                auth, fatal = self._ub_answer(ch, realm, uri)
                if fatal is not None:
                    # RFC 3310: tell the BSF (empty password, no AUTS),
                    # then give up.
                    self._ub_send(conn, uri, auth)
                    raise UeError(fatal)
                if self._pending_auts is not None:
                    resyncs += 1
                    if resyncs > 2:
                        raise UeError("BSF keeps sending out-of-range SQNs")
            raise UeError("bootstrapping did not converge")
        finally:
            conn.close()

    _pending_auts = None

    def _ub_send(self, conn, uri, auth):
        conn.request("GET", uri, headers={"Authorization": auth,
                                          "User-Agent": USER_AGENT})
        r = conn.getresponse()
        body = r.read()
        return r.status, r.msg, body

    @staticmethod
    def _challenges(hdrs):
        out = []
        for v in hdrs.get_all("WWW-Authenticate") or []:
            try:
                out.extend(digest.parse_challenges(v))
            except ValueError:
                pass
        return out

    def _ub_answer(self, ch, realm, uri):
        nonce = ch.get("nonce", "")
        try:
            raw = base64.b64decode(nonce, validate=True)
        except ValueError:
            raw = b""
        if len(raw) < 32:
            raise UeError("BSF nonce is not base64(RAND || AUTN ...)")
        rand, autn = raw[:16], raw[16:32]
        qops = digest.split_qop(ch.get("qop"))
        qop = "auth-int" if "auth-int" in qops else ("auth" if qops else "")
        cnonce = digest.new_cnonce()
        nc = "00000001"
        params = {"username": self.impi, "realm": realm, "nonce": nonce,
                  "uri": uri, "algorithm": "AKAv1-MD5"}
        if qop:
            params.update(qop=qop, nc=nc, cnonce=cnonce)
        self._pending_auts = None
        try:
            res, ck, ik, sqn = gba.ue_authenticate(self.mil, rand, autn,
                                                   self.sqn_ms)
            password = res
        except gba.AkaError as e:
            password = b""
            if e.kind == "mac":
                params["response"] = self._resp(params, password, qop, nc,
                                                cnonce)
                return digest.build_header("Digest", params), str(e)
            trace("bootstrap: %s, sending AUTS" % e)
            self._pending_auts = e.auts
            params["auts"] = base64.b64encode(e.auts).decode("ascii")
        params["response"] = self._resp(params, password, qop, nc, cnonce)
        if self._pending_auts is None:
            self._aka = dict(rand=rand, ck=ck, ik=ik, sqn=sqn, h1=digest.ha1(
                "AKAv1-MD5", self.impi, realm, res), nonce=nonce, qop=qop,
                nc=nc, cnonce=cnonce)
        return digest.build_header("Digest", params), None

    def _resp(self, params, password, qop, nc, cnonce):
        h1 = digest.ha1("AKAv1-MD5", self.impi, params["realm"], password)
        h2 = digest.ha2("AKAv1-MD5", "GET", params["uri"], qop)
        return digest.response("AKAv1-MD5", h1, params["nonce"], nc, cnonce,
                               qop, h2)

    def _ub_done(self, hdrs, body, uri):
        a = getattr(self, "_aka", None)
        if a is None:
            raise UeError("BSF answered 200 without authenticating the UE")
        info = hdrs.get("Authentication-Info")
        if info is None:
            raise UeError("BSF 200 without Authentication-Info")
        p = digest.parse_params(info)
        qop = p.get("qop", a["qop"])
        want = digest.response("AKAv1-MD5", a["h1"], a["nonce"], a["nc"],
                               a["cnonce"], qop,
                               digest.ha2("AKAv1-MD5", "", uri, qop, body))
        if not digest.equal(want, p.get("rspauth", "").lower()):
            raise UeError("BSF rspauth does not verify: refusing the answer")
        text = body.decode("utf-8", "replace")
        m = re.search(r"<btid>\s*([^<\s]+)\s*</btid>", text)
        lt = re.search(r"<lifetime>\s*([^<\s]+)\s*</lifetime>", text)
        if not m or not lt:
            raise UeError("BSF 200 body has no btid/lifetime: %r"
                          % text[:200])
        self.sqn_ms = a["sqn"]
        self.boot = dict(btid=m.group(1), rand=a["rand"], ck=a["ck"],
                         ik=a["ik"], expires=parse_time(lt.group(1)))
        self.bootstraps += 1
        self._aka = None
        self.save()
        trace("bootstrap: B-TID %s, key valid until %s" % (m.group(1),
                                                           lt.group(1)))
        return m.group(1)

    # -- keys --

    def ensure_bootstrap(self):
        if self.boot is None:
            self.bootstrap()
        elif self.boot["expires"] <= time.time():
            if self.use_expired:
                trace("bootstrap: B-TID %s expired, using it anyway "
                      "(--use-expired)" % self.boot["btid"])
            else:
                trace("bootstrap: B-TID %s expired, bootstrapping again"
                      % self.boot["btid"])
                self.bootstrap()
        return self.boot["btid"]

    def ks_naf(self, nid):
        b = self.boot
        return gba.ks_naf(b["ck"], b["ik"], b["rand"], self.impi, nid)


# --------------------------------------------------------------------------
# Ua

class _NafConnection(http.client.HTTPConnection):
    """HTTP(S) connection that dials `connect` but speaks to `fqdn` (SNI,
    certificate check, Host)."""

    def __init__(self, fqdn, port, connect, ctx, timeout):
        http.client.HTTPConnection.__init__(self, fqdn, port, timeout=timeout)
        self._dial = connect or fqdn
        self._ctx = ctx

    def connect(self):
        raw = socket.create_connection((self._dial, self.port), self.timeout)
        if self._ctx is None:
            self.sock = raw
            return
        try:
            self.sock = self._ctx.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


class NafClient:
    """HTTP/1.1 client towards one NAF with GBA Digest (TS 24.109 clause 5.3)."""

    def __init__(self, ue, naf_url, connect=None, ctx=None, ua_proto="tls",
                 qop=None, algorithm=None, identity=None,
                 require_rspauth=True, timeout=10.0, strict_rspauth=False):
        u = urllib.parse.urlsplit(naf_url)
        if u.scheme not in ("http", "https") or not u.hostname:
            raise UeError("NAF URL must be http(s)://FQDN[:port]")
        self.ue = ue
        self.fqdn = u.hostname.rstrip(".").lower()
        self.scheme = u.scheme
        self.port = u.port or (443 if u.scheme == "https" else 80)
        self.base = u.path.rstrip("/")
        if u.scheme == "https" and ctx is None:
            ctx = ssl.create_default_context()
        self.ctx = ctx if u.scheme == "https" else None
        self.ua_proto = "http" if u.scheme == "http" else ua_proto
        self.qop = qop
        self.algorithm = algorithm
        self.identity = identity
        self.require_rspauth = require_rspauth
        self.strict_rspauth = strict_rspauth
        self.conn = _NafConnection(self.fqdn, self.port, connect, self.ctx,
                                   timeout)
        self.challenge = None   # chosen Digest challenge
        self.nc = 0
        self.suite = None

    # -- connection and NAF_Id --

    def _ensure_connected(self):
        if self.conn.sock is None:
            self.conn.connect()
            if self.ctx is not None:
                name, version, bits = self.conn.sock.cipher()
                code = None
                for c in self.ctx.get_ciphers():
                    if c["name"] == name:
                        code = c["id"] & 0xffff
                if code is None:
                    raise UeError("negotiated suite %s not in the context's "
                                  "list" % name)
                if code != self.suite:
                    trace("naf: %s %s (0x%04x, %d bits) to %s:%d" % (
                        version, name, code, bits, self.fqdn, self.port))
                self.suite = code

    def naf_id(self):
        if self.ua_proto == "http" or self.suite is None:
            return gba.naf_id(self.fqdn, gba.UA_HTTP_DIGEST)
        return gba.naf_id(self.fqdn, gba.ua_tls(self.suite))

    def password(self):
        return base64.b64encode(self.ue.ks_naf(self.naf_id())).decode("ascii")

    # -- Digest --

    def _pick(self, hdrs):
        offered = []
        for v in hdrs.get_all("WWW-Authenticate") or []:
            try:
                offered.extend(c for s, c in digest.parse_challenges(v)
                               if s == "digest")
            except ValueError as e:
                raise UeError("unparsable WWW-Authenticate %r: %s" % (v, e))
        if not offered:
            return None
        usable = []
        for c in offered:
            alg = c.get("algorithm", "MD5")
            if alg.lower() not in digest.ALGORITHMS or \
                    alg.lower() == "akav1-md5":
                continue
            if self.algorithm and alg.lower() != self.algorithm.lower():
                continue
            usable.append(c)
        if not usable:
            raise UeError("no usable Digest challenge (offered: %s)" % ", ".join(
                c.get("algorithm", "MD5") for c in offered))
        c = usable[0]     # servers list their preferred challenge first
        want = REALM_PREFIX + self.fqdn
        if c.get("realm", "").lower() != want.lower():
            # TS 33.222: the realm names the NAF the UE is talking to; any
            # other realm could be an interleaving attempt.
            raise UeError("refusing challenge: realm %r, expected %r"
                          % (c.get("realm"), want))
        return c

    def _authorization(self, method, uri, body):
        c = self.challenge
        alg = c.get("algorithm", "MD5")
        offered = digest.split_qop(c.get("qop"))
        if self.qop:
            if self.qop not in offered:
                raise UeError("qop %s not offered (offered: %s)"
                              % (self.qop, c.get("qop")))
            qop = self.qop
        elif "auth-int" in offered:
            qop = "auth-int"
        elif "auth" in offered:
            qop = "auth"
        elif offered:
            raise UeError("no supported qop in %r" % c.get("qop"))
        else:
            qop = ""
        self.nc += 1
        nc = "%08x" % self.nc
        cnonce = digest.new_cnonce()
        btid = self.ue.boot["btid"]
        h1 = digest.ha1(alg, btid, c["realm"], self.password(),
                        c.get("nonce"), cnonce)
        h2 = digest.ha2(alg, method, uri, qop, body)
        params = {"username": btid, "realm": c["realm"],
                  "nonce": c.get("nonce", ""), "uri": uri,
                  "algorithm": alg}
        if qop:
            params.update(qop=qop, nc=nc, cnonce=cnonce)
        params["response"] = digest.response(alg, h1, params["nonce"], nc,
                                             cnonce, qop, h2)
        if "opaque" in c:
            params["opaque"] = c["opaque"]
        self._sent = dict(h1=h1, alg=alg, qop=qop, nc=nc, cnonce=cnonce,
                          nonce=params["nonce"], uri=uri, btid=btid)
        return digest.build_header("Digest", params, order=(
            "username", "realm", "nonce", "uri", "algorithm", "qop", "nc",
            "cnonce", "response", "opaque"))

    def _check_rspauth(self, status, hdrs, body):
        info = hdrs.get("Authentication-Info")
        if info is None:
            if self.require_rspauth and 200 <= status < 300:
                raise UeError("%d without Authentication-Info: the NAF did "
                              "not prove it knows Ks_NAF" % status)
            return
        s = self._sent
        try:
            p = digest.parse_params(info)
        except ValueError as e:
            raise UeError("unparsable Authentication-Info: %s" % e)
        if "rspauth" in p:
            qop = p.get("qop", s["qop"]).lower()
            if qop != s["qop"] or p.get("cnonce", s["cnonce"]) != s["cnonce"] \
                    or p.get("nc", s["nc"]).lower() != s["nc"]:
                raise UeError("Authentication-Info qop/cnonce/nc do not match"
                              " the request: %s" % info)
            got = p["rspauth"].lower()

            def rspauth(entity):
                h2 = digest.ha2(s["alg"], "", s["uri"], qop, entity)
                return digest.response(s["alg"], s["h1"], s["nonce"],
                                       s["nc"], s["cnonce"], qop, h2)

            if digest.equal(rspauth(body), got):
                trace("naf: rspauth verified")
            elif (qop == "auth-int" and body and not self.strict_rspauth
                  and digest.equal(rspauth(b""), got)):
                # A proxy sends its headers before the body streams by, so
                # it can only hash an empty body; TLS protects the body.
                trace("naf: rspauth verified (auth-int over an empty body, "
                      "the NAF does not hash response bodies)")
            else:
                raise UeError("rspauth does not verify: refusing the answer")
        elif self.require_rspauth and 200 <= status < 300:
            raise UeError("Authentication-Info without rspauth")
        if p.get("nextnonce"):
            self.challenge = dict(self.challenge, nonce=p["nextnonce"])
            self.nc = 0

    # -- requests --

    def _send(self, method, uri, body, headers):
        for attempt in (1, 2):
            try:
                self._ensure_connected()
                h = dict(headers)
                if self.challenge is not None:
                    self.ue.ensure_bootstrap()
                    h["Authorization"] = self._authorization(method, uri,
                                                             body or b"")
                self.conn.request(method, uri, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
                if r.will_close:
                    self.conn.close()
                return r.status, r.reason, r.msg, data, \
                    "Authorization" in h
            except (http.client.RemoteDisconnected, BrokenPipeError,
                    ConnectionResetError):
                # the NAF closed an idle keep-alive connection: redial once
                self.conn.close()
                if attempt == 2:
                    raise

    def request(self, method, path, body=None, content_type=None):
        uri = path if path.startswith("/") else "/" + path
        if self.base and not uri.startswith(self.base + "/"):
            uri = self.base + uri
        headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
        if body is not None:
            headers["Content-Type"] = content_type or "application/xml"
        if self.identity:
            headers["X-3GPP-Intended-Identity"] = '"%s"' % self.identity
        rebootstrapped = False
        stale_retried = False
        for _ in range(5):
            status, reason, hdrs, data, sent = self._send(method, uri, body,
                                                          headers)
            if status != 401:
                if sent:
                    self._check_rspauth(status, hdrs, data)
                return status, reason, hdrs, data
            c = self._pick(hdrs)
            if c is None:
                return status, reason, hdrs, data
            trace("naf: 401 %s realm=%s qop=%s%s" % (
                c.get("algorithm", "MD5"), c.get("realm"), c.get("qop"),
                " stale=true" if c.get("stale", "").lower() == "true"
                else ""))
            old = self.challenge
            self.challenge = c
            self.nc = 0
            if not sent:
                continue
            if c.get("stale", "").lower() == "true" and not stale_retried:
                stale_retried = True
                trace("naf: nonce stale, retrying with the new nonce")
                continue
            if not rebootstrapped:
                rebootstrapped = True
                trace("naf: digest with B-TID %s refused (B-TID unknown or "
                      "key expired), bootstrapping again"
                      % self._sent["btid"])
                self.ue.bootstrap()
                continue
            self.challenge = old
            return status, reason, hdrs, data
        return status, reason, hdrs, data

    def close(self):
        self.conn.close()


# --------------------------------------------------------------------------
# CLI

def content_type_for(path, xcap_root="/xcap-root"):
    if "/~~/" in path:
        return "application/xcap-el+xml"
    segs = [s for s in path.split("?")[0].split("/") if s]
    for i, s in enumerate(segs):
        if s in ("users", "global") and i > 0:
            return XCAP_TYPES.get(segs[i - 1], "application/xml")
    return "application/xml"


def load_subscriber(path, user):
    with open(path) as f:
        data = json.load(f)
    if isinstance(data, dict):
        data = data.get("subscribers", [])
    for d in data:
        if user in (d.get("name"), d.get("impi")):
            return d
    raise UeError("no subscriber %r in %s" % (user, path))


def make_context(a):
    ctx = ssl.create_default_context(cafile=a.ca)
    if a.no_verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if a.tls_max:
        ctx.maximum_version = TLS_VERSIONS[a.tls_max]
    if a.tls_min:
        ctx.minimum_version = TLS_VERSIONS[a.tls_min]
    if a.ciphers:
        ctx.set_ciphers(a.ciphers)
    return ctx


def build_ue(a):
    here = os.path.dirname(os.path.abspath(__file__))
    sub = {}
    if a.user or (a.impi and not a.k):
        sub = load_subscriber(a.subscribers or os.path.join(
            here, "subscribers.json"), a.user or a.impi)
    impi = a.impi or sub.get("impi")
    k = a.k or sub.get("k")
    op = a.op or (None if a.opc else sub.get("op"))
    opc = a.opc or (None if a.op else sub.get("opc"))
    if not impi or not k or not (op or opc):
        raise UeError("need --user, or --impi with --k and --op/--opc")
    mil = Milenage(bytes.fromhex(k), op=bytes.fromhex(op) if op else None,
                   opc=bytes.fromhex(opc) if opc and not op else None)
    sqn_ms = int(a.sqn_ms, 16) if a.sqn_ms else None
    return UE(impi, mil, a.bsf, a.state, sqn_ms, a.use_expired, a.timeout)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="GBA lab UE: bootstrap over Ub, XCAP over Ua with "
        "HTTP Digest (Ks_NAF).", epilog="commands: bootstrap | key | "
        "get PATH | put PATH FILE | delete PATH | request METHOD PATH [FILE]")
    ap.add_argument("--user", help="subscriber name or IMPI in --subscribers")
    ap.add_argument("--impi")
    ap.add_argument("--subscribers", help="subscriber JSON (default: "
                    "lab/subscribers.json)")
    ap.add_argument("--k", help="K (hex) instead of the subscriber file")
    ap.add_argument("--op", help="OP (hex)")
    ap.add_argument("--opc", help="OPc (hex)")
    ap.add_argument("--sqn-ms", help="USIM's highest accepted SQN (hex); "
                    "default: accept any")
    ap.add_argument("--bsf", default=os.environ.get(
        "LAB_BSF", "http://127.0.0.1:8080"), help="BSF Ub URL")
    ap.add_argument("--state", help="keep B-TID, keys and SQN_MS in this "
                    "file between runs")
    ap.add_argument("--use-expired", action="store_true",
                    help="keep using a B-TID past its lifetime (to see the "
                    "NAF refuse it)")
    ap.add_argument("--naf", help="NAF base URL, https://FQDN[:port]")
    ap.add_argument("--connect", help="dial this address instead of the "
                    "NAF FQDN (SNI and certificate stay the FQDN)")
    ap.add_argument("--ca", help="CA certificate(s) to verify the NAF")
    ap.add_argument("--no-verify", action="store_true",
                    help="do not verify the NAF certificate")
    ap.add_argument("--ua-proto", choices=("tls", "http"), default="tls",
                    help="Ua security protocol id: tls = 010001yyzz with "
                    "the negotiated suite, http = 0100000002")
    ap.add_argument("--qop", choices=("auth", "auth-int"))
    ap.add_argument("--algorithm", help="MD5 or SHA-256 (default: the "
                    "NAF's first usable challenge)")
    ap.add_argument("--identity", help="X-3GPP-Intended-Identity (IMPU)")
    ap.add_argument("--content-type", help="override the PUT Content-Type")
    ap.add_argument("--ciphers", help="OpenSSL cipher string (TLS <= 1.2)")
    ap.add_argument("--tls-max", choices=sorted(TLS_VERSIONS))
    ap.add_argument("--tls-min", choices=sorted(TLS_VERSIONS))
    ap.add_argument("--no-rspauth-required", action="store_true",
                    help="accept a 2xx without Authentication-Info")
    ap.add_argument("--strict-rspauth", action="store_true",
                    help="for qop=auth-int, require rspauth over the actual "
                    "response body (RFC 2617), not over an empty body")
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("-i", "--include", action="store_true",
                    help="print response headers")
    ap.add_argument("-o", "--output", help="write the response body to "
                    "this file instead of stdout")
    ap.add_argument("-q", "--quiet", action="store_true",
                    help="no progress lines on stderr")
    ap.add_argument("command")
    ap.add_argument("args", nargs="*")
    a = ap.parse_args(argv)
    trace.quiet = a.quiet

    try:
        ue = build_ue(a)
        cmd = a.command
        if cmd == "bootstrap":
            ue.bootstrap()
            print(ue.boot["btid"])
            return 0
        if not a.naf:
            ap.error("--naf is needed for %s" % cmd)
        ctx = make_context(a) if a.naf.startswith("https:") else None
        naf = NafClient(ue, a.naf, a.connect, ctx, a.ua_proto, a.qop,
                        a.algorithm, a.identity, not a.no_rspauth_required,
                        a.timeout, a.strict_rspauth)
        if cmd == "key":
            ue.ensure_bootstrap()
            naf._ensure_connected()
            nid = naf.naf_id()
            print("btid %s" % ue.boot["btid"])
            print("naf_id %s|%s" % (naf.fqdn, nid[len(naf.fqdn):].hex()))
            print("ks_naf %s" % ue.ks_naf(nid).hex())
            print("password %s" % naf.password())
            naf.close()
            return 0
        method = {"get": "GET", "put": "PUT", "delete": "DELETE"}.get(cmd)
        args = list(a.args)
        if cmd == "request":
            if not args:
                ap.error("request METHOD PATH [FILE]")
            method = args.pop(0).upper()
        if method is None or not args:
            ap.error("unknown command %r or missing PATH" % cmd)
        path = args[0]
        if path.startswith("http://") or path.startswith("https://"):
            path = urllib.parse.urlsplit(path)._replace(
                scheme="", netloc="").geturl()
        body = None
        if method in ("PUT", "POST"):
            if len(args) < 2:
                ap.error("%s needs a FILE (- for stdin)" % cmd)
            if args[1] == "-":
                body = sys.stdin.buffer.read()
            else:
                with open(args[1], "rb") as f:
                    body = f.read()
        ctype = a.content_type or content_type_for(path)
        status, reason, hdrs, data = naf.request(method, path, body, ctype)
        naf.close()
        print("HTTP %d %s" % (status, reason))
        if a.include:
            for k, v in hdrs.items():
                print("%s: %s" % (k, v))
            print()
        if a.output:
            with open(a.output, "wb") as f:
                f.write(data)
        elif data:
            sys.stdout.write(data.decode("utf-8", "replace"))
            if not data.endswith(b"\n"):
                print()
        return 0 if 200 <= status < 300 else 1
    except BrokenPipeError:
        # stdout went away (| head): keep the interpreter from complaining
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (UeError, OSError, ssl.SSLError, http.client.HTTPException,
            ValueError) as e:
        sys.stderr.write("ue: error: %s\n" % e)
        return 1


if __name__ == "__main__":
    sys.exit(main())
