"""The lab UE over Ua against a small Python NAF (mininaf.py) that gets its
keys from a live bsf.py: the UE and the BSF must agree on Ks_NAF for the
NAF_Id of the connection (FQDN || 010001 || negotiated suite)."""

import contextlib
import io
import json
import os
import ssl
import subprocess
import tempfile
import unittest

import labutil
import gba
import ue as uelib
from mininaf import MiniNaf


class UeCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="labtest-ue-")
        cls.certs = os.path.join(cls.tmp.name, "certs")
        subprocess.run([os.path.join(labutil.LAB, "mkcerts.sh"), cls.certs],
                       check=True, stdout=subprocess.DEVNULL)
        cls.bsf = labutil.LiveBsf()

    @classmethod
    def tearDownClass(cls):
        cls.bsf.stop()
        cls.tmp.cleanup()

    def setUp(self):
        self.naf = MiniNaf(self.bsf, self.certs)
        self.addCleanup(self.naf.close)

    def ctx(self, tls_max=None):
        c = ssl.create_default_context(
            cafile=os.path.join(self.certs, "ca.pem"))
        if tls_max:
            c.maximum_version = tls_max
        return c

    def client(self, impi=labutil.ALICE, ue=None, **kw):
        ue = ue or uelib.UE(impi, labutil.milenage_for(impi),
                            self.bsf.ub_url)
        kw.setdefault("ctx", self.ctx())
        c = uelib.NafClient(ue, "https://%s:%d" % (labutil.NAF_FQDN,
                                                   self.naf.port),
                            connect="127.0.0.1", **kw)
        self.addCleanup(c.close)
        return c


class TestUa(UeCase):

    def test_get_tls13_naf_id(self):
        c = self.client()
        st, _, _, body = c.request("GET", "/xcap-root/x")
        self.assertEqual(st, 200)
        self.assertEqual(json.loads(body)["impi"], labutil.ALICE)
        self.assertEqual(c.ue.bootstraps, 1)
        fqdn, ua = self.naf.naf_ids[-1]
        self.assertEqual(ua, "010001%04x" % c.suite)
        self.assertTrue(ua.startswith("01000113"))          # a TLS 1.3 suite
        self.assertEqual(c.naf_id(), gba.naf_id(fqdn, ua))
        # the request carried the 3gpp-gba product token
        self.assertIn("3gpp-gba", self.naf.requests[-1][2]["User-Agent"])

    def test_tls12_suite_and_keepalive(self):
        c = self.client(ctx=self.ctx(ssl.TLSVersion.TLSv1_2))
        for _ in range(3):
            self.assertEqual(c.request("GET", "/a")[0], 200)
        ua = self.naf.naf_ids[-1][1]
        self.assertTrue(ua.startswith("010001c0"), ua)      # ECDHE suite
        self.assertEqual(c.nc, 3)        # one nonce, nc counting up
        self.assertEqual(c.ue.bootstraps, 1)

    def test_put_auth_int(self):
        c = self.client()
        doc = b"<?xml version='1.0'?><x/>"
        st, _, _, body = c.request("PUT", "/xcap-root/d", doc,
                                   "application/xml")
        self.assertEqual(st, 200)
        self.assertEqual(json.loads(body)["body"], doc.decode())
        auth = self.naf.requests[-1][2]["Authorization"]
        self.assertIn("qop=auth-int", auth)

    def test_qop_auth_when_only_auth(self):
        self.naf.challenges = [("MD5", "auth")]
        c = self.client()
        self.assertEqual(c.request("PUT", "/d", b"<x/>")[0], 200)
        self.assertIn("qop=auth,", self.naf.requests[-1][2]["Authorization"])

    def test_sha256_first(self):
        self.naf.challenges = [("SHA-256", "auth-int"), ("MD5", "auth-int")]
        c = self.client()
        self.assertEqual(c.request("GET", "/a")[0], 200)
        self.assertIn("algorithm=SHA-256",
                      self.naf.requests[-1][2]["Authorization"])
        c2 = self.client(algorithm="MD5")
        self.assertEqual(c2.request("GET", "/a")[0], 200)
        self.assertIn("algorithm=MD5",
                      self.naf.requests[-1][2]["Authorization"])

    def test_ua_http_protocol_id(self):
        self.naf.ua_proto = "http"
        c = self.client(ua_proto="http")
        self.assertEqual(c.request("GET", "/a")[0], 200)
        self.assertEqual(self.naf.naf_ids[-1][1], "0100000002")

    def test_mismatched_protocol_id_fails(self):
        # the NAF derives for 0100000002, the UE for 010001yyzz
        self.naf.ua_proto = "http"
        c = self.client()
        st = c.request("GET", "/a")[0]
        self.assertEqual(st, 401)
        self.assertEqual(c.ue.bootstraps, 2)      # tried once more, then gave up

    def test_wrong_realm_refused(self):
        self.naf.realm = "3GPP-bootstrapping@evil.example.org"
        c = self.client()
        with self.assertRaisesRegex(uelib.UeError, "realm"):
            c.request("GET", "/a")
        self.assertEqual(c.ue.bootstraps, 0)      # no key was derived

    def test_stale_retry_without_bootstrap(self):
        self.naf.stale_once = True
        c = self.client()
        self.assertEqual(c.request("GET", "/a")[0], 200)
        self.assertEqual(c.ue.bootstraps, 1)

    def test_expired_btid_rebootstraps_once(self):
        c = self.client()
        self.assertEqual(c.request("GET", "/a")[0], 200)
        old = c.ue.boot["btid"]
        self.bsf.zn_json("POST", "/admin/expire", {"btId": old})
        c.conn.close()          # the NAF keeps no per-connection state anyway
        st = c.request("GET", "/a")[0]
        self.assertEqual(st, 200)
        self.assertEqual(c.ue.bootstraps, 2)
        self.assertNotEqual(c.ue.boot["btid"], old)

    def test_use_expired_flag(self):
        ue = uelib.UE(labutil.BOB, labutil.milenage_for(labutil.BOB),
                      self.bsf.ub_url, use_expired=True)
        ue.bootstrap()
        ue.boot["expires"] = 0          # the UE believes the key is old
        c = self.client(ue=ue)
        self.assertEqual(c.request("GET", "/a")[0], 200)
        self.assertEqual(ue.bootstraps, 1)        # it was still valid
        ue.use_expired = False
        ue.boot["expires"] = 0
        c.challenge = None
        self.assertEqual(c.request("GET", "/a")[0], 200)
        self.assertEqual(ue.bootstraps, 2)        # proactive re-bootstrap

    def test_bad_rspauth_refused(self):
        self.naf.bad_rspauth = True
        c = self.client()
        with self.assertRaisesRegex(uelib.UeError, "rspauth"):
            c.request("GET", "/a")

    def test_rspauth_empty_body(self):
        self.naf.rspauth_empty_body = True
        self.assertEqual(self.client().request("GET", "/a")[0], 200)
        with self.assertRaisesRegex(uelib.UeError, "rspauth"):
            self.client(strict_rspauth=True).request("GET", "/a")

    def test_missing_rspauth(self):
        c = self.client()
        self.assertEqual(c.request("GET", "/a")[0], 200)
        self.naf.reply_status = 204
        self.naf.bad_rspauth = False
        # a 2xx must carry Authentication-Info unless told otherwise
        import mininaf
        orig = mininaf._Handler._reply

        def no_info(handler, status, body=b"", headers=()):
            orig(handler, status, body, [h for h in headers
                                         if h[0] != "Authentication-Info"])
        mininaf._Handler._reply = no_info
        try:
            with self.assertRaisesRegex(uelib.UeError,
                                        "Authentication-Info"):
                c.request("GET", "/a")
            c2 = self.client(require_rspauth=False)
            self.assertEqual(c2.request("GET", "/a")[0], 204)
        finally:
            mininaf._Handler._reply = orig

    def test_intended_identity(self):
        c = self.client(identity="tel:+15550100001")
        c.request("GET", "/a")
        self.assertEqual(self.naf.requests[-1][2]
                         ["X-3GPP-Intended-Identity"], '"tel:+15550100001"')

    def test_certificate_checked(self):
        c = self.client(ctx=ssl.create_default_context())   # no lab CA
        with self.assertRaises(ssl.SSLError):
            c.request("GET", "/a")


class TestCli(UeCase):

    def run_cli(self, *args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = uelib.main(["--user", "carol", "--bsf", self.bsf.ub_url,
                             "--ca", os.path.join(self.certs, "ca.pem"),
                             "--naf", "https://%s:%d" % (labutil.NAF_FQDN,
                                                         self.naf.port),
                             "--connect", "127.0.0.1", "-q"] + list(args))
        return rc, out.getvalue(), err.getvalue()

    def test_get_put_exit_codes(self):
        rc, out, _ = self.run_cli("get", "/xcap-root/x")
        self.assertEqual(rc, 0)
        self.assertTrue(out.startswith("HTTP 200"))
        doc = os.path.join(self.tmp.name, "d.xml")
        with open(doc, "w") as f:
            f.write("<ruleset/>")
        rc, out, _ = self.run_cli("put", "/xcap-root/pres-rules/users/"
                                  "sip:carol@x/index", doc)
        self.assertEqual(rc, 0)
        req = self.naf.requests[-1]
        self.assertEqual(req[2]["Content-Type"],
                         "application/auth-policy+xml")
        self.naf.reply_status = 403
        rc, out, _ = self.run_cli("delete", "/xcap-root/x")
        self.assertEqual(rc, 1)
        self.assertTrue(out.startswith("HTTP 403"))

    def test_key_command(self):
        rc, out, _ = self.run_cli("--ua-proto", "http", "key")
        self.assertEqual(rc, 0)
        lines = dict(l.split(" ", 1) for l in out.splitlines())
        self.assertEqual(lines["naf_id"], labutil.NAF_FQDN + "|0100000002")
        st, _, d = self.bsf.retrieve(lines["btid"])
        self.assertEqual(d["meKeyMaterial"], lines["ks_naf"])

    def test_error_exit(self):
        self.naf.realm = "wrong"
        rc, _, err = self.run_cli("get", "/a")
        self.assertEqual(rc, 1)
        self.assertIn("realm", err)

    def test_content_types(self):
        f = uelib.content_type_for
        self.assertEqual(f("/xcap-root/pres-rules/users/sip:a@b/index"),
                         "application/auth-policy+xml")
        self.assertEqual(f("/xcap-root/resource-lists/users/sip:a@b/index"),
                         "application/resource-lists+xml")
        self.assertEqual(f("/xcap-root/rls-services/global/index"),
                         "application/rls-services+xml")
        self.assertEqual(f("/xcap-root/resource-lists/users/sip:a@b/index"
                           "/~~/resource-lists/list"),
                         "application/xcap-el+xml")


if __name__ == "__main__":
    unittest.main()
