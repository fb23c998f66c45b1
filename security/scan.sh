#!/usr/bin/env bash
# `make scan`: bandit, the production deploy check, then wapiti and sqlmap against a
# throwaway server (production settings, gunicorn over TLS with a self-signed certificate,
# SQLite and files in a temporary folder, the demo loaded). Bounded in time; gates on
# bandit's and wapiti's JSON, sqlmap's output and the server's access log (500s).
#
# Environment: SCAN_CACHE_URL (default redis://127.0.0.1:6379/15) is a Redis database the
# scan may flush (the production settings need Redis for rate limits). Time bounds, in
# seconds: SCAN_CRAWL (each wapiti crawl, default 45), SCAN_ATTACK (each of wapiti's 13
# attack modules, default 15), SCAN_SQLMAP (each of the two sqlmap runs, default 240).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
WAPITI=var/scan-venv/bin/wapiti
OUT=var/scan
CRAWL=${SCAN_CRAWL:-45}
ATTACK=${SCAN_ATTACK:-15}
SQLMAP_LIMIT=${SCAN_SQLMAP:-240}
MODULES=xss,permanentxss,sql,timesql,exec,file,redirect,crlf,csrf,http_headers,cookieflags,csp,methods
CACHE=${SCAN_CACHE_URL:-redis://127.0.0.1:6379/15}

rm -rf "$OUT" && mkdir -p "$OUT"
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
started=$(date +%s)
step() { echo ""; echo "== $* ($(( $(date +%s) - started )) s)"; }

# --- 1. bandit: nothing of medium severity or more outside the tests ------------------------
step "bandit"
.venv/bin/bandit -q -r . -x ./.venv,./static,./var,./tests,'*/migrations/*' -ll -f json -o "$OUT/bandit.json" || true

# --- 2. Django's deploy check on the production settings -------------------------------------
step "check --deploy (production settings)"
export DJANGO_SETTINGS_MODULE=portal.settings.production
export SECRET_KEY="scan-$($PY -c 'import secrets; print(secrets.token_urlsafe(60))')"
export ALLOWED_HOSTS=127.0.0.1,localhost
export CACHE_URL="$CACHE"
export KOBO_TRUSTED_PROXY_COUNT=0
export KOBO_PUBLIC_URL=https://127.0.0.1
export KOBO_VAR_DIR="$WORK/var"
export DATABASE_URL="sqlite:///$WORK/scan.sqlite3"
export STATIC_ROOT="$WORK/static"
export EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
export EMAIL_FILE_PATH="$WORK/var/mail"
export LOG_LEVEL=WARNING
unset CELERY_BROKER_URL CELERY_RESULT_BACKEND MEDIA_ROOT PRIVATE_STORAGE_ROOT AWS_STORAGE_BUCKET_NAME
mkdir -p "$WORK"/var/{broker/queue,broker/processed,broker/control,results,mail,media,private}
$PY manage.py check --deploy --fail-level WARNING

# --- 3. The throwaway server ----------------------------------------------------------------------
step "throwaway server: demo data, static files, TLS"
redis-cli -u "$CACHE" FLUSHDB >/dev/null
# Static files are collected (and compressed, as in production) while the database is built.
$PY manage.py collectstatic --no-input -v 0 &
COLLECT_PID=$!
# The demo (and its users, with the demo password) is loaded with the local settings into the
# throwaway database: production refuses demo users, and rightly so.
DJANGO_SETTINGS_MODULE=portal.settings.local $PY manage.py migrate --no-input -v 0
for command in load_site_content load_kobe_demo create_demo_users load_demo_applications; do
  DJANGO_SETTINGS_MODULE=portal.settings.local $PY manage.py "$command" >/dev/null
done
$PY manage.py compilemessages --ignore=.venv -v 0
echo "database and demo ready ($(( $(date +%s) - started )) s)"
wait "$COLLECT_PID"
echo "static files collected ($(( $(date +%s) - started )) s)"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2>/dev/null
PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="https://127.0.0.1:$PORT"
.venv/bin/gunicorn portal.wsgi -w 2 --threads 4 -b "127.0.0.1:$PORT" --timeout 60 \
  --certfile "$WORK/tls.crt" --keyfile "$WORK/tls.key" \
  --access-logfile "$OUT/access.log" --access-logformat '%(s)s %(r)s' --error-logfile "$OUT/server.log" >>"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 60); do curl -ksf -o /dev/null "$BASE/healthz" && break; sleep 0.5; done
curl -ksf -o /dev/null "$BASE/healthz"
echo "serving $BASE"
CALL_ID=$($PY manage.py shell -v 0 -c "
from recruitment.models import CallPage
print(CallPage.objects.live().get(slug='kobe-pr-2020').pk)")
SESSION=$($PY manage.py shell -v 0 -c "
from django.contrib.auth import get_user_model
from django.test import Client
client = Client()
client.force_login(get_user_model().objects.get(username='screener'))
print(client.cookies['sessionid'].value)")
: > "$OUT/phases"
mark() { echo "$1 $(wc -l < "$OUT/access.log")" >> "$OUT/phases"; }
mark start

# --- 4. wapiti: the public site, then the screening area as a contractor --------------------------
# wapiti exits 0 whatever it finds: security/gate.py reads its JSON reports.
wapiti() {
  timeout $((CRAWL + 13 * ATTACK + 120)) "$WAPITI" --dns-endpoint localhost --no-bugreport --flush-session \
    --store-session "$WORK/wapiti" -m "$MODULES" --tasks 4 -t 10 --max-links-per-page 40 --max-files-per-dir 30 \
    -d 4 --max-scan-time "$CRAWL" --max-attack-time "$ATTACK" -f json "$@" >>"$OUT/wapiti.log" 2>&1 </dev/null || true
}
step "wapiti: public site (crawl ${CRAWL} s, each attack module ${ATTACK} s)"
wapiti -u "$BASE/" --scope folder -x "$BASE/admin/*" -s "$BASE/calls/?q=PR" -s "$BASE/apply/$CALL_ID/" \
  -o "$OUT/wapiti-public.json"
mark public
step "wapiti: screening area as the contractor 'screener' (crawl ${CRAWL} s, each attack module ${ATTACK} s)"
wapiti -u "$BASE/admin/screening/" --scope folder -C "sessionid=$SESSION" -x "$BASE/admin/logout/*" \
  -o "$OUT/wapiti-staff.json"
mark staff

# --- 5. sqlmap on the search and filter parameters ------------------------------------------
step "sqlmap"
# The throwaway database is SQLite, so sqlmap tries SQLite's payloads only (the ORM builds the
# same parameterised queries on PostgreSQL). Level 2: level 1 misses LIKE '%…%'.
sqlmap_run() {
  timeout "$SQLMAP_LIMIT" sqlmap --batch --level 2 --risk 1 --technique BEU --dbms SQLite --flush-session \
    --output-dir "$WORK/sqlmap" --answers="skip further tests=N" --timeout 10 --retries 1 "$@" </dev/null 2>&1 || true
}
# The free-text and number parameters; the choice fields are checked against their choices by
# their forms before any query.
{
  sqlmap_run -u "$BASE/calls/?q=PR&category=&order=closing" -p "q,category"
  sqlmap_run -u "$BASE/admin/screening/call/$CALL_ID/candidacies/?q=a&score_min=1&sort=" -p "q,score_min" \
    --cookie "sessionid=$SESSION"
} > "$OUT/sqlmap.txt"
mark sqlmap

# --- 6. The odd-value walk of the wizard and the staff forms that read numbers (issue 19) ---------
step "odd-value walk"
$PY security/odd_walk.py "$BASE" "$CALL_ID" "$SESSION" "$OUT"
mark walk

# --- 7. Figures and the gate ----------------------------------------------------------------------
step "results"
$PY security/gate.py "$OUT"
echo "scan took $(( $(date +%s) - started )) s; reports in $OUT/"
