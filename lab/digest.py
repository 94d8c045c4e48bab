"""HTTP Digest (RFC 2617, RFC 7616, RFC 3310 AKAv1) helpers for the lab.

Header parsing keeps quoted strings intact (commas inside quotes do not
split), and one header value may hold several challenges.
"""

import hashlib
import hmac
import os

_TOKEN_CHARS = set("!#$%&'*+-.^_`|~0123456789"
                   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

# Digest algorithm name (lower case) -> (hashlib name, session variant)
ALGORITHMS = {
    "md5": ("md5", False),
    "md5-sess": ("md5", True),
    "sha-256": ("sha256", False),
    "sha-256-sess": ("sha256", True),
    "sha-512-256": ("sha512_256", False),
    "akav1-md5": ("md5", False),
}


class ParseError(ValueError):
    pass


def _skip_ws(s, i):
    while i < len(s) and s[i] in " \t\r\n":
        i += 1
    return i


def _token(s, i):
    j = i
    while j < len(s) and s[j] in _TOKEN_CHARS:
        j += 1
    return s[i:j], j


def _quoted(s, i):
    # s[i] == '"'
    out = []
    i += 1
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            out.append(s[i + 1])
            i += 2
            continue
        if c == '"':
            return "".join(out), i + 1
        out.append(c)
        i += 1
    raise ParseError("unterminated quoted string")


def parse_challenges(value):
    """'Digest a=1, b="x,y", Basic realm=z' -> [('digest', {...}), ...].
    Scheme names are lower-cased, parameter names too."""
    out = []
    i = 0
    cur = None
    n = len(value)
    while True:
        i = _skip_ws(value, i)
        while i < n and value[i] == ",":
            i = _skip_ws(value, i + 1)
        if i >= n:
            break
        tok, j = _token(value, i)
        if not tok:
            raise ParseError("unexpected %r at %d" % (value[i], i))
        k = _skip_ws(value, j)
        if k < n and value[k] == "=" and cur is not None:
            # auth-param
            k = _skip_ws(value, k + 1)
            if k < n and value[k] == '"':
                v, k = _quoted(value, k)
            else:
                # be liberal: an unquoted value runs to the next comma or
                # white space (uri=/ and base64 padding appear in the wild)
                e = k
                while e < n and value[e] not in ", \t\r\n":
                    e += 1
                v, k = value[k:e], e
            cur[1][tok.lower()] = v
            i = k
            continue
        # a new challenge: scheme [token68 | params]
        cur = (tok.lower(), {})
        out.append(cur)
        i = j
    return out


def parse_params(value):
    """Parameters without a scheme (Authentication-Info)."""
    return parse_challenges("x " + value)[0][1]


def parse_credentials(value):
    """Authorization header -> (scheme, params)."""
    ch = parse_challenges(value)
    if len(ch) != 1:
        raise ParseError("expected exactly one credentials set")
    return ch[0]


def quote(v):
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _b(v):
    return v if isinstance(v, bytes) else v.encode("utf-8")


def hash_hex(algorithm, data):
    name = ALGORITHMS[algorithm.lower()][0]
    return hashlib.new(name, _b(data)).hexdigest()


def ha1(algorithm, username, realm, password, nonce=None, cnonce=None):
    """password may be bytes (RFC 3310: RES as raw octets) or str."""
    h = hash_hex(algorithm, _b(username) + b":" + _b(realm) + b":"
                 + _b(password))
    if ALGORITHMS[algorithm.lower()][1]:
        h = hash_hex(algorithm, "%s:%s:%s" % (h, nonce, cnonce))
    return h


def ha2(algorithm, method, uri, qop, body=b""):
    """A2 = method:uri, or method:uri:H(body) for auth-int. For rspauth the
    method is the empty string."""
    a2 = _b(method) + b":" + _b(uri)
    if qop == "auth-int":
        a2 += b":" + hash_hex(algorithm, body).encode("ascii")
    return hash_hex(algorithm, a2)


def response(algorithm, h1, nonce, nc, cnonce, qop, h2):
    if qop:
        data = "%s:%s:%s:%s:%s:%s" % (h1, nonce, nc, cnonce, qop, h2)
    else:
        data = "%s:%s:%s" % (h1, nonce, h2)
    return hash_hex(algorithm, data)


def equal(a, b):
    return hmac.compare_digest(_b(a), _b(b))


def new_cnonce():
    return os.urandom(12).hex()


def split_qop(value):
    """'auth,auth-int' -> ['auth', 'auth-int']"""
    return [q.strip().lower() for q in (value or "").split(",") if q.strip()]


def build_header(scheme, params, quoted_names=None, order=None):
    """Authorization / WWW-Authenticate / Authentication-Info value."""
    unquoted = {"algorithm", "nc", "qop", "stale"}
    parts = []
    for name in (order or params.keys()):
        if name not in params or params[name] is None:
            continue
        v = params[name]
        if quoted_names is not None:
            q = name in quoted_names
        else:
            q = name not in unquoted
        parts.append("%s=%s" % (name, quote(v) if q else v))
    body = ", ".join(parts)
    return (scheme + " " + body) if scheme else body
