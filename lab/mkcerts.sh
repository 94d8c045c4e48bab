#!/bin/sh
# Lab CA and NAF server certificates (RSA 2048 and ECDSA P-256) for
# xcap.ims.mnc001.mcc001.pub.3gppnetwork.org.
#
# Usage: lab/mkcerts.sh DIR [FQDN...]
#   DIR/ca.pem ca.key             lab CA (the UE verifies the NAF with ca.pem)
#   DIR/naf-rsa.pem naf-rsa.key   server certificate + key, RSA 2048
#   DIR/naf-ec.pem  naf-ec.key    server certificate + key, ECDSA P-256
# Existing files are kept; delete DIR to start over.
set -eu

dir=${1:?usage: mkcerts.sh DIR [FQDN...]}
shift
[ $# -gt 0 ] || set -- xcap.ims.mnc001.mcc001.pub.3gppnetwork.org
cn=$1
san=""
for n in "$@"; do san="${san:+$san,}DNS:$n"; done

mkdir -p "$dir"
umask 077
cd "$dir"

if [ ! -s ca.pem ] || [ ! -s ca.key ]; then
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
        -nodes -keyout ca.key -out ca.pem -days 3650 -sha256 \
        -subj "/O=ims-ut lab/CN=ims-ut lab CA" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi

cat > naf.ext <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=$san
EXT

issue() {  # name keyalg-options...
    name=$1; shift
    [ -s "$name.pem" ] && [ -s "$name.key" ] && return 0
    openssl req -new -newkey "$@" -nodes -keyout "$name.key" \
        -out "$name.csr" -subj "/O=ims-ut lab/CN=$cn" 2>/dev/null
    openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key \
        -CAcreateserial -out "$name.pem" -days 825 -sha256 \
        -extfile naf.ext 2>/dev/null
    rm -f "$name.csr"
}

issue naf-rsa rsa:2048
issue naf-ec ec -pkeyopt ec_paramgen_curve:P-256
rm -f naf.ext ca.srl
chmod 644 ca.pem naf-rsa.pem naf-ec.pem
echo "mkcerts: CA $dir/ca.pem, NAF certificates for $san"
