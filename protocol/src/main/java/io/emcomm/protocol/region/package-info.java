/**
 * Region codes (GB/T 2260 administrative division codes, truncated to the level: province 2 digits, city 4, county
 * 6, town 9, village 12) and their containment by prefix. Immutable, any thread. Imports nothing.
 */
package io.emcomm.protocol.region;
