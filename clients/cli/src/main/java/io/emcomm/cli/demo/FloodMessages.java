package io.emcomm.cli.demo;

import io.emcomm.client.Message;
import io.emcomm.protocol.wire.Alert;
import io.emcomm.protocol.wire.Precedence;

import java.time.Duration;

/**
 * The messages of the flood in Guiyang that the single-router demo and the cluster demo both send, written once so
 * the two scenarios stay the same story. Each call builds a new {@link Message}.
 */
final class FloodMessages
{
    private FloodMessages()
    {
    }

    /** The city's FLASH flood warning for region 5201 (CAP-style alert, extreme), valid six hours. */
    static Message floodAlert()
    {
        return Message.alert("Flood", Alert.Severity.EXTREME, "Flash flood: Nanming River rising 1 m/h, move to high ground now",
            "5201").precedence(Precedence.FLASH).ttl(Duration.ofHours(6));
    }

    /** A vehicle's IMMEDIATE incident report from Nanming county (520102). */
    static Message carParkFlooded()
    {
        return Message.incident("flood", "520102", "Car park at Qingyun Rd under 1.2 m of water, 6 people on a roof")
            .precedence(Precedence.IMMEDIATE);
    }

    /** A BeiDou terminal's PRIORITY reading of the Huaxi reservoir. */
    static Message reservoirRising()
    {
        return Message.text("Huaxi reservoir 1132.4 m, +0.3 m in the last hour").precedence(Precedence.PRIORITY);
    }
}
