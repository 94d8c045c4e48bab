"""A tiny GBA NAF in Python (TLS + HTTP Digest with Ks_NAF from the lab BSF
over Zn), used to test the lab UE without nginx. Knobs let a test make it
misbehave (wrong realm, stale nonce, bad rspauth...)."""

import base64
import http.server
import json
import os
import ssl
import threading

import labutil
import digest


class MiniNaf(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, bsf, certdir, fqdn=labutil.NAF_FQDN, ua_proto="tls"):
        http.server.ThreadingHTTPServer.__init__(self, ("127.0.0.1", 0),
                                                 _Handler)
        self.bsf = bsf
        self.fqdn = fqdn
        self.ua_proto = ua_proto
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(os.path.join(certdir, "naf-ec.pem"),
                                 os.path.join(certdir, "naf-ec.key"))
        self.socket = self.ctx.wrap_socket(self.socket, server_side=True)
        self.port = self.server_address[1]
        # knobs
        self.realm = "3GPP-bootstrapping@" + fqdn
        self.challenges = [("MD5", "auth,auth-int")]
        self.stale_once = False
        self.bad_rspauth = False
        self.rspauth_empty_body = False
        self.reply_status = 200
        # observations
        self.nonces = set()
        self.naf_ids = []
        self.requests = []
        self.thread = threading.Thread(target=self.serve_forever,
                                       args=(0.05,), daemon=True)
        self.thread.start()

    def close(self):
        self.shutdown()
        self.server_close()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _challenge(self, stale=False):
        hdrs = []
        for alg, qop in self.server.challenges:
            nonce = base64.b64encode(os.urandom(18)).decode()
            self.server.nonces.add(nonce)
            p = {"realm": self.server.realm, "nonce": nonce, "qop": qop,
                 "algorithm": alg}
            if stale:
                p["stale"] = "true"
            hdrs.append(("WWW-Authenticate", digest.build_header(
                "Digest", p, quoted_names={"realm", "nonce", "qop"})))
        self._reply(401, b"", hdrs)

    def _ua_id(self):
        if self.server.ua_proto == "http":
            return "0100000002"
        name = self.connection.cipher()[0]
        for c in self.server.ctx.get_ciphers():
            if c["name"] == name:
                return "010001%04x" % (c["id"] & 0xffff)
        raise RuntimeError("suite %s unknown" % name)

    def _handle(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        s = self.server
        s.requests.append((self.command, self.path, dict(self.headers),
                           body))
        auth = self.headers.get("Authorization")
        if not auth:
            return self._challenge()
        _, p = digest.parse_credentials(auth)
        if p.get("nonce") not in s.nonces or p.get("realm") != s.realm:
            return self._challenge()
        ua = self._ua_id()
        st, _, d = s.bsf.retrieve(p["username"], fqdn=s.fqdn, ua=ua)
        if st != 200:
            return self._challenge()          # unknown B-TID: not stale
        s.naf_ids.append((s.fqdn, ua))
        password = base64.b64encode(bytes.fromhex(d["meKeyMaterial"]))
        alg, qop = p.get("algorithm", "MD5"), p.get("qop", "")
        h1 = digest.ha1(alg, p["username"], s.realm, password)
        want = digest.response(alg, h1, p["nonce"], p.get("nc"),
                               p.get("cnonce"), qop,
                               digest.ha2(alg, self.command, p["uri"], qop,
                                          body))
        if not digest.equal(want, p.get("response", "")):
            return self._challenge()
        if s.stale_once:
            s.stale_once = False
            s.nonces.discard(p["nonce"])
            return self._challenge(stale=True)
        out = json.dumps({"impi": d["impi"], "method": self.command,
                          "body": body.decode()}).encode()
        hashed = b"" if s.rspauth_empty_body else out
        rsp = digest.response(alg, h1, p["nonce"], p.get("nc"),
                              p.get("cnonce"), qop,
                              digest.ha2(alg, "", p["uri"], qop, hashed))
        if s.bad_rspauth:
            rsp = "0" * len(rsp)
        info = digest.build_header("", {"rspauth": rsp, "qop": qop,
                                        "cnonce": p.get("cnonce"),
                                        "nc": p.get("nc")})
        self._reply(s.reply_status, out, [("Authentication-Info", info),
                                          ("Content-Type",
                                           "application/json")])

    do_GET = do_PUT = do_DELETE = do_POST = _handle
