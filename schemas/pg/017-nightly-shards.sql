-- pg/017: schemas/017-nightly-shards.sql in PostgreSQL's dialect (the
-- progress of a night's shards; that file says what each column means).
CREATE TABLE nightly_shards (
  day             text NOT NULL,
  shards          bigint NOT NULL CHECK (shards >= 1),
  shard           bigint NOT NULL CHECK (shard BETWEEN 1 AND shards),
  step            text NOT NULL CHECK (step IN ('catalog', 'rated')),
  hold            text,
  done_at         text NOT NULL,
  PRIMARY KEY (day, shards, shard, step)
);
