#!/usr/bin/env bash
# First-time setup of NADOO-IT on a Debian/Ubuntu server (see docs/installation-ionos-vps.md). Safe to run
# again: it installs only what is missing, keeps every value already in .env and skips finished steps.
#
#   sudo ./setup.sh                      interactive: asks for domain, e-mail, database, …
#   sudo ./setup.sh --non-interactive    answers from the environment (DOMAIN=… ACME_DEFAULT_EMAIL=… …)
#   ./setup.sh --env-only                only write/complete .env (no root, no Docker)
set -euo pipefail
cd "$(dirname "$0")"

ENV_FILE=.env
INTERACTIVE=1
ENV_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --non-interactive) INTERACTIVE=0 ;;
    --env-only) ENV_ONLY=1 ;;
    -h | --help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg (see --help)" >&2; exit 2 ;;
  esac
done

say() { printf '\n== %s\n' "$*"; }
fail() { echo "setup: $*" >&2; exit 1; }

# --- questions -------------------------------------------------------------------------------------
# ask VAR "question" default validator: an environment value wins; without a terminal the default is used.
ask() {
  local var=$1 question=$2 default=${3:-} validate=${4:-true} answer
  answer=${!var:-}
  while :; do
    if [ -z "$answer" ] && [ "$INTERACTIVE" = 1 ]; then
      read -r -p "$question${default:+ [$default]}: " answer || answer=""
    fi
    answer=${answer:-$default}
    if [ -n "$answer" ] && "$validate" "$answer"; then
      printf -v "$var" '%s' "$answer"
      return 0
    fi
    [ "$INTERACTIVE" = 1 ] || fail "$var is missing or invalid (${answer:-empty}): $question"
    echo "  '$answer' is not valid, please try again."
    answer=""
  done
}

# confirm "question" default(y|n): an empty answer means the default, nothing else is guessed.
confirm() {
  local question=$1 default=$2 answer
  if [ "$INTERACTIVE" = 0 ]; then [ "$default" = y ]; return; fi
  while :; do
    read -r -p "$question [$([ "$default" = y ] && echo Y/n || echo y/N)]: " answer || answer=""
    case "${answer:-$default}" in
      y | Y | yes | j | ja) return 0 ;;
      n | N | no | nein) return 1 ;;
    esac
  done
}

valid_domain() { [[ $1 =~ ^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$ ]] && [[ $1 != www.* ]]; }
valid_email() { [[ $1 =~ ^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$ ]]; }
valid_database() { [[ $1 == sqlite || $1 == cockroach ]]; }
valid_port() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]; }
valid_file() { [ -r "$1" ]; }
anything() { [ -n "$1" ]; }

# --- .env ------------------------------------------------------------------------------------------
env_value() { [ -f "$ENV_FILE" ] && sed -n "s/^$1=//p" "$ENV_FILE" | tail -n1 | sed -e 's/^"\(.*\)"$/\1/' || true; }
has_value() { [ -n "$(env_value "$1")" ]; }
# Adds KEY=value only when .env has no value for KEY yet: existing settings are never overwritten.
put() {
  if has_value "$1"; then return 0; fi
  sed -i "/^$1=\$/d" "$ENV_FILE"
  printf '%s=%s\n' "$1" "$2" >>"$ENV_FILE"
  echo "  .env: set $1"
}
secret() { head -c "$1" /dev/urandom | od -An -vtx1 | tr -d ' \n'; }

write_env() {
  say "Configuration (.env)"
  if [ ! -f "$ENV_FILE" ]; then
    printf '# NADOO-IT settings, written by setup.sh on %s. Every variable is explained in .env.example.\n' "$(date -u +%F)" >"$ENV_FILE"
  fi
  chmod 600 "$ENV_FILE"

  local domain email database
  domain=$(env_value DOMAIN)
  if [ -z "$domain" ]; then ask DOMAIN "Domain of the site, without www (e.g. nadooit.de)" "" valid_domain; domain=$DOMAIN; fi
  email=$(env_value ACME_DEFAULT_EMAIL)
  if [ -z "$email" ]; then ask ACME_DEFAULT_EMAIL "E-mail for Let's Encrypt expiry notices" "" valid_email; email=$ACME_DEFAULT_EMAIL; fi

  put DOMAIN "$domain"
  put ACME_DEFAULT_EMAIL "$email"
  put DEBUG 0
  put SECRET_KEY "$(secret 48)"
  put ALLOWED_HOSTS "$domain,www.$domain"
  put CSRF_TRUSTED_ORIGINS "https://$domain,https://www.$domain"
  put REDIS_PASSWORD "$(secret 32)"
  put ACME_STAGING "${ACME_STAGING:-0}"
  put ACME_INCLUDE_WWW "${ACME_INCLUDE_WWW:-auto}"
  put LOG_LEVEL info

  if ! has_value COMPOSE_FILE; then
    ask DATABASE "Database: sqlite (a file on this server) or cockroach (an existing CockroachDB cluster)" sqlite valid_database
    database=$DATABASE
    if [ "$database" = cockroach ]; then
      ask COCKROACH_DB_HOST "CockroachDB host" "" anything
      ask COCKROACH_DB_PORT "CockroachDB port" 26257 valid_port
      ask COCKROACH_DB_NAME "Database name" nadooit anything
      ask COCKROACH_DB_USER "Database user" nadooit anything
      ask COCKROACH_DB_PASSWORD "Database password" "" anything
      ask COCKROACH_DB_CA_CERT_FILE "Path of the cluster's CA certificate on this server" "$HOME/.postgresql/root.crt" valid_file
      for key in COCKROACH_DB_HOST COCKROACH_DB_PORT COCKROACH_DB_NAME COCKROACH_DB_USER COCKROACH_DB_PASSWORD COCKROACH_DB_CA_CERT_FILE; do
        put "$key" "${!key}"
      done
      put COMPOSE_FILE docker-compose.deploy.yml:docker-compose.deploy_COCKROACHDB.yml
    else
      put COMPOSE_FILE docker-compose.deploy.yml
    fi
  fi
}

# --- host ------------------------------------------------------------------------------------------
install_docker() {
  if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
    echo "  Docker and the compose plugin are installed."
    return
  fi
  say "Installing Docker Engine and the compose plugin"
  . /etc/os-release
  case "$ID" in debian | ubuntu) ;; *) fail "unsupported distribution $ID (Debian or Ubuntu expected)" ;; esac
  apt-get update -qq
  apt-get install -y -qq ca-certificates curl gnupg >/dev/null
  install -m 0755 -d /etc/apt/keyrings
  curl -fsSL "https://download.docker.com/linux/$ID/gpg" -o /etc/apt/keyrings/docker.asc
  chmod a+r /etc/apt/keyrings/docker.asc
  echo "deb [arch=$(dpkg --print-architecture) signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/$ID $VERSION_CODENAME stable" \
    >/etc/apt/sources.list.d/docker.list
  apt-get update -qq
  apt-get install -y -qq docker-ce docker-ce-cli containerd.io docker-buildx-plugin docker-compose-plugin >/dev/null
  systemctl enable --now docker >/dev/null 2>&1 || true
}

tune_host() {
  # Redis asks for this so background saves cannot fail under memory pressure.
  if [ "$(sysctl -n vm.overcommit_memory 2>/dev/null)" != 1 ]; then
    echo 'vm.overcommit_memory = 1' >/etc/sysctl.d/60-nadooit-redis.conf
    sysctl -q -p /etc/sysctl.d/60-nadooit-redis.conf || true
  fi
  # The app runs as uid 1000 in its container and writes backups into ./backups.
  mkdir -p backups
  chown 1000:1000 backups
}

has_certificate() {
  docker compose run --rm -T --no-deps --entrypoint sh certbot -c 'test -s "/etc/letsencrypt/live/$DOMAIN/fullchain.pem"' >/dev/null 2>&1
}

wait_for_app() {
  local id status
  for _ in $(seq 1 60); do
    id=$(docker compose ps -q app)
    status=$([ -n "$id" ] && docker inspect -f '{{.State.Health.Status}}' "$id" 2>/dev/null || echo starting)
    [ "$status" = healthy ] && return 0
    sleep 5
  done
  fail "the app did not become healthy; see: docker compose logs app migrate"
}

start_stack() {
  say "Building and starting the services"
  docker compose build
  docker compose up -d
  wait_for_app
  echo "  The app is up."
}

first_certificate() {
  if has_certificate; then
    echo "  A certificate for $(env_value DOMAIN) exists; certbot renews it twice a day."
    return
  fi
  say "First TLS certificate"
  echo "  DNS A/AAAA records for $(env_value DOMAIN) (and www.) must point to this server, ports 80/443 open."
  if confirm "Request the certificate from Let's Encrypt now?" y; then
    docker compose run --rm certbot /opt/certbot/certify-init.sh
  else
    echo "  Later: docker compose run --rm certbot /opt/certbot/certify-init.sh"
  fi
}

first_admin() {
  say "First administrator"
  if [ "$INTERACTIVE" = 0 ]; then
    # Unattended: NADOOIT_SUPERUSER_USERNAME / _PASSWORD / _EMAIL from the environment, or nothing.
    if [ -n "${NADOOIT_SUPERUSER_USERNAME:-}" ]; then
      docker compose run --rm -T -e NADOOIT_SUPERUSER_USERNAME -e NADOOIT_SUPERUSER_PASSWORD -e NADOOIT_SUPERUSER_EMAIL \
        app npm run manage -- createsuperuser --no-input
    fi
  elif confirm "Create a staff superuser now?" y; then
    docker compose run --rm app npm run manage -- createsuperuser
  fi
}

backup_cron() {
  local cron=/etc/cron.d/nadooit-backup
  [ -f "$cron" ] && return
  if confirm "Back up database and media every night at 03:30 (keeps 14)?" y; then
    printf 'SHELL=/bin/bash\n30 3 * * * root cd %q && docker compose run --rm -T app npm run manage -- backup --keep 14 >>/var/log/nadooit-backup.log 2>&1\n' "$PWD" >"$cron"
    echo "  Written $cron"
  fi
}

write_env
if [ "$ENV_ONLY" = 1 ]; then exit 0; fi
[ "$(id -u)" = 0 ] || fail "run as root (sudo ./setup.sh), or use --env-only"
install_docker
tune_host
start_stack
DOMAIN=$(env_value DOMAIN)
export DOMAIN
first_certificate
first_admin
backup_cron
say "Done: https://$(env_value DOMAIN)/ — updates: sudo ./update_script.sh; operations: docs/operations.md"
