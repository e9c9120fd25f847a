"""The client's form behind a secret link: /c/<token>."""
