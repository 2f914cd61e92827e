"""Press releases (communiqués) of held meetings: drafted from the record, edited by the
secretariat, exported as PDF, Word and HTML, and published on the public pages (`/public`)
and as Open Civic Data / Popolo JSON."""
