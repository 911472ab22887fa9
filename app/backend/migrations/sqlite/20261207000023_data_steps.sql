-- Changes to stored data that SQL alone cannot make on both engines (search text folded by the
-- server's own rules), run by the server right after the migrations, once: each is recorded here
-- when done (`db::data_steps`).
CREATE TABLE data_steps (
    name TEXT PRIMARY KEY NOT NULL,
    done_at BIGINT NOT NULL
);
