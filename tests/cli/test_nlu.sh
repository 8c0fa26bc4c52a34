#!/usr/bin/env bash
# `deskbot nlu` driven as an administrator tuning the catalog would: text on
# the command line and on standard input (text and --json, read with jq),
# hostile lines, a catalog folder from DESKBOT_INTENTS_DIR, and a broken
# one refused with one line that names the file and field.
. "$(dirname "$0")/lib.sh"
DATA=${HD_TEST_DATA:?}

# Text on the command line, read by the built-in catalog.
expect 0 "intent:      incident.printer" -- "$DESKBOT" nlu the printer on floor 3 is jammed
expect 0 "location   floor 3" -- "$DESKBOT" nlu the printer on floor 3 is jammed
expect 0 "language:    zh" -- "$DESKBOT" nlu 打印机卡纸了，在5楼

json=$("$DESKBOT" nlu --json "my printer on floor 3 is jammed, it's urgent")
jq -e '.intent == "incident.printer" and .lang == "en" and .ticket_type == "incident"
       and .category == "printer" and .confidence > 0.5 and .confidence <= 1
       and (.alternatives | length) == 2
       and (.alternatives | all(.confidence <= $c)) and .slots.location == "floor 3"
       and .slots.urgency == "high" and .text == "my printer on floor 3 is jammed, it'"'"'s urgent"' \
    --argjson c "$(jq .confidence <<<"$json")" <<<"$json" >/dev/null && ok || fail "nlu --json: $json"
json=$("$DESKBOT" nlu 打印机卡纸了，在5楼，很急 --json)
jq -e '.lang == "zh" and .intent == "incident.printer" and .slots.location == "5楼"
       and .slots.urgency == "high"' <<<"$json" >/dev/null && ok || fail "nlu zh --json: $json"
json=$("$DESKBOT" nlu --json thanks a lot)
jq -e '.intent == "thanks" and .ticket_type == null and .category == null and .slots == {}' \
    <<<"$json" >/dev/null && ok || fail "nlu thanks --json: $json"

# Standard input: one JSON object per line, whatever the line holds.
long=$(head -c 100000 /dev/zero | tr '\0' x)
out=$(printf 'hello\nVPN连不上\n\nprinter \xff\xfe jammed\n%s printer\n' "$long" |
      "$DESKBOT" nlu --json)
rc=$?
[ "$rc" = 0 ] && ok || fail "nlu --json on stdin exited $rc"
[ "$(jq -s length <<<"$out")" = 5 ] && ok || fail "stdin: want 5 objects, got: $(head -c 300 <<<"$out")"
jq -s -e '.[0].intent == "greeting" and .[1].lang == "zh" and .[1].intent == "incident.vpn"
          and .[2].text == "" and (.[3].text | contains("\ufffd"))
          and (.[4].text | length) == 65536' <<<"$out" >/dev/null && ok ||
    fail "stdin objects: $(head -c 600 <<<"$out")"
out=$(printf 'hi\nthanks\n' | "$DESKBOT" nlu)
[ "$(grep -c '^language:' <<<"$out")" = 2 ] && ok || fail "text mode on stdin: $out"
out=$("$DESKBOT" nlu --json </dev/null)
[ -z "$out" ] && ok || fail "empty stdin printed: $out"

# Another catalog: a folder named by DESKBOT_INTENTS_DIR.
DESKBOT_INTENTS_DIR="$DATA/intents/good" expect 0 "howto.password" -- "$DESKBOT" nlu \
    how do I reset my password
DESKBOT_INTENTS_DIR="$DATA/intents/broken" expect 1 \
    "incident.printer.json: slots[1].type: unknown slot type 'colour'" -- "$DESKBOT" nlu hello
DESKBOT_INTENTS_DIR="$DATA/intents/broken" one_line "$DESKBOT" nlu hello
DESKBOT_INTENTS_DIR="$WORK/missing" expect 1 "missing" -- "$DESKBOT" nlu hello

# Usage.
expect 2 "unknown option" -- "$DESKBOT" nlu --frobnicate
expect 0 "usage: deskbot nlu" -- "$DESKBOT" nlu --help
expect 0 "nlu" -- "$DESKBOT" --help

finish
