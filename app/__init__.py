"""korus-facts: a citation-first API for the facts of the 2017-2018 KORUS renegotiation."""
