#!/bin/sh
# Install the Debian packages a make target needs, only when missing.
# Usage: scripts/deps.sh GROUP...   (build, test, run, fuzz, bench)
set -e

pkgs=""
for group in "$@"; do
    case "$group" in
    build)
        pkgs="$pkgs make gcc nginx nginx-dev libssl-dev libpcre2-dev"
        pkgs="$pkgs zlib1g-dev libjansson-dev openssl"
        ;;
    test)
        pkgs="$pkgs perl libtest-base-perl libio-socket-ssl-perl"
        pkgs="$pkgs curl gnutls-bin python3"
        pkgs="$pkgs python3-cryptography kamailio kamailio-presence-modules"
        pkgs="$pkgs kamailio-sqlite-modules sqlite3 procps"
        ;;
    run)
        pkgs="$pkgs python3 python3-cryptography kamailio"
        pkgs="$pkgs kamailio-presence-modules kamailio-sqlite-modules sqlite3"
        pkgs="$pkgs curl"
        ;;
    fuzz)
        pkgs="$pkgs clang libclang-rt-dev"
        ;;
    bench)
        pkgs="$pkgs wrk"
        ;;
    *)
        echo "deps.sh: unknown group '$group'" >&2
        exit 2
        ;;
    esac
done

missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null \
         | grep -q 'install ok installed'
    then
        missing="$missing $p"
    fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "deps.sh: missing Debian packages:$missing (run as root)" >&2
    exit 1
fi

echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Keep the packaged nginx from starting a system service on port 80.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends $missing >/dev/null
