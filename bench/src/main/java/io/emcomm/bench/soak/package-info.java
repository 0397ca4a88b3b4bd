/** The soak run: hours of mixed traffic against one router, checking that nothing acknowledged is lost. */
package io.emcomm.bench.soak;
