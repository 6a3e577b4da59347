#!/usr/bin/env bash
# Regenerates every test certificate in this directory with the openssl CLI (3.0 or later).
#
# Usage: testdata/certs/gen.sh [all|client]   (from anywhere; writes next to this script)
#
# Safe to rerun: each run builds everything afresh in a scratch directory, then replaces the
# files listed below. Keys are new on every run, so all files change together. `client`
# regenerates only the client hierarchy (client-*), leaving the server files as they are.
#
# Trusted hierarchy (ECDSA P-256 CAs):
#   root.pem / root.key          root CA, CA:TRUE
#   inter.pem / inter.key        intermediate CA under root, CA:TRUE, pathlen:0
# Good leaves under inter (SAN DNS:localhost, DNS:example.test, IP:127.0.0.1; EKU serverAuth;
# CA:FALSE), each as NAME.pem (leaf), NAME.chain.pem (leaf + inter) and NAME.key:
#   ecdsa        ECDSA P-256
#   ecdsa384     ECDSA P-384
#   rsa          RSA-2048
#   rsa4096      RSA-4096
#   ed25519      Ed25519
# Bad leaves (same SAN and EKU as above unless noted):
#   expired      valid 2000-01-01 .. 2001-01-01
#   notyet       valid 2090-01-01 .. 2091-01-01
#   badca        issued by badca-inter.pem, an "intermediate" with CA:FALSE under root
#   clientauth   EKU clientAuth only
#   selfsigned   self-signed leaf, in no trust store (selfsigned.chain.pem = the leaf)
#   untrusted    under untrusted-inter.pem under untrusted-root.pem, a root nobody trusts
#
# Client authentication (mutual TLS), a hierarchy of its own (ECDSA P-256 CA):
#   client-ca.pem / client-ca.key    client CA, CA:TRUE (what a server's -CAfile trusts)
# Client leaves under client-ca (EKU clientAuth; CA:FALSE), each as NAME.pem, NAME.chain.pem
# (leaf + client CA) and NAME.key (PKCS#8):
#   client-ecdsa  ECDSA P-256 (also client-ecdsa.sec1.key: "EC PRIVATE KEY", and
#                 client-ecdsa.enc.key: "ENCRYPTED PRIVATE KEY", password "oxissl")
#   client-rsa    RSA-2048    (also client-rsa.pkcs1.key: "RSA PRIVATE KEY")
# Valid certificates run from 2024-01-01 to 2124-01-01 so the committed files do not expire.
set -euo pipefail

OUT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

VALID_FROM=20240101000000Z
VALID_TO=21240101000000Z
SAN="DNS:localhost,DNS:example.test,IP:127.0.0.1"

cat >"$WORK/ca.cnf" <<EOF
[ca]
default_ca = ca_default

[ca_default]
dir = $WORK
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
copy_extensions = none

[policy_any]
commonName = supplied
organizationName = optional

[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder

[root_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[inter_ext]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[notca_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyCertSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[leaf_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $SAN
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[rsa_leaf_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = $SAN
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[clientauth_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = $SAN
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[client_leaf_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[selfsigned_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $SAN
subjectKeyIdentifier = hash
EOF
mkdir "$WORK/new"
: >"$WORK/index.txt"
echo 1000 >"$WORK/serial"

# key NAME TYPE: writes $WORK/NAME.key (PKCS#8 PEM).
key() {
    case "$2" in
    p256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/$1.key" ;;
    p384) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$WORK/$1.key" ;;
    rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/$1.key" ;;
    rsa4096) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out "$WORK/$1.key" ;;
    ed25519) openssl genpkey -algorithm ED25519 -out "$WORK/$1.key" ;;
    esac 2>/dev/null
}

# sign NAME CN ISSUER EXT [FROM TO]: issues $WORK/NAME.pem for $WORK/NAME.key.
# ISSUER "self" makes a self-signed certificate.
sign() {
    local name=$1 cn=$2 issuer=$3 ext=$4 from=${5:-$VALID_FROM} to=${6:-$VALID_TO}
    openssl req -new -config "$WORK/ca.cnf" -key "$WORK/$name.key" -subj "/CN=$cn" \
        -out "$WORK/$name.csr"
    local signer=(-cert "$WORK/$issuer.pem" -keyfile "$WORK/$issuer.key")
    if [ "$issuer" = self ]; then
        signer=(-selfsign -keyfile "$WORK/$name.key")
    fi
    openssl ca -batch -notext -config "$WORK/ca.cnf" "${signer[@]}" -extensions "$ext" \
        -startdate "$from" -enddate "$to" -in "$WORK/$name.csr" -out "$WORK/$name.pem" \
        2>/dev/null
}

# leaf NAME TYPE CN ISSUER EXT [FROM TO]: a leaf and its chain file (leaf + issuer).
leaf() {
    local name=$1 type=$2 cn=$3 issuer=$4
    shift 4
    key "$name" "$type"
    sign "$name" "$cn" "$issuer" "$@"
    if [ "$issuer" = self ]; then
        cp "$WORK/$name.pem" "$WORK/$name.chain.pem"
    else
        cat "$WORK/$name.pem" "$WORK/$issuer.pem" >"$WORK/$name.chain.pem"
    fi
}

MODE=${1:-all}
case "$MODE" in
all | client) ;;
*)
    echo "usage: $0 [all|client]" >&2
    exit 2
    ;;
esac
FILES=()

if [ "$MODE" = all ]; then
key root p256
sign root "oxissl test root" self root_ext
key inter p256
sign inter "oxissl test intermediate" root inter_ext

leaf ecdsa p256 "localhost (ecdsa)" inter leaf_ext
leaf ecdsa384 p384 "localhost (ecdsa p-384)" inter leaf_ext
leaf rsa rsa "localhost (rsa)" inter rsa_leaf_ext
leaf rsa4096 rsa4096 "localhost (rsa-4096)" inter rsa_leaf_ext
leaf ed25519 ed25519 "localhost (ed25519)" inter leaf_ext

leaf expired p256 "localhost (expired)" inter leaf_ext 20000101000000Z 20010101000000Z
leaf notyet p256 "localhost (not yet valid)" inter leaf_ext 20900101000000Z 20910101000000Z
leaf clientauth p256 "localhost (clientAuth)" inter clientauth_ext

key badca-inter p256
sign badca-inter "oxissl test non-CA intermediate" root notca_ext
leaf badca p256 "localhost (non-CA issuer)" badca-inter leaf_ext

leaf selfsigned p256 "localhost" self selfsigned_ext

key untrusted-root p256
sign untrusted-root "oxissl untrusted root" self root_ext
key untrusted-inter p256
sign untrusted-inter "oxissl untrusted intermediate" untrusted-root inter_ext
leaf untrusted p256 "localhost (untrusted)" untrusted-inter leaf_ext

FILES+=(root.pem root.key inter.pem inter.key badca-inter.pem badca-inter.key
    untrusted-root.pem untrusted-root.key untrusted-inter.pem untrusted-inter.key)
for n in ecdsa ecdsa384 rsa rsa4096 ed25519 expired notyet clientauth badca selfsigned untrusted; do
    FILES+=("$n.pem" "$n.chain.pem" "$n.key")
done
fi

key client-ca p256
sign client-ca "oxissl test client CA" self root_ext
leaf client-ecdsa p256 "oxissl test client (ecdsa)" client-ca client_leaf_ext
leaf client-rsa rsa "oxissl test client (rsa)" client-ca client_leaf_ext
openssl ec -in "$WORK/client-ecdsa.key" -out "$WORK/client-ecdsa.sec1.key" 2>/dev/null
openssl pkey -in "$WORK/client-ecdsa.key" -aes256 -passout pass:oxissl \
    -out "$WORK/client-ecdsa.enc.key"
openssl rsa -in "$WORK/client-rsa.key" -traditional -out "$WORK/client-rsa.pkcs1.key" 2>/dev/null
FILES+=(client-ca.pem client-ca.key client-ecdsa.sec1.key client-ecdsa.enc.key
    client-rsa.pkcs1.key)
for n in client-ecdsa client-rsa; do
    FILES+=("$n.pem" "$n.chain.pem" "$n.key")
done
for f in "${FILES[@]}"; do
    cp "$WORK/$f" "$OUT/$f"
done
chmod 644 "$OUT"/*.key
echo "wrote ${#FILES[@]} files to $OUT"
