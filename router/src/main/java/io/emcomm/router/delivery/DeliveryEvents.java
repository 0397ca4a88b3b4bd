package io.emcomm.router.delivery;

/**
 * What delivery tells the rest of the router about end-to-end outcomes, so that receipts and escalation
 * are published like any other message (journaled, routed, caught up by an offline origin).
 */
public interface DeliveryEvents
{
    /** {@code terminalId} acknowledged the message at {@code index}, which asked for receipts. */
    void delivered(long index, String terminalId);

    /** A FLASH message at {@code index} was not acknowledged by {@code terminalId} in time, even after a resend. */
    void notDelivered(long index, String terminalId, String terminalRegion);
}
