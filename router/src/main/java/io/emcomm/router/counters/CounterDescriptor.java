package io.emcomm.router.counters;

import io.emcomm.protocol.wire.NackReason;
import io.emcomm.protocol.wire.Precedence;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The router's counters, each once: what it counts, its unit, the Micrometer meter it is shown as and the field of
 * the status document ({@code GET /status}) it fills, in the manner of Aeron's {@code SystemCounterDescriptor}.
 * {@link RouterCounters} holds one value per constant (indexed by {@link #ordinal()}); the metrics
 * ({@code io.emcomm.router.admin.RouterMetrics}) and the status report ({@code io.emcomm.router.admin.StatusReport})
 * iterate {@link #values()}, so a new counter is declared here and nowhere else.
 *
 * <p>The names are an interface (docs/operations.md, "Metrics" and "The status document"): operators' dashboards
 * and scripts read them, so they are only ever added to. A meter name is Micrometer's dotted name; the Prometheus
 * scrape shows {@code emcomm.messages.published} as {@code emcomm_messages_published_total}. The declaration
 * order is the order of the status document's fields.
 *
 * <p>Thread-safety: immutable.
 */
public enum CounterDescriptor
{
    /** PUBLISH frames received, accepted or not. */
    PUBLISHED(Unit.FRAMES, "PUBLISH frames received",
        "emcomm.messages.published", Breakdown.NONE, Status.totalAndRate("published", "published")),
    /** Messages appended to the journal (published by a terminal or by the router); by precedence. */
    JOURNALED(Unit.MESSAGES, "messages journaled (accepted)",
        "emcomm.messages.in", Breakdown.PRECEDENCE, Status.totalAndRate("journaled", "journaled")),
    /** Retried publishes answered with their original index. */
    DUPLICATES(Unit.MESSAGES, "retried publishes answered with their original index",
        "emcomm.messages.duplicates", Breakdown.NONE, Status.total("duplicates", "duplicates")),
    /**
     * DELIVERY frames handed to a connection; by precedence. The total and the breakdown are counted apart (once
     * per drain and once per frame), as before the counters were enumerated.
     */
    DELIVERED(Unit.FRAMES, "DELIVERY frames written to terminals",
        "emcomm.messages.out", Breakdown.PRECEDENCE, Status.totalAndRate("delivered", "delivered")),
    /** Publishes refused with a PUBLISH_NACK; by NackReason. */
    NACKED(Unit.FRAMES, "publishes refused",
        "emcomm.nacks", Breakdown.NACK_REASON, Status.totalAndRate("nacked", "nacked")),
    /** DELIVERY_ACK frames received. */
    DELIVERY_ACKS(Unit.FRAMES, "DELIVERY_ACK frames received",
        "emcomm.delivery.acks", Breakdown.NONE, Status.rate("delivery_acks", "acks")),
    /** Journaled messages routed, whether or not any live session was reached. */
    ROUTED(Unit.MESSAGES, "messages routed",
        "emcomm.fanout.messages", Breakdown.NONE, Status.NONE),
    /** Live-session deliveries queued by routing; divided by {@link #ROUTED} it is the mean fan-out. */
    ROUTED_COPIES(Unit.MESSAGES, "live-session deliveries queued by routing, all sharing one frame per message"
        + " (rate(copies)/rate(messages) = mean fan-out)",
        "emcomm.fanout.copies", Breakdown.NONE, Status.NONE),
    /** Messages not delivered because they had expired. */
    EXPIRED(Unit.MESSAGES, "messages not delivered because they had expired",
        "emcomm.expired", Breakdown.NONE, Status.total("expired", "expired")),
    /** Position reports not sent to a narrow link because a newer one from the same source was queued. */
    SUPERSEDED(Unit.MESSAGES, "position reports replaced by a newer one on a paced link",
        "emcomm.superseded", Breakdown.NONE, Status.NONE),
    /** Times a session fell behind and went back to reading from the journal. */
    SLOW_CONSUMER_DEFERRALS(Unit.EVENTS, "times a session fell behind and went back to reading from the journal",
        "emcomm.slow.consumer.deferrals", Breakdown.NONE,
        Status.total("slow_consumer_deferrals", "slow-consumer deferrals")),
    /** Sessions closed with SLOW_CONSUMER. */
    SLOW_CONSUMER_DISCONNECTS(Unit.SESSIONS, "sessions disconnected for not reading",
        "emcomm.slow.consumer.disconnects", Breakdown.NONE, Status.total("slow_consumer_disconnects", "disconnects")),
    /** Unacknowledged FLASH messages sent again. */
    FLASH_RESENDS(Unit.FRAMES, "unacknowledged FLASH messages sent again",
        "emcomm.flash.resends", Breakdown.NONE, Status.NONE),
    /** DELIVERED receipts journaled. */
    RECEIPTS(Unit.MESSAGES, "DELIVERED receipts journaled",
        "emcomm.receipts", Breakdown.NONE, Status.NONE),
    /** NOT_DELIVERED receipts journaled. */
    NON_DELIVERY_RECEIPTS(Unit.MESSAGES, "NOT_DELIVERED receipts journaled",
        "emcomm.receipts.not.delivered", Breakdown.NONE, Status.NONE),
    /** ERROR frames sent for bad input. */
    PROTOCOL_ERRORS(Unit.FRAMES, "ERROR frames sent for bad input",
        "emcomm.protocol.errors", Breakdown.NONE, Status.NONE),
    /** Logins accepted. */
    SESSIONS_OPENED(Unit.SESSIONS, "logins accepted",
        "emcomm.sessions.opened", Breakdown.NONE, Status.NONE),
    /** Logins that replaced an older session of the same terminal. */
    SESSIONS_REPLACED(Unit.SESSIONS, "logins that replaced an older session",
        "emcomm.sessions.replaced", Breakdown.NONE, Status.NONE),
    /** Publishes and subscriptions refused by the access policy; no meter, as before. */
    NOT_AUTHORIZED(Unit.FRAMES, "publishes and subscriptions refused by the access policy",
        null, Breakdown.NONE, Status.NONE),
    /** Publishes refused by the per-terminal rate limit; no meter, as before. */
    RATE_LIMITED(Unit.FRAMES, "publishes refused by the rate limit",
        null, Breakdown.NONE, Status.NONE),
    /** Logins refused for bad credentials or certificates; no meter, as before. */
    AUTHENTICATION_FAILURES(Unit.EVENTS, "logins refused for bad credentials",
        null, Breakdown.NONE, Status.NONE),
    /** Messages a peer router forwarded that were journaled here (federation, issue 16). */
    IMPORTED(Unit.MESSAGES, "messages from peer routers journaled",
        "emcomm.imported", Breakdown.NONE, Status.total("imported", "imported")),
    /** Messages a peer router forwarded that were already journaled here (by origin and sequence). */
    IMPORT_DUPLICATES(Unit.MESSAGES, "messages from peer routers already journaled",
        "emcomm.import.duplicates", Breakdown.NONE, Status.total("import_duplicates", "import duplicates")),
    /**
     * Messages a peer router forwarded that were refused: an origin outside the child's region, or an envelope that
     * does not parse. Each is journaled as a security event.
     */
    IMPORT_REFUSED(Unit.MESSAGES, "messages from peer routers refused (origin outside the peer's region, or malformed)",
        "emcomm.import.refused", Breakdown.NONE, Status.total("import_refused", "import refused"));

    /**
     * What one count of a counter is. Documentation only: not given to Micrometer as a base unit, which would
     * rename the Prometheus series ({@code emcomm_expired_messages_total} for {@code emcomm_expired_total}).
     */
    public enum Unit
    {
        /** Protocol frames, received or sent. */
        FRAMES,
        /** Journaled messages (envelopes). */
        MESSAGES,
        /** Terminal sessions (logins). */
        SESSIONS,
        /** Occurrences of a condition. */
        EVENTS;

        /** The unit in lower case, as docs and descriptions spell it. */
        public String label()
        {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * How a counter is split besides its total: one value per slot, slots indexed by a protocol enum's number.
     * A number out of range is counted in slot 0 (unspecified), so an increment never fails on the hot path.
     */
    public enum Breakdown
    {
        /** Only a total. */
        NONE(null, 0),
        /** By {@link Precedence} number (0 unspecified .. 4 FLASH); meters show ROUTINE .. FLASH. */
        PRECEDENCE("precedence", RouterCounters.MAX_PRECEDENCE + 1),
        /** By {@link NackReason} number (0 .. {@link RouterCounters#MAX_NACK_REASON}); meters show 0 as "other". */
        NACK_REASON("reason", RouterCounters.MAX_NACK_REASON + 1);

        private final String tag;
        private final int slots;

        Breakdown(final String tag, final int slots)
        {
            this.tag = tag;
            this.slots = slots;
        }

        /** The meter tag the slots are told apart by ({@code precedence}, {@code reason}); null for NONE. */
        public String tag()
        {
            return tag;
        }

        /** Values kept per counter: the highest number + 1; 0 for NONE. */
        public int slots()
        {
            return slots;
        }

        /** The slot a protocol number is counted in: the number itself, or 0 when it is out of range. */
        public int slot(final int number)
        {
            return number < 0 || number >= slots ? 0 : number;
        }

        /** The slots shown as meters, lowest number first, with their tag values. Control plane: allocates. */
        public List<Member> members()
        {
            final List<Member> members = new ArrayList<>();
            switch (this)
            {
                case PRECEDENCE ->
                {
                    for (final Precedence p : Precedence.values())
                    {
                        // unspecified is counted (slot 0) but never was a series: it is treated as ROUTINE on the wire
                        if (p != Precedence.UNRECOGNIZED && p.getNumber() > 0 && p.getNumber() < slots)
                        {
                            members.add(new Member(p.getNumber(), lower(p)));
                        }
                    }
                }
                case NACK_REASON ->
                {
                    for (final NackReason r : NackReason.values())
                    {
                        if (r != NackReason.UNRECOGNIZED && r.getNumber() < slots)
                        {
                            members.add(new Member(r.getNumber(), r == NackReason.NACK_REASON_UNSPECIFIED ? "other" : lower(r)));
                        }
                    }
                }
                default ->
                {
                    // a total only
                }
            }
            return members;
        }

        private static String lower(final Enum<?> e)
        {
            return e.name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One slot of a {@link Breakdown} as meters show it.
     *
     * @param number the protocol number, the slot's index.
     * @param label the tag value ({@code flash}, {@code bad_sequence}, {@code other}).
     */
    public record Member(int number, String label)
    {
    }

    /**
     * Where a counter appears in the status report.
     *
     * @param field the JSON field name in {@code totals} and {@code rates_per_second}; null when not shown.
     * @param label what the text form ({@code emcomm status}) calls it.
     * @param inTotals shown in {@code totals} (the count since start).
     * @param inRates shown in {@code rates_per_second} (per second over the last ten seconds).
     */
    public record Status(String field, String label, boolean inTotals, boolean inRates)
    {
        /** Not in the status report. */
        public static final Status NONE = new Status(null, null, false, false);

        static Status total(final String field, final String label)
        {
            return new Status(field, label, true, false);
        }

        static Status rate(final String field, final String label)
        {
            return new Status(field, label, false, true);
        }

        static Status totalAndRate(final String field, final String label)
        {
            return new Status(field, label, true, true);
        }
    }

    private final Unit unit;
    private final String description;
    private final String meterName;
    private final Breakdown breakdown;
    private final Status status;

    CounterDescriptor(final Unit unit, final String description, final String meterName, final Breakdown breakdown,
        final Status status)
    {
        this.unit = unit;
        this.description = description;
        this.meterName = meterName;
        this.breakdown = breakdown;
        this.status = status;
    }

    /** What one count is. */
    public Unit unit()
    {
        return unit;
    }

    /** What it counts, in lower case without a final stop; the meter's help text (plus ", by " the breakdown's tag). */
    public String description()
    {
        return description;
    }

    /** Whether it is exported as a Micrometer meter. */
    public boolean hasMeter()
    {
        return meterName != null;
    }

    /**
     * The Micrometer function counter's name, or null when it is not a meter. A counter with a {@link Breakdown}
     * is shown as one series per {@link Breakdown#members() member}, tagged, and its total is not a meter (sum the
     * series).
     */
    public String meterName()
    {
        return meterName;
    }

    /** The meter's help text: the description, and for a breakdown ", by" its tag. */
    public String meterDescription()
    {
        return breakdown == Breakdown.NONE ? description : description + ", by " + breakdown.tag();
    }

    /** How it is split besides its total. */
    public Breakdown breakdown()
    {
        return breakdown;
    }

    /** Where the status report shows it. */
    public Status status()
    {
        return status;
    }
}
