-- A project file as Fidget's first schema (version 1) wrote it: no undo log, no flag on
-- segments. test-store loads it with SQLite and opens it to test the migration to the
-- current version. Never edit it to follow the current schema.
PRAGMA application_id = 1178879828;
PRAGMA user_version = 1;
BEGIN;
CREATE TABLE meta (  key   TEXT PRIMARY KEY,  value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE participant (  id         INTEGER PRIMARY KEY,  uuid       TEXT NOT NULL UNIQUE,  code       TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(code) > 0),  gender     TEXT CHECK (gender IN ('female', 'male', 'other')),  age_group  TEXT,  notes      TEXT NOT NULL DEFAULT '',  created_by TEXT,  created_us INTEGER NOT NULL);
CREATE TABLE annotator (  id         INTEGER PRIMARY KEY,  uuid       TEXT NOT NULL UNIQUE,  name       TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) > 0),  created_us INTEGER NOT NULL);
CREATE TABLE body_part (  id       INTEGER PRIMARY KEY,  code     TEXT NOT NULL UNIQUE COLLATE NOCASE,  name     TEXT NOT NULL,  color    TEXT NOT NULL,  position INTEGER NOT NULL);
CREATE TABLE action (  id           INTEGER PRIMARY KEY,  uuid         TEXT NOT NULL UNIQUE,  code         TEXT NOT NULL UNIQUE COLLATE NOCASE,  name         TEXT NOT NULL,  description  TEXT NOT NULL DEFAULT '',  body_part_id INTEGER NOT NULL REFERENCES body_part (id),  model_index  INTEGER UNIQUE CHECK (model_index >= 0),  position     INTEGER NOT NULL,  created_by   TEXT,  created_us   INTEGER NOT NULL);
CREATE TABLE video (  id             INTEGER PRIMARY KEY,  uuid           TEXT NOT NULL UNIQUE,  participant_id INTEGER REFERENCES participant (id),  path           TEXT NOT NULL,  content_hash   TEXT NOT NULL UNIQUE,  size_bytes     INTEGER NOT NULL CHECK (size_bytes >= 0),  container      TEXT,  video_codec    TEXT,  width          INTEGER NOT NULL CHECK (width > 0),  height         INTEGER NOT NULL CHECK (height > 0),  fps_num        INTEGER NOT NULL CHECK (fps_num > 0),  fps_den        INTEGER NOT NULL CHECK (fps_den > 0),  frame_count    INTEGER NOT NULL CHECK (frame_count > 0),  duration_ns    INTEGER NOT NULL CHECK (duration_ns >= 0),  has_audio      INTEGER NOT NULL DEFAULT 0,  imported_by    TEXT,  imported_us    INTEGER NOT NULL);
CREATE TABLE segment (  id           INTEGER PRIMARY KEY,  uuid         TEXT NOT NULL UNIQUE,  video_id     INTEGER NOT NULL REFERENCES video (id),  annotator_id INTEGER NOT NULL REFERENCES annotator (id),  start_frame  INTEGER NOT NULL CHECK (start_frame >= 0),  end_frame    INTEGER NOT NULL CHECK (end_frame > start_frame),  action_id    INTEGER NOT NULL REFERENCES action (id),  emotion      TEXT CHECK (emotion IN ('joy', 'sadness', 'surprise', 'fear', 'anger')),  note         TEXT NOT NULL DEFAULT '',  created_us   INTEGER NOT NULL,  modified_us  INTEGER NOT NULL);
CREATE INDEX segment_by_video ON segment (video_id, start_frame);
CREATE TABLE audit (  id          INTEGER PRIMARY KEY,  at_us       INTEGER NOT NULL,  actor       TEXT,  operation   TEXT NOT NULL,  entity      TEXT NOT NULL,  entity_uuid TEXT,  detail      TEXT);
INSERT INTO meta VALUES ('uuid', '5f1b3c52-8d0e-4b8e-9a57-0d6c1f2a9e31'), ('created_us', '1763769600000000'), ('created_with', 'Fidget 0.0.9');
INSERT INTO body_part (id, code, name, color, position) VALUES (1, 'A', 'body', '#278dff', 0), (2, 'B', 'head', '#d3761b', 1), (6, 'F', 'head-hand', '#c1b55f', 5);
INSERT INTO action (id, uuid, code, name, description, body_part_id, model_index, position, created_us) VALUES
  (1, 'a0000000-0000-4000-8000-000000000001', 'A1', 'shaking body', '', 1, 0, 0, 1763769600000000),
  (6, 'a0000000-0000-4000-8000-000000000006', 'B1', 'nodding', '', 2, 9, 5, 1763769600000000),
  (44, 'a0000000-0000-4000-8000-000000000044', 'F1', 'touching nose', '', 6, 43, 43, 1763769600000000);
INSERT INTO annotator VALUES (1, 'c0000000-0000-4000-8000-000000000001', 'alice', 1763769600000000);
INSERT INTO participant VALUES (1, 'd0000000-0000-4000-8000-000000000001', 'P001', 'female', '26-35', '', 'alice', 1763769600000000);
INSERT INTO video VALUES (1, 'e0000000-0000-4000-8000-000000000001', 1, 'videos/p001.mkv', 'sha256:' || printf('%064d', 1), 123456, 'Matroska', 'H.264', 640, 480, 30, 1, 900, 30000000000, 0, 'alice', 1763769600000000);
INSERT INTO segment VALUES (1, '0b6f7d1e-3a0c-4b0e-8f43-6f1e5b7a2c10', 1, 1, 120, 150, 44, NULL, '', 1763769600000000, 1763769600000000),
  (2, '0b6f7d1e-3a0c-4b0e-8f43-6f1e5b7a2c11', 1, 1, 300, 320, 6, 'joy', 'twice', 1763769600000000, 1763769600000000);
INSERT INTO audit (at_us, actor, operation, entity) VALUES (1763769600000000, NULL, 'create', 'project');
COMMIT;
