package io.emcomm.router.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.testing.AdminHttp;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pins every name the router shows operators — each metric with its help text and series, the status document's
 * {@code rates_per_second} and {@code totals} fields and their text lines — since dashboards and scripts read them
 * (docs/operations.md, "Metrics" and "The status document"). A renamed, lost or added meter fails here first.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class CounterNamesTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every metric family of the scrape, with its help text. */
    private static final Map<String, String> HELP = helpTexts(
        "emcomm_backlog_messages | messages queued or sent-but-unacknowledged, per live terminal",
        "emcomm_delivery_acks_total | DELIVERY_ACK frames received",
        "emcomm_disk_free_bytes | free space on the journal's disk",
        "emcomm_disk_min_free_bytes | free space below which publishes are refused",
        "emcomm_disk_refusing | 1 while publishes are refused for lack of disk",
        "emcomm_expired_total | messages not delivered because they had expired",
        "emcomm_fanout_copies_total | live-session deliveries queued by routing, all sharing one frame per message"
            + " (rate(copies)/rate(messages) = mean fan-out)",
        "emcomm_fanout_messages_total | messages routed",
        "emcomm_imported_total | messages from peer routers journaled",
        "emcomm_import_duplicates_total | messages from peer routers already journaled",
        "emcomm_import_refused_total | messages from peer routers refused (origin outside the peer's region, or malformed)",
        "emcomm_flash_resends_total | unacknowledged FLASH messages sent again",
        "emcomm_journal_append_seconds | time to append one message to the journal",
        "emcomm_journal_append_seconds_max | time to append one message to the journal",
        "emcomm_journal_files | roll files in the journal",
        "emcomm_journal_first_index | first journal index still held",
        "emcomm_journal_last_index | last journal index appended",
        "emcomm_journal_size_bytes | size of the journal's roll files",
        "emcomm_messages_duplicates_total | retried publishes answered with their original index",
        "emcomm_messages_in_total | messages journaled (accepted), by precedence",
        "emcomm_messages_out_total | DELIVERY frames written to terminals, by precedence",
        "emcomm_messages_published_total | PUBLISH frames received",
        "emcomm_nacks_total | publishes refused, by reason",
        "emcomm_outbound_held_bytes | delivery bytes all sessions hold in memory (queued, or written and not on the socket)",
        "emcomm_outbound_limit_bytes | the router-wide budget of those bytes",
        "emcomm_protocol_errors_total | ERROR frames sent for bad input",
        "emcomm_ready | 1 while the router accepts connections and publishes",
        "emcomm_receipts_total | DELIVERED receipts journaled",
        "emcomm_receipts_not_delivered_total | NOT_DELIVERED receipts journaled",
        "emcomm_retention_cursor_overrun_files_total | roll files deleted by the size limit although a terminal's cursor"
            + " still needed them",
        "emcomm_retention_deleted_files_total | roll files deleted by retention",
        "emcomm_retention_held_files | roll files past the age limit kept because a terminal's cursor still needs them",
        "emcomm_sessions | live sessions, by terminal kind",
        "emcomm_sessions_opened_total | logins accepted",
        "emcomm_sessions_replaced_total | logins that replaced an older session",
        "emcomm_slow_consumer_deferrals_total | times a session fell behind and went back to reading from the journal",
        "emcomm_slow_consumer_disconnects_total | sessions disconnected for not reading",
        "emcomm_superseded_total | position reports replaced by a newer one on a paced link");

    /** Every series of the scrape but the append histogram's buckets, with one session (uav-1) connected. */
    private static final List<String> SERIES = List.of(
        "emcomm_backlog_messages{terminal=\"cp-5201\"}", "emcomm_backlog_messages{terminal=\"cp-5201-b\"}",
        "emcomm_backlog_messages{terminal=\"uav-1\"}",
        "emcomm_delivery_acks_total", "emcomm_disk_free_bytes", "emcomm_disk_min_free_bytes", "emcomm_disk_refusing",
        "emcomm_expired_total", "emcomm_fanout_copies_total", "emcomm_fanout_messages_total", "emcomm_flash_resends_total",
        "emcomm_imported_total", "emcomm_import_duplicates_total", "emcomm_import_refused_total",
        "emcomm_journal_append_seconds_count", "emcomm_journal_append_seconds_sum", "emcomm_journal_append_seconds_max",
        "emcomm_journal_files", "emcomm_journal_first_index", "emcomm_journal_last_index", "emcomm_journal_size_bytes",
        "emcomm_messages_duplicates_total",
        "emcomm_messages_in_total{precedence=\"flash\"}", "emcomm_messages_in_total{precedence=\"immediate\"}",
        "emcomm_messages_in_total{precedence=\"priority\"}", "emcomm_messages_in_total{precedence=\"routine\"}",
        "emcomm_messages_out_total{precedence=\"flash\"}", "emcomm_messages_out_total{precedence=\"immediate\"}",
        "emcomm_messages_out_total{precedence=\"priority\"}", "emcomm_messages_out_total{precedence=\"routine\"}",
        "emcomm_messages_published_total",
        "emcomm_nacks_total{reason=\"bad_address\"}", "emcomm_nacks_total{reason=\"bad_sequence\"}",
        "emcomm_nacks_total{reason=\"expired_on_arrival\"}", "emcomm_nacks_total{reason=\"journal_unavailable\"}",
        "emcomm_nacks_total{reason=\"malformed_envelope\"}", "emcomm_nacks_total{reason=\"no_destination\"}",
        "emcomm_nacks_total{reason=\"not_authorized\"}", "emcomm_nacks_total{reason=\"origin_mismatch\"}",
        "emcomm_nacks_total{reason=\"other\"}", "emcomm_nacks_total{reason=\"rate_limited\"}",
        "emcomm_nacks_total{reason=\"stale_sequence\"}", "emcomm_nacks_total{reason=\"too_many_destinations\"}",
        "emcomm_outbound_held_bytes", "emcomm_outbound_limit_bytes", "emcomm_protocol_errors_total", "emcomm_ready",
        "emcomm_receipts_total", "emcomm_receipts_not_delivered_total", "emcomm_retention_cursor_overrun_files_total",
        "emcomm_retention_deleted_files_total", "emcomm_retention_held_files",
        "emcomm_sessions{kind=\"air\"}", "emcomm_sessions{kind=\"command_post\"}", "emcomm_sessions{kind=\"ground\"}",
        "emcomm_sessions{kind=\"space\"}", "emcomm_sessions_opened_total", "emcomm_sessions_replaced_total",
        "emcomm_slow_consumer_deferrals_total", "emcomm_slow_consumer_disconnects_total", "emcomm_superseded_total");

    @TempDir
    Path dir;

    @Test
    void everyMetricAndStatusFieldKeepsItsName() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102");
             TestTerminal post = TestTerminal.login(router.port(), "cp-5201", TerminalKind.COMMAND_POST, "5201");
             TestTerminal second = TestTerminal.login(router.port(), "cp-5201-b", TerminalKind.COMMAND_POST, "5201"))
        {
            // distinct totals, so that a status field reading the wrong counter shows:
            // published 5, journaled 3, duplicates 1, nacked 1, delivered 6 (two posts), acks 2
            final Envelope first = uav.text("routine 0", Precedence.ROUTINE, "up:520102").build();
            final long index = uav.publish(first).getJournalIndex();
            uav.publish(uav.text("routine 1", Precedence.ROUTINE, "up:520102").build());
            uav.publish(uav.text("flash", Precedence.FLASH, "up:520102").build());
            assertTrue(uav.publish(first).getDuplicate(), "a retry is a duplicate");
            uav.publishExpectingNack(Envelope.newBuilder().setOrigin("uav-1").setOriginSequence(0).addTo("up:520102").build());
            for (int i = 0; i < 3; i++)
            {
                post.awaitDelivery();
                second.awaitDelivery();
            }
            post.ack(index);
            second.ack(index);
            post.sync();
            second.sync();

            final String scrape = AdminHttp.get(router.adminPort(), "/metrics").body();
            assertEquals(HELP, helpOf(scrape));
            assertEquals(new TreeSet<>(SERIES), seriesOf(scrape));

            final JsonNode status = JSON.readTree(AdminHttp.get(router.adminPort(), "/status").body());
            assertEquals(List.of("published", "journaled", "delivered", "nacked", "delivery_acks"),
                fieldNames(status.get("rates_per_second")));
            assertEquals(List.of("published", "journaled", "duplicates", "delivered", "nacked", "expired",
                "slow_consumer_deferrals", "slow_consumer_disconnects", "imported", "import_duplicates", "import_refused"),
                fieldNames(status.get("totals")));
            assertEquals("{\"published\":5,\"journaled\":3,\"duplicates\":1,\"delivered\":6,\"nacked\":1,\"expired\":0,"
                + "\"slow_consumer_deferrals\":0,\"slow_consumer_disconnects\":0,\"imported\":0,\"import_duplicates\":0,"
                + "\"import_refused\":0}", status.get("totals").toString());

            final String text = AdminHttp.get(router.adminPort(), "/status?format=text").body();
            assertTrue(text.contains("\ntotals    published 5  journaled 3  duplicates 1  delivered 6  nacked 1  expired 0"
                + "  slow-consumer deferrals 0  disconnects 0  imported 0  import duplicates 0  import refused 0\n"), text);
            assertTrue(text.matches("(?s).*\nrates/s   published \\d+\\.\\d  journaled \\d+\\.\\d  delivered \\d+\\.\\d"
                + "  nacked \\d+\\.\\d  acks \\d+\\.\\d\n.*"), text);
        }
    }

    private static Map<String, String> helpTexts(final String... lines)
    {
        final Map<String, String> help = new TreeMap<>();
        for (final String line : lines)
        {
            final int bar = line.indexOf(" | ");
            help.put(line.substring(0, bar), line.substring(bar + 3));
        }
        return help;
    }

    private static Map<String, String> helpOf(final String scrape)
    {
        final Map<String, String> help = new TreeMap<>();
        for (final String line : scrape.split("\n"))
        {
            if (line.startsWith("# HELP "))
            {
                final String rest = line.substring("# HELP ".length());
                final int space = rest.indexOf(' ');
                help.put(rest.substring(0, space), rest.substring(space + 1));
            }
        }
        return help;
    }

    private static TreeSet<String> seriesOf(final String scrape)
    {
        final TreeSet<String> series = new TreeSet<>();
        for (final String line : scrape.split("\n"))
        {
            if (!line.isEmpty() && !line.startsWith("#") && !line.contains("_bucket{"))
            {
                series.add(line.substring(0, line.lastIndexOf(' ')));
            }
        }
        return series;
    }

    private static List<String> fieldNames(final JsonNode object)
    {
        final List<String> names = new ArrayList<>();
        for (final Iterator<String> it = object.fieldNames(); it.hasNext(); )
        {
            names.add(it.next());
        }
        return names;
    }
}
