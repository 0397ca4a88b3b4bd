package io.emcomm.router.config;

/** When the journal forces appended messages to disk before they are acknowledged. */
public enum JournalSync
{
    /** Acked once in the page cache (memory-mapped file): survives a process crash, not a power loss. */
    NONE,
    /** Group commit: the journal is msync'd once per read batch of a connection before its acks go out. */
    BATCH
}
