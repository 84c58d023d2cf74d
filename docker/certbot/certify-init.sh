#!/bin/sh
# First certificate for $DOMAIN (and www.$DOMAIN) through the webroot the proxy serves:
#   docker compose run --rm certbot /opt/certbot/certify-init.sh
# ACME_STAGING=1 uses Let's Encrypt's staging CA; ACME_SERVER=<directory URL> any other ACME server.
# The proxy notices the new certificate and switches to HTTPS by itself (no restart).
set -eu
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
proxy_url=${PROXY_URL:-http://proxy}
include_www=${ACME_INCLUDE_WWW:-auto}

# 1. Wait until the proxy answers a probe file from the shared webroot for $DOMAIN: this proves the
#    exact path the ACME server will use, apart from public DNS.
probe="nadooit-probe-$$"
mkdir -p "$webroot/.well-known/acme-challenge"
echo "$probe" >"$webroot/.well-known/acme-challenge/$probe"
tries=0
until python3 - "$proxy_url/.well-known/acme-challenge/$probe" "$DOMAIN" "$probe" <<'PY'
import sys, urllib.request
url, host, expected = sys.argv[1:4]
try:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Host": host}), timeout=5) as r:
        sys.exit(0 if r.read().decode().strip() == expected else 1)
except Exception:
    sys.exit(1)
PY
do
  tries=$((tries + 1))
  if [ "$tries" -ge "${PROBE_ATTEMPTS:-60}" ]; then
    echo "certbot: the proxy at $proxy_url does not serve $webroot for $DOMAIN; is the proxy running?" >&2
    rm -f "$webroot/.well-known/acme-challenge/$probe"
    exit 1
  fi
  echo "certbot: waiting for the proxy at $proxy_url …"
  sleep "${PROBE_INTERVAL:-5}"
done
rm -f "$webroot/.well-known/acme-challenge/$probe"

# 2. www joins the same certificate when asked, or (auto) when its DNS name resolves.
domains="-d $DOMAIN"
case "$include_www" in
  yes | 1 | true) domains="$domains -d www.$DOMAIN" ;;
  auto)
    if python3 -c "import socket, sys; socket.getaddrinfo(sys.argv[1], 80)" "www.$DOMAIN" 2>/dev/null; then
      domains="$domains -d www.$DOMAIN"
    else
      echo "certbot: www.$DOMAIN does not resolve; requesting $DOMAIN only"
    fi
    ;;
esac

# 3. Which CA, and who gets expiry mails.
server=""
if [ -n "${ACME_SERVER:-}" ]; then
  server="--server $ACME_SERVER"
elif [ "${ACME_STAGING:-0}" = 1 ]; then
  server="--staging"
fi
if [ -n "${ACME_DEFAULT_EMAIL:-}" ]; then
  account="--email $ACME_DEFAULT_EMAIL"
else
  account="--register-unsafely-without-email"
fi

# shellcheck disable=SC2086 # word splitting of the option lists is intended
certbot certonly --webroot -w "$webroot" --cert-name "$DOMAIN" $domains $server $account $dirs \
  --agree-tos --non-interactive --keep-until-expiring --expand \
  --deploy-hook "$here/deploy-hook.sh"
echo "certbot: certificate for $DOMAIN is in $config_dir/live/$DOMAIN; the proxy switches to HTTPS within a minute"
