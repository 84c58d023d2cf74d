#!/bin/sh
# Proxy container start: optional self-signed development certificate, render the configuration for the
# certificates that exist, start the certificate watcher, then nginx in the foreground.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
conf=${NGINX_CONF_DIR:-/etc/nginx/rendered}
: "${DOMAIN:?DOMAIN must be set (the apex domain, e.g. example.com)}"

if [ "${PROXY_SELF_SIGNED:-0}" = 1 ]; then
  dir="${LETSENCRYPT_DIR:-/etc/letsencrypt}/live/${CERT_NAME:-$DOMAIN}"
  if [ ! -s "$dir/fullchain.pem" ]; then
    mkdir -p "$dir"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
      -subj "/CN=$DOMAIN" -addext "subjectAltName=DNS:$DOMAIN,DNS:localhost,IP:127.0.0.1" \
      -keyout "$dir/privkey.pem" -out "$dir/fullchain.pem" 2>/dev/null
    echo "proxy: generated a self-signed development certificate for $DOMAIN"
  fi
fi

rm -rf "$conf"
mode=$("$here/render.sh" "$conf")
if ! nginx -t -q -e stderr -c "$conf/nginx.conf"; then
  [ "$mode" = tls ] || exit 1
  # A damaged certificate must not take the site down: serve HTTP (and ACME) until it is replaced.
  echo "proxy: the TLS configuration failed nginx -t; starting in HTTP-only mode" >&2
  rm -rf "$conf"
  mode=$(FORCE_HTTP=1 "$here/render.sh" "$conf")
fi
echo "proxy: starting nginx in $mode mode for $DOMAIN"

"$here/watch-certs.sh" &
exec nginx -e stderr -c "$conf/nginx.conf" -g 'daemon off;'
