#!/usr/bin/env python3
"""Generate ngx_ims_ut_suite_table.c from the IANA TLS cipher-suite registry.

Usage:
    python3 tools/gen_suite_table.py data/iana-tls-cipher-suites.csv \\
        ngx_ims_ut_module/ngx_ims_ut_suite_table.c

Input: the CSV export of IANA's "TLS Cipher Suites" registry (columns Value,
Description, DTLS-OK, Recommended, Reference). A row whose Value is a single
code point ("0x00,0x2F") and whose Description is a TLS_ name is an assigned
suite. Rows with ranges ("0x00,0x1C-1D", "0x01-55,*") or described as
Unassigned / Reserved are not assigned and are left out of the table.

Every assigned suite gets one table entry, sorted by code:

  enc_bits   effective key bits of the bulk cipher, 0 for NULL encryption
  flags      ANON    anonymous key exchange (DH_anon, ECDH_anon, any *_anon)
             EXPORT  export-grade key exchange (*_EXPORT, *_EXPORT1024)
             TLS13   no key exchange in the name (TLS 1.3 suites, RFC 9150)
             GREASE  RFC 8701 values 0x?A?A (added from the rule: IANA lists
                     them only as "Reserved")
             SCSV    signalling values (*_SCSV), not real suites
  integrity  NONE, MAC or AEAD

Classification decisions beyond the obvious ones:

  - NULL key exchange (TLS_NULL_WITH_NULL_NULL) is not "anonymous" in the
    sense of TS 33.141 clause 6.4; it has no integrity and is caught by that
    rule instead.
  - EXPORT key exchange caps the cipher at 40 bits, EXPORT1024 at 56 bits,
    whatever the cipher name says: those suites were limited by design.
  - TLS 1.3 suites carry no key exchange in their name: the handshake
    authenticates the server, so they are not anonymous.
  - RFC 9150 TLS_SHA256_SHA256 / TLS_SHA384_SHA384: integrity only, 0 bits.
  - AEGIS-128L / AEGIS-256 (TLS 1.3, draft-irtf-cfrg-aegis-aead): AEAD with
    128 / 256-bit keys.
  - GOST 28147-89 (CNT_IMIT), Magma and Kuznyechik: 256-bit keys; CTR_OMAC
    and CNT_IMIT are MAC suites, MGM_L / MGM_S are AEAD.
  - SM4 (GCM, CCM with SM3, RFC 8998): AEAD, 128 bits.

The key exchange and the cipher are matched against closed lists; a name
that does not fit them makes the script fail naming the row, so a future
registry never silently yields a wrong table. Python 3 standard library only.
"""

import csv
import os
import re
import sys


FLAG_ANON = 0x01
FLAG_EXPORT = 0x02
FLAG_TLS13 = 0x04
FLAG_GREASE = 0x08
FLAG_SCSV = 0x10

# flag bit -> shorthand macro defined in the generated file
FLAG_SHORT = [
    (FLAG_ANON, 'A'),
    (FLAG_EXPORT, 'E'),
    (FLAG_TLS13, 'T'),
    (FLAG_GREASE, 'G'),
    (FLAG_SCSV, 'S'),
]

# Key exchange / authentication before "_WITH_", with anon and export
# markers removed. NULL is the kx of TLS_NULL_WITH_NULL_NULL only; bare
# DH / ECDH exist only as DH_anon / ECDH_anon.
KNOWN_KX = {
    'NULL',
    'RSA', 'DH_DSS', 'DH_RSA', 'DHE_DSS', 'DHE_RSA', 'DH',
    'ECDH_ECDSA', 'ECDH_RSA', 'ECDHE_ECDSA', 'ECDHE_RSA', 'ECDH',
    'PSK', 'DHE_PSK', 'PSK_DHE', 'RSA_PSK', 'ECDHE_PSK',
    'SRP_SHA', 'SRP_SHA_RSA', 'SRP_SHA_DSS',
    'KRB5', 'ECCPWD', 'GOSTR341112_256',
}

# Bulk ciphers: (regex, key bits or None to read group 'bits', mode).
# Matched at the start of the part after "_WITH_" (or after "TLS_" for
# names without a key exchange); order matters where one name prefixes
# another (DES_CBC_40 before DES_CBC, CCM_8 before CCM).
BULK = [
    (r'NULL', 0, 'none'),
    (r'DES40_CBC', 40, 'block'),
    (r'DES_CBC_40', 40, 'block'),
    (r'DES_CBC', 56, 'block'),
    (r'3DES_EDE_CBC', 112, 'block'),
    (r'RC4_40', 40, 'stream'),
    (r'RC4_56', 56, 'stream'),
    (r'RC4_128', 128, 'stream'),
    (r'RC2_CBC_40', 40, 'block'),
    (r'RC2_CBC_56', 56, 'block'),
    (r'IDEA_CBC', 128, 'block'),
    (r'SEED_CBC', 128, 'block'),
    (r'(?:AES|CAMELLIA|ARIA)_(?P<bits>128|256)_CBC', None, 'block'),
    (r'(?:AES|CAMELLIA|ARIA)_(?P<bits>128|256)_(?:GCM|CCM_8|CCM)', None,
     'aead'),
    (r'CHACHA20_POLY1305', 256, 'aead'),
    (r'SM4_(?:GCM|CCM)', 128, 'aead'),
    (r'AEGIS_128L', 128, 'aead'),
    (r'AEGIS_256', 256, 'aead'),
    (r'28147_CNT', 256, 'gost'),
    (r'(?:KUZNYECHIK|MAGMA)_CTR', 256, 'gost'),
    (r'(?:KUZNYECHIK|MAGMA)_MGM_[LS]', 256, 'aead'),
]

# What may follow the bulk cipher, per mode: MAC name -> integrity.
TAIL = {
    'none': {'NULL': 'NONE', 'MD5': 'MAC', 'SHA': 'MAC', 'SHA256': 'MAC',
             'SHA384': 'MAC'},
    'block': {'MD5': 'MAC', 'SHA': 'MAC', 'SHA256': 'MAC', 'SHA384': 'MAC',
              'NULL': 'NONE'},
    'stream': {'MD5': 'MAC', 'SHA': 'MAC', 'SHA256': 'MAC', 'SHA384': 'MAC',
               'NULL': 'NONE'},
    'gost': {'IMIT': 'MAC', 'OMAC': 'MAC'},
    # the hash after an AEAD cipher is the PRF/HKDF hash, or absent
    'aead': {'': 'AEAD', 'SHA256': 'AEAD', 'SHA384': 'AEAD', 'SM3': 'AEAD'},
}

# RFC 9150 integrity-only TLS 1.3 suites: TLS_<HMAC hash>_<HKDF hash>
INTEGRITY_ONLY = re.compile(r'(SHA256|SHA384)_(SHA256|SHA384)')

NAME_RE = re.compile(r'TLS_[A-Za-z0-9_]+')
VALUE_RE = re.compile(r'0x([0-9A-Fa-f]{2}),0x([0-9A-Fa-f]{2})')
RANGE_RE = re.compile(
    r'0x[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2})?,'
    r'(?:\*|0x[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2})?)')


class ClassifyError(Exception):
    pass


def grease_codes():
    """RFC 8701: 0x0A0A, 0x1A1A, ... 0xFAFA."""
    return [(b << 8) | b for b in range(0x0A, 0x100, 0x10)]


def classify_cipher(part, tls13):
    """Return (enc_bits, integrity) for the cipher part of a name."""
    if tls13:
        m = INTEGRITY_ONLY.fullmatch(part)
        if m:
            return 0, 'MAC'

    for regex, bits, mode in BULK:
        m = re.match(regex + r'(?:_|$)', part)
        if not m:
            continue
        tail = part[m.end():]
        if bits is None:
            bits = int(m.group('bits'))
        if tail not in TAIL[mode]:
            raise ClassifyError('unknown MAC "%s" after %s cipher "%s"'
                                % (tail, mode, part[:m.end()].rstrip('_')))
        if tls13 and mode != 'aead':
            raise ClassifyError('suite without key exchange has a '
                                'non-AEAD cipher "%s"' % part)
        return bits, TAIL[mode][tail]

    raise ClassifyError('unknown cipher "%s"' % part)


def classify_kx(kx):
    """Return flags for the key exchange part of a name."""
    flags = 0
    tokens = kx.split('_')

    if 'anon' in tokens:
        flags |= FLAG_ANON
        tokens.remove('anon')

    for t in ('EXPORT', 'EXPORT1024'):
        if t in tokens:
            flags |= FLAG_EXPORT
            tokens.remove(t)

    base = '_'.join(tokens)
    if base not in KNOWN_KX:
        raise ClassifyError('unknown key exchange "%s"' % kx)

    if base == 'NULL' and flags:
        raise ClassifyError('NULL key exchange with modifiers "%s"' % kx)

    if base in ('DH', 'ECDH') and not flags & FLAG_ANON:
        raise ClassifyError('unknown key exchange "%s"' % kx)

    return flags


def classify(name):
    """Return (enc_bits, flags, integrity) for an assigned TLS_ name."""
    if not NAME_RE.fullmatch(name):
        raise ClassifyError('not a TLS_ suite name')

    body = name[len('TLS_'):]

    if body.endswith('_SCSV'):
        return 0, FLAG_SCSV, 'NONE'

    if '_WITH_' in body:
        kx, cipher = body.split('_WITH_', 1)
        if '_WITH_' in cipher:
            raise ClassifyError('more than one _WITH_')
        flags = classify_kx(kx)
        bits, integrity = classify_cipher(cipher, False)

        if flags & FLAG_EXPORT:
            # export suites were limited to 40 (EXPORT1024: 56) key bits
            cap = 56 if 'EXPORT1024' in kx.split('_') else 40
            bits = min(bits, cap)

        if kx == 'NULL' and (bits or integrity != 'NONE'):
            raise ClassifyError('NULL key exchange with a real cipher')

    else:
        # TLS 1.3: the handshake authenticates, the name has no kx
        flags = FLAG_TLS13
        bits, integrity = classify_cipher(body, True)

    return bits, flags, integrity


def parse_value(value):
    """Return the code point of a single-value row, None for a range."""
    v = value.replace(' ', '')
    m = VALUE_RE.fullmatch(v)
    if m:
        return (int(m.group(1), 16) << 8) | int(m.group(2), 16)
    if RANGE_RE.fullmatch(v):
        return None
    raise ClassifyError('cannot parse Value "%s"' % value)


def is_unassigned(desc):
    d = ' '.join(desc.split())
    return d == 'Unassigned' or d.startswith('Reserved')


def read_registry(path):
    entries = {}
    errors = []

    with open(path, newline='', encoding='utf-8') as f:
        reader = csv.DictReader(f)
        for col in ('Value', 'Description'):
            if col not in (reader.fieldnames or []):
                raise SystemExit('%s: no "%s" column' % (path, col))

        for row in reader:
            where = '%s:%d: %s %s' % (path, reader.line_num,
                                      row['Value'],
                                      ' '.join(row['Description'].split()))
            desc = row['Description'].strip()
            try:
                code = parse_value(row['Value'])

                if code is None:
                    if not is_unassigned(desc):
                        raise ClassifyError('range with a suite name')
                    continue

                if is_unassigned(desc):
                    continue

                if code in entries:
                    raise ClassifyError('duplicate code 0x%04X' % code)

                bits, flags, integrity = classify(desc)

            except ClassifyError as e:
                errors.append('%s: %s' % (where, e))
                continue

            entries[code] = (desc, bits, flags, integrity)

    for code in grease_codes():
        if code in entries:
            errors.append('%s: GREASE value 0x%04X is assigned to %s'
                          % (path, code, entries[code][0]))
            continue
        entries[code] = ('GREASE_0x%04X' % code, 0, FLAG_GREASE, 'NONE')

    if errors:
        for e in errors:
            sys.stderr.write('gen_suite_table: %s\n' % e)
        raise SystemExit('gen_suite_table: %d row(s) not classified, '
                         'no table written' % len(errors))

    return entries


def render(entries, csv_name):
    out = []
    w = out.append

    w('/*')
    w(' * GENERATED FILE, DO NOT EDIT.')
    w(' *')
    w(' * Generated by tools/gen_suite_table.py from %s.' % csv_name)
    w(' * To regenerate: make table, which runs')
    w(' *   python3 tools/gen_suite_table.py data/iana-tls-cipher-suites.csv'
      ' \\')
    w(' *       ngx_ims_ut_module/ngx_ims_ut_suite_table.c')
    w(' */')
    w('')
    w('')
    w('#include <ngx_config.h>')
    w('#include <ngx_core.h>')
    w('#include "ngx_ims_ut_suite_table.h"')
    w('')
    w('')
    w('#define A   NGX_IMS_UT_SUITE_ANON')
    w('#define E   NGX_IMS_UT_SUITE_EXPORT')
    w('#define T   NGX_IMS_UT_SUITE_TLS13')
    w('#define G   NGX_IMS_UT_SUITE_GREASE')
    w('#define S   NGX_IMS_UT_SUITE_SCSV')
    w('')
    w('#define I_NONE   NGX_IMS_UT_INTEGRITY_NONE')
    w('#define I_MAC    NGX_IMS_UT_INTEGRITY_MAC')
    w('#define I_AEAD   NGX_IMS_UT_INTEGRITY_AEAD')
    w('')
    w('')
    w('const ngx_ims_ut_suite_t  ngx_ims_ut_suites[] = {')
    w('')
    w('    /* code,  bits, flags, integrity, name */')
    w('')

    for code in sorted(entries):
        name, bits, flags, integrity = entries[code]
        f = '|'.join(c for b, c in FLAG_SHORT if flags & b) or '0'
        w('    { 0x%04X, %3d, %s, I_%s,' % (code, bits, f, integrity))
        w('      "%s" },' % name)

    w('};')
    w('')
    w('')
    w('const ngx_uint_t  ngx_ims_ut_nsuites =')
    w('    sizeof(ngx_ims_ut_suites) / sizeof(ngx_ims_ut_suites[0]);')
    w('')

    for line in out:
        if len(line) > 79:
            raise SystemExit('gen_suite_table: line over 79 columns: %s'
                             % line)

    return '\n'.join(out)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write('usage: %s IANA_CSV OUTPUT_C\n' % argv[0])
        return 2

    entries = read_registry(argv[1])
    text = render(entries, 'data/iana-tls-cipher-suites.csv')

    # write aside and rename: a failed run never leaves half a table
    tmp = argv[2] + '.tmp'
    with open(tmp, 'w', encoding='utf-8', newline='\n') as f:
        f.write(text)
    os.replace(tmp, argv[2])

    judged = [e for e in entries.values()
              if not e[2] & (FLAG_GREASE | FLAG_SCSV)]
    sys.stderr.write(
        'gen_suite_table: %d entries (%d suites, %d GREASE, %d SCSV); '
        'suites: %d anonymous, %d NULL encryption, %d no integrity\n'
        % (len(entries), len(judged),
           sum(1 for e in entries.values() if e[2] & FLAG_GREASE),
           sum(1 for e in entries.values() if e[2] & FLAG_SCSV),
           sum(1 for e in judged if e[2] & FLAG_ANON),
           sum(1 for e in judged if e[1] == 0),
           sum(1 for e in judged if e[3] == 'NONE')))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
