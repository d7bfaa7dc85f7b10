"""Rate limiters: the `limits` library's moving window over a storage chosen by settings (a
SQLite file shared by the processes of one machine, Redis shared by every host, or the memory
of one process)."""
