-- Records one fingerprint: binds are (name), then (name, value).
DELETE FROM <% state_table %> WHERE NAME = ?;

INSERT INTO <% state_table %> (NAME, VALUE, UPDATED_AT) SELECT ?, ?, CURRENT_TIMESTAMP();
