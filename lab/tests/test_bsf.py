"""bsf.py live on ephemeral ports: Ub (Digest AKA) and Zn (Nbsp_GBA JSON)."""

import base64
import json
import os
import re
import socket
import tempfile
import time
import unittest

import labutil
import digest
import gba
import ue as uelib

H = bytes.fromhex


def ub_get(bsf, auth):
    return labutil.http_call("127.0.0.1", bsf.ub_port, "GET", "/",
                             headers={"Authorization": auth})


def first_challenge(bsf, impi):
    st, hdrs, _ = ub_get(bsf, digest.build_header("Digest", {
        "username": impi, "realm": labutil.DOMAIN, "nonce": "", "uri": "/",
        "response": ""}))
    assert st == 401, st
    scheme, ch = digest.parse_challenges(hdrs["WWW-Authenticate"])[0]
    return ch


def answer(impi, ch, password, extra=None):
    p = {"username": impi, "realm": ch["realm"], "nonce": ch["nonce"],
         "uri": "/", "algorithm": "AKAv1-MD5", "qop": "auth-int",
         "nc": "00000001", "cnonce": "c0ffee"}
    p.update(extra or {})
    h1 = digest.ha1("AKAv1-MD5", impi, ch["realm"], password)
    h2 = digest.ha2("AKAv1-MD5", "GET", "/", "auth-int")
    p["response"] = digest.response("AKAv1-MD5", h1, p["nonce"], p["nc"],
                                    p["cnonce"], "auth-int", h2)
    return digest.build_header("Digest", p)


class BsfCase(unittest.TestCase):
    bsf_args = ()

    @classmethod
    def setUpClass(cls):
        cls.bsf = labutil.LiveBsf(*cls.bsf_args)

    @classmethod
    def tearDownClass(cls):
        cls.bsf.stop()

    def new_ue(self, impi=labutil.ALICE, sqn_ms=None, mil=None):
        return uelib.UE(impi, mil or labutil.milenage_for(impi),
                        self.bsf.ub_url, sqn_ms=sqn_ms)


class TestUb(BsfCase):

    def test_challenge_shape(self):
        ch = first_challenge(self.bsf, labutil.ALICE)
        self.assertEqual(ch["realm"], labutil.DOMAIN)
        self.assertEqual(ch["algorithm"], "AKAv1-MD5")
        self.assertEqual(ch["qop"], "auth-int")
        raw = base64.b64decode(ch["nonce"])
        self.assertEqual(len(raw), 32)          # RAND || AUTN
        # the AUTN verifies with alice's K/OP: the BSF used her subscription
        res, ck, ik, sqn = gba.ue_authenticate(
            labutil.milenage_for(labutil.ALICE), raw[:16], raw[16:])
        self.assertGreater(sqn, int(labutil.subscriber(labutil.ALICE)["sqn"],
                                    16))

    def test_success(self):
        before = self.bsf.counters()
        ue = self.new_ue()
        btid = ue.bootstrap()
        self.assertRegex(btid, r"^[A-Za-z0-9+/]{22}==@"
                         + re.escape(labutil.DOMAIN) + "$")
        self.assertEqual(gba.btid_rand(btid), ue.boot["rand"])
        self.assertAlmostEqual(ue.boot["expires"], time.time() + 3600,
                               delta=5)
        after = self.bsf.counters()
        self.assertEqual(after["ub_success"], before["ub_success"] + 1)
        self.assertEqual(after["ub_challenges"], before["ub_challenges"] + 1)
        # SQN advances per challenge: a second bootstrap is accepted by a
        # USIM that remembers the first SQN
        ue.bootstrap()
        self.assertNotEqual(ue.boot["btid"], btid)

    def test_success_headers(self):
        ch = first_challenge(self.bsf, labutil.BOB)
        raw = base64.b64decode(ch["nonce"])
        res, ck, ik, sqn = gba.ue_authenticate(
            labutil.milenage_for(labutil.BOB), raw[:16], raw[16:])
        st, hdrs, body = ub_get(self.bsf, answer(labutil.BOB, ch, res))
        self.assertEqual(st, 200)
        self.assertEqual(hdrs["Content-Type"], "application/vnd.3gpp.bsf+xml")
        self.assertRegex(body.decode(), r'<BootstrappingInfo xmlns="uri:'
                         r'3gpp-gba"><btid>[^<]+</btid><lifetime>\d{4}-\d\d-'
                         r'\d\dT\d\d:\d\d:\d\dZ</lifetime>')
        info = digest.parse_params(hdrs["Authentication-Info"])
        h1 = digest.ha1("AKAv1-MD5", labutil.BOB, ch["realm"], res)
        want = digest.response("AKAv1-MD5", h1, ch["nonce"], "00000001",
                               "c0ffee", "auth-int",
                               digest.ha2("AKAv1-MD5", "", "/", "auth-int",
                                          body))
        self.assertEqual(info["rspauth"], want)
        # the nonce is single use
        st, _, _ = ub_get(self.bsf, answer(labutil.BOB, ch, res))
        self.assertEqual(st, 401)

    def test_wrong_res(self):
        before = self.bsf.counters()
        ch = first_challenge(self.bsf, labutil.ALICE)
        st, hdrs, _ = ub_get(self.bsf, answer(labutil.ALICE, ch,
                                              b"\x00" * 8))
        self.assertEqual(st, 401)
        self.assertIn("WWW-Authenticate", hdrs)
        new = digest.parse_challenges(hdrs["WWW-Authenticate"])[0][1]
        self.assertNotEqual(new["nonce"], ch["nonce"])
        after = self.bsf.counters()
        self.assertEqual(after["ub_failures"], before["ub_failures"] + 1)
        self.assertEqual(after["ub_success"], before["ub_success"])

    def test_wrong_key_ue_refuses_network(self):
        from milenage import Milenage
        ue = self.new_ue(mil=Milenage(bytes(16), op=bytes(16)))
        with self.assertRaisesRegex(uelib.UeError, "MAC-A"):
            ue.bootstrap()

    def test_unknown_impi_and_no_auth(self):
        st, _, _ = ub_get(self.bsf, 'Digest username="nobody@x", nonce="", '
                          'realm="r", uri="/", response=""')
        self.assertEqual(st, 403)
        st, hdrs, _ = labutil.http_call("127.0.0.1", self.bsf.ub_port,
                                        "GET", "/")
        self.assertEqual(st, 401)

    def test_sync_failure_resync_success(self):
        before = self.bsf.counters()
        # a USIM that has seen a SQN far above the BSF's: sync failure
        ue = self.new_ue(labutil.CAROL, sqn_ms=0xfffff0000000)
        btid = ue.bootstrap()
        self.assertTrue(btid.endswith("@" + labutil.DOMAIN))
        after = self.bsf.counters()
        self.assertEqual(after["resyncs"], before["resyncs"] + 1)
        self.assertEqual(after["ub_success"], before["ub_success"] + 1)
        # the BSF continues above SQN_MS: the next bootstrap needs no resync
        self.assertEqual(ue.sqn_ms, 0xfffff0000001)
        ue.bootstrap()
        self.assertEqual(self.bsf.counters()["resyncs"], after["resyncs"])

    def test_bad_auts(self):
        before = self.bsf.counters()
        ch = first_challenge(self.bsf, labutil.ALICE)
        auts = base64.b64encode(bytes(14)).decode()
        st, _, _ = ub_get(self.bsf, answer(labutil.ALICE, ch, b"",
                                           {"auts": auts}))
        self.assertEqual(st, 401)
        after = self.bsf.counters()
        self.assertEqual(after["resyncs"], before["resyncs"])
        self.assertEqual(after["ub_failures"], before["ub_failures"] + 1)

    def test_state_file(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "s.json")
            ue = uelib.UE(labutil.ALICE, labutil.milenage_for(labutil.ALICE),
                          self.bsf.ub_url, state_path=path)
            btid = ue.bootstrap()
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
            again = uelib.UE(labutil.ALICE,
                             labutil.milenage_for(labutil.ALICE),
                             self.bsf.ub_url, state_path=path)
            self.assertEqual(again.boot["btid"], btid)
            self.assertEqual(again.sqn_ms, ue.sqn_ms)


class TestZn(BsfCase):

    def bootstrap(self, impi=labutil.ALICE):
        ue = self.new_ue(impi)
        ue.bootstrap()
        return ue

    def test_200_shape_and_key(self):
        ue = self.bootstrap()
        btid = ue.boot["btid"]
        for ua in ("0100000002", "010001c02f", "0100011302"):
            st, hdrs, d = self.bsf.retrieve(btid, ua=ua)
            self.assertEqual(st, 200)
            self.assertEqual(hdrs["Content-Type"], "application/json")
            want = ue.ks_naf(gba.naf_id(labutil.NAF_FQDN, ua)).hex()
            self.assertEqual(d["meKeyMaterial"], want)
            self.assertRegex(d["meKeyMaterial"], "^[0-9a-f]{64}$")
        for k in ("keyExpiryTime", "bootstrappingInfoCreationTime"):
            self.assertRegex(d[k], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(uelib.parse_time(d["keyExpiryTime"]),
                         ue.boot["expires"])
        self.assertEqual(d["impi"], labutil.ALICE)
        self.assertEqual(d["gbaType"], "3G_GBA")
        uss = d["ussList"][0]["uss"]
        self.assertEqual((uss["gsId"], uss["gsType"]), (1, 1))
        self.assertEqual([u["ueId"] for u in uss["ueIds"]],
                         labutil.subscriber(labutil.ALICE)["identities"])

    def test_404_unknown(self):
        before = self.bsf.counters()
        st, hdrs, d = self.bsf.retrieve("AAAAAAAAAAAAAAAAAAAAAA==@"
                                        + labutil.DOMAIN)
        self.assertEqual(st, 404)
        self.assertEqual(hdrs["Content-Type"], "application/problem+json")
        self.assertEqual(d["status"], 404)
        self.assertEqual(d["cause"], "USER_NOT_FOUND")
        self.assertIn("title", d)
        self.assertEqual(self.bsf.counters()["zn_not_found"],
                         before["zn_not_found"] + 1)

    def test_superseded_btid(self):
        ue = self.bootstrap(labutil.BOB)
        old = ue.boot["btid"]
        ue.bootstrap()
        self.assertEqual(self.bsf.retrieve(old)[0], 404)
        self.assertEqual(self.bsf.retrieve(ue.boot["btid"])[0], 200)

    def test_admin_expire(self):
        ue = self.bootstrap(labutil.BOB)
        btid = ue.boot["btid"]
        st, _, _ = self.bsf.zn_json("POST", "/admin/expire", {"btId": btid})
        self.assertEqual(st, 200)
        self.assertEqual(self.bsf.retrieve(btid)[0], 404)

    def test_400(self):
        bad = [
            b"not json",
            b"[1,2]",
            json.dumps({"nafId": {"nafFqdn": "a.b",
                                  "uaSecProtId": "0100000002"}}).encode(),
            json.dumps({"btId": "x@y"}).encode(),
            json.dumps({"btId": "x@y", "nafId": {
                "nafFqdn": "a.b", "uaSecProtId": "01000000"}}).encode(),
            json.dumps({"btId": "x@y", "nafId": {
                "nafFqdn": "bad host!", "uaSecProtId": "0100000002"}}).encode(),
            json.dumps({"btId": 7, "nafId": {
                "nafFqdn": "a.b", "uaSecProtId": "0100000002"}}).encode(),
            json.dumps({"btId": "x@y", "gbaUAware": "yes", "nafId": {
                "nafFqdn": "a.b", "uaSecProtId": "0100000002"}}).encode(),
        ]
        for body in bad:
            with self.subTest(body=body):
                st, hdrs, data = self.bsf.zn(
                    "POST", labutil.ZN_PATH, body,
                    {"Content-Type": "application/json"})
                self.assertEqual(st, 400)
                self.assertEqual(hdrs["Content-Type"],
                                 "application/problem+json")
                p = json.loads(data)
                self.assertEqual(p["status"], 400)
                self.assertIn(p["cause"], ("INVALID_MSG_FORMAT",
                                           "MANDATORY_IE_MISSING",
                                           "MANDATORY_IE_INCORRECT"))

    def test_counters_and_reset(self):
        ue = self.bootstrap(labutil.CAROL)
        btid = ue.boot["btid"]
        before = self.bsf.counters()
        self.bsf.retrieve(btid)
        self.bsf.retrieve(btid, ua="010001c02f")
        c = self.bsf.counters()
        self.assertEqual(c["zn_requests"], before["zn_requests"] + 2)
        self.assertEqual(c["zn_success"], before["zn_success"] + 2)
        self.assertEqual(c["zn_by_btid"][btid], 2)
        for k in ("ub_challenges", "ub_success", "ub_failures", "resyncs",
                  "zn_requests", "zn_success", "zn_not_found"):
            self.assertIsInstance(c[k], int)
        st, _, _ = self.bsf.zn("POST", "/admin/reset", b"")
        self.assertEqual(st, 200)
        c = self.bsf.counters()
        self.assertEqual(c["zn_requests"], 0)
        self.assertEqual(c["zn_by_btid"], {})
        # keys survive a counter reset
        self.assertEqual(self.bsf.retrieve(btid)[0], 200)

    def test_faults_by_header(self):
        ue = self.bootstrap()
        btid = ue.boot["btid"]
        h = {"X-Lab-Zn-Fault": "500"}
        st, hdrs, d = self.bsf.retrieve(btid, headers=h)
        self.assertEqual((st, d["status"]), (500, 500))
        st, hdrs, d = self.bsf.retrieve(btid,
                                        headers={"X-Lab-Zn-Fault": "garbage"})
        self.assertEqual(st, 200)
        self.assertIsNone(d)                      # not JSON
        st, hdrs, d = self.bsf.retrieve(btid,
                                        headers={"X-Lab-Zn-Fault": "bad-key"})
        self.assertEqual(st, 200)
        good = ue.ks_naf(gba.naf_id(labutil.NAF_FQDN, "0100000002")).hex()
        self.assertRegex(d["meKeyMaterial"], "^[0-9a-f]{64}$")
        self.assertNotEqual(d["meKeyMaterial"], good)
        with self.assertRaises(socket.timeout):
            self.bsf.retrieve(btid, headers={"X-Lab-Zn-Fault": "slow"},
                              timeout=0.5)
        st, _, d = self.bsf.retrieve(btid, headers={"X-Lab-Zn-Fault": "none"})
        self.assertEqual((st, d["meKeyMaterial"]), (200, good))

    def test_fault_admin_switch(self):
        ue = self.bootstrap()
        try:
            st, _, _ = self.bsf.zn_json("POST", "/admin/fault",
                                        {"fault": "503"})
            self.assertEqual(st, 200)
            self.assertEqual(self.bsf.retrieve(ue.boot["btid"])[0], 503)
            self.assertEqual(self.bsf.zn_json("POST", "/admin/fault",
                                              {"fault": "nope"})[0], 400)
        finally:
            self.bsf.zn_json("POST", "/admin/fault", {"fault": "none"})
        self.assertEqual(self.bsf.retrieve(ue.boot["btid"])[0], 200)

    def test_admin_bootstrap(self):
        st, _, d = self.bsf.zn_json("POST", "/admin/bootstrap", {
            "impi": labutil.BOB, "lifetime": 60, "nafId": {
                "nafFqdn": labutil.NAF_FQDN, "uaSecProtId": "0100000002"}})
        self.assertEqual(st, 200)
        st, _, z = self.bsf.retrieve(d["btId"])
        self.assertEqual(z["meKeyMaterial"], d["meKeyMaterial"])
        self.assertEqual(base64.b64decode(d["password"]).hex(),
                         d["meKeyMaterial"])

    def test_wrong_method_and_path(self):
        st, hdrs, _ = self.bsf.zn("GET", labutil.ZN_PATH)
        self.assertEqual(st, 405)
        st, hdrs, _ = self.bsf.zn("POST", "/nope", b"{}")
        self.assertEqual(st, 404)
        self.assertEqual(hdrs["Content-Type"], "application/problem+json")


class TestZnCliFaultAndExpiry(BsfCase):
    """--zn-fault on the command line, and a key lifetime running out."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        with open(labutil.SUBSCRIBERS) as f:
            subs = json.load(f)
        for s in subs["subscribers"]:
            s["key_lifetime"] = 1
        path = os.path.join(cls.tmp.name, "subs.json")
        with open(path, "w") as f:
            json.dump(subs, f)
        cls.bsf = labutil.LiveBsf("--zn-fault", "500", subscribers=path)

    @classmethod
    def tearDownClass(cls):
        cls.bsf.stop()
        cls.tmp.cleanup()

    def test_cli_fault_then_expiry(self):
        ue = self.new_ue()
        ue.bootstrap()
        btid = ue.boot["btid"]
        self.assertEqual(self.bsf.retrieve(btid)[0], 500)
        # a request header overrides the command line
        h = {"X-Lab-Zn-Fault": "none"}
        self.assertEqual(self.bsf.retrieve(btid, headers=h)[0], 200)
        time.sleep(max(0.0, ue.boot["expires"] - time.time()) + 0.2)
        st, _, d = self.bsf.retrieve(btid, headers=h)
        self.assertEqual((st, d["cause"]), (404, "USER_NOT_FOUND"))


if __name__ == "__main__":
    unittest.main()
