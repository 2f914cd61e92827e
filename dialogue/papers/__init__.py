"""The papers of a meeting day: the sign-in sheet, the letters of convocation on the
institution's letterhead."""
