/**
 * Receipts (protocol.md section 7): NOT_DELIVERED and escalation of FLASH messages, journaled and routed as
 * envelopes from the router's own origin through the sequencer. May import: the layers below it, config to sequence.
 */
package io.emcomm.router.receipt;
