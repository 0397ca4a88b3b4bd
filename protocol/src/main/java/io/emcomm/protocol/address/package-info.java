/**
 * Destination addresses of protocol.md section 5 ({@code terminal:}, {@code channel:}, {@code region:},
 * {@code up:}) and channel patterns: parsing and validation. Immutable values, any thread. Imports nothing of the
 * router or client.
 */
package io.emcomm.protocol.address;
