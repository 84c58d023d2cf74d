# Shared settings of the certbot scripts (sourced). Paths are the container's; tests point them elsewhere.
: "${DOMAIN:?DOMAIN must be set (the apex domain, e.g. example.com)}"
here=$(cd "$(dirname "$0")" && pwd)
config_dir=${CERTBOT_CONFIG_DIR:-/etc/letsencrypt}
work_dir=${CERTBOT_WORK_DIR:-/var/lib/letsencrypt}
logs_dir=${CERTBOT_LOGS_DIR:-/var/log/letsencrypt}
webroot=${ACME_WEBROOT:-/vol/www}
dirs="--config-dir $config_dir --work-dir $work_dir --logs-dir $logs_dir"
