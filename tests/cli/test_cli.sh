#!/usr/bin/env bash
# The deskbot CLI driven as an administrator would: init, imports (good and
# broken), search, the ticket lifecycle, errors and exit codes, a locked
# database, and the service starting and stopping on a signal.
. "$(dirname "$0")/lib.sh"
DATA=${HD_TEST_DATA:?}

expect 0 "loaded the sample knowledge base" -- "$DESKBOT" init
expect 0 "left as it is" -- "$DESKBOT" init
expect 0 "Printer paper jam" -- "$DESKBOT" kb search printer jam
expect 0 "打印机卡纸" -- "$DESKBOT" kb search 打印
expect 0 "" -- "$DESKBOT" kb search '"NEAR(' AND '*' -- -vpn
n=$("$DESKBOT" kb search printer --json --limit 2 | jq length)
[ "$n" = 2 ] && ok || fail "kb search --limit 2 --json gave $n results"
expect 0 '"lang":"zh"' -- "$DESKBOT" kb show kb-zh-password-reset --json

# A broken import says which file and changes nothing.
before=$("$DESKBOT" kb search vpn --json | jq length)
expect 1 "" -- "$DESKBOT" kb import "$DATA/kb/broken"
one_line "$DESKBOT" kb import "$DATA/kb/broken"
after=$("$DESKBOT" kb search vpn --json | jq length)
[ "$before" = "$after" ] && ok || fail "broken import changed the KB ($before -> $after)"
expect 1 "cannot" -- "$DESKBOT" kb import "$WORK/does-not-exist"

# Users: a good and a broken file.
printf 'username,display_name,email,department,agent\nnina,Nina,nina@example.com,Ops,1\n' >u.csv
expect 0 "1 added" -- "$DESKBOT" users import u.csv
printf 'username,display_name,emial\nx,X,x@example.com\n' >bad.csv
expect 1 "unknown column 'emial'" -- "$DESKBOT" users import bad.csv
expect 1 "cannot read" -- "$DESKBOT" users import missing.csv
expect 0 '"agent":true' -- "$DESKBOT" users show nina --json

# The ticket lifecycle, audited under --as.
expect 0 "INC-000001" -- "$DESKBOT" tickets create --requester alice --title "Printer jams" \
    --category printer --impact team --urgency high
expect 0 '"priority":"P2"' -- "$DESKBOT" tickets show INC-000001 --json
expect 0 "in_progress" -- "$DESKBOT" tickets take inc-1 --agent carol
expect 1 "cannot go from in_progress to closed" -- "$DESKBOT" tickets close INC-000001
expect 0 "resolved" -- "$DESKBOT" tickets resolve INC-000001 replaced the pickup roller --as carol
json=$("$DESKBOT" tickets show INC-000001 --json)
[ "$(jq -r .status <<<"$json")" = resolved ] && ok || fail "status after resolve: $json"
[ "$(jq -r .resolution <<<"$json")" = "replaced the pickup roller" ] && ok || fail "resolution: $json"
[ "$(jq -r .assignment_group <<<"$json")" = desktop-support ] && ok || fail "group: $json"
for f in number type category title priority impact urgency status requester assignment_group \
         assignee details created_at resolved_at sla; do
    jq -e "has(\"$f\")" <<<"$json" >/dev/null && ok || fail "ticket JSON lacks $f"
done
jq -e '.audit | map(select(.actor == "carol" and .new == "resolved")) | length == 1' <<<"$json" \
    >/dev/null && ok || fail "audit lacks carol's resolution: $json"
jq -e '.sla.response_due and (.sla.response_breached == false)' <<<"$json" >/dev/null && ok ||
    fail "sla block: $json"
expect 0 "reopened" -- "$DESKBOT" tickets reopen INC-000001 still jamming
expect 0 "1" -- sh -c "'$DESKBOT' tickets list --status reopened --json | jq length"
expect 0 "no tickets" -- "$DESKBOT" tickets list --status closed

# Bad arguments are usage errors (2); failures are 1; never a crash.
expect 2 "unknown status" -- "$DESKBOT" tickets list --status lost
expect 2 "not a command" -- "$DESKBOT" frobnicate
expect 2 "needs --requester" -- "$DESKBOT" tickets create --title x
expect 1 "no ticket INC-000099" -- "$DESKBOT" tickets show INC-99
expect 1 "not a ticket number" -- "$DESKBOT" tickets show 12
expect 2 "--limit" -- "$DESKBOT" kb search x --limit lots
expect 0 "usage: deskbot" -- "$DESKBOT" --help
expect 0 "tickets" -- "$DESKBOT" help tickets
one_line "$DESKBOT" tickets show INC-99

# A configuration error names the setting.
echo '{"sla": {"P1": {"calendar": "moon"}}}' >bad.json
expect 1 "sla.P1.calendar" -- "$DESKBOT" --config bad.json tickets list
echo '{"sla": ' >worse.json
expect 1 "worse.json:" -- "$DESKBOT" tickets list --config worse.json

# A database locked by another process: a clear error, nothing written.
(echo "BEGIN IMMEDIATE; INSERT INTO ticket_counters VALUES ('ZZZ', 1);"; sleep 3) |
    sqlite3 "$DESKBOT_DB" &
locker=$!
sleep 0.5
DESKBOT_BUSY_TIMEOUT_MS=200 expect 1 "locked" -- "$DESKBOT" tickets create --requester alice \
    --title "while locked"
wait $locker
expect 1 "no ticket INC-000002" -- "$DESKBOT" tickets show INC-000002

# A database written by a newer deskbot is refused.
cp "$DESKBOT_DB" newer.db
sqlite3 newer.db "PRAGMA user_version = 999"
expect 1 "newer deskbot" -- "$DESKBOT" --db newer.db tickets list

# The service starts on a fresh database, answers /healthz and /metrics on
# loopback, and stops cleanly on SIGTERM.
export DESKBOT_HTTP_LISTEN=127.0.0.1:0
"$DESKBOT" --db "$WORK/svc/desk.db" run >svc.log 2>&1 &
svc=$!
for _ in $(seq 50); do grep -q "event=start" svc.log && break; sleep 0.1; done
grep -q "event=start.*articles=49" svc.log && ok || fail "service did not start: $(cat svc.log)"
port=$(grep -o 'port=[0-9]*' svc.log | head -1 | cut -d= -f2)
[ "$(curl -s "http://127.0.0.1:$port/healthz" | jq -r .status)" = ok ] && ok ||
    fail "/healthz on port $port"
curl -s "http://127.0.0.1:$port/metrics" | grep -q '^deskbot_outbox_depth 0$' && ok ||
    fail "/metrics lacks the outbox depth"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/secret")" = 404 ] && ok ||
    fail "an unknown path is not 404"
# A second service cannot take the same port: one clear line, exit 1.
DESKBOT_HTTP_LISTEN=127.0.0.1:$port expect 1 "cannot listen on 127.0.0.1:$port" -- \
    "$DESKBOT" --db "$WORK/svc4/desk.db" run
kill -TERM $svc
wait $svc; rc=$?
[ $rc = 0 ] && grep -q "event=stop" svc.log && ok || fail "service stop rc=$rc: $(cat svc.log)"

# The outbox: nothing waiting on a fresh desk; dead letters are listed with their error.
expect 0 "0 waiting to be sent, 0 dead letters" -- "$DESKBOT" outbox
sqlite3 "$DESKBOT_DB" "INSERT INTO dead_letters (channel, conversation, payload, created_at,
    failed_at, attempts, error) VALUES ('slack', 'D1', '{}', 1, 2, 5, 'channel_not_found')"
expect 0 "channel_not_found" -- "$DESKBOT" outbox
[ "$("$DESKBOT" outbox --json | jq .dead)" = 1 ] && ok || fail "outbox --json dead count"

# Logs as JSON: one object per line, the key=value fields as members.
DESKBOT_LOG_FORMAT=json "$DESKBOT" --db "$WORK/svc3/desk.db" run >svc3.log 2>&1 &
svc=$!
for _ in $(seq 50); do grep -q '"event":"start"' svc3.log && break; sleep 0.1; done
kill -TERM $svc; wait $svc
grep '"event":"start"' svc3.log | jq -e '.level == "info" and (.articles | tonumber) == 49' \
    >/dev/null && ok || fail "JSON log line: $(head -1 svc3.log)"
jq -e . svc3.log >/dev/null && ok || fail "every JSON log line parses"
DESKBOT_LOG_FORMAT=xml expect 1 "log_format" -- "$DESKBOT" tickets list

# A broken intent catalog stops the service before it starts.
mkdir -p badcat
echo '{"name": "x", "kind": "colour"}' >badcat/x.json
DESKBOT_INTENTS_DIR="$WORK/badcat" expect 1 "x.json" -- "$DESKBOT" --db "$WORK/svc2/desk.db" run

# Slack configuration mistakes stop `run` with a line that names the setting, never the token.
SLACK_APP_TOKEN=xapp-1-secret expect 1 "SLACK_BOT_TOKEN" -- "$DESKBOT" --db "$WORK/svc2/desk.db" run
out=$(SLACK_APP_TOKEN=xoxb-secret-1 SLACK_BOT_TOKEN=xoxb-secret-2 "$DESKBOT" --db "$WORK/svc2/desk.db" run 2>&1)
case "$out" in *"SLACK_APP_TOKEN does not look like"*) ok ;; *) fail "malformed app token: $out" ;; esac
case "$out" in *secret*) fail "a token was printed: $out" ;; *) ok ;; esac
SLACK_APP_TOKEN_FILE=/nonexistent/app SLACK_BOT_TOKEN=xoxb-1 \
    expect 1 "slack_app_token_file" -- "$DESKBOT" --db "$WORK/svc2/desk.db" run
# Tokens from files: the service starts and tries Slack (here an address where nothing listens).
printf 'xapp-1-from-file\n' >app.token
printf 'xoxb-from-file\n' >bot.token
SLACK_APP_TOKEN_FILE="$WORK/app.token" SLACK_BOT_TOKEN_FILE="$WORK/bot.token" \
    SLACK_API_URL=http://127.0.0.1:1/api/ DESKBOT_HTTP_LISTEN=127.0.0.1:0 \
    "$DESKBOT" --db "$WORK/svc2/desk.db" run >svc4.log 2>&1 &
svc=$!
for _ in $(seq 50); do grep -q 'event=slack_retry' svc4.log && break; sleep 0.1; done
kill -TERM $svc; wait $svc
grep -q 'channels=web,slack' svc4.log && grep -q 'event=slack_auth_failed' svc4.log && ok ||
    fail "run with token files: $(cat svc4.log)"
grep -q 'from-file' svc4.log && fail "a token was logged" || ok

# Web chat sign-in links: signed for a directory user, agents only for agents.
DESKBOT_HTTP_LISTEN=127.0.0.1:8080 \
    expect 0 "http://127.0.0.1:8080/?token=v1.e." -- "$DESKBOT" webchat-link --user alice
DESKBOT_HTTP_LISTEN=127.0.0.1:8080 \
    expect 0 "http://127.0.0.1:8080/agents?token=v1.a." -- "$DESKBOT" webchat-link --agent carol
expect 1 "set web_public_url" -- "$DESKBOT" webchat-link --user alice
DESKBOT_WEB_PUBLIC_URL=https://help.example.com/ \
    expect 0 "https://help.example.com/?token=" -- "$DESKBOT" webchat-link --user bob --hours 2
expect 1 "not an agent of any group" -- "$DESKBOT" webchat-link --agent tom
expect 1 "no employee" -- "$DESKBOT" webchat-link --user nobody
expect 2 "give --user NAME or --agent NAME" -- "$DESKBOT" webchat-link
expect 2 "--hours" -- "$DESKBOT" webchat-link --user alice --hours 0
# Two links for one user are both valid and differ only in their expiry and signature.
export DESKBOT_WEB_PUBLIC_URL=http://desk.example.com
a=$("$DESKBOT" webchat-link --user alice --hours 1); b=$("$DESKBOT" webchat-link --user alice --hours 3)
unset DESKBOT_WEB_PUBLIC_URL
[ "${a%%.*}" = "${b%%.*}" ] && [ "$a" != "$b" ] && ok || fail "two links: $a / $b"
# Broken web settings are refused before anything starts.
DESKBOT_WEB_DEV_LOGIN=maybe expect 1 "web_dev_login" -- "$DESKBOT" --db "$WORK/svc2/desk.db" run
DESKBOT_WEB_MAX_TEXT=20000 expect 1 "web_max_text" -- "$DESKBOT" --db "$WORK/svc2/desk.db" run
DESKBOT_WEB_MAX_FRAME=10 expect 1 "web_max_frame" -- "$DESKBOT" --db "$WORK/svc2/desk.db" run

finish
