#!/bin/sh
# Test PKI for the Test::Nginx suite: a CA, server certificates for the
# names the tests use (RSA and ECDSA), and a subscriber client certificate.
# Usage: scripts/make-certs.sh DIR   (idempotent: keeps an existing DIR)
set -e

dir=${1:?usage: make-certs.sh DIR}
[ -f "$dir/.done" ] && exit 0
mkdir -p "$dir"
cd "$dir"

openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
    -subj "/CN=ims-ut test CA" -keyout ca.key -out ca.crt \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

server() {
    name=$1; type=$2; shift 2
    case $type in
    rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
             -out "$name.key" 2>/dev/null ;;
    ec)  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
             -out "$name.key" 2>/dev/null ;;
    esac
    san=""
    for n in "$@"; do san="${san:+$san,}DNS:$n"; done
    openssl req -new -key "$name.key" -subj "/CN=$1" -out "$name.csr" \
        2>/dev/null
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" \
        > "$name.ext"
    openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key \
        -CAcreateserial -days 3650 -sha256 -extfile "$name.ext" \
        -out "$name.crt" 2>/dev/null
    rm -f "$name.csr" "$name.ext"
}

server xcap rsa xcap.test localhost
server xcap-ec ec xcap.test localhost
server other rsa other.test

# a subscriber certificate (TS 33.141 5.1.1: GAA with certificates)
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out alice.key 2>/dev/null
openssl req -new -key alice.key -out alice.csr 2>/dev/null \
    -subj "/CN=sip:alice@ims.test"
printf 'subjectAltName=URI:sip:alice@ims.test\nextendedKeyUsage=clientAuth\n' \
    > alice.ext
openssl x509 -req -in alice.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
    -days 3650 -sha256 -extfile alice.ext -out alice.crt 2>/dev/null
rm -f alice.csr alice.ext

# nonce HMAC key for ims_ut_secret
openssl rand 32 > secret

touch .done
