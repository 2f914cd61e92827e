"""Minutes: drafted from the record, approved side by side, exported as PDF, Word, Markdown."""
