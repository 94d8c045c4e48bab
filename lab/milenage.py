"""Milenage (3GPP TS 35.206): the example AKA algorithm set f1, f1*, f2-f5, f5*.

Everything works on bytes: K, OP, OPc, RAND are 16 bytes, SQN 6, AMF 2.
The block cipher is AES-128 (the Rijndael kernel TS 35.206 specifies),
taken from python3-cryptography in ECB mode on single blocks.
"""

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# Rotation amounts (bits) and constants c1..c5 of TS 35.206 clause 4.1.
_R = (64, 0, 32, 64, 96)
_C = tuple(bytes(15) + bytes([v]) for v in (0, 1, 2, 4, 8))


def _xor(a, b):
    return bytes(x ^ y for x, y in zip(a, b))


def _rot(block, bits):
    """Cyclic rotation of a 128-bit block towards the most significant bit."""
    n = bits // 8
    return block[n:] + block[:n]


def _check(name, value, size):
    if not isinstance(value, (bytes, bytearray)) or len(value) != size:
        raise ValueError("%s must be %d bytes" % (name, size))
    return bytes(value)


class Milenage:
    """One subscriber: K and OPc (give op= to derive OPc, or opc=)."""

    def __init__(self, k, op=None, opc=None):
        self.k = _check("K", k, 16)
        self._enc = Cipher(algorithms.AES(self.k), modes.ECB()).encryptor()
        if (op is None) == (opc is None):
            raise ValueError("give exactly one of op and opc")
        if opc is None:
            self.opc = compute_opc(self.k, _check("OP", op, 16))
        else:
            self.opc = _check("OPc", opc, 16)

    def _e(self, block):
        return self._enc.update(block)

    def _temp(self, rand):
        return self._e(_xor(_check("RAND", rand, 16), self.opc))

    def _out(self, temp, i):
        x = _xor(_rot(_xor(temp, self.opc), _R[i]), _C[i])
        return _xor(self._e(x), self.opc)

    def f1_both(self, rand, sqn, amf):
        """(MAC-A, MAC-S) = (f1, f1*) over SQN || AMF."""
        sqn = _check("SQN", sqn, 6)
        amf = _check("AMF", amf, 2)
        temp = self._temp(rand)
        in1 = sqn + amf + sqn + amf
        x = _xor(_xor(temp, _rot(_xor(in1, self.opc), _R[0])), _C[0])
        out1 = _xor(self._e(x), self.opc)
        return out1[:8], out1[8:]

    def f1(self, rand, sqn, amf):
        return self.f1_both(rand, sqn, amf)[0]

    def f1star(self, rand, sqn, amf):
        return self.f1_both(rand, sqn, amf)[1]

    def f2345(self, rand):
        """(RES, CK, IK, AK) = (f2, f3, f4, f5)."""
        temp = self._temp(rand)
        out2 = self._out(temp, 1)
        return (out2[8:], self._out(temp, 2), self._out(temp, 3), out2[:6])

    def f2(self, rand):
        return self.f2345(rand)[0]

    def f3(self, rand):
        return self.f2345(rand)[1]

    def f4(self, rand):
        return self.f2345(rand)[2]

    def f5(self, rand):
        return self.f2345(rand)[3]

    def f5star(self, rand):
        return self._out(self._temp(rand), 4)[:6]


def compute_opc(k, op):
    """OPc = E_K(OP) xor OP."""
    k = _check("K", k, 16)
    op = _check("OP", op, 16)
    enc = Cipher(algorithms.AES(k), modes.ECB()).encryptor()
    return _xor(enc.update(op), op)
