"""The factual timeline of a brief or a client: who asked, who answered, who waited."""
