"""GBA KDF (TS 33.220 Annex B), NAF_Id, B-TID, AKA helpers, Digest helpers."""

import base64
import hashlib
import hmac
import unittest

import labutil
import digest
import gba
from milenage import Milenage

H = bytes.fromhex


class TestKdf(unittest.TestCase):

    def test_spec_notes_vector(self):
        v = labutil.vectors()["gba_kdf"]
        nid = gba.naf_id(v["naf_fqdn"], v["ua_sec_prot_id"])
        key = gba.ks_naf(H(v["ck"]), H(v["ik"]), H(v["rand"]), v["impi"],
                         nid)
        self.assertEqual(key.hex(), v["ks_naf"])
        self.assertEqual(base64.b64encode(key).decode(), v["ks_naf_b64"])
        self.assertEqual(key.hex(), "d634b3a8c9f2be58b8b0a1266b756f21"
                                    "f70e6b6b2355034c42c03e90a7985123")

    def test_kdf_layout(self):
        # S = FC || P0 || L0 || ... with 2-octet big-endian lengths
        key = bytes(range(32))
        s = b"\x01" + b"gba-me" + b"\x00\x06" + b"R" * 16 + b"\x00\x10" \
            + b"impi" + b"\x00\x04" + b"naf" + b"\x00\x03"
        self.assertEqual(gba.kdf(key, 1, b"gba-me", b"R" * 16, "impi",
                                 b"naf"),
                         hmac.new(key, s, hashlib.sha256).digest())

    def test_key_depends_on_naf_id(self):
        v = labutil.vectors()["gba_kdf"]
        args = (H(v["ck"]), H(v["ik"]), H(v["rand"]), v["impi"])
        k_http = gba.ks_naf(*args, gba.naf_id(v["naf_fqdn"], "0100000002"))
        k_tls = gba.ks_naf(*args, gba.naf_id(v["naf_fqdn"],
                                             gba.ua_tls(0xc02f)))
        k_tls13 = gba.ks_naf(*args, gba.naf_id(v["naf_fqdn"],
                                               gba.ua_tls(0x1302)))
        k_other = gba.ks_naf(*args, gba.naf_id("other.example.org",
                                               "0100000002"))
        self.assertEqual(len({k_http, k_tls, k_tls13, k_other}), 4)

    def test_naf_id(self):
        self.assertEqual(gba.naf_id("a.b", "0100000002"),
                         b"a.b\x01\x00\x00\x00\x02")
        self.assertEqual(gba.ua_tls(0xc02f), H("010001c02f"))
        self.assertEqual(gba.ua_tls(0x1301), H("0100011301"))
        with self.assertRaises(ValueError):
            gba.naf_id("a.b", "01")
        with self.assertRaises(ValueError):
            gba.ua_tls(0x10000)

    def test_btid(self):
        rand = H("23553cbe9637a89d218ae64dae47bf35")
        b = gba.btid(rand, labutil.DOMAIN)
        self.assertEqual(b, "I1U8vpY3qJ0hiuZNrke/NQ==@" + labutil.DOMAIN)
        self.assertEqual(gba.btid_rand(b), rand)
        self.assertIsNone(gba.btid_rand("nope"))
        self.assertIsNone(gba.btid_rand("AAAA@x"))

    def test_bsf_domain(self):
        self.assertEqual(gba.bsf_domain(labutil.ALICE), labutil.DOMAIN)
        self.assertEqual(gba.bsf_domain("u@example.org"), "bsf.example.org")


class TestAka(unittest.TestCase):

    def setUp(self):
        s = labutil.vectors()["milenage"][0]
        self.s = s
        self.m = Milenage(H(s["k"]), op=H(s["op"]))
        self.rand = H(s["rand"])
        self.sqn = int(s["sqn"], 16)

    def test_autn_matches_spec_values(self):
        autn, xres, ck, ik = gba.make_vector(self.m, self.rand, self.sqn,
                                             H(self.s["amf"]))
        sqn_xor_ak = bytes(a ^ b for a, b in zip(H(self.s["sqn"]),
                                                 H(self.s["f5"])))
        self.assertEqual(autn, sqn_xor_ak + H(self.s["amf"])
                         + H(self.s["f1"]))
        self.assertEqual(xres.hex(), self.s["f2"])
        self.assertEqual((ck.hex(), ik.hex()), (self.s["f3"], self.s["f4"]))

    def test_ue_accepts_and_derives_same_keys(self):
        autn, xres, ck, ik = gba.make_vector(self.m, self.rand, self.sqn,
                                             H("8000"))
        res, ck2, ik2, sqn = gba.ue_authenticate(self.m, self.rand, autn,
                                                 self.sqn - 5)
        self.assertEqual((res, ck2, ik2, sqn), (xres, ck, ik, self.sqn))
        # a fresh USIM (no SQN_MS) accepts any SQN
        self.assertEqual(gba.ue_authenticate(self.m, self.rand, autn)[3],
                         self.sqn)

    def test_mac_failure(self):
        autn, _, _, _ = gba.make_vector(self.m, self.rand, self.sqn,
                                        H("8000"))
        bad = autn[:15] + bytes([autn[15] ^ 1])
        with self.assertRaises(gba.AkaError) as cm:
            gba.ue_authenticate(self.m, self.rand, bad)
        self.assertEqual(cm.exception.kind, "mac")
        other = Milenage(bytes(16), op=H(self.s["op"]))
        with self.assertRaises(gba.AkaError):
            gba.ue_authenticate(other, self.rand, autn)

    def test_sync_failure_and_auts(self):
        autn, _, _, _ = gba.make_vector(self.m, self.rand, self.sqn,
                                        H("8000"))
        for sqn_ms in (self.sqn, self.sqn + 7,
                       self.sqn - gba.SQN_DELTA - 1):
            with self.assertRaises(gba.AkaError) as cm:
                gba.ue_authenticate(self.m, self.rand, autn, sqn_ms)
            self.assertEqual(cm.exception.kind, "sync")
            self.assertEqual(gba.verify_auts(self.m, self.rand,
                                             cm.exception.auts),
                             sqn_ms & gba.SQN_MAX)
        auts = gba.make_auts(self.m, self.rand, 12345)
        self.assertEqual(len(auts), 14)
        self.assertIsNone(gba.verify_auts(self.m, self.rand,
                                          auts[:13] + bytes([auts[13] ^ 1])))
        self.assertIsNone(gba.verify_auts(self.m, bytes(16), auts))
        self.assertIsNone(gba.verify_auts(self.m, self.rand, auts[:10]))

    def test_mac_s_uses_dummy_amf(self):
        auts = gba.make_auts(self.m, self.rand, self.sqn)
        self.assertEqual(auts[6:], self.m.f1star(self.rand,
                                                 H(self.s["sqn"]), bytes(2)))


class TestDigest(unittest.TestCase):

    def test_parse_challenges(self):
        v = ('Digest realm="3GPP-bootstrapping@x.org", nonce="a,b=c", '
             'qop="auth,auth-int", algorithm=MD5, Digest realm="r", '
             'nonce="n2", algorithm=SHA-256, stale=TRUE')
        ch = digest.parse_challenges(v)
        self.assertEqual(len(ch), 2)
        self.assertEqual(ch[0][1]["nonce"], "a,b=c")
        self.assertEqual(digest.split_qop(ch[0][1]["qop"]),
                         ["auth", "auth-int"])
        self.assertEqual(ch[1][1]["algorithm"], "SHA-256")
        self.assertEqual(ch[1][1]["stale"], "TRUE")

    def test_parse_escapes_and_errors(self):
        s, p = digest.parse_credentials('Digest username="a\\"b", uri=/x')
        self.assertEqual((s, p["username"], p["uri"]), ("digest", 'a"b',
                                                         "/x"))
        with self.assertRaises(ValueError):
            digest.parse_challenges('Digest realm="open')
        self.assertEqual(digest.parse_params('rspauth="x", nc=00000001'),
                         {"rspauth": "x", "nc": "00000001"})

    def test_rfc2617_example(self):
        # RFC 2617 section 3.5
        h1 = digest.ha1("MD5", "Mufasa", "testrealm@host.com",
                        "Circle Of Life")
        h2 = digest.ha2("MD5", "GET", "/dir/index.html", "auth")
        self.assertEqual(digest.response(
            "MD5", h1, "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001",
            "0a4f113b", "auth", h2), "6629fae49393a05397450978507c4ef1")

    def test_rfc7616_sha256_example(self):
        # RFC 7616 section 3.9.1
        h1 = digest.ha1("SHA-256", "Mufasa", "http-auth@example.org",
                        "Circle of Life")
        h2 = digest.ha2("SHA-256", "GET", "/dir/index.html", "auth")
        self.assertEqual(digest.response(
            "SHA-256", h1, "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            "00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
            "auth", h2),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")

    def test_auth_int_hashes_body(self):
        a = digest.ha2("MD5", "PUT", "/x", "auth-int", b"<a/>")
        b = digest.ha2("MD5", "PUT", "/x", "auth-int", b"<b/>")
        self.assertNotEqual(a, b)
        self.assertEqual(a, hashlib.md5(
            b"PUT:/x:" + hashlib.md5(b"<a/>").hexdigest().encode())
            .hexdigest())

    def test_raw_password(self):
        # RFC 3310: RES as raw octets, not hex
        res = H("a54211d5e3ba50bf")
        self.assertEqual(digest.ha1("AKAv1-MD5", "u", "r", res),
                         hashlib.md5(b"u:r:" + res).hexdigest())


if __name__ == "__main__":
    unittest.main()
