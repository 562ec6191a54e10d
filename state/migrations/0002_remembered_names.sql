-- Names each source has returned, remembered so that a member named in
-- another member's post is redacted whichever batch the two came in
-- (hearken_deid::RememberedNames). Never a name: `fingerprint` is
-- SipHash-1-3 under a key derived from the data directory's pseudonym key,
-- over the word's 64-bit token fingerprint, stored as the BIGINT with the
-- same bits. `kind` is hearken_deid::NameKind's code. `author` is the
-- pseudonym of the author whose name it came from, so that
-- `hearken forget --author` can drop what that author's name left here.
CREATE TABLE remembered_names (
    source       TEXT   NOT NULL,
    fingerprint  BIGINT NOT NULL,
    kind         BIGINT NOT NULL,
    author       TEXT   NOT NULL,
    PRIMARY KEY (source, fingerprint, kind, author)
);

CREATE INDEX remembered_names_by_author ON remembered_names (author);
