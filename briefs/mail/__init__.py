"""Mail: deciding what goes out, wording it, storing it in the outbox and delivering it."""
