/**
 * Delivery to one terminal (docs/delivery.md): a feed that catches up from the journal and then takes live
 * deliveries, precedence queues, the in-flight cap, link shaping, expiry, FLASH resend and non-delivery receipts,
 * slow consumers and the memory budgets. A feed runs on its session's event loop; the publishing loop hands it
 * live frames. May import: config, counters, journal, terminal, address, security.
 */
package io.emcomm.router.delivery;
