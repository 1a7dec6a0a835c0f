"""FiveFilters site configs (ftr-site-config, the Instapaper format used by Full-Text RSS, wallabag
and FreshRSS) read as site rule sets: parse.py reads one file, collection.py finds the file serving
a host (the bundled snapshot, site-config.zip, or a user's checkout).

The bundled files are public domain (CC0), by FiveFilters and the collection's contributors
(site-config.zip holds their LICENSE.txt); tools/update_ftr_snapshot.py rebuilds the snapshot."""
