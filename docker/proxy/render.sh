#!/bin/sh
# Renders the nginx configuration into $1 (default $NGINX_CONF_DIR) and prints the mode: "tls" when the
# certificate for $DOMAIN exists, else "http" (ACME webroot + app over plain HTTP). FORCE_HTTP=1 renders
# HTTP-only mode whatever exists. POSIX sh: runs in the nginx Alpine image and on Debian (tests).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
templates="$here/templates"
out=${1:-${NGINX_CONF_DIR:-/etc/nginx/rendered}}

: "${DOMAIN:?DOMAIN must be set (the apex domain, e.g. example.com)}"
export DOMAIN
export APP_HOST="${APP_HOST:-app}"
export APP_PORT="${APP_PORT:-8000}"
export HTTP_LISTEN="${HTTP_LISTEN:-80}"
export HTTPS_LISTEN="${HTTPS_LISTEN:-443}"
export CANONICAL_ORIGIN="${CANONICAL_ORIGIN:-https://$DOMAIN}"
export LETSENCRYPT_DIR="${LETSENCRYPT_DIR:-/etc/letsencrypt}"
export CERT_NAME="${CERT_NAME:-$DOMAIN}"
export ACME_WEBROOT="${ACME_WEBROOT:-/vol/www}"
export WEB_ROOT="${WEB_ROOT:-/vol/web}"
export NGINX_RUN_DIR="${NGINX_RUN_DIR:-/tmp/nginx}"
export NGINX_MIME_TYPES="${NGINX_MIME_TYPES:-/etc/nginx/mime.types}"
export NGINX_RESOLVER="${NGINX_RESOLVER:-127.0.0.11}"
export ACCESS_LOG="${ACCESS_LOG:-/dev/stdout}"
export ERROR_LOG="${ERROR_LOG:-stderr}"
export CLIENT_MAX_BODY_SIZE="${CLIENT_MAX_BODY_SIZE:-10m}"
export UPLOAD_MAX_BODY_SIZE="${UPLOAD_MAX_BODY_SIZE:-2g}"
export HSTS_MAX_AGE="${HSTS_MAX_AGE:-31536000}"
export APP_SERVER_RESOLVE=""
export APP_UPSTREAM="http://app_servers"
OCSP_STAPLING="${OCSP_STAPLING:-auto}"

export CERT_DIR="$LETSENCRYPT_DIR/live/$CERT_NAME"
export WWW_CERT_DIR=""
export STAPLING_CHAIN=""

VARS='${DOMAIN} ${APP_HOST} ${APP_PORT} ${HTTP_LISTEN} ${HTTPS_LISTEN} ${CANONICAL_ORIGIN} ${ACME_WEBROOT}
${WEB_ROOT} ${NGINX_RUN_DIR} ${NGINX_MIME_TYPES} ${NGINX_RESOLVER} ${ACCESS_LOG} ${ERROR_LOG}
${CLIENT_MAX_BODY_SIZE} ${UPLOAD_MAX_BODY_SIZE} ${HSTS_MAX_AGE} ${CERT_DIR} ${WWW_CERT_DIR} ${STAPLING_CHAIN}
${APP_SERVER_RESOLVE} ${APP_UPSTREAM}'

# render <template name> [<output name>]: templates/<name>.template -> $out/<output name or name>
render() { envsubst "$VARS" <"$templates/$1.template" >"$out/${2:-$1}"; }
empty() { : >"$out/$1"; }

has_cert() { [ -s "$1/fullchain.pem" ] && [ -s "$1/privkey.pem" ]; }

# "on" when stapling is wanted and possible: the certificate names an OCSP responder (Let's Encrypt
# stopped doing so in 2025, so stapling quietly stays off for its certificates).
stapling_possible() {
  case "$OCSP_STAPLING" in
    off | 0 | no) return 1 ;;
  esac
  [ -s "$1/chain.pem" ] || return 1
  command -v openssl >/dev/null 2>&1 || return 1
  [ -n "$(openssl x509 -in "$1/fullchain.pem" -noout -ocsp_uri 2>/dev/null)" ]
}

# True when this nginx follows an upstream server's DNS by itself (`server … resolve`, open source since 1.27.3).
nginx_resolves_upstreams() {
  version=$(nginx -v 2>&1 | sed -n 's|.*nginx/\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\).*|\1|p')
  [ -n "$version" ] || return 1
  old_ifs=$IFS
  IFS=.
  set -- $version
  IFS=$old_ifs
  [ $(($1 * 1000000 + $2 * 1000 + $3)) -ge 1027003 ]
}

app_host_is_address() {
  case "$APP_HOST" in
    \[*\]) return 0 ;;
    '' | *[!0-9.]*) return 1 ;;
  esac
}

# The app's address: an IP address, or a name that nginx re-resolves, goes into the upstream block with kept-open
# connections. An older nginx would resolve a name once and fail to start while it does not resolve; it gets
# the name as a variable address instead, looked up per request, with a new connection each time.
render_app_upstream() {
  if app_host_is_address; then
    render app-upstream.conf conf.d/app-upstream.conf
  elif nginx_resolves_upstreams; then
    APP_SERVER_RESOLVE=" resolve"
    render app-upstream.conf conf.d/app-upstream.conf
  else
    APP_UPSTREAM="http://$APP_HOST:$APP_PORT"
  fi
}

render_stapling() { # <cert dir> <snippet name>
  if stapling_possible "$1"; then
    STAPLING_CHAIN="$1/chain.pem" render snippets/stapling.conf "snippets/$2"
  else
    empty "snippets/$2"
  fi
}

mkdir -p "$out/conf.d" "$out/snippets" "$NGINX_RUN_DIR"
rm -f "$out"/conf.d/*.conf
render nginx.conf
render_app_upstream
for snippet in acme app-locations proxy-app tls-params; do render "snippets/$snippet.conf"; done

mode=http
if [ "${FORCE_HTTP:-0}" != 1 ] && has_cert "$CERT_DIR"; then mode=tls; fi

if [ "$mode" = tls ]; then
  render snippets/hsts.conf
  render tls.conf conf.d/site.conf
  render_stapling "$CERT_DIR" stapling.conf
  # www gets HTTPS only with a certificate that covers it; a missing one never keeps nginx from starting.
  if command -v openssl >/dev/null 2>&1 &&
    openssl x509 -in "$CERT_DIR/fullchain.pem" -noout -checkhost "www.$DOMAIN" 2>/dev/null | grep -q 'does match'; then
    WWW_CERT_DIR="$CERT_DIR"
  elif has_cert "$LETSENCRYPT_DIR/live/www.$DOMAIN"; then
    WWW_CERT_DIR="$LETSENCRYPT_DIR/live/www.$DOMAIN"
  fi
  if [ -n "$WWW_CERT_DIR" ]; then
    render tls-www.conf conf.d/site-www.conf
    render_stapling "$WWW_CERT_DIR" stapling-www.conf
  else
    empty snippets/stapling-www.conf
  fi
else
  empty snippets/hsts.conf
  empty snippets/stapling.conf
  empty snippets/stapling-www.conf
  render http.conf conf.d/site.conf
fi
echo "$mode"
