"""GBA helpers (TS 33.220, TS 33.102, TS 24.109) shared by the lab BSF and UE.

- the Annex B key derivation function and Ks_NAF (GBA_ME),
- NAF_Id = NAF FQDN || Ua security protocol identifier (Annex H),
- B-TID = base64(RAND)@<BSF domain>,
- UMTS AKA helpers over Milenage: AUTN on the network side, AUTN checks,
  RES/CK/IK and AUTS on the UE side, AUTS verification for resynchronisation.
"""

import base64
import hashlib
import hmac

# Ua security protocol identifiers (TS 33.220 Annex H).
UA_HTTP_DIGEST = bytes.fromhex("0100000002")   # TS 24.109 Digest, plain HTTP
UA_TLS_PREFIX = bytes.fromhex("010001")        # Digest over TLS, + suite
UA_TLS13_PSK = bytes.fromhex("0100000007")     # shared-key TLS 1.3

SQN_MAX = (1 << 48) - 1
# TS 33.102 Annex C.2.2: a UE accepts a SQN at most DELTA above SQN_MS.
SQN_DELTA = 1 << 28
AMF_RESYNC = bytes(2)   # dummy AMF used in MAC-S (TS 33.102 clause 6.3.3)


def kdf(key, fc, *params):
    """TS 33.220 Annex B.2: HMAC-SHA-256(key, FC || P0 || L0 || P1 || L1 ...),
    every Li being the 2-octet big-endian length of Pi."""
    s = bytearray([fc])
    for p in params:
        if isinstance(p, str):
            p = p.encode("utf-8")
        if len(p) > 0xffff:
            raise ValueError("KDF parameter longer than 65535 octets")
        s += p + len(p).to_bytes(2, "big")
    return hmac.new(key, bytes(s), hashlib.sha256).digest()


def ks_naf(ck, ik, rand, impi, naf_id):
    """Ks_(ext)_NAF = KDF(Ks, "gba-me", RAND, IMPI, NAF_Id), Ks = CK || IK."""
    if len(ck) != 16 or len(ik) != 16 or len(rand) != 16:
        raise ValueError("CK, IK and RAND are 16 octets each")
    return kdf(ck + ik, 0x01, b"gba-me", rand, impi, naf_id)


def ua_tls(suite):
    """Ua security protocol id for Digest over TLS with cipher suite `suite`
    (the 2-octet TLS code point, e.g. 0xc02f)."""
    if not 0 <= suite <= 0xffff:
        raise ValueError("cipher suite code point out of range")
    return UA_TLS_PREFIX + suite.to_bytes(2, "big")


def naf_id(fqdn, ua_id):
    """NAF_Id = FQDN of the NAF as the UE used it || 5-octet Ua id."""
    if isinstance(ua_id, str):
        ua_id = bytes.fromhex(ua_id)
    if len(ua_id) != 5:
        raise ValueError("Ua security protocol identifier is 5 octets")
    return fqdn.encode("ascii") + ua_id


def btid(rand, domain):
    """B-TID = base64(RAND)@BSF-servers-domain-name (TS 33.220 4.5.2)."""
    return base64.b64encode(rand).decode("ascii") + "@" + domain


def btid_rand(b_tid):
    """The RAND inside a B-TID, or None when it is not one of that form."""
    head, sep, _ = b_tid.partition("@")
    if not sep:
        return None
    try:
        raw = base64.b64decode(head, validate=True)
    except ValueError:
        return None
    return raw if len(raw) == 16 else None


def bsf_domain(impi):
    """BSF address derived from the IMPI's home network (TS 23.003 16.2):
    ...@ims.mncMNC.mccMCC.3gppnetwork.org -> bsf.mncMNC.mccMCC.pub.3gppnetwork.org.
    Other realms: bsf.<realm>."""
    realm = impi.rpartition("@")[2].lower()
    labels = realm.split(".")
    if (len(labels) >= 4 and labels[-2:] == ["3gppnetwork", "org"]
            and labels[-4].startswith("mnc") and labels[-3].startswith("mcc")):
        return "bsf.%s.%s.pub.3gppnetwork.org" % (labels[-4], labels[-3])
    return "bsf." + realm


def sqn_bytes(sqn):
    return (sqn & SQN_MAX).to_bytes(6, "big")


def sqn_int(raw):
    return int.from_bytes(raw, "big")


def _xor(a, b):
    return bytes(x ^ y for x, y in zip(a, b))


# ---- network side (HSS/BSF) ----

def make_vector(mil, rand, sqn, amf):
    """Authentication vector: (AUTN, XRES, CK, IK), AUTN = SQN^AK || AMF || MAC-A."""
    sqn_b = sqn_bytes(sqn)
    mac_a = mil.f1(rand, sqn_b, amf)
    xres, ck, ik, ak = mil.f2345(rand)
    return _xor(sqn_b, ak) + amf + mac_a, xres, ck, ik


def verify_auts(mil, rand, auts):
    """SQN_MS from AUTS = SQN_MS^AK* || MAC-S, or None if MAC-S is wrong."""
    if len(auts) != 14:
        return None
    sqn_ms = _xor(auts[:6], mil.f5star(rand))
    mac_s = mil.f1star(rand, sqn_ms, AMF_RESYNC)
    if not hmac.compare_digest(mac_s, auts[6:]):
        return None
    return sqn_int(sqn_ms)


# ---- UE side (USIM) ----

class AkaError(Exception):
    """AUTN rejected. kind is 'mac' (network not authentic) or 'sync'
    (SQN out of range: auts holds the resynchronisation token)."""

    def __init__(self, kind, message, auts=None):
        Exception.__init__(self, message)
        self.kind = kind
        self.auts = auts


def make_auts(mil, rand, sqn_ms):
    """AUTS = (SQN_MS ^ AK*) || MAC-S, MAC-S = f1*(SQN_MS, RAND, AMF=0000)."""
    sqn_b = sqn_bytes(sqn_ms)
    mac_s = mil.f1star(rand, sqn_b, AMF_RESYNC)
    return _xor(sqn_b, mil.f5star(rand)) + mac_s


def ue_authenticate(mil, rand, autn, sqn_ms=None):
    """Run the USIM side of AKA. Returns (RES, CK, IK, SQN).

    sqn_ms is the highest SQN accepted so far (None: a fresh USIM that
    accepts any SQN). Raises AkaError on a MAC failure or a sync failure."""
    if len(rand) != 16 or len(autn) != 16:
        raise AkaError("mac", "RAND and AUTN are 16 octets each")
    res, ck, ik, ak = mil.f2345(rand)
    sqn_b = _xor(autn[:6], ak)
    amf = autn[6:8]
    xmac = mil.f1(rand, sqn_b, amf)
    if not hmac.compare_digest(xmac, autn[8:16]):
        raise AkaError("mac", "AUTN: MAC-A does not verify (network not "
                       "authentic or wrong K/OP)")
    sqn = sqn_int(sqn_b)
    if sqn_ms is not None and not (0 < sqn - sqn_ms <= SQN_DELTA):
        raise AkaError("sync", "AUTN: SQN %012x out of range (SQN_MS %012x)"
                       % (sqn, sqn_ms), make_auts(mil, rand, sqn_ms))
    return res, ck, ik, sqn
