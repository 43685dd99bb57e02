-- Contacts search: a trigram full-text index over what the contacts list's
-- search box matches, so that a search reads the matching contacts instead
-- of the names of every contact in scope.
--
-- Trigrams index every run of three characters, so a phrase query finds
-- text containing the search anywhere, like `LIKE '%…%'`. The index holds
-- the names folded the way `LIKE` folds them (`lower()` changes A–Z only;
-- the list lowers the search the same way) and the phone number's digits
-- (spaces and `+` left out), and compares them case-sensitively: it finds
-- exactly the contacts `LIKE` would. A search of fewer than three
-- characters holds no trigram; the list then tests every contact in scope
-- with `LIKE`, as before.
--
-- Keyed by the rowid of `contacts`. Derived data, like the projection:
-- kept by the triggers below whatever order the projection writes rows in
-- (a rebuild deletes and inserts), and rebuilt with it.
CREATE VIRTUAL TABLE contact_search USING fts5(
    given_name, family_name, alias, phone_digits, tokenize = 'trigram case_sensitive 1'
);
INSERT INTO contact_search (rowid, given_name, family_name, alias, phone_digits)
    SELECT rowid, lower(given_name), lower(family_name), lower(alias), replace(replace(phone, ' ', ''), '+', '')
    FROM contacts;
CREATE TRIGGER contact_search_added AFTER INSERT ON contacts BEGIN
    INSERT INTO contact_search (rowid, given_name, family_name, alias, phone_digits)
        VALUES (NEW.rowid, lower(NEW.given_name), lower(NEW.family_name), lower(NEW.alias),
                replace(replace(NEW.phone, ' ', ''), '+', ''));
END;
CREATE TRIGGER contact_search_removed AFTER DELETE ON contacts BEGIN
    DELETE FROM contact_search WHERE rowid = OLD.rowid;
END;
CREATE TRIGGER contact_search_changed AFTER UPDATE ON contacts BEGIN
    DELETE FROM contact_search WHERE rowid = OLD.rowid;
    INSERT INTO contact_search (rowid, given_name, family_name, alias, phone_digits)
        VALUES (NEW.rowid, lower(NEW.given_name), lower(NEW.family_name), lower(NEW.alias),
                replace(replace(NEW.phone, ' ', ''), '+', ''));
END;

-- Erasure. A delete only marks an entry deleted; its trigrams (positions
-- included, enough to spell the name) stay in older index segments until
-- FTS5 merges them. So when a document is erased, the index is rewritten
-- at once without them (`optimize`: about 0.3 s at 200,000 contacts, paid
-- by erasures only). Deleting every entry securely instead ('secure-delete')
-- would cost about 4 ms for each contact an edit rewrites.
CREATE TRIGGER contact_search_erased AFTER INSERT ON erased BEGIN
    INSERT INTO contact_search (contact_search) VALUES ('optimize');
END;
