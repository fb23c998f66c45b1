"""Generic request-level helpers every layer may use: numbers from outside, rate limits and the client's
address, private downloads and storage, sessions, row-by-row jobs, queueing from a request."""
