/*
 * schema.c - the one owner of deskbot's SQL schema.
 *
 * Each migration moves the file from version N-1 to N inside one
 * transaction and sets PRAGMA user_version = N. Migrations are append-only:
 * a released step is never edited, a change is a new step.
 */
#include "hd/store.h"

#include <stdio.h>

static const char *const migrations[] = {
    /* 1: the users directory, tickets and their audit log. */
    "CREATE TABLE employees ("
    "  id INTEGER PRIMARY KEY,"
    "  username TEXT UNIQUE,"
    "  display_name TEXT NOT NULL,"
    "  email TEXT UNIQUE COLLATE NOCASE,"
    "  department TEXT,"
    "  location TEXT,"
    "  phone TEXT,"
    "  vip INTEGER NOT NULL DEFAULT 0 CHECK (vip IN (0, 1)),"
    "  service_level TEXT NOT NULL DEFAULT 'standard',"
    "  lang TEXT NOT NULL DEFAULT 'en',"
    "  is_agent INTEGER NOT NULL DEFAULT 0 CHECK (is_agent IN (0, 1)),"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL"
    ");"
    "CREATE TABLE identities ("
    "  platform TEXT NOT NULL,"
    "  platform_user_id TEXT NOT NULL,"
    "  employee_id INTEGER NOT NULL REFERENCES employees(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (platform, platform_user_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX identities_employee ON identities(employee_id);"
    "CREATE TABLE ticket_counters ("
    "  prefix TEXT PRIMARY KEY,"
    "  last INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE tickets ("
    "  id INTEGER PRIMARY KEY,"
    "  number TEXT NOT NULL UNIQUE,"
    "  type TEXT NOT NULL CHECK (type IN ('incident', 'service_request', 'change',"
    "                                     'consultation', 'complaint')),"
    "  category TEXT,"
    "  title TEXT NOT NULL,"
    "  description TEXT NOT NULL DEFAULT '',"
    "  details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details)),"
    "  impact TEXT NOT NULL CHECK (impact IN ('individual', 'team', 'organisation')),"
    "  urgency TEXT NOT NULL CHECK (urgency IN ('low', 'medium', 'high', 'critical')),"
    "  priority INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 4),"
    "  status TEXT NOT NULL CHECK (status IN ('new', 'assigned', 'in_progress', 'pending',"
    "                                         'resolved', 'closed', 'cancelled', 'reopened')),"
    "  pending_reason TEXT CHECK (pending_reason IN ('user', 'vendor')),"
    "  requester_id INTEGER NOT NULL REFERENCES employees(id),"
    "  assignment_group TEXT,"
    "  assignee_id INTEGER REFERENCES employees(id),"
    "  channel TEXT,"
    "  handover INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  responded_at INTEGER,"
    "  resolved_at INTEGER,"
    "  closed_at INTEGER,"
    "  resolution TEXT,"
    "  reopen_count INTEGER NOT NULL DEFAULT 0,"
    "  response_due INTEGER NOT NULL,"
    "  resolution_due INTEGER NOT NULL,"
    "  sla_paused_at INTEGER,"
    "  sla_paused_secs INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE INDEX tickets_status ON tickets(status);"
    "CREATE INDEX tickets_requester ON tickets(requester_id, status);"
    "CREATE INDEX tickets_created ON tickets(created_at);"
    "CREATE INDEX tickets_response_due ON tickets(response_due) WHERE responded_at IS NULL;"
    "CREATE INDEX tickets_resolution_due ON tickets(resolution_due) WHERE resolved_at IS NULL;"
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
    "  at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  field TEXT NOT NULL,"
    "  old_value TEXT,"
    "  new_value TEXT"
    ");"
    "CREATE INDEX audit_ticket ON audit(ticket_id);"
    "CREATE TABLE ticket_notes ("
    "  id INTEGER PRIMARY KEY,"
    "  ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
    "  at INTEGER NOT NULL,"
    "  author TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('comment', 'nudge', 'resolution', 'reopen',"
    "                                     'cancel')),"
    "  body TEXT NOT NULL"
    ");"
    "CREATE INDEX ticket_notes_ticket ON ticket_notes(ticket_id);"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",

    /* 2: the knowledge base, its full-text index and article feedback. */
    "CREATE TABLE kb_articles ("
    "  id INTEGER PRIMARY KEY,"
    "  slug TEXT NOT NULL UNIQUE,"
    "  title TEXT NOT NULL,"
    "  body TEXT NOT NULL,"
    "  lang TEXT NOT NULL,"
    "  category TEXT,"
    "  tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),"
    "  checksum TEXT NOT NULL,"
    "  updated_at INTEGER NOT NULL"
    ");"
    "CREATE VIRTUAL TABLE kb_fts USING fts5("
    "  title, body, tags, content='kb_articles', content_rowid='id',"
    "  tokenize='porter deskbot');"
    "CREATE TRIGGER kb_articles_ai AFTER INSERT ON kb_articles BEGIN"
    "  INSERT INTO kb_fts(rowid, title, body, tags)"
    "    VALUES (new.id, new.title, new.body, new.tags);"
    "END;"
    "CREATE TRIGGER kb_articles_ad AFTER DELETE ON kb_articles BEGIN"
    "  INSERT INTO kb_fts(kb_fts, rowid, title, body, tags)"
    "    VALUES ('delete', old.id, old.title, old.body, old.tags);"
    "END;"
    "CREATE TRIGGER kb_articles_au AFTER UPDATE ON kb_articles BEGIN"
    "  INSERT INTO kb_fts(kb_fts, rowid, title, body, tags)"
    "    VALUES ('delete', old.id, old.title, old.body, old.tags);"
    "  INSERT INTO kb_fts(rowid, title, body, tags)"
    "    VALUES (new.id, new.title, new.body, new.tags);"
    "END;"
    "CREATE TABLE kb_feedback ("
    "  id INTEGER PRIMARY KEY,"
    "  article_id INTEGER NOT NULL REFERENCES kb_articles(id) ON DELETE CASCADE,"
    "  employee_id INTEGER REFERENCES employees(id),"
    "  helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),"
    "  at INTEGER NOT NULL"
    ");"
    "CREATE INDEX kb_feedback_article ON kb_feedback(article_id);",

    /* 3: contacts (for first-contact resolution) and satisfaction surveys. */
    "CREATE TABLE contacts ("
    "  id INTEGER PRIMARY KEY,"
    "  employee_id INTEGER REFERENCES employees(id),"
    "  channel TEXT NOT NULL,"
    "  started_at INTEGER NOT NULL,"
    "  outcome TEXT NOT NULL DEFAULT 'open' CHECK (outcome IN ('open', 'kb_resolved',"
    "                                     'resolved', 'ticket', 'abandoned')),"
    "  ticket_id INTEGER REFERENCES tickets(id),"
    "  ended_at INTEGER"
    ");"
    "CREATE INDEX contacts_started ON contacts(started_at);"
    "CREATE TABLE surveys ("
    "  id INTEGER PRIMARY KEY,"
    "  ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
    "  resolution_no INTEGER NOT NULL,"
    "  sent_at INTEGER NOT NULL,"
    "  default_at INTEGER NOT NULL,"
    "  answered_at INTEGER,"
    "  rating INTEGER CHECK (rating BETWEEN 1 AND 5),"
    "  not_fixed INTEGER NOT NULL DEFAULT 0,"
    "  is_default INTEGER NOT NULL DEFAULT 0,"
    "  comment TEXT,"
    "  UNIQUE (ticket_id, resolution_no)"
    ");"
    "CREATE INDEX surveys_pending ON surveys(default_at) WHERE answered_at IS NULL;"
    "CREATE INDEX surveys_answered ON surveys(answered_at);",

    /*
     * 4: covering indexes for reports, so a report over a range reads one
     * index per table (1M tickets in about half a second); they replace the
     * plain time indexes.
     */
    "CREATE INDEX tickets_report ON tickets(created_at, type, priority, status, channel,"
    "  category, responded_at, resolved_at, response_due, resolution_due, sla_paused_at);"
    "CREATE INDEX contacts_report ON contacts(started_at, outcome);"
    "CREATE INDEX surveys_report ON surveys(answered_at, rating, not_fixed, is_default);"
    "DROP INDEX tickets_created;"
    "DROP INDEX contacts_started;"
    "DROP INDEX surveys_answered;",

    /*
     * 5: conversations (the dialogue state of each user on each channel,
     * saved at the end of every turn) and the actions behind chat buttons,
     * one row per message that carries buttons.
     */
    "CREATE TABLE conversations ("
    "  channel TEXT NOT NULL,"
    "  user_id TEXT NOT NULL,"
    "  employee_id INTEGER REFERENCES employees(id),"
    "  state TEXT NOT NULL CHECK (json_valid(state)),"
    "  version INTEGER NOT NULL,"
    "  busy INTEGER NOT NULL DEFAULT 0,"
    "  updated_at INTEGER NOT NULL,"
    "  PRIMARY KEY (channel, user_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX conversations_busy ON conversations(updated_at) WHERE busy = 1;"
    "CREATE TABLE actions ("
    "  id INTEGER PRIMARY KEY,"
    "  secret TEXT NOT NULL,"
    "  channel TEXT NOT NULL,"
    "  user_id TEXT,"
    "  group_name TEXT,"
    "  version INTEGER NOT NULL,"
    "  message_id TEXT,"
    "  buttons TEXT NOT NULL CHECK (json_valid(buttons)),"
    "  created_at INTEGER NOT NULL,"
    "  used_at INTEGER"
    ");",

    /*
     * 6: the outbox (every outbound message, written before it is sent and
     * deleted when the platform accepted it), dead letters, and the inbound
     * events already processed (exactly-once intake).
     */
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY,"
    "  channel TEXT NOT NULL,"
    "  conversation TEXT NOT NULL,"
    "  payload TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_at INTEGER NOT NULL,"
    "  last_error TEXT"
    ");"
    "CREATE INDEX outbox_conversation ON outbox(channel, conversation, id);"
    "CREATE INDEX outbox_next ON outbox(next_at);"
    "CREATE TABLE dead_letters ("
    "  id INTEGER PRIMARY KEY,"
    "  channel TEXT NOT NULL,"
    "  conversation TEXT NOT NULL,"
    "  payload TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  failed_at INTEGER NOT NULL,"
    "  attempts INTEGER NOT NULL,"
    "  error TEXT NOT NULL"
    ");"
    "CREATE TABLE inbound_events ("
    "  channel TEXT NOT NULL,"
    "  event_id TEXT NOT NULL,"
    "  received_at INTEGER NOT NULL,"
    "  PRIMARY KEY (channel, event_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX inbound_events_received ON inbound_events(received_at);",

    /* 7: what the SLA sweep already did for each target (warned, escalated). */
    "ALTER TABLE tickets ADD COLUMN response_warned INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE tickets ADD COLUMN resolution_warned INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE tickets ADD COLUMN response_escalated INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE tickets ADD COLUMN resolution_escalated INTEGER NOT NULL DEFAULT 0;",

    /*
     * 8: where a delivered message landed on its platform (a Slack channel
     * and ts), so a later message can replace it.
     */
    "CREATE TABLE deliveries ("
    "  channel TEXT NOT NULL,"
    "  message_id TEXT NOT NULL,"
    "  room TEXT NOT NULL,"
    "  ref TEXT NOT NULL,"
    "  delivered_at INTEGER NOT NULL,"
    "  PRIMARY KEY (channel, message_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX deliveries_at ON deliveries(delivered_at);",

    /*
     * 9: the history of the channels that keep their own (the web chat):
     * each room's entries numbered 1, 2, 3… so a client that reconnects
     * gets exactly what it missed; and the service's own secrets (the web
     * chat's token key), created on first use.
     */
    "CREATE TABLE chatlog ("
    "  channel TEXT NOT NULL,"
    "  room TEXT NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  body TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (channel, room, seq)"
    ") WITHOUT ROWID;"
    "CREATE TABLE secrets ("
    "  name TEXT PRIMARY KEY,"
    "  value BLOB NOT NULL,"
    "  created_at INTEGER NOT NULL"
    ");",
};

static int read_version(sqlite3 *db, int *out)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL);

    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        *out = sqlite3_column_int(s, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

int hd_schema__migrate(sqlite3 *db, int target)
{
    char pragma[64];
    int version = 0, rc;

    if (target > (int)HD_ARRAY_SIZE(migrations))
        return hd_error_set(HD_EINVAL, "no migration to schema version %d", target);

    /*
     * The version is read inside the write transaction, so two processes
     * opening a fresh file at once never apply the same step twice.
     */
    for (;;) {
        rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            rc = read_version(db, &version);
        if (rc == SQLITE_OK && version >= target) {
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
            return 0;
        }
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(db, migrations[version], NULL, NULL, NULL);
        if (rc == SQLITE_OK) {
            snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", version + 1);
            rc = sqlite3_exec(db, pragma, NULL, NULL, NULL);
        }
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        if (rc != SQLITE_OK) {
            int err = (rc & 0xff) == SQLITE_BUSY ? HD_EBUSY : HD_EDB;

            hd_error_set(err, "migrate schema to version %d: %s", version + 1, sqlite3_errmsg(db));
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return err;
        }
    }
}
