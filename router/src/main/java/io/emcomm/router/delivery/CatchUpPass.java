package io.emcomm.router.delivery;

/**
 * The passes of a catch-up over a terminal's backlog, in this order (protocol.md section 7.4, delivery.md
 * "Precedence"); see {@link CatchUpReader}.
 */
enum CatchUpPass
{
    /** FLASH and IMMEDIATE only, to the journal's end, without flow control; only FLASH is written meanwhile. */
    URGENT,
    /** PRIORITY only, to the journal's end, under the window and queue limits. */
    PRIORITY,
    /** Everything else, in journal order; the only pass that moves {@code takenThrough}; ends by turning live. */
    REST
}
